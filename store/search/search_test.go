package search

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fixture is a small index; doc ids are the keys.
var fixture = []struct {
	id     uint64
	fields []Field
}{
	{1, []Field{{"居民在社区居住证明", Text}}},
	{2, []Field{{"消防安全检查", Text}}},
	{3, []Field{{"张三", Name}, {"140402199001011238", Digits}, {"2026-0042", Code}}},
	{4, []Field{{"单田芳", Name}, {"单位证明", Text}}},
	{5, []Field{{"曾小明", Name}}},
	{6, []Field{{"解小明", Name}}},
	{7, []Field{{"仇小明", Name}}},
	{8, []Field{{"区小明", Name}}},
	{9, []Field{{"朴小明", Name}}},
	{10, []Field{{"查小明", Name}}},
	{11, []Field{{"盖小明", Name}}},
	{12, []Field{{"乐小明", Name}}},
	{13, []Field{{"欧阳娜娜", Name}}},
	{14, []Field{{"长孙无忌", Name}}},
	{15, []Field{{"长治市潞州区", Text}}},
	{16, []Field{{"王𠮷祥", Name}, {"14040219900101123X", Digits}}},
	{17, []Field{{"王单", Name}, {"139-0355-1238", Digits}}},
	{18, []Field{{"证明和证明", Text}, {"ＡＢＣ 单位", Text}}},
}

func fixtureIndex(t testing.TB) *Index {
	ix := New(nil)
	for _, d := range fixture {
		ix.Add(d.id, d.fields...)
	}
	if ix.Len() != len(fixture) {
		t.Fatalf("Len = %d", ix.Len())
	}
	return ix
}

// hits renders hits compactly: "id/field[start,end)...", sorted as returned.
func hits(hs []Hit) string {
	var b strings.Builder
	for i, h := range hs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d/%d", h.ID, h.Field)
		for _, s := range h.Spans {
			fmt.Fprintf(&b, "[%d,%d)", s.Start, s.End)
		}
	}
	return b.String()
}

