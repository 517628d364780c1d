package search

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// binaryDocs are documents of every kind of field, texts that folding
// changes (full width, ㍿, upper case), characters outside the BMP,
// surnames with overrides, tags, a document with no tag and one with a
// tag only.
func binaryDocs(n int, seed uint64) [][]Field {
	rng := rand.New(rand.NewPCG(seed, 7))
	recs := benchRecords(n)
	odd := []string{"ＡＢＣ 单位", "前㍿后", "王𠮷祥", "单田芳", "欧阳娜娜", "长治市潞州区", "Zhang 三", "乐小明", "e\u0301x"}
	out := make([][]Field, n)
	for i, r := range recs {
		name := r.name
		if rng.IntN(5) == 0 {
			name = odd[rng.IntN(len(odd))]
		}
		fs := []Field{{name, Name}, {r.id, Digits}, {r.serial, Code}}
		switch rng.IntN(6) {
		case 0:
			fs = append(fs, Field{odd[rng.IntN(len(odd))] + "证明", Text})
		case 1:
			fs = append(fs, Field{"居住 证明", Tag})
		case 2:
			fs = []Field{{r.typ, Tag}} // a tag alone
		case 3:
		default:
			fs = append(fs, Field{r.typ, Tag})
		}
		out[i] = fs
	}
	return out
}

// binaryQueries are queries of every sort over docs: pinyin of names
// (whole, initials, rare readings), characters, ID digits, serials as
// printed, tags, single letters, nonsense.
func binaryQueries(docs [][]Field, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 9))
	qs := []string{"zhangs", "zs", "zhangw", "shantf", "oyang", "changzhi", "x", "z", "居住", "证明", "死亡",
		"单", "𠮷", "abc", "ＡＢＣ", "株式", "1238", "140402", "2026-0042", "英南证2020-0042", "20200042", "42",
		"140402900101123", "é", "qqqq", "长治"}
	for range 60 {
		fs := docs[rng.IntN(len(docs))]
		f := fs[rng.IntN(len(fs))]
		r := []rune(f.Text)
		if len(r) == 0 {
			continue
		}
		i := rng.IntN(len(r))
		qs = append(qs, string(r[i:i+1+rng.IntN(len(r)-i)]))
		if f.Kind == Name {
			var py strings.Builder
			for _, c := range r {
				if rs := DefaultPinyin().Readings(c); len(rs) > 0 {
					py.WriteString(rs[0][:1+rng.IntN(len(rs[0]))])
				}
			}
			qs = append(qs, py.String())
		}
	}
	return qs
}

func buildDocs(ix *Index, docs [][]Field, from uint64) *Index {
	for i, fs := range docs {
		ix.Add(from+uint64(i), fs...)
	}
	return ix
}

// sameSearches fails unless a and b give the same hits, spans and ranks
// for every query.
func sameSearches(t *testing.T, what string, a, b *Index, queries []string) {
	t.Helper()
	for _, q := range queries {
		ha, hb := a.Search(q, 0), b.Search(q, 0)
		if ga, gb := hitsRanked(ha), hitsRanked(hb); ga != gb {
			t.Fatalf("%s: %q finds\n%s\nin the original, and\n%s", what, q, ga, gb)
		}
	}
}

func hitsRanked(hs []Hit) string {
	var b strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&b, "%s:%d ", hits([]Hit{h}), h.Rank)
	}
	return b.String()
}

func roundTrip(t *testing.T, ix *Index) *Index {
	t.Helper()
	b, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	again, err := back.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, again) {
		t.Fatalf("written again, the index is %d bytes, not the same %d", len(again), len(b))
	}
	return back
}

// An index read back finds what the index written found, for random
// documents and queries of every sort; documents added to both afterwards
// are found alike too; and the copy searches by pinyin with the reading
// table it carries, without a dictionary.
func TestBinaryRoundTrip(t *testing.T) {
	for seed := range uint64(4) {
		docs := binaryDocs(600, seed)
		queries := binaryQueries(docs, seed)
		ix := buildDocs(New(nil), docs[:500], 0)
		back := roundTrip(t, ix)
		if back.Len() != ix.Len() {
			t.Fatalf("Len %d, want %d", back.Len(), ix.Len())
		}
		sameSearches(t, "read back", ix, back, queries)
		if back.dict != nil {
			t.Fatal("the index read back needed a dictionary to search")
		}
		buildDocs(ix, docs[500:], 500)
		buildDocs(back, docs[500:], 500)
		sameSearches(t, "added to after", ix, back, queries)
		sameSearches(t, "added to and read back", ix, roundTrip(t, back), queries)
	}
}

// A lazy index finds what an index with readings finds, its readings
// worked out at the first query of letters; nothing else needs them.
func TestLazyIndex(t *testing.T) {
	docs := binaryDocs(400, 11)
	queries := binaryQueries(docs, 11)
	ix := buildDocs(New(nil), docs, 0)
	lazy := buildDocs(NewLazy(), docs[:300], 0)
	for _, q := range []string{"居住", "1238", "2026-0042", "死亡"} {
		lazy.Search(q, 0)
	}
	if lazy.dict != nil || len(lazy.pend) == 0 {
		t.Fatalf("queries without letters worked out readings (dict %v, %d waiting)", lazy.dict != nil, len(lazy.pend))
	}
	buildDocs(lazy, docs[300:], 300)
	sameSearches(t, "lazy", ix, lazy, queries)
	sameSearches(t, "lazy, read back", ix, roundTrip(t, buildDocs(NewLazy(), docs, 0)), queries)
}

