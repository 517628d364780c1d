package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSearch adds a document with one field of any text and kind to the
// small fixture index (with the synonyms) and searches it with any query.
// Search never panics; its hits are documents of the index, each once,
// naming one of its fields, with sorted spans inside that field, best rank
// first and in insertion order within a rank; they are what the brute-force
// search (no prefilters) finds; a limit keeps the first ones; spaces around
// the query, ASCII case and full width change nothing; NewestFirst only
// reverses runs of equal rank; Highlight loses no text. The new document
// is found, ranked Exact, by its own text, and by any part of its folded
// text (a Tag by its beginning).
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzSearch$' -fuzztime 10m -parallel 1 ./store/search
func FuzzSearch(f *testing.F) {
	for _, s := range []struct {
		text  string
		kind  uint8
		query string
		cut   uint16
	}{
		{"居民在社区居住证明", 0, "jzzm", 0},
		{"张三", 1, "zhangs", 3},
		{"140402199001011238", 2, "1238", 0x0204},
		{"1404 0219-900101 123x", 2, "140402900101123", 5},
		{"2026-0042", 3, "英南证2026—0042", 0},
		{"死亡证明", 4, "死亡", 0x0001},
		{"最低生活保障", 0, "dibao", 0},
		{"前㍿后", 0, "株式", 0x0103},
		{"王𠮷祥", 1, "𠮷", 0},
		{"Ｚhang 𠮷三", 1, "ZHANG", 0x0304},
		{"e\u0301\u200b ", 0, "\u00e9", 0},
		{"\xff\xfe居住", 0, "\xff", 1},
		{"", 0, " ", 0},
		{strings.Repeat("a", 70), 0, strings.Repeat("a", 64), 0x0040},
	} {
		f.Add(s.text, s.kind, s.query, s.cut)
	}
	f.Fuzz(func(t *testing.T, text string, kind uint8, query string, cut uint16) {
		k := Kind(kind % 5)
		ix := New(nil)
		ix.SetSynonyms(DefaultSynonyms())
		fields := map[uint64][]Field{}
		order := map[uint64]int{}
		for i, d := range fixture {
			ix.Add(d.id, d.fields...)
			fields[d.id], order[d.id] = d.fields, i
		}
		const id = 100
		ix.Add(id, Field{text, k})
		fields[id], order[id] = []Field{{text, k}}, len(fixture)

		hs := checkSearch(t, ix, query, fields, order)

		// The document by its own text.
		folded := normalizeQuery(text)
		if k == Digits {
			folded = strings.Map(func(r rune) rune {
				if keepDigit(r) {
					return r
				}
				return -1
			}, folded)
		}
		if folded == "" {
			return
		}
		self := text
		if k == Digits {
			self = folded
		}
		if h, ok := find(checkSearch(t, ix, self, fields, order), id); !ok || h.Rank != Exact {
			t.Fatalf("%v field %q not found Exact by its own text %q: %+v", k, text, self, h)
		}
		// And by a part of it.
		runes := []rune(folded)
		i := int(cut>>8) % len(runes)
		j := i + 1 + int(cut&0xff)%(len(runes)-i)
		if k == Tag {
			i = 0
		}
		part := string(runes[i:j])
		if normalizeQuery(part) != part {
			return // folds further on its own (a mark that combines, …)
		}
		if _, ok := find(checkSearch(t, ix, part, fields, order), id); !ok {
			t.Fatalf("%v field %q (folded %q) not found by %q", k, text, folded, part)
		}
		_ = hs
	})
}

func find(hs []Hit, id uint64) (Hit, bool) {
	for _, h := range hs {
		if h.ID == id {
			return h, true
		}
	}
	return Hit{}, false
}

// checkSearch runs query and checks what holds of every search.
func checkSearch(t *testing.T, ix *Index, query string, fields map[uint64][]Field, order map[uint64]int) []Hit {
	t.Helper()
	hs := ix.Search(query, 0)
	if normalizeQuery(query) == "" && len(hs) > 0 {
		t.Fatalf("%q: an empty query finds %s", query, hits(hs))
	}
	seen := map[uint64]bool{}
	for n, h := range hs {
		fs, ok := fields[h.ID]
		if !ok || seen[h.ID] {
			t.Fatalf("%q: hit %d is document %d (known: %v, seen: %v)", query, n, h.ID, ok, seen[h.ID])
		}
		seen[h.ID] = true
		if h.Field < 0 || h.Field >= len(fs) || h.Rank > Rare {
			t.Fatalf("%q: hit %+v (document has %d fields)", query, h, len(fs))
		}
		text := fs[h.Field].Text
		width := utf8.RuneCountInString(text)
		if len(h.Spans) == 0 {
			t.Fatalf("%q: hit %+v has no span", query, h)
		}
		for i, s := range h.Spans {
			if s.Start < 0 || s.End <= s.Start || s.End > width || i > 0 && s.Start < h.Spans[i-1].End {
				t.Fatalf("%q: hit %+v: span %d outside %q or out of order", query, h, i, text)
			}
		}
		marked := Highlight(text, h.Spans, func(s string) string { return "\x00" + s + "\x01" })
		if strings.NewReplacer("\x00", "", "\x01", "").Replace(marked) != strings.NewReplacer("\x00", "", "\x01", "").Replace(text) ||
			strings.Count(marked, "\x00")-strings.Count(text, "\x00") != len(h.Spans) {
			t.Fatalf("%q: Highlight(%q, %v) = %q", query, text, h.Spans, marked)
		}
		if n > 0 {
			p := hs[n-1]
			if p.Rank > h.Rank || p.Rank == h.Rank && order[p.ID] > order[h.ID] {
				t.Fatalf("%q: %+v before %+v", query, p, h)
			}
		}
	}
	if got, want := stripSpans(hits(hs)), bruteForce(ix, query); got != want {
		t.Fatalf("%q: search finds %s, brute force %s", query, got, want)
	}
	for _, limit := range []int{1, 2, len(hs)} {
		if limit > 0 && !equalHits(ix.Search(query, limit), hs[:min(limit, len(hs))]) {
			t.Fatalf("%q: limit %d does not keep the first hits", query, limit)
		}
	}
	same := []string{" " + query + "\u3000\t"}
	if isASCII(query) {
		same = append(same, strings.ToUpper(query), wide(query))
	}
	for _, q := range same {
		if !equalHits(ix.Search(q, 0), hs) {
			t.Fatalf("%q finds %s, %q %s", query, hits(hs), q, hits(ix.Search(q, 0)))
		}
	}
	newest := slices.Clone(hs)
	NewestFirst(newest)
	for i := 0; i < len(hs); {
		j := i
		for j < len(hs) && hs[j].Rank == hs[i].Rank {
			j++
		}
		run := slices.Clone(hs[i:j])
		slices.Reverse(run)
		if !equalHits(newest[i:j], run) {
			t.Fatalf("%q: NewestFirst %s of %s", query, hits(newest), hits(hs))
		}
		i = j
	}
	return hs
}

func equalHits(a, b []Hit) bool { return hits(a) == hits(b) && len(a) == len(b) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// wide writes printable ASCII in full width.
func wide(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r + 0xFF01 - '!'
		}
		return r
	}, s)
}
