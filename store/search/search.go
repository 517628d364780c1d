// Package search is the in-memory, search-as-you-type index behind the
// lists, the certificate ledger, refusals and approval forms.
//
// API:
//
//	type Kind uint8                       // Text, Name, Digits, Code, Tag
//	type Field struct{ Text string; Kind Kind }
//	type Span struct{ Start, End int }    // rune range [Start, End) in Field.Text
//	type Rank uint8                       // Exact, Prefix, Inside, Rare
//	type Hit struct{ ID uint64; Field int; Spans []Span; Rank Rank }
//
//	func DefaultPinyin() *Pinyin          // go-pinyin + assets overrides, built once
//	func NewPinyin(surnames, places map[string][][]string) (*Pinyin, error)
//	func (p *Pinyin) Readings(r rune) []string
//
//	func DefaultSynonyms() *Synonyms      // assets.Synonyms, built once
//	func NewSynonyms(p *Pinyin, table []assets.Synonym) *Synonyms
//	func (s *Synonyms) Replace(text string) string
//	func (s *Synonyms) Expand(query string) []string
//
//	func New(p *Pinyin) *Index            // nil: DefaultPinyin()
//	func (ix *Index) SetSynonyms(s *Synonyms)
//	func (ix *Index) Grow(docs, fields int)   // room first: no copying while adding
//	func (ix *Index) Add(id uint64, fields ...Field)
//	func (ix *Index) Len() int
//	func (ix *Index) Search(query string, limit int) []Hit
//
//	func NewestFirst(hits []Hit)
//	func Highlight(text string, spans []Span, mark func(string) string) string
//
// Matching. Query and field texts are folded: NFKC (full-width letters and
// digits become ASCII), lower case; white space is ignored on both sides, and
// a Digits field also ignores everything but letters and digits. Then a
// document matches when one of its fields does:
//
//   - any query matches a field that contains it as a substring (so "居住",
//     "张", "1238", "2026-0042", "x" in an ID number, "abc" in ASCII text);
//     a Tag field only at its start;
//   - a query of ASCII letters only (at most 63) also matches Text and Name
//     fields by pinyin: over a run of consecutive Han characters, each one
//     consumes a non-empty prefix of one of its readings, and the run
//     consumes the whole query. So "jzzm" finds 居住证明, "xiaofang" 消防,
//     "zhangs" and "zs" 张三. Readings are all of go-pinyin's heteronyms,
//     tone-less (ü is v), except that a surname override replaces the
//     readings of the first character(s) of a Name field and a place
//     override those of a place phrase in a Text field;
//   - variants of the query match fields of one kind as substrings: in a
//     Code field the serial that a query ends with (英南证2026-0042,
//     2026—0042, 20260042 all find 2026-0042); in a Digits field the
//     18-digit number of a legacy 15-digit ID number; in a Text field what
//     its synonyms stand for (低保 and dibao find 最低生活保障), if the index
//     has Synonyms.
//
// Ranking. A document's rank is that of its best matching field: Exact (the
// whole field, or a whole part of a Code field: 0042 and 42 of 2026-0042),
// Prefix (its start; for Digits also its end), Inside, and last Rare, a
// pinyin match that needs a rare reading (a heteronym other than go-pinyin's
// first, unless an override gives it: 张有才 for zhangw, 有 read wei). Hits
// come best rank first, in insertion order within a rank, one per document,
// naming the first field that matches (so order fields as they are best
// shown) and every non-overlapping match in it (leftmost first; a pinyin
// match is the shortest run from its start). Spans count runes of the original Field.Text, so characters
// outside the BMP are one rune each.
//
// Cost. An Index holds no maps or pointers per document: 12 bytes per
// document, 36 bytes per field (offsets and prefilter masks, each kind in
// its own slice), the folded texts in one byte arena, 4 bytes per
// document for its Tag (whose text is kept once), and for fields with
// Han characters one uint16 reading-set id per character in a second arena
// (reading lists are interned in Pinyin). A search streams through one
// 8-byte bigram filter per field (4-byte letter mask for letter queries),
// loosened to the bits the variants share, and verifies only the fields
// that pass, so it needs no per-document allocations: 100,000 ledger
// records take about 20 MB and well under 5 ms per query (see
// search_bench_test.go).
//
// Concurrency: Add and Search may be called from several goroutines; Search
// runs concurrently with other Searches, Add excludes them.
package search

