package assets

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPinyinOverridesRequired(t *testing.T) {
	surnames, places, err := PinyinOverrides()
	if err != nil {
		t.Fatal(err)
	}
	// Every entry has one reading list per character, each non-empty.
	for name, m := range map[string]map[string][][]string{"surnames": surnames, "places": places} {
		for w, per := range m {
			if len(per) != utf8.RuneCountInString(w) {
				t.Errorf("%s %s: %d reading lists", name, w, len(per))
			}
			for _, rs := range per {
				if len(rs) == 0 {
					t.Errorf("%s %s: empty reading list", name, w)
				}
			}
		}
	}
	wantSurnames := map[string]string{
		"单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao",
		"查": "zha", "盖": "ge", "乐": "yue le", "员": "yun", "覃": "qin", "缪": "miao",
		"翟": "zhai", "秘": "bi", "折": "she", "黑": "he", "繁": "po", "召": "shao",
		"种": "chong", "隗": "wei", "祭": "zhai", "句": "gou", "过": "guo", "宓": "fu",
		"眭":  "sui",
		"尉迟": "yu chi", "万俟": "mo qi", "长孙": "zhang sun", "欧阳": "ou yang",
		"司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "东方": "dong fang",
		"皇甫": "huang fu", "令狐": "ling hu", "夏侯": "xia hou", "慕容": "mu rong",
		"司徒": "si tu", "公孙": "gong sun", "宇文": "yu wen",
	}
	for w, want := range wantSurnames {
		checkHas(t, "surname", surnames, w, want)
	}
	wantPlaces := map[string]string{
		"长治": "chang zhi", "潞州": "lu zhou", "屯留": "tun liu", "长子": "zhang zi",
		"沁县": "qin xian", "壶关": "hu guan", "黎城": "li cheng", "襄垣": "xiang yuan",
		"平顺": "ping shun", "武乡": "wu xiang", "沁源": "qin yuan", "上党": "shang dang",
		"潞城": "lu cheng",
	}
	for w, want := range wantPlaces {
		checkHas(t, "place", places, w, want)
	}
	if got := surnames["乐"]; !reflect.DeepEqual(got, [][]string{{"yue", "le"}}) {
		t.Errorf("乐 = %v", got)
	}
}

// checkHas asserts that the readings in want (space separated; for a single
// character, alternatives; for a phrase, one per character) are all present.
func checkHas(t *testing.T, what string, m map[string][][]string, w, want string) {
	t.Helper()
	per, ok := m[w]
	if !ok {
		t.Errorf("%s %s missing", what, w)
		return
	}
	ws := strings.Fields(want)
	for i, r := range ws {
		c := 0
		if len(per) > 1 {
			c = i
		}
		if c >= len(per) || !hasReading(per[c], r) {
			t.Errorf("%s %s: %v lacks %q", what, w, per, r)
		}
	}
}

func TestParsePinyinOverrides(t *testing.T) {
	m, err := parsePinyinOverrides([]byte("# c\n\n乐 yue le  # trailing\n欧阳 ou yang\n覃 qin tan qin\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][][]string{
		"乐":  {{"yue", "le"}},
		"欧阳": {{"ou"}, {"yang"}},
		"覃":  {{"qin", "tan"}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %v", m)
	}
	for _, bad := range []string{"欧阳 ou", "单", "单 Shan", "单 shàn", "单 shan\n单 dan"} {
		if _, err := parsePinyinOverrides([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