func TestSearch(t *testing.T) {
	ix := fixtureIndex(t)
	tests := []struct {
		name, query, want string
	}{
		{"initials inside text", "jzzm", "1/0[5,9)"},
		{"full pinyin", "xiaofang", "2/0[0,2)"},
		{"mixed full and initial", "zhangs", "3/0[0,2) 14/0[0,2)"},           // 14: 长孙
		{"initials anywhere", "zs", "3/0[0,2) 14/0[0,2) 1/0[2,4) 15/0[1,3)"}, // 张三, 长孙, 在社, 治市
		{"Chinese substring", "居住", "1/0[5,7)"},
		{"surname 单 is shan", "stf", "4/0[0,3)"},
		{"surname 单 is not dan", "dantf", ""},
		{"单 in text keeps dan", "dw", "4/1[0,2) 18/1[4,6)"},
		{"单 not first in a name", "wangdan", "17/0[0,2)"},
		{"曾 zeng", "zengxm", "5/0[0,3)"},
		{"曾 not ceng", "cengxm", ""},
		{"解 xie", "xiexm", "6/0[0,3)"},
		{"仇 qiu", "qiuxm", "7/0[0,3)"},
		{"区 ou", "ouxm", "8/0[0,3)"},
		{"朴 piao", "piaoxm", "9/0[0,3)"},
		{"查 zha", "zhaxm", "10/0[0,3)"},
		{"盖 ge", "gexm", "11/0[0,3)"},
		{"乐 yue", "yuexm", "12/0[0,3)"},
		{"乐 le", "lexm", "12/0[0,3)"},
		{"欧阳 initials", "oy", "13/0[0,2)"},
		{"欧阳 full", "ouyang", "13/0[0,2)"},
		{"欧阳 whole name", "oynn", "13/0[0,4)"},
		{"长孙 zhangsun", "zhangsunwj", "14/0[0,4)"},
		{"长孙 not changsun", "changsun", ""},
		{"place 长治", "changzhi", "15/0[0,2)"},
		{"place 长治 not zhangzhi", "zhangzhi", ""},
		{"place 潞州", "luzhou", "15/0[3,5)"},
		{"last ID digits", "1238", "3/1[14,18) 17/1[9,13)"},
		{"ID digits across separators", "03551238", "17/1[4,13)"},
		{"ID with X, lower-case query", "0101123x", "16/1[10,18)"},
		{"serial", "2026-0042", "3/2[0,9)"},
		{"full-width initials", "ＪＺＺＭ", "1/0[5,9)"},
		{"full-width digits", "１２３８", "3/1[14,18) 17/1[9,13)"},
		{"spaces in query ignored", "居 住 证", "1/0[5,8)"},
		{"non-BMP name", "𠮷", "16/0[1,2)"},
		{"non-BMP name and next", "𠮷祥", "16/0[1,3)"},
		{"every occurrence", "证明", "18/0[0,2)[3,5) 1/0[7,9) 4/1[2,4)"},
		{"full-width text", "c单", "18/1[2,5)"},
		{"ASCII text", "abc", "18/1[0,3)"},
		{"no match letters", "qqqq", ""},
		{"no match Chinese", "居住证明书", ""},
		{"empty", "  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hits(ix.Search(tt.query, 0)); got != tt.want {
				t.Errorf("Search(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchLimit(t *testing.T) {
	ix := fixtureIndex(t)
	all := ix.Search("zs", 0)
	one := ix.Search("zs", 1)
	if len(all) < 2 || len(one) != 1 || !reflect.DeepEqual(one[0], all[0]) {
		t.Errorf("limit 1: %v, all: %v", one, all)
	}
	// Hits own their spans.
	one[0].Spans = append(one[0].Spans, Span{9, 9})
	if again := ix.Search("zs", 0); !reflect.DeepEqual(again, all) {
		t.Errorf("spans shared between searches")
	}
}

func TestSearchFirstMatchingField(t *testing.T) {
	ix := New(nil)
	ix.Add(1, Field{"李四", Name}, Field{"张三代办", Text}, Field{"zs-1", Code})
	// "zs" matches field 1 by pinyin and field 2 as a substring: field 1 wins.
	if got := hits(ix.Search("zs", 0)); got != "1/1[0,2)" {
		t.Errorf("got %q", got)
	}
	if got := hits(ix.Search("zs-", 0)); got != "1/2[0,3)" {
		t.Errorf("got %q", got)
	}
}

func TestHighlight(t *testing.T) {
	mark := func(s string) string { return "[" + s + "]" }
	tests := []struct {
		text  string
		spans []Span
		want  string
	}{
		{"居民在社区居住证明", []Span{{5, 9}}, "居民在社区[居住证明]"},
		{"证明和证明", []Span{{0, 2}, {3, 5}}, "[证明]和[证明]"},
		{"王𠮷祥", []Span{{1, 3}}, "王[𠮷祥]"},
		{"abc", nil, "abc"},
		{"abc", []Span{{0, 1}, {1, 2}}, "[a][b]c"},
		{"abc", []Span{{2, 9}}, "ab[c]"},
		{"abc", []Span{{1, 1}, {5, 6}}, "abc"},
	}
	for _, tt := range tests {
		if got := Highlight(tt.text, tt.spans, mark); got != tt.want {
			t.Errorf("Highlight(%q, %v) = %q, want %q", tt.text, tt.spans, got, tt.want)
		}
	}
	// Round trip with a search.
	ix := fixtureIndex(t)
	h := ix.Search("𠮷祥", 0)
	if len(h) != 1 {
		t.Fatalf("hits %v", h)
	}
	if got := Highlight("王𠮷祥", h[0].Spans, mark); got != "王[𠮷祥]" {
		t.Errorf("got %q", got)
	}
}

func TestNewPinyinRejectsBadOverrides(t *testing.T) {
	for _, m := range []map[string][][]string{
		{"单": {{"Shan"}}},
		{"欧阳": {{"ou"}}},
		{"单": {{}}},
	} {
		if _, err := NewPinyin(m, nil); err == nil {
			t.Errorf("%v: no error", m)
		}
	}
	// Custom overrides take effect.
	p, err := NewPinyin(map[string][][]string{"单": {{"dan"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ix := New(p)
	ix.Add(1, Field{"单田芳", Name})
	if got := hits(ix.Search("dtf", 0)); got != "1/0[0,3)" {
		t.Errorf("got %q", got)
	}
	if got := hits(ix.Search("stf", 0)); got != "" {
		t.Errorf("got %q", got)
	}
}

// Many hits: the shared span store grows while hits keep their own spans.
func TestSearchManyHits(t *testing.T) {
	ix := New(nil)
	for i := range 1000 {
		ix.Add(uint64(i), Field{strings.Repeat("证明和", 1+i%3), Text})
	}
	hs := ix.Search("证明", 0)
	if len(hs) != 1000 {
		t.Fatalf("%d hits", len(hs))
	}
	for i, h := range hs {
		if h.ID != uint64(i) || len(h.Spans) != 1+i%3 {
			t.Fatalf("hit %d: %+v", i, h)
		}
		for k, sp := range h.Spans {
			if sp != (Span{3 * k, 3*k + 2}) {
				t.Fatalf("hit %d span %d: %v", i, k, sp)
			}
		}
	}
}

// bruteForce is Search without prefilters: every field of every document is
// checked directly, and the hits ranked. It returns the hits' ids and
// fields.
func bruteForce(ix *Index, query string) string {
	q := normalizeQuery(query)
	if q == "" {
		return ""
	}
	alts := ix.variants(q)
	var out []Hit
	for d := range ix.ids {
		end := len(ix.fields)
		if d+1 < len(ix.first) {
			end = int(ix.first[d+1])
		}
		best := Hit{Field: -1}
		for f := int(ix.first[d]); f < end; f++ {
			kind := Kind(ix.letters[f] >> kindShift)
			text := ix.text[ix.fields[f].off:ix.fieldEnd(f)]
			rank, ok := Rare, false
			try := func(qb []byte) {
				for o := 0; o+len(qb) <= len(text); o++ {
					if string(text[o:o+len(qb)]) == string(qb) && (kind != Tag || o == 0) {
						rank, ok = min(rank, substringRank(kind, text, qb, o)), true
					}
				}
			}
			try([]byte(q))
			for _, a := range alts {
				if a.kinds&(1<<kind) != 0 {
					try(a.qb)
				}
			}
			if isLetters(q) && len(q) <= 63 && kind != Tag && ix.pyOff[f] != none {
				sets := ix.sets[ix.pyOff[f]:]
				for i := 0; sets[i] != endSet; i++ {
					if n, rare := ix.tab.match(sets[i:], q); n > 0 {
						rank, ok = min(rank, pinyinRank(sets, i, n, rare)), true
					}
				}
			}
			switch {
			case ok && best.Field < 0:
				best = Hit{ID: ix.ids[d], Field: f - int(ix.first[d]), Rank: rank}
			case ok:
				best.Rank = min(best.Rank, rank)
			}
		}
		if ix.tagOf != nil && ix.tagOf[d] != none && strings.HasPrefix(string(ix.tags[ix.tagOf[d]].text), q) {
			r := substringRank(Tag, ix.tags[ix.tagOf[d]].text, []byte(q), 0)
			if best.Field < 0 {
				best = Hit{ID: ix.ids[d], Field: end - int(ix.first[d]), Rank: r}
			}
			best.Rank = min(best.Rank, r)
		}
		if best.Field >= 0 {
			out = append(out, best)
		}
	}
	slices.SortStableFunc(out, func(a, b Hit) int { return int(a.Rank) - int(b.Rank) })
	return hits(out)
}

// The prefilters (bigram and letter masks, initial pairs) never drop a match.
func TestPrefiltersKeepMatches(t *testing.T) {
	recs := benchRecords(5000)
	ix := New(nil)
	for i, r := range recs {
		ix.Add(uint64(i), Field{r.name, Name}, Field{r.id, Digits}, Field{r.serial, Code},
			Field{[]string{"居住证明", "长治市潞州区消防", "无犯罪记录证明", "ABC 证明"}[i%4], Text}, Field{r.typ, Tag})
	}
	p := ix.dict
	rng := rand.New(rand.NewPCG(3, 4))
	var queries []string
	for range 300 {
		r := recs[rng.IntN(len(recs))]
		// Pinyin: a random prefix of a random reading of each character.
		var b strings.Builder
		for _, c := range r.name {
			rs := p.Readings(c)
			if len(rs) == 0 {
				break
			}
			y := rs[rng.IntN(len(rs))]
			b.WriteString(y[:1+rng.IntN(len(y))])
		}
		queries = append(queries, b.String())
		id := r.id
		k := 2 + rng.IntN(5)
		o := rng.IntN(len(id) - k + 1)
		queries = append(queries, id[o:o+k], r.serial[rng.IntN(4):], string([]rune(r.name)[rng.IntN(2):]))
		queries = append(queries, string([]byte{'a' + byte(rng.IntN(26)), 'a' + byte(rng.IntN(26))}))
	}
	queries = append(queries, "x", "z", "zm", "czs", "changzhi", "abc", "c证", "证明", "居住", "死亡证明", "住所(",
		"英南证"+recs[7].serial, strings.ReplaceAll(recs[9].serial, "-", ""), recs[11].id[:6]+recs[11].id[8:17])
	nonEmpty := 0
	for _, q := range queries {
		got, want := hits(ix.Search(q, 0)), bruteForce(ix, q)
		// Compare ids and fields only.
		got = stripSpans(got)
		if got != want {
			t.Errorf("%q: got %.200s\nwant %.200s", q, got, want)
		}
		if want != "" {
			nonEmpty++
		}
	}
	if nonEmpty < len(queries)*3/4 {
		t.Errorf("only %d of %d queries match anything", nonEmpty, len(queries))
	}
}

func stripSpans(s string) string {
	var b strings.Builder
	skip := false
	for _, c := range s {
		switch {
		case c == '[':
			skip = true
		case c == ')':
			skip = false
		case !skip:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Spans point at the original runes when folding changed the text.
func TestSpansAfterFolding(t *testing.T) {
	ix := New(nil)
	ix.Add(1, Field{"ＡＢ 长治", Text})         // full width, space
	ix.Add(2, Field{"前㍿后", Text})           // ㍿ folds to 株式会社
	ix.Add(3, Field{"Ｚhang 𠮷三", Name})      // upper case, non-BMP
	ix.Add(4, Field{"1404 0219-X", Digits}) // separators dropped, X folded
	tests := []struct{ query, want string }{
		{"changzhi", "1/0[3,5)"},
		{"b长", "1/0[1,4)"},
		{"式会", "2/0[1,2)"},
		{"前株", "2/0[0,2)"},
		{"zhang", "3/0[0,5)"},
		{"𠮷三", "3/0[6,8)"},
		{"40402", "4/0[1,7)"}, // 4,0,4,space,0,2
		{"19x", "4/0[7,11)"},
	}
	for _, tt := range tests {
		if got := hits(ix.Search(tt.query, 0)); got != tt.want {
			t.Errorf("Search(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestConcurrentAddSearch(t *testing.T) {
	ix := fixtureIndex(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if len(ix.Search("jzzm", 0)) == 0 {
					t.Error("lost a hit")
					return
				}
			}
		})
	}
	for i := range 200 {
		ix.Add(uint64(100+i), Field{"居住证明", Text})
	}
	wg.Wait()
}

// Every required surname reading finds a name with that surname, and the
// overridden first character is highlighted with the rest of the run.
func TestRequiredSurnames(t *testing.T) {
	required := []struct{ surname, reading string }{
		{"单", "shan"}, {"曾", "zeng"}, {"解", "xie"}, {"仇", "qiu"}, {"区", "ou"},
		{"朴", "piao"}, {"查", "zha"}, {"盖", "ge"}, {"乐", "yue"}, {"乐", "le"},
		{"尉迟", "yuchi"}, {"万俟", "moqi"}, {"长孙", "zhangsun"}, {"员", "yun"},
		{"覃", "qin"}, {"缪", "miao"}, {"翟", "zhai"}, {"秘", "bi"}, {"折", "she"},
		{"黑", "he"}, {"繁", "po"}, {"召", "shao"}, {"种", "chong"}, {"隗", "wei"},
		{"祭", "zhai"}, {"句", "gou"}, {"过", "guo"}, {"宓", "fu"}, {"眭", "sui"},
		{"欧阳", "ouyang"}, {"欧阳", "oy"}, {"司马", "sima"}, {"上官", "shangguan"},
		{"诸葛", "zhuge"}, {"东方", "dongfang"}, {"皇甫", "huangfu"}, {"令狐", "linghu"},
		{"夏侯", "xiahou"}, {"慕容", "murong"}, {"司徒", "situ"}, {"公孙", "gongsun"},
		{"宇文", "yuwen"},
	}
	for _, r := range required {
		ix := New(nil)
		name := r.surname + "建华"
		ix.Add(1, Field{name, Name})
		n := len([]rune(name))
		if got, want := hits(ix.Search(r.reading+"jh", 0)), fmt.Sprintf("1/0[0,%d)", n); got != want {
			t.Errorf("%s by %sjh: got %q, want %q", name, r.reading, got, want)
		}
	}
}

// TestGrow: an index given room first, or again halfway, answers as one
// that grew by itself, and keeps what it held.
func TestGrow(t *testing.T) {
	recs := benchRecords(2000)
	plain := buildLedger(recs)
	grown := New(nil)
	grown.Grow(len(recs)/2, 3)
	for i, rec := range recs {
		if i == len(recs)/2 {
			grown.Grow(len(recs)/2, 3)
		}
		grown.Add(uint64(i), Field{rec.name, Name}, Field{rec.id, Digits}, Field{rec.serial, Code}, Field{rec.typ, Tag})
	}
	if grown.Len() != plain.Len() {
		t.Fatalf("%d documents, want %d", grown.Len(), plain.Len())
	}
	for _, q := range benchQueries {
		if got, want := hits(grown.Search(q, 0)), hits(plain.Search(q, 0)); got != want {
			t.Errorf("%s: %s, want %s", q, got, want)
		}
	}
}