import (
	"bytes"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Kind says how a field is matched.
type Kind uint8

const (
	// Text is free Chinese text: substring, pinyin with place overrides,
	// and the synonyms of Index.SetSynonyms.
	Text Kind = iota
	// Name is a person's name: substring, pinyin with surname overrides
	// (compound surnames such as 欧阳 take both characters).
	Name
	// Digits is an ID or phone number: substring over its letters and
	// digits only, so the last 4–6 digits find it; X matches x. A legacy
	// 15-digit ID number finds the 18-digit number it converts to.
	Digits
	// Code is a serial or document number such as "2026-0042": substring.
	// A query may also carry what is printed before the number (英南证),
	// another dash (－ —), or none when it is a whole serial (20260042).
	Code
	// Tag is a label many documents share, such as a certificate type
	// (死亡证明): found only from its beginning (死亡, not 证明), no pinyin.
	// A document has at most one, as its last field. Its text is kept once
	// for all documents and matched once per search, so it costs 4 bytes a
	// document and nothing in a search that does not match it.
	Tag
)

// Field is one searchable text of a document.
type Field struct {
	Text string
	Kind Kind
}

// Span is a matched rune range [Start, End) of a field's original text.
type Span struct {
	Start, End int
}

// Rank says how well a document matches; lower is better.
type Rank uint8

const (
	// Exact: the query is the whole field (张伟 for zhangw), or a whole
	// part of a Code field (0042 or 42 of 2026-0042).
	Exact Rank = iota
	// Prefix: the field begins with the query (张卫国 for zhangw); for a
	// Digits field also ends with it (the last digits of an ID number).
	Prefix
	// Inside: the query is elsewhere in the field.
	Inside
	// Rare: only a rare reading of some character matches (张有才 for
	// zhangw, 有 read wei), wherever it is.
	Rare
)

// Hit is a matching document: its id, the index of the first matching
// field among those passed to Add, the matched ranges in that field, and
// the rank of its best matching field.
type Hit struct {
	ID    uint64
	Field int
	Spans []Span
	Rank  Rank
}

const (
	none   = ^uint32(0)
	endSet = ^uint16(0) // ends each field's reading sets in ix.sets
)

// fieldRec is what a search needs only for fields that match.
type fieldRec struct {
	off uint32 // folded text: ix.text[off:], up to the next NUL
	mp  uint32 // rune map: ix.maps[mp:], 2 per folded rune, or none (identity)
}

// filter holds a field's prefilter data while it is being added. The index
// keeps each member in its own slice, so that a search streams through 8 or
// 12 bytes per field and reads the rest only for candidates.
type filter struct {
	bloom   uint64 // bigrams and byte classes of the folded text, see bigrams
	pairs   uint64 // pairBit of letters that can begin a pinyin match, see readings
	inits   uint32 // letterBit of the first letters of all readings
	letters uint32 // letterBit of all letters of all readings, and hasLetter
	py      uint32 // reading sets: ix.sets[py:] up to endSet, or none
}

// hasLetter in filter.letters says that the folded text has ASCII letters,
// so that a query of letters reads one word per field to rule most out.
// The field's Kind is kept in the same word, from bit kindShift.
const (
	hasLetter = 1 << 26
	kindShift = 28
)

// Index is an append-only search index. The zero value is not usable; call
// New.
type Index struct {
	mu sync.RWMutex
	// dict gives the readings of the fields added; nil until a query
	// needs them in an index of NewLazy or Unmarshal (then DefaultPinyin),
	// and meanwhile the fields' readings wait in pend. tab is what a search
	// reads of the reading sets: dict's own, or the index's own when it
	// was read back from bytes (own then maps dict's sets into it).
	dict *Pinyin
	tab  *readingTable
	own  *ownTable
	pend []uint32 // fields whose readings wait for dict

	ids    []uint64   // per document
	first  []uint32   // per document: index of its first field
	fields []fieldRec // all fields, in order
	// Per field, parallel to fields: the members of filter.
	bloom   []uint64
	pairs   []uint64
	inits   []uint32
	letters []uint32
	pyOff   []uint32
	text    []byte   // folded texts, each followed by a NUL
	sets    []uint16 // reading-set ids, per Han character
	maps    []uint32 // rune maps of texts that folding changed

	kinds uint8     // bit per Kind of the fields added
	syn   *Synonyms // for Text fields; nil: none

	// Tags are not fields: each distinct text is kept once (tags) and each
	// document names its own (tagOf, none for none; nil until the first).
	tags   []tagRec
	tagIDs map[string]uint32 // original text -> index in tags
	tagOf  []uint32

	norm normalizer
	sbuf []uint16
}

// New returns an empty index using p for readings; nil means DefaultPinyin.
func New(p *Pinyin) *Index {
	if p == nil {
		p = DefaultPinyin()
	}
	return &Index{dict: p, tab: &p.readingTable}
}

// NewLazy returns an empty index that works out the readings of what is
// added (with DefaultPinyin) only when a query needs them, a query of
// letters: one that answers names, numbers and serials never builds
// DefaultPinyin, which takes tens of milliseconds in a new process.
func NewLazy() *Index { return &Index{tab: noReadings} }

// noReadings is the reading table of a lazy index before its first query
// of letters: only set 0. Never changed.
var noReadings = emptyTable()

// Len returns the number of documents added.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}

// Add appends a document. id is the caller's (a record key, or the
// position); it is returned in hits and need not be unique. Field texts are
// copied in folded form; the caller keeps the originals for display.
func (ix *Index) Add(id uint64, fields ...Field) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.ids = append(ix.ids, id)
	ix.first = append(ix.first, uint32(len(ix.fields)))
	tag := none
	for i, f := range fields {
		if f.Kind != Tag {
			ix.addField(f)
			continue
		}
		if i != len(fields)-1 {
			panic("search: a Tag must be the last field of a document")
		}
		if f.Text != "" {
			tag = ix.tag(f.Text)
		}
	}
	if tag != none && ix.tagOf == nil {
		ix.tagOf = slices.Repeat([]uint32{none}, len(ix.ids)-1)
	}
	if ix.tagOf != nil {
		ix.tagOf = append(ix.tagOf, tag)
	}
}

