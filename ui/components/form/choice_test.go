package form

import (
	"testing"

	"taizhang/assets"
	"taizhang/ui/common"
)

// The 县（市、区） picker: typed characters, pinyin or initials choose the
// county, the best match first.
func TestChoiceFindsByPinyin(t *testing.T) {
	divs, err := assets.LoadDivisions()
	if err != nil {
		t.Fatal(err)
	}
	var opts []Option
	for _, d := range divs.Current {
		opts = append(opts, Option{Value: d.Code, Label: d.Name + " " + d.Code})
	}
	tests := []struct{ query, want string }{
		{"xiangyuan", "140423"}, // 襄垣县
		{"xy", "140423"},
		{"luzhou", "140403"}, // 潞州区
		{"lz", "140403"},
		{"LZ", "140403"},
		{"zhangzi", "140428"}, // 长子县: the place reading, not chang
		{"qy", "140431"},      // 沁源县
		{"x", "140423"},       // 襄垣县 begins with x; 沁县 only holds it
		{"县", "140423"},       // the first label that holds it
		{"140405", "140405"},  // 屯留区 by its code
		{"屯留", "140405"},
	}
	for _, tt := range tests {
		st := common.DefaultStyles()
		m := New(&st, &Field{Key: "county", Label: "县（市、区）", Kind: Choice, Options: opts})
		m = keys(m, typed(tt.query)...)
		if got := m.Values()["county"]; got != tt.want {
			t.Errorf("%s: %q, want %q", tt.query, got, tt.want)
		}
	}
}
