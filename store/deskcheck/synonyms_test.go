package deskcheck

import "testing"

// The judge reads the synonym table the 清单 search reads
// (assets/data/synonyms.json): abbreviations only that table knows are
// understood.
func TestSharedSynonyms(t *testing.T) {
	c := checker(t)
	for _, tc := range []struct{ request, top string }{
		{"综治", "社会治安综合治理"},
		{"普法", "法制宣传"},
		{"低保", "最低生活保障"},
	} {
		r := c.Check(tc.request, nil, today)
		if r.Verdict != MustDo || !contains(r.Matches[0].Item.Text, tc.top) {
			t.Errorf("%s: %s (%d matches)", tc.request, r.Verdict, len(r.Matches))
		}
	}
}