// Grow makes room for docs more documents of about fields fields each, so
// that adding them does not copy the index over and over as it grows
// (append grows a large slice by a quarter at a time).
func (ix *Index) Grow(docs, fields int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := docs * fields
	ix.ids, ix.first = slices.Grow(ix.ids, docs), slices.Grow(ix.first, docs)
	ix.fields, ix.bloom, ix.pairs = slices.Grow(ix.fields, n), slices.Grow(ix.bloom, n), slices.Grow(ix.pairs, n)
	ix.inits, ix.letters, ix.pyOff = slices.Grow(ix.inits, n), slices.Grow(ix.letters, n), slices.Grow(ix.pyOff, n)
	// A name, an ID number, an old serial (旧2019-0012): 16 bytes a field
	// folded, and the reading sets of the name's characters.
	ix.text, ix.sets = slices.Grow(ix.text, n*16), slices.Grow(ix.sets, n*2)
}

// tagRec is one distinct Tag text.
type tagRec struct {
	text []byte   // folded
	orig string   // as added
	fr   fieldRec // its rune map (off unused)
}

func (ix *Index) addField(f Field) {
	rec := fieldRec{off: uint32(len(ix.text)), mp: none}
	fl := filter{py: none}
	var identity bool
	ix.text, identity = ix.norm.appendText(ix.text, f.Text, f.Kind == Digits)
	fl.bloom = bigrams(ix.text[rec.off:])
	if fl.bloom&classLetter != 0 {
		fl.letters = hasLetter
	}
	fl.letters |= uint32(f.Kind) << kindShift
	ix.kinds |= 1 << f.Kind
	ix.text = append(ix.text, 0)
	runes := ix.norm.runes
	if !identity {
		rec.mp = uint32(len(ix.maps))
		ix.maps = append(ix.maps, ix.norm.mp...)
	}
	if f.Kind == Text || f.Kind == Name {
		switch {
		case ix.dict != nil:
			ix.readings(f.Kind, ix.text[rec.off:len(ix.text)-1], &fl, runes)
		case mayHaveReadings(runes):
			ix.pend = append(ix.pend, uint32(len(ix.fields)))
		}
	}
	ix.fields = append(ix.fields, rec)
	ix.bloom = append(ix.bloom, fl.bloom)
	ix.pairs = append(ix.pairs, fl.pairs)
	ix.inits = append(ix.inits, fl.inits)
	ix.letters = append(ix.letters, fl.letters)
	ix.pyOff = append(ix.pyOff, fl.py)
}

// tag returns the number of a Tag's text in ix.tags, adding it if new.
func (ix *Index) tag(text string) uint32 {
	if id, ok := ix.tagIDs[text]; ok {
		return id
	}
	var identity bool
	tr := tagRec{orig: text, fr: fieldRec{mp: none}}
	tr.text, identity = ix.norm.appendText(nil, text, false)
	if !identity {
		tr.fr.mp = uint32(len(ix.maps))
		ix.maps = append(ix.maps, ix.norm.mp...)
	}
	if ix.tagIDs == nil {
		ix.tagIDs = map[string]uint32{}
	}
	id := uint32(len(ix.tags))
	ix.tags = append(ix.tags, tr)
	ix.tagIDs[text] = id
	return id
}

// classLetter is the bit of bigrams that says "has ASCII letters".
const classLetter = 1 << 61

// bigrams returns a 64-bit filter of b: bits 0–59 hash each pair of
// adjacent bytes, bits 60–63 say which classes of byte occur (digit, ASCII
// letter, other ASCII, non-ASCII). A text can contain b only if its filter
// holds all of b's bits, so a query of digits skips Chinese names outright
// and a Chinese query skips ID numbers.
func bigrams(b []byte) uint64 {
	var m uint64
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			m |= 1 << 63
		case c >= '0' && c <= '9':
			m |= 1 << 60
		case c >= 'a' && c <= 'z':
			m |= classLetter
		default:
			m |= 1 << 62
		}
		if i > 0 {
			h := uint64((uint32(b[i-1])<<8 | uint32(c)) * 0x9E3779B1)
			m |= 1 << (h * 60 >> 32)
		}
	}
	return m
}