// AppendJoined writes the index that adding all parts' documents to one
// would give: a loaded part, one with the dictionary's sets, a lazy one.
func TestAppendJoined(t *testing.T) {
	docs := binaryDocs(900, 5)
	queries := binaryQueries(docs, 5)
	whole := buildDocs(New(nil), docs, 0)
	a := roundTrip(t, buildDocs(New(nil), docs[:400], 0))
	b := buildDocs(New(nil), docs[400:700], 400)
	c := buildDocs(NewLazy(), docs[700:], 700)
	joined, err := AppendJoined([]byte("xyz"), a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	if string(joined[:3]) != "xyz" {
		t.Fatal("AppendJoined lost what b held")
	}
	back, err := Unmarshal(joined[3:]) // not aligned: copied
	if err != nil {
		t.Fatal(err)
	}
	sameSearches(t, "joined", whole, back, queries)
	if back.Len() != whole.Len() {
		t.Errorf("Len %d, want %d", back.Len(), whole.Len())
	}
}

// A damaged index is refused: cut short, another format, counts that do
// not add up, offsets out of their arrays.
func TestUnmarshalRefusesDamage(t *testing.T) {
	good, err := fixtureIndex(t).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unmarshal(good); err != nil {
		t.Fatal(err)
	}
	var n [10]uint64
	for i := range n {
		n[i] = uint64(binary.LittleEndian.Uint32(good[8+4*i:]))
	}
	off, _, _ := layout(n)
	damage := map[string]func(b []byte) []byte{
		"empty":        func(b []byte) []byte { return nil },
		"cut":          func(b []byte) []byte { return b[:len(b)-1] },
		"longer":       func(b []byte) []byte { return append(b, 0) },
		"magic":        func(b []byte) []byte { b[0] = 'X'; return b },
		"version":      func(b []byte) []byte { b[4] = 9; return b },
		"count":        func(b []byte) []byte { b[8]++; return b },
		"first":        func(b []byte) []byte { b[off[sFirst]+4] = 0xff; return b },
		"text offset":  func(b []byte) []byte { b[off[sFields]]++; return b },
		"reading set":  func(b []byte) []byte { binary.LittleEndian.PutUint16(b[off[sSets]:], 0xfff0); return b },
		"run end":      func(b []byte) []byte { b[off[sSets]+2*n[nSets]-1] = 0; return b },
		"text end":     func(b []byte) []byte { b[off[sText]+n[nText]-1] = 'x'; return b },
		"table":        func(b []byte) []byte { b[off[sTable]+2] = 200; return b },
		"table letter": func(b []byte) []byte { b[off[sTable]+3] = 'A'; return b },
	}
	for name, d := range damage {
		b := d(bytes.Clone(good))
		if _, err := Unmarshal(b); err == nil {
			t.Errorf("%s: damaged index read back", name)
		}
	}
	// What a search reads of a field only when it is a candidate is
	// checked where it is read: such damage is searched past.
	harmless := map[string]func(b []byte) []byte{
		"rune map":    func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off[sFields]+4:], 1<<20); return b },
		"rune maps":   func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off[sFields]+20:], 0); return b },
		"kind":        func(b []byte) []byte { b[off[sLetters]+3] = 0xf0; return b },
		"reading run": func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off[sPyOff]:], 3); return b },
		"runs":        func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off[sPyOff]:], 1<<30); return b },
	}
	for name, d := range harmless {
		ix, err := Unmarshal(d(bytes.Clone(good)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		searchAll(ix)
	}
}

// searchAll runs queries of every sort on ix, adds to it and writes it.
func searchAll(ix *Index) {
	for _, q := range []string{"z", "zhangs", "zs", "张", "1238", "2026-0042", "居住", "a", "abc", "株式", "\u00e9", "𠮷"} {
		for _, h := range ix.Search(q, 0) {
			_ = Highlight("张三", h.Spans, strings.ToUpper)
		}
	}
	ix.Add(99, Field{"张三", Name}, Field{"140402199001011238", Digits}, Field{"居住证明", Tag})
	ix.Search("zhangs", 0)
}

// FuzzUnmarshal reads any bytes as an index: it is refused or it is an
// index that searches, takes documents and is written again without a
// panic. The seeds are indexes written by AppendBinary.
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzUnmarshal$' -fuzztime 10m -parallel 1 ./store/search
func FuzzUnmarshal(f *testing.F) {
	for _, ix := range []*Index{New(nil), fixtureIndex(f), buildDocs(New(nil), binaryDocs(12, 1), 0)} {
		b, err := ix.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := Unmarshal(data)
		if err != nil {
			return
		}
		searchAll(ix)
		if _, err := ix.MarshalBinary(); err != nil {
			t.Fatal(err)
		}
	})
}
