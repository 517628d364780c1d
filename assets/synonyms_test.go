package assets

import (
	"slices"
	"strings"
	"testing"
)

func TestSynonymsParse(t *testing.T) {
	list, err := Synonyms()
	if err != nil {
		t.Fatal(err)
	}
	byWord := map[string]Synonym{}
	for _, s := range list {
		byWord[s.Word] = s
	}
	// The abbreviations a worker hears at the desk are all there.
	for _, w := range []string{"低保", "计生", "社保", "医保", "创城", "创卫", "政审", "残联", "网格"} {
		if _, ok := byWord[w]; !ok {
			t.Errorf("%s missing", w)
		}
	}
	if s := byWord["低保"]; !slices.Equal(s.Means, []string{"最低生活保障"}) {
		t.Errorf("低保 = %v", s.Means)
	}
	if s := byWord["居住证"]; !slices.Contains(s.Except, "居住证明") {
		t.Errorf("居住证 except = %v", s.Except)
	}
	// A standard wording that the lists use is spelled as the lists spell it.
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, l := range cat.Lists {
		for _, it := range l.Items {
			all.WriteString(it.Category + it.Text + strings.Join(it.Basis, "") + "\n")
		}
	}
	for _, w := range []string{"低保", "计生", "社保", "残联", "综治", "普法", "老龄", "妇联", "征兵", "失业证", "去世"} {
		if m := byWord[w].Means[0]; !strings.Contains(all.String(), m) {
			t.Errorf("%s: %s is not in the lists", w, m)
		}
	}
}

func TestValidateSynonymsRefuses(t *testing.T) {
	for _, bad := range [][]Synonym{
		{{Word: "", Means: []string{"x"}}},
		{{Word: "低保", Means: nil}},
		{{Word: "低保", Means: []string{"低保"}}},
		{{Word: "低保", Means: []string{"a"}}, {Word: "低保", Means: []string{"b"}}},
		{{Word: "居住证", Means: []string{"居住证受理"}, Except: []string{"证明"}}},
	} {
		if err := validateSynonyms(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