// mayHaveReadings reports whether a text has characters that a Pinyin
// may give readings (Pinyin.set).
func mayHaveReadings(runes []rune) bool {
	for _, r := range runes {
		if r >= 0x2E80 {
			return true
		}
	}
	return false
}

// readings stores the reading-set ids of the field's runes (the folded
// text), with overrides, and sets the pinyin masks of fl. fl.pairs holds,
// for every Han character, the first two letters of each reading and, for
// every two adjacent Han characters, each pair of their initials: a query
// of two or more letters can match only if the pair of its first two
// letters is among them.
func (ix *Index) readings(kind Kind, text []byte, fl *filter, runes []rune) {
	p := ix.dict
	s := ix.sbuf[:0]
	han := false
	for _, r := range runes {
		id := p.set(r)
		s = append(s, id)
		han = han || id != 0
	}
	ix.sbuf = s
	if !han {
		return
	}
	if kind == Name {
		done := false
		if len(runes) >= 3 {
			n := utf8.RuneLen(runes[0]) + utf8.RuneLen(runes[1])
			if o, ok := p.surnames[string(text[:n])]; ok {
				copy(s, o)
				done = true
			}
		}
		if !done {
			if o, ok := p.surnames[string(text[:utf8.RuneLen(runes[0])])]; ok && len(o) == 1 {
				s[0] = o[0]
			} else if len(runes) >= 2 {
				s[0] = p.primary[s[0]] // a surname is read its usual way
			}
		}
	} else if len(p.places) > 0 {
		for i := 0; i < len(runes); i++ {
			for _, ph := range p.places[runes[i]] {
				if hasPrefix(runes[i:], ph.runes) {
					copy(s[i:], ph.sets)
					i += len(ph.runes) - 1
					break
				}
			}
		}
	}
	for i, id := range s {
		fl.inits |= p.inits[id]
		fl.letters |= p.chars[id]
		fl.pairs |= p.pre2[id]
		if i+1 < len(s) && id != 0 && s[i+1] != 0 {
			for a := p.inits[id]; a != 0; a &= a - 1 {
				for b := p.inits[s[i+1]]; b != 0; b &= b - 1 {
					fl.pairs |= pairBit('a'+byte(bits.TrailingZeros32(a)), 'a'+byte(bits.TrailingZeros32(b)))
				}
			}
		}
	}
	if ix.own != nil {
		for i, id := range s {
			s[i] = ix.own.local(p, ix.tab, id)
		}
	}
	fl.py = uint32(len(ix.sets))
	ix.sets = append(ix.sets, s...)
	ix.sets = append(ix.sets, endSet)
}

// resolve works out the readings that wait in pend; the write lock is held.
func (ix *Index) resolve() {
	if len(ix.pend) == 0 {
		return
	}
	if ix.dict == nil {
		ix.dict = DefaultPinyin()
		if ix.own == nil {
			ix.tab = &ix.dict.readingTable
		}
	}
	var runes []rune
	for _, f := range ix.pend {
		text := ix.text[ix.fields[f].off:ix.fieldEnd(int(f))]
		runes = runes[:0]
		for _, r := range string(text) {
			runes = append(runes, r)
		}
		fl := filter{letters: ix.letters[f], py: none}
		ix.readings(Kind(fl.letters>>kindShift), text, &fl, runes)
		ix.inits[f], ix.letters[f], ix.pairs[f], ix.pyOff[f] = fl.inits, fl.letters, fl.pairs, fl.py
	}
	ix.pend = nil
}

// resolvePending is resolve for a search, which needs the readings of
// every field.
func (ix *Index) resolvePending() {
	ix.mu.RLock()
	n := len(ix.pend)
	ix.mu.RUnlock()
	if n > 0 {
		ix.mu.Lock()
		ix.resolve()
		ix.mu.Unlock()
	}
}

