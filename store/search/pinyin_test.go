package search

import (
	"slices"
	"testing"

	gopinyin "github.com/mozillazg/go-pinyin"
)

// The fast tone stripper agrees with go-pinyin's Normal style, heteronyms on,
// for every character in its dictionary (readings that are not plain ASCII,
// such as ê or m̄, are dropped: they cannot be typed).
func TestReadingsMatchGoPinyin(t *testing.T) {
	p := DefaultPinyin()
	a := gopinyin.NewArgs()
	a.Heteronym = true
	for code := range gopinyin.PinyinDict {
		r := rune(code)
		var want []string
		for _, s := range gopinyin.SinglePinyin(r, a) {
			if isLowerASCII(s) {
				want = append(want, s)
			}
		}
		if got := p.Readings(r); !slices.Equal(got, want) {
			t.Errorf("%c %U: got %v, want %v", r, r, got, want)
		}
	}
	if p.Readings('a') != nil || p.Readings('1') != nil {
		t.Error("ASCII has readings")
	}
	t.Logf("%d reading sets", len(p.sets))
}
