package common

import (
	"slices"
	"testing"

	"taizhang/assets"
)

func TestClipDetail(t *testing.T) {
	lines := []string{"head", "依据：", "  a", "整理说明：", "  b", "  c"}
	for _, c := range []struct {
		n    int
		want []string
	}{
		{10, lines},
		{6, lines},
		{5, []string{"head", "依据：", "  a", "more"}},
		{4, []string{"head", "依据：", "  a", "more"}},
		{3, []string{"head", "more"}},
	} {
		if got := ClipDetail(lines, c.n, "more"); !slices.Equal(got, c.want) {
			t.Errorf("ClipDetail(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

func TestItemSectionsAndMark(t *testing.T) {
	it := &assets.Item{Text: "t", Basis: []string{"b1", "b2"}, NoteZh: "n"}
	got := ItemSections(it)
	if len(got) != 2 || got[0].Label != "依据：" || !slices.Equal(got[0].Texts, it.Basis) || got[1].Label != "整理说明：" || got[1].Texts[0] != "n" {
		t.Errorf("sections %+v", got)
	}
	if ItemMark(it) != "[注] " || ItemMark(&assets.Item{Text: "t"}) != "" {
		t.Error("mark")
	}
}