func hasPrefix(s, prefix []rune) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// Search returns the documents matching query, best first (see Rank),
// documents of equal rank in insertion order. limit > 0 keeps only the
// first limit of them. An empty query matches nothing. The hits and their
// spans are freshly allocated and belong to the caller.
func (ix *Index) Search(query string, limit int) []Hit {
	q := normalizeQuery(query)
	if q == "" {
		return nil
	}
	if usesReadings(q) {
		ix.resolvePending()
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := searcher{ix: ix, q: q, qb: []byte(q), limit: limit}
	s.alts = ix.variants(q)
	s.run()
	return s.result()
}

type searcher struct {
	ix    *Index
	q     string
	qb    []byte
	alts  []variant // other spellings of the query, each for some kinds of field
	limit int
	hits  []rawHit
	n     [Rare + 1]int // hits per rank
	spans []Span        // all hits' spans, each hit's in a run
	cur   int           // index in hits of the current document's hit, or -1
	// One field's spans while it is verified: the best so far and a
	// candidate; swapped when the candidate ranks better.
	best, cand []Span
	// Per tag: its rank, or noRank, and its spans; the documents whose
	// tag matches that are still to be added, in order.
	tagRank  []Rank
	tagSpans [][]Span
	tagged   []uint32
}

// rawHit is a hit while the search runs: 16 bytes, no pointers.
type rawHit struct {
	doc          uint32
	span0, span1 uint32 // its spans: spans[span0:span1]
	field        uint16 // among the document's fields
	rank         Rank
}

// noRank marks a tag the query does not match.
const noRank Rank = 255

// matchTags matches the query against each distinct tag and returns the
// documents, in order, whose tag it matched.
func (s *searcher) matchTags() []uint32 {
	ix := s.ix
	if ix.tagOf == nil {
		return nil
	}
	s.tagRank = make([]Rank, len(ix.tags))
	s.tagSpans = make([][]Span, len(ix.tags))
	found := false
	for t := range ix.tags {
		tr := &ix.tags[t]
		s.tagRank[t] = noRank
		if r, ok := s.substring(&tr.fr, Tag, tr.text, s.qb); ok {
			s.tagRank[t], s.tagSpans[t], found = r, slices.Clone(s.cand), true
		}
	}
	if !found {
		return nil
	}
	var docs []uint32
	for d, t := range ix.tagOf {
		if t != none && s.tagRank[t] != noRank {
			docs = append(docs, uint32(d))
		}
	}
	return docs
}

// addTag gives document d the hit of its tag (the field after its last),
// or the tag's rank if that is better than the hit it has (s.cur).
func (s *searcher) addTag(d int) Rank {
	ix := s.ix
	t := ix.tagOf[d]
	end := len(ix.fields)
	if d+1 < len(ix.first) {
		end = int(ix.first[d+1])
	}
	s.best = append(s.best[:0], s.tagSpans[t]...)
	return s.add(d, end, s.tagRank[t])
}

// run walks all fields in order. A field is a substring candidate when its
// bigram filter holds all of the query's bits (or of a variant's that
// applies to its kind), and a pinyin candidate when its letter masks allow
// the query; candidates are then verified. A document's hit names its first
// matching field and has the rank of its best. Tags are matched once
// (matchTags); their documents join in order, a tag after the fields.
func (s *searcher) run() {
	ix := s.ix
	q := s.q
	c := prefilter{blooms: ix.bloom, letters: ix.letters, inits: ix.inits, pairs: ix.pairs}
	bloom := bigrams(s.qb)
	c.pinyin = usesReadings(q)
	if c.pinyin {
		c.q0 = letterBit(q[0])
		for i := 0; i < len(q); i++ {
			c.qmask |= letterBit(q[i])
		}
		if len(q) >= 2 {
			c.pair = pairBit(q[0], q[1])
		}
	}
	// A variant can match where the query cannot: fields are first let
	// through by the bits that the query and all variants share.
	c.loose = bloom
	for i := range s.alts {
		c.loose &= s.alts[i].bloom
		c.anyAlt = hasLetter
	}
	s.tagged = s.matchTags()
	nf := len(ix.fields)
	s.cur = -1
	d, next := -1, 0 // current document, first field of the next one
	var buf [256]uint32
	for from := 0; from < nf; {
		var cands []uint32
		cands, from = c.fill(from, buf[:0])
		for _, f := range cands {
			if int(f) >= next {
				if s.tagged != nil {
					s.leave(d)
				}
				d, next = ix.docOf(int(f), d)
				s.cur = -1
				if s.tagged != nil {
					s.tagsBefore(d)
				}
			} else if s.cur >= 0 && s.hits[s.cur].rank == Exact {
				continue // the rest of a document that has the best rank
			}
			sub, py := true, false // all a plain query's candidates are substring ones
			if c.pinyin || c.anyAlt != 0 {
				w := ix.letters[f]
				sub = (!c.pinyin || w&hasLetter != 0) && bloom&^ix.bloom[f] == 0
				py = c.pinyin && c.qmask&^w == 0 && ix.inits[f]&c.q0 != 0 && c.pair&^ix.pairs[f] == 0
			}
			if s.cur >= 0 && !py && s.hits[s.cur].rank == Prefix && !s.mayBeExact(int(f)) {
				continue // only an Exact match could rank this document better
			}
			if r, ok := s.verify(int(f), sub, py); ok && s.add(d, int(f), r) == Exact && s.limit > 0 && s.n[Exact] >= s.limit {
				return // nothing can rank before these
			}
		}
	}
	s.leave(d)
	s.tagsBefore(len(ix.ids))
}

// mayBeExact reports whether field f can be an Exact substring match: as
// long as the query or a variant, or a Code field (a whole part of it).
func (s *searcher) mayBeExact(f int) bool {
	ix := s.ix
	if Kind(ix.letters[f]>>kindShift) == Code {
		return true
	}
	n := ix.fieldEnd(f) - int(ix.fields[f].off)
	if n == len(s.qb) {
		return true
	}
	for i := range s.alts {
		if len(s.alts[i].qb) == n {
			return true
		}
	}
	return false
}

// docOf returns the document that holds field f, at or after document d,
// and the first field of the one after it.
func (ix *Index) docOf(f, d int) (int, int) {
	first := ix.first
	for d+1 < len(first) && int(first[d+1]) <= f {
		d++
	}
	if d+1 < len(first) {
		return d, int(first[d+1])
	}
	return d, len(ix.fields)
}

// leave ends document d: its tag, if it matches, comes after its fields.
func (s *searcher) leave(d int) {
	if len(s.tagged) > 0 && int(s.tagged[0]) == d {
		s.addTag(d)
		s.tagged = s.tagged[1:]
	}
	s.cur = -1
}

// tagsBefore adds the documents before d that only their tag matches.
func (s *searcher) tagsBefore(d int) {
	for len(s.tagged) > 0 && int(s.tagged[0]) < d {
		s.addTag(int(s.tagged[0]))
		s.tagged = s.tagged[1:]
		s.cur = -1
	}
}

// prefilter finds the fields worth verifying. Its loop reads one 8-byte
// bloom per field (a 4-byte letter mask first for a query of letters) and
// keeps all else in registers.
type prefilter struct {
	blooms         []uint64
	letters, inits []uint32
	pairs          []uint64
	loose          uint64 // bits a candidate's bloom holds, see run
	anyAlt         uint32 // hasLetter if there are variants: fields without letters may match them
	pinyin         bool
	q0, qmask      uint32 // the query's first letter and all its letters
	pair           uint64 // pairBit of its first two letters
}

// fill appends to out the candidate fields from f on, until out is full,
// and returns them and the field to go on from.
func (c *prefilter) fill(f int, out []uint32) ([]uint32, int) {
	blooms, loose := c.blooms, c.loose
	n := len(blooms)
	if !c.pinyin {
		for ; f < n && len(out) < cap(out); f++ {
			if loose&^blooms[f] == 0 {
				out = append(out, uint32(f))
			}
		}
		return out, f
	}
	letters, inits, pairs := c.letters[:n], c.inits[:n], c.pairs[:n]
	anyAlt, q0, qmask, pair := c.anyAlt, c.q0, c.qmask, c.pair
	for ; f < n && len(out) < cap(out); f++ {
		// One 4-byte word per field decides most fields.
		w := letters[f]
		if (w|anyAlt)&hasLetter != 0 && loose&^blooms[f] == 0 ||
			qmask&^w == 0 && inits[f]&q0 != 0 && pair&^pairs[f] == 0 {
			out = append(out, uint32(f))
		}
	}
	return out, f
}

// verify matches field f against the query (as a substring if sub, by
// pinyin if py) and the variants that apply, leaving the spans of the best
// match in s.best.
func (s *searcher) verify(f int, sub, py bool) (Rank, bool) {
	ix := s.ix
	fr := &ix.fields[f]
	kind := Kind(ix.letters[f] >> kindShift)
	text := ix.text[fr.off:ix.fieldEnd(f)]
	best := noRank
	if sub {
		if r, ok := s.substring(fr, kind, text, s.qb); ok {
			best = s.keep(best, r)
		}
	}
	if py && best > Exact {
		if r, ok := s.pinyin(fr, ix.pyOff[f]); ok {
			best = s.keep(best, r)
		}
	}
	for i := range s.alts {
		if a := &s.alts[i]; a.kinds&(1<<kind) != 0 && a.bloom&^ix.bloom[f] == 0 && best > Exact {
			if r, ok := s.substring(fr, kind, text, a.qb); ok {
				best = s.keep(best, r)
			}
		}
	}
	return best, best != noRank
}

// keep makes the spans just found (s.cand) the field's best if their rank
// r is better than best, and returns the better rank.
func (s *searcher) keep(best, r Rank) Rank {
	if r < best {
		s.best, s.cand = s.cand, s.best
		return r
	}
	return best
}

// substring puts a span for every non-overlapping occurrence of qb in text
// into s.cand and ranks the best of them. A Tag matches only at its start.
func (s *searcher) substring(fr *fieldRec, kind Kind, text, qb []byte) (Rank, bool) {
	o := bytes.Index(text, qb)
	if o < 0 || kind == Tag && o > 0 {
		return 0, false
	}
	best := substringRank(kind, text, qb, o)
	switch {
	case best > Prefix && kind == Digits && bytes.HasSuffix(text, qb):
		best = Prefix // the last digits, maybe overlapping others ("99" of …999)
	case kind == Code:
		// A later occurrence may begin a part, overlapping ones too.
		for p := o + 1; best > Exact; p++ {
			i := bytes.Index(text[p:], qb)
			if i < 0 {
				break
			}
			p += i
			best = min(best, substringRank(kind, text, qb, p))
		}
	}
	s.cand = s.cand[:0]
	qn := utf8.RuneCount(qb)
	r := utf8.RuneCount(text[:o]) // rune index of the occurrence
	for {
		s.cand = s.ix.appendSpan(s.cand, fr, r, r+qn)
		o += len(qb)
		r += qn
		i := bytes.Index(text[o:], qb)
		if i < 0 || kind == Tag {
			break
		}
		r += utf8.RuneCount(text[o : o+i])
		o += i
	}
	return best, true
}

// substringRank ranks an occurrence of qb at byte o of a field's folded
// text.
func substringRank(kind Kind, text, qb []byte, o int) Rank {
	e := o + len(qb)
	switch {
	case o == 0 && e == len(text):
		return Exact
	case o == 0:
		return Prefix
	case kind == Digits && e == len(text):
		return Prefix
	case kind == Code && partStart(text, o):
		if e == len(text) || !isWordByte(text[e]) {
			return Exact
		}
		return Prefix
	}
	return Inside
}

// partStart reports whether an occurrence at byte o begins a part of a
// Code text (2026 or 0042 of 2026-0042), leading zeros of the part aside
// (42).
func partStart(text []byte, o int) bool {
	for o > 0 && text[o-1] == '0' {
		o--
	}
	return o == 0 || !isWordByte(text[o-1])
}

// isWordByte: ASCII letters and digits, and the bytes of other characters.
func isWordByte(c byte) bool {
	return c >= utf8.RuneSelf || c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}

// pinyin puts a span for every non-overlapping match of the query's letters
// with the field's readings into s.cand and ranks the best of them.
func (s *searcher) pinyin(fr *fieldRec, py uint32) (Rank, bool) {
	ix := s.ix
	if py == none || py >= uint32(len(ix.sets)) { // out of the arena: a damaged index read back
		return 0, false
	}
	sets := ix.sets[py:]
	p := ix.tab
	q0 := letterBit(s.q[0])
	s.cand = s.cand[:0]
	best := Rare
	end := 0 // of the last span: spans do not overlap
	for i := 0; sets[i] != endSet; i++ {
		if p.inits[sets[i]]&q0 == 0 || i < end && best <= Inside {
			continue // an overlapping start matters only if it can rank better
		}
		if n, rare := p.match(sets[i:], s.q); n > 0 {
			best = min(best, pinyinRank(sets, i, n, rare))
			if i >= end {
				s.cand = ix.appendSpan(s.cand, fr, i, i+n)
				end = i + n
			}
		}
	}
	return best, len(s.cand) > 0
}

// pinyinRank ranks a match of the characters [i, i+n) of a field whose
// reading sets are sets.
func pinyinRank(sets []uint16, i, n int, rare bool) Rank {
	switch {
	case rare:
		return Rare
	case i == 0 && sets[n] == endSet:
		return Exact
	case i == 0:
		return Prefix
	}
	return Inside
}

// add records field f of document d, matched with rank r and the spans in
// s.best: the document's hit if this is its first matching field, else
// only a better rank for the hit. It returns the rank of the hit.
func (s *searcher) add(d, f int, r Rank) Rank {
	if s.cur >= 0 {
		h := &s.hits[s.cur]
		if r < h.rank {
			s.n[h.rank]--
			s.n[r]++
			h.rank = r
		}
		return h.rank
	}
	s.cur = len(s.hits)
	s.n[r]++
	span0 := uint32(len(s.spans))
	s.spans = append(grow(s.spans, len(s.best)), s.best...)
	s.hits = append(grow(s.hits, 1), rawHit{doc: uint32(d), span0: span0, span1: uint32(len(s.spans)),
		field: uint16(f - int(s.ix.first[d])), rank: r})
	return r
}

// grow makes room for n more elements, doubling the capacity: append grows
// large slices by a quarter, which costs a search with many hits five
// times the memory it keeps.
func grow[T any](l []T, n int) []T {
	if len(l)+n <= cap(l) {
		return l
	}
	return append(make([]T, 0, max(64, 2*cap(l), len(l)+n)), l...)
}

// result returns the hits ordered by rank (stable), cut to the limit.
func (s *searcher) result() []Hit {
	var at [Rare + 1]int
	for r := Prefix; r <= Rare; r++ {
		at[r] = at[r-1] + s.n[r-1]
	}
	n := len(s.hits)
	if s.limit > 0 {
		n = min(n, s.limit)
	}
	if n == 0 {
		return nil
	}
	out := make([]Hit, n)
	for _, h := range s.hits {
		if i := at[h.rank]; i < n {
			out[i] = Hit{ID: s.ix.ids[h.doc], Field: int(h.field), Spans: s.spans[h.span0:h.span1:h.span1], Rank: h.rank}
		}
		at[h.rank]++
	}
	return out
}

// appendSpan maps the folded rune range [a, b) of field fr to the original
// text and appends it, merging it with the previous span if they overlap
// (two matches inside one original rune that folding expanded, such as ㍿).
func (ix *Index) appendSpan(spans []Span, fr *fieldRec, a, b int) []Span {
	if fr.mp != none {
		if int(fr.mp)+2*b > len(ix.maps) {
			return spans // a rune map cut short: a damaged index read back
		}
		m := ix.maps[fr.mp:]
		a, b = int(m[2*a]), int(m[2*(b-1)+1])
	}
	if n := len(spans); n > 0 && spans[n-1].End > a {
		spans[n-1].End = max(spans[n-1].End, b)
		return spans
	}
	return append(spans, Span{a, b})
}

// NewestFirst reverses the order of hits within each rank, for an index
// whose documents were added oldest first: the best matches stay first and
// among them the newest lead. hits must be as Search returned them.
func NewestFirst(hits []Hit) {
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && hits[j].Rank == hits[i].Rank {
			j++
		}
		slices.Reverse(hits[i:j])
		i = j
	}
}

