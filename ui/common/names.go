package common

import (
	"strings"
	"sync"

	"taizhang/assets"
)

// ShortName fits a requester's or a unit's name into w cells, keeping the
// part that tells one row from the next. Names in a list often start the
// same (长治市潞州区…) and end the same (…有限公司): when the name is too
// wide, the leading place names (山西省, 长治市, the counties of Changzhi,
// old names too) go first, then a trailing company form, and only then is
// the end cut.
func ShortName(s string, w int) string {
	s = Display(s)
	if Width(s) <= w {
		return s
	}
	for _, p := range placeNames() {
		if rest := strings.TrimPrefix(s, p); rest != s && rest != "" {
			s = rest
			if Width(s) <= w {
				return s
			}
		}
	}
	for _, suffix := range []string{"股份有限公司", "有限责任公司", "有限公司"} {
		if rest := strings.TrimSuffix(s, suffix); rest != s && rest != "" {
			s = rest
			break
		}
	}
	return Truncate(s, w)
}

var (
	placesOnce sync.Once
	places     []string
)

// placeNames are the province, the city and its counties, in the order
// they appear in a name.
func placeNames() []string {
	placesOnce.Do(func() {
		places = []string{"山西省", "长治市"}
		if d, err := assets.LoadDivisions(); err == nil {
			for _, v := range append(d.Current, d.Legacy...) {
				// 城区 and 郊区 (old names) begin ordinary words too.
				if len([]rune(v.Name)) > 2 || !strings.HasSuffix(v.Name, "区") {
					places = append(places, v.Name)
				}
			}
		}
	})
	return places
}
