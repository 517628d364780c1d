package deskcheck

import (
	"strings"
	"testing"

	"taizhang/assets"
)

// The shared synonym table (assets/data/synonyms.json, which the 清单 and
// 证明 searches read) and the judge's item keywords (deskcheck.json) must
// agree: every abbreviation the table spells as words some list item uses
// leads the judge to an item with those words. The judge keeps its own
// keywords because it must also decide which item and whether it is sure.
func TestSharedSynonyms(t *testing.T) {
	c := checker(t)
	syns, err := assets.Synonyms()
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := assets.LoadCatalog()
	// inLists says whether some item uses the words, and whether that item
	// is a certificate (asked for as 开个…证明).
	inLists := func(words string) (found, cert bool) {
		for _, l := range cat.Lists {
			for _, it := range l.Items {
				if strings.Contains(it.Text, words) {
					return true, l.ID == assets.Certificates
				}
			}
		}
		return false, false
	}
	checked := 0
	for _, s := range syns {
		std := s.Means[0]
		found, cert := inLists(std)
		if !found {
			continue
		}
		checked++
		request := s.Word
		if cert {
			request = "开个" + s.Word + "证明"
		}
		r := c.Check(request, nil, today)
		hit := false
		for _, m := range r.Matches {
			hit = hit || strings.Contains(m.Text(), std)
		}
		if !hit {
			t.Errorf("%s (= %s): the judge finds %d matches, none with %s", request, std, len(r.Matches), std)
		}
	}
	if checked < 3 {
		t.Errorf("only %d synonyms name list items", checked)
	}
}
