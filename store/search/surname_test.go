package search

import "testing"

// A surname without an override is read its usual way only: 邓 has a rare
// reading shan in the dictionary, but 邓俊熙 is not found by shanjx.
func TestSurnamePrimaryReading(t *testing.T) {
	ix := New(nil)
	ix.Add(1, Field{Text: "邓俊熙", Kind: Name})
	ix.Add(2, Field{Text: "单雄信", Kind: Name})
	if h := ix.Search("shanjx", 0); len(h) != 0 {
		t.Errorf("shanjx found %v", h)
	}
	if h := ix.Search("dengjx", 0); len(h) != 1 || h[0].ID != 1 {
		t.Errorf("dengjx: %v", h)
	}
	if h := ix.Search("shanxx", 0); len(h) != 1 || h[0].ID != 2 {
		t.Errorf("shanxx: %v", h)
	}
	// Given names keep every reading.
	ix.Add(3, Field{Text: "王乐", Kind: Name})
	for _, q := range []string{"wangle", "wangyue"} {
		if h := ix.Search(q, 0); len(h) != 1 || h[0].ID != 3 {
			t.Errorf("%s: %v", q, h)
		}
	}
}