// match returns the length of the shortest run of characters at the start
// of sets that consumes all of q (letters), each character a non-empty
// prefix of one of its readings; 0 if there is none. rare says that no
// such run of that length uses common readings only (see Pinyin.common).
// The positions of q still reachable are kept as bit sets (through any
// reading, through common ones), so alternatives cost no recursion.
func (p *readingTable) match(sets []uint16, q string) (n int, rare bool) {
	if len(q) == 1 && sets[0] != 0 && sets[0] != endSet { // often: the first key typed
		b := letterBit(q[0])
		if p.inits[sets[0]]&b == 0 {
			return 0, false
		}
		return 1, p.cinits[sets[0]]&b == 0
	}
	done := uint64(1) << len(q)
	state, common := uint64(1), uint64(1)
	for j, id := range sets {
		if id == 0 || id == endSet {
			return 0, false
		}
		nc := int(p.common[id])
		var next, nextCommon uint64
		for st := state; st != 0; st &= st - 1 {
			pos := bits.TrailingZeros64(st)
			rest := q[pos:]
			c := common&(1<<pos) != 0
			for i, y := range p.sets[id] {
				k := 0
				for k < len(y) && k < len(rest) && y[k] == rest[k] {
					k++
				}
				if k > 0 {
					m := (uint64(1)<<k - 1) << (pos + 1)
					next |= m
					if c && i < nc {
						nextCommon |= m
					}
				}
			}
		}
		if next&done != 0 {
			return j + 1, nextCommon&done == 0
		}
		if next == 0 {
			return 0, false
		}
		state, common = next, nextCommon
	}
	return 0, false
}

