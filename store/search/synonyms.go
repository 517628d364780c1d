package search

import (
	"slices"
	"strings"
	"sync"

	"taizhang/assets"
)

// Synonyms turns the words people say (低保, or dibao typed in pinyin) into
// what the lists write (最低生活保障), from one table (assets.Synonyms) that
// the 清单 search and 准入核查 share. Build it once; it is read-only
// afterwards and safe for concurrent use.
type Synonyms struct {
	table []assets.Synonym      // folded
	words *Index                // one document per entry: its word, for pinyin
	std   *strings.Replacer     // every word to its first meaning
	other [][]*strings.Replacer // per entry, per further meaning: that word to it
}

// maxExpansions bounds the variants one query adds to a search.
const maxExpansions = 8

var (
	defaultSynOnce sync.Once
	defaultSyn     *Synonyms
)

// DefaultSynonyms returns the shared Synonyms of the embedded table and
// DefaultPinyin, built on first use. It panics if the embedded table is
// broken, which the tests of package assets rule out.
func DefaultSynonyms() *Synonyms {
	defaultSynOnce.Do(func() {
		t, err := assets.Synonyms()
		if err != nil {
			panic("search: " + err.Error())
		}
		defaultSyn = NewSynonyms(DefaultPinyin(), t)
	})
	return defaultSyn
}

// NewSynonyms prepares table (nil p: DefaultPinyin). A word is replaced
// wherever it occurs except inside one of its exceptions; where two words
// could start at one place the longer one wins.
func NewSynonyms(p *Pinyin, table []assets.Synonym) *Synonyms {
	s := &Synonyms{words: New(p)}
	for i, e := range table {
		f := assets.Synonym{Word: normalizeQuery(e.Word)}
		for _, m := range e.Means {
			f.Means = append(f.Means, normalizeQuery(m))
		}
		for _, x := range e.Except {
			f.Except = append(f.Except, normalizeQuery(x))
		}
		s.table = append(s.table, f)
		s.words.Add(uint64(i), Field{Text: f.Word, Kind: Text})
	}
	// strings.Replacer tries its pairs in order at each position: the
	// exceptions first (each replaced by itself), then the longer words.
	order := make([]int, len(s.table))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(s.table[b].Word) - len(s.table[a].Word) })
	var keep, pairs []string
	for _, i := range order {
		e := s.table[i]
		for _, x := range e.Except {
			keep = append(keep, x, x)
		}
		pairs = append(pairs, e.Word, e.Means[0])
	}
	s.std = strings.NewReplacer(append(keep, pairs...)...)
	s.other = make([][]*strings.Replacer, len(s.table))
	for i, e := range s.table {
		for _, m := range e.Means[1:] {
			var one []string
			for _, x := range e.Except {
				one = append(one, x, x)
			}
			s.other[i] = append(s.other[i], strings.NewReplacer(append(one, e.Word, m)...))
		}
	}
	return s
}

// Replace rewrites every word of text into its standard wording (the
// first meaning): 低保申请 becomes 最低生活保障申请; 居住证明 stays.
func (s *Synonyms) Replace(text string) string { return s.std.Replace(text) }

// Expand returns what a query also stands for: the query with its words
// replaced by their meanings (the standard one for all words, then each
// other meaning of each word), or, for a query of letters that spells a
// whole word in pinyin (dibao, db), that word's meanings.
func (s *Synonyms) Expand(query string) []string { return s.expand(normalizeQuery(query)) }

// expand is Expand of a folded query.
func (s *Synonyms) expand(q string) []string {
	var out []string
	add := func(v string) {
		if v != q && len(out) < maxExpansions && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if isLetters(q) {
		for _, h := range s.words.Search(q, 0) {
			if h.Rank == Exact {
				for _, m := range s.table[h.ID].Means {
					add(m)
				}
			}
		}
		return out
	}
	add(s.std.Replace(q))
	for _, rs := range s.other {
		for _, r := range rs {
			add(r.Replace(q))
		}
	}
	return out
}
