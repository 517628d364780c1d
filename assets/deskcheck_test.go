package assets

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// deskcheck.json parses, covers every list item, and every keyword of it
// passes the checks: not made of generic words, highlighting words the
// item text holds.
func TestDeskWords(t *testing.T) {
	w, err := LoadDeskWords()
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := LoadCatalog()
	n := 0
	for _, l := range cat.Lists {
		n += len(l.Items)
	}
	if len(w.Items) != n {
		t.Errorf("%d items have words, the lists have %d", len(w.Items), n)
	}
	for _, g := range []string{"工作", "活动", "开展", "协助", "办理"} {
		if !slices.Contains(w.Generic, g) {
			t.Errorf("generic words lack %s", g)
		}
	}
	var low *ItemWords
	for i := range w.Items {
		if w.Items[i].List == Assist && w.Items[i].No == 25 {
			low = &w.Items[i]
		}
	}
	if low == nil || !slices.Contains(low.Strong, "低保=最低生活保障") {
		t.Fatalf("附件2 第25项 words %+v", low)
	}
}

func TestParseTerm(t *testing.T) {
	for _, tc := range []struct {
		term, text   string
		parts, marks []string
	}{
		{"消防+宣传", "协助开展消防宣传", []string{"消防", "宣传"}, []string{"消防", "宣传"}},
		{"低保=最低生活保障", "做好社区居民最低生活保障工作", []string{"低保"}, []string{"最低生活保障"}},
		{"入伍+政审", "出具应征入伍政审鉴定意见", []string{"入伍", "政审"}, []string{"入伍", "政审"}},
		{"寒假+实践=寒暑假+实践", "学生寒暑假参加社区实践活动证明", []string{"寒假", "实践"}, []string{"寒暑假", "实践"}},
		{"当兵+政审", "出具应征入伍政审鉴定意见", []string{"当兵", "政审"}, []string{"政审"}},
	} {
		got := ParseTerm(tc.term, tc.text)
		if !slices.Equal(got.Parts, tc.parts) || !slices.Equal(got.Marks, tc.marks) {
			t.Errorf("%s: %+v", tc.term, got)
		}
	}
}

// The loader refuses words that would let a generic word carry a match,
// highlight nothing, or leave an item without words.
func TestDeskWordsRefuses(t *testing.T) {
	cat, _ := LoadCatalog()
	fresh := func() *DeskWords {
		b, _ := files.ReadFile("data/deskcheck.json")
		var w DeskWords
		if err := json.Unmarshal(b, &w); err != nil {
			t.Fatal(err)
		}
		if err := w.validate(cat); err != nil {
			t.Fatalf("embedded words: %v", err)
		}
		return &w
	}
	for name, spoil := range map[string]func(w *DeskWords){
		"generic term":          func(w *DeskWords) { w.Items[0].Strong = append(w.Items[0].Strong, "开展+工作") },
		"generic with one rune": func(w *DeskWords) { w.Items[0].Weak = append(w.Items[0].Weak, "宣传法") },
		"marks nothing":         func(w *DeskWords) { w.Items[0].Strong = append(w.Items[0].Strong, "低保") },
		"anchor not in text":    func(w *DeskWords) { w.Items[0].Strong = append(w.Items[0].Strong, "普法=普法") },
		"empty part":            func(w *DeskWords) { w.Items[0].Strong = append(w.Items[0].Strong, "宪法+") },
		"item missing":          func(w *DeskWords) { w.Items = w.Items[1:] },
		"item twice":            func(w *DeskWords) { w.Items = append(w.Items, w.Items[0]) },
		"no such item":          func(w *DeskWords) { w.Items[0].No = 99 },
		"no generic words":      func(w *DeskWords) { w.Generic = nil },
	} {
		w := fresh()
		spoil(w)
		if err := w.validate(cat); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), "assets: deskcheck.json") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
