package search

import (
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	gopinyin "github.com/mozillazg/go-pinyin"

	"taizhang/assets"
)

// Pinyin holds the tone-less readings of every character go-pinyin knows
// (all heteronyms), plus surname and place overrides. Build it once; it is
// read-only afterwards and safe for concurrent use.
//
// Internally each distinct list of readings ("reading set") is interned and
// numbered, so an index stores one uint16 per character.
type Pinyin struct {
	readingTable
	dense []uint16 // rune-denseLo -> set id
	other map[rune]uint16

	primary    []uint16            // set id -> set of its first reading only
	surnames   map[string][]uint16 // surname -> one set per character
	places     map[rune][]phrase   // first rune -> phrases, longest first
	setByKey   map[string]uint16   // interning, used only while building
	sylByValue map[string]string   // interning of reading strings, build only
}

// readingTable is what a search needs of the reading sets: a Pinyin's
// own, or the one an index read back from bytes carries (binary.go).
type readingTable struct {
	sets  [][]string // set id -> readings; set 0 is empty (no readings)
	inits []uint32   // set id -> mask of first letters of its readings
	chars []uint32   // set id -> mask of all letters of its readings
	pre2  []uint64   // set id -> pairBit of the first two letters of each reading

	// common says how many of a set's readings, from the first, are
	// common: a character's usual reading is go-pinyin's first (有 is you;
	// wei is rare), while every reading an override gives is common.
	common []uint8
	cinits []uint32 // set id -> mask of first letters of its common readings
}

// emptyTable has only set 0 (no readings).
func emptyTable() *readingTable {
	return &readingTable{sets: [][]string{nil}, inits: []uint32{0}, chars: []uint32{0}, pre2: []uint64{0},
		common: []uint8{0}, cinits: []uint32{0}}
}

// add appends a set of readings, nc of them common, and returns its id.
func (t *readingTable) add(list []string, nc uint8) uint16 {
	id := uint16(len(t.sets))
	var im, cm, ci uint32
	var pm uint64
	for i, s := range list {
		im |= letterBit(s[0])
		for j := 0; j < len(s); j++ {
			cm |= letterBit(s[j])
		}
		if len(s) >= 2 {
			pm |= pairBit(s[0], s[1])
		}
		if i < int(nc) {
			ci |= letterBit(s[0])
		}
	}
	t.sets = append(t.sets, list)
	t.inits = append(t.inits, im)
	t.chars = append(t.chars, cm)
	t.pre2 = append(t.pre2, pm)
	t.common = append(t.common, nc)
	t.cinits = append(t.cinits, ci)
	return id
}

// setKey is how a set is told apart from others when interned: its
// readings and how many of them are common.
func setKey(dst []byte, list []string, nc uint8) []byte {
	dst = append(dst, nc)
	for _, s := range list {
		dst = append(append(dst, s...), ',')
	}
	return dst
}

type phrase struct {
	runes []rune
	sets  []uint16
}

const denseLo, denseHi = 0x3400, 0xA000 // CJK Ext A + URO, looked up by slice

var (
	defaultOnce sync.Once
	defaultPY   *Pinyin
)

// DefaultPinyin returns the shared Pinyin built from go-pinyin and the
// overrides embedded in package assets (assets.PinyinOverrides). It is built
// on first use. It panics if the embedded data is broken, which the tests of
// both packages rule out.
func DefaultPinyin() *Pinyin {
	defaultOnce.Do(func() {
		s, p, err := assets.PinyinOverrides()
		if err == nil {
			defaultPY, err = NewPinyin(s, p)
		}
		if err != nil {
			panic("search: " + err.Error())
		}
	})
	return defaultPY
}

// NewPinyin builds the reading tables. surnames and places have the shape of
// assets.PinyinOverrides: word -> one reading list per character. Surname
// readings replace the dictionary readings of the first character(s) of a
// Name field (two-character surnames only when the name has three or more
// characters); place readings replace those of every occurrence of the
// phrase in a Text field. Readings must be lower-case ASCII letters.
func NewPinyin(surnames, places map[string][][]string) (*Pinyin, error) {
	p := &Pinyin{
		readingTable: *emptyTable(),
		dense:        make([]uint16, denseHi-denseLo),
		other:        make(map[rune]uint16, 16384),
		surnames:     make(map[string][]uint16, len(surnames)),
		places:       make(map[rune][]phrase, len(places)),
		setByKey:     make(map[string]uint16, 4096),
		sylByValue:   make(map[string]string, 1024),
	}
	var (
		buf  []byte
		list []string
	)
	for code, v := range gopinyin.PinyinDict {
		list = list[:0]
		for start := 0; start <= len(v); {
			end := start
			for end < len(v) && v[end] != ',' {
				end++
			}
			var ok bool
			buf, ok = stripTone(buf[:0], v[start:end])
			if ok && len(buf) > 0 {
				list = appendUnique(list, p.syllable(buf))
			}
			start = end + 1
		}
		if len(list) == 0 {
			continue
		}
		id, err := p.intern(list, false)
		if err != nil {
			return nil, err
		}
		if r := rune(code); r >= denseLo && r < denseHi {
			p.dense[r-denseLo] = id
		} else {
			p.other[r] = id
		}
	}
	var err error
	if p.surnames, err = p.overrides(surnames); err != nil {
		return nil, fmt.Errorf("surnames: %w", err)
	}
	ps, err := p.overrides(places)
	if err != nil {
		return nil, fmt.Errorf("places: %w", err)
	}
	for w, sets := range ps {
		rs := []rune(w)
		p.places[rs[0]] = append(p.places[rs[0]], phrase{runes: rs, sets: sets})
	}
	for _, l := range p.places {
		sort.Slice(l, func(i, j int) bool {
			if len(l[i].runes) != len(l[j].runes) {
				return len(l[i].runes) > len(l[j].runes)
			}
			return string(l[i].runes) < string(l[j].runes)
		})
	}
	if err := p.primaries(); err != nil {
		return nil, err
	}
	p.setByKey, p.sylByValue = nil, nil
	return p, nil
}

