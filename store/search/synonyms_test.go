package search

import (
	"slices"
	"strings"
	"testing"

	"taizhang/assets"
)

func TestSynonymsReplace(t *testing.T) {
	s := DefaultSynonyms()
	tests := []struct{ in, want string }{
		{"低保申请初审", "最低生活保障申请初审"},
		{"计生奖励", "计划生育奖励"},
		{"社保", "社会保险"},
		{"居住证明", "居住证明"}, // an exception: not a 居住证
		{"办居住证", "办居住证受理"},
		{"养老保险", "基本养老保险"}, // the longer word, not 社保 or 医保
		{"消防宣传", "消防宣传"},
	}
	for _, tt := range tests {
		if got := s.Replace(tt.in); got != tt.want {
			t.Errorf("Replace(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSynonymsExpand(t *testing.T) {
	s := DefaultSynonyms()
	tests := []struct {
		query string
		want  []string
	}{
		{"低保", []string{"最低生活保障"}},
		{"dibao", []string{"最低生活保障"}},
		{"DIBAO", []string{"最低生活保障"}},
		{"db", []string{"最低生活保障"}},
		{"社保", []string{"社会保险", "社会保障"}},
		{"shebao", []string{"社会保险", "社会保障"}},
		{"低保户", []string{"最低生活保障户"}},
		{"di", nil},   // not yet the whole word
		{"jzzm", nil}, // a phrase of the lists, not a synonym
		{"居住证明", nil},
	}
	for _, tt := range tests {
		if got := s.Expand(tt.query); !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%s) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

// The 清单 search with synonyms: 低保 and dibao find 附件2 第25项, which
// says 最低生活保障, and the words stay highlighted where the list has them.
func TestSynonymsInListSearch(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ix := New(nil)
	ix.SetSynonyms(DefaultSynonyms())
	var texts []string
	for _, l := range cat.Lists {
		for _, it := range l.Items {
			ix.Add(uint64(len(texts)), Field{it.Text, Text})
			texts = append(texts, it.Text)
		}
	}
	for _, q := range []string{"低保", "dibao", "ＤＩＢＡＯ"} {
		hs := ix.Search(q, 0)
		if len(hs) != 1 || !strings.Contains(texts[hs[0].ID], "最低生活保障") {
			t.Fatalf("%s: %v", q, hs)
		}
		sp := hs[0].Spans[0]
		if got := string([]rune(texts[hs[0].ID])[sp.Start:sp.End]); got != "最低生活保障" {
			t.Errorf("%s highlights %q", q, got)
		}
	}
	// Without synonyms nothing says 低保.
	ix.SetSynonyms(nil)
	if hs := ix.Search("低保", 0); len(hs) != 0 {
		t.Errorf("低保 without synonyms: %v", hs)
	}
}