// fieldEnd returns the arena offset of the NUL after field f's text.
func (ix *Index) fieldEnd(f int) int {
	if f+1 < len(ix.fields) {
		return int(ix.fields[f+1].off) - 1
	}
	return len(ix.text) - 1
}

// usesReadings reports whether a folded query is matched by pinyin too.
func usesReadings(q string) bool { return isLetters(q) && len(q) <= 63 }

func isLetters(q string) bool {
	for i := 0; i < len(q); i++ {
		if q[i] < 'a' || q[i] > 'z' {
			return false
		}
	}
	return true
}

// Highlight returns text with each span's runes passed through mark, e.g.
// func(s string) string { return style.Render(s) }. Spans are rune ranges
// as in Hit.Spans, sorted and non-overlapping; out-of-range parts are
// ignored.
func Highlight(text string, spans []Span, mark func(string) string) string {
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 16*len(spans))
	r, k := 0, 0 // rune index, current span
	from := 0    // byte offset of the text not yet written
	open := false
	for i := range text {
		if open && r >= spans[k].End {
			b.WriteString(mark(text[from:i]))
			from, open = i, false
			k++
		}
		for !open && k < len(spans) && spans[k].End <= r {
			k++ // empty, or already passed
		}
		if !open && k < len(spans) && spans[k].Start <= r {
			b.WriteString(text[from:i])
			from, open = i, true
		}
		r++
	}
	if open {
		b.WriteString(mark(text[from:]))
	} else {
		b.WriteString(text[from:])
	}
	return b.String()
}