// primaries maps every reading set to the set of its first reading alone:
// the reading a character has as a surname unless an override says
// otherwise (邓 is deng, not its rare shan).
func (p *Pinyin) primaries() error {
	n := len(p.sets)
	p.primary = make([]uint16, n)
	for id := 1; id < n; id++ {
		pid, err := p.intern(p.sets[id][:1], false)
		if err != nil {
			return err
		}
		p.primary[id] = pid
	}
	for id := len(p.primary); id < len(p.sets); id++ {
		p.primary = append(p.primary, uint16(id))
	}
	return nil
}

func (p *Pinyin) overrides(m map[string][][]string) (map[string][]uint16, error) {
	out := make(map[string][]uint16, len(m))
	for w, per := range m {
		if !utf8.ValidString(w) || utf8.RuneCountInString(w) != len(per) || len(per) == 0 {
			return nil, fmt.Errorf("%q: %d reading lists", w, len(per))
		}
		sets := make([]uint16, len(per))
		for i, rs := range per {
			var list []string
			for _, r := range rs {
				if !isLowerASCII(r) {
					return nil, fmt.Errorf("%q: reading %q is not lower-case pinyin", w, r)
				}
				list = appendUnique(list, p.syllable([]byte(r)))
			}
			if len(list) == 0 {
				return nil, fmt.Errorf("%q: character %d has no reading", w, i+1)
			}
			id, err := p.intern(list, true)
			if err != nil {
				return nil, err
			}
			sets[i] = id
		}
		out[w] = sets
	}
	return out, nil
}

// syllable interns a reading string.
func (p *Pinyin) syllable(b []byte) string {
	if s, ok := p.sylByValue[string(b)]; ok {
		return s
	}
	s := string(b)
	p.sylByValue[s] = s
	return s
}

// intern returns the id of the reading set list, adding it if new. The
// readings of an override are all common; those of the dictionary only
// the first, so the same list is two sets.
func (p *Pinyin) intern(list []string, override bool) (uint16, error) {
	nc := uint8(1)
	if override {
		nc = uint8(min(len(list), 255))
	}
	var kb [64]byte
	key := setKey(kb[:0], list, nc)
	if id, ok := p.setByKey[string(key)]; ok {
		return id, nil
	}
	if len(p.sets) >= int(endSet) {
		return 0, fmt.Errorf("search: too many distinct reading sets")
	}
	id := p.add(append([]string(nil), list...), nc)
	p.setByKey[string(key)] = id
	return id, nil
}

// set returns the reading set of r, 0 if it has none.
func (p *Pinyin) set(r rune) uint16 {
	if r >= denseLo && r < denseHi {
		return p.dense[r-denseLo]
	}
	if r < 0x2E80 {
		return 0 // below the CJK blocks: letters, digits, punctuation
	}
	return p.other[r]
}

// Readings returns the dictionary readings of r (tone-less, lower case,
// heteronyms in go-pinyin's order), or nil. Overrides are not applied.
func (p *Pinyin) Readings(r rune) []string {
	return p.sets[p.set(r)]
}

// stripTone appends the tone-less ASCII form of a go-pinyin reading, the way
// go-pinyin's Normal style does (ü -> v). ok is false if the reading has a
// letter that cannot be typed on an ASCII keyboard (ê, m̄, …).
func stripTone(dst []byte, s string) ([]byte, bool) {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			dst = append(dst, byte(r))
		case r < utf8.RuneSelf:
			return dst, false
		default:
			b := toneless(r)
			if b == 0 {
				return dst, false
			}
			dst = append(dst, b)
		}
	}
	return dst, true
}

func toneless(r rune) byte {
	switch r {
	case 'ā', 'á', 'ǎ', 'à':
		return 'a'
	case 'ē', 'é', 'ě', 'è':
		return 'e'
	case 'ō', 'ó', 'ǒ', 'ò':
		return 'o'
	case 'ī', 'í', 'ǐ', 'ì':
		return 'i'
	case 'ū', 'ú', 'ǔ', 'ù':
		return 'u'
	case 'ü', 'ǘ', 'ǚ', 'ǜ':
		return 'v'
	case 'ń', 'ň', 'ǹ':
		return 'n'
	case 'ḿ':
		return 'm'
	}
	return 0
}

func appendUnique(l []string, s string) []string {
	for _, v := range l {
		if v == s {
			return l
		}
	}
	return append(l, s)
}

func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// pairBit hashes a pair of lower-case letters to one of 64 bits.
func pairBit(a, b byte) uint64 {
	h := uint32(a)<<8 | uint32(b)
	return 1 << (h * 0x9E3779B1 >> 26)
}

func letterBit(c byte) uint32 {
	if c >= 'a' && c <= 'z' {
		return 1 << (c - 'a')
	}
	return 0
}
