package deskcheck

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// role is what a word of the dictionary is used for; one word may have
// several.
type role uint16

const (
	roleGeneric role = 1 << iota
	roleFiller
	roleAsk
	roleCert
	rolePronoun
	roleTask
	rolePurpose
	rolePurposeEnd
	roleTerm // a part of a keyword
	roleNot  // a word that keeps an item a candidate
)

// dict holds every word the checker looks for, so a request is scanned
// once per role set: at each rune, only the words that begin with it are
// tried.
type dict struct {
	words   []string
	roles   []role
	ids     map[string]int
	byFirst map[rune][]int // longest first
}

// occ is one occurrence of a word: byte offsets in the scanned string.
type occ struct{ id, start, end int }

func (d *dict) add(w string, r role) int {
	if d.ids == nil {
		d.ids, d.byFirst = map[string]int{}, map[rune][]int{}
	}
	if id, ok := d.ids[w]; ok {
		d.roles[id] |= r
		return id
	}
	id := len(d.words)
	d.words, d.roles, d.ids[w] = append(d.words, w), append(d.roles, r), id
	first, _ := utf8.DecodeRuneInString(w)
	l := append(d.byFirst[first], id)
	slices.SortStableFunc(l, func(a, b int) int { return len(d.words[b]) - len(d.words[a]) })
	d.byFirst[first] = l
	return id
}

func (d *dict) addAll(ws []string, r role) {
	for _, w := range ws {
		d.add(w, r)
	}
}

// scan calls fn for every occurrence in s of a word with one of the roles
// want, overlapping ones included, in order of their start.
func (d *dict) scan(s string, want role, fn func(occ)) {
	for i, r := range s {
		for _, id := range d.byFirst[r] {
			if d.roles[id]&want != 0 && strings.HasPrefix(s[i:], d.words[id]) {
				fn(occ{id, i, i + len(d.words[id])})
			}
		}
	}
}

// bits is a set of word ids.
type bits []uint64

func (b bits) has(id int) bool { return b[id/64]&(1<<(id%64)) != 0 }

// found is the set of words with one of the roles want that s holds.
func (d *dict) found(s string, want role) bits {
	b := make(bits, (len(d.words)+63)/64)
	d.scan(s, want, func(o occ) { b[o.id/64] |= 1 << (o.id % 64) })
	return b
}

func (d *dict) startsWith(s string, want role) bool {
	r, _ := utf8.DecodeRuneInString(s)
	for _, id := range d.byFirst[r] {
		if d.roles[id]&want != 0 && strings.HasPrefix(s, d.words[id]) {
			return true
		}
	}
	return false
}

func (d *dict) endsWith(s string, want role) bool {
	for i := range s {
		r, _ := utf8.DecodeRuneInString(s[i:])
		for _, id := range d.byFirst[r] {
			if d.roles[id]&want != 0 && s[i:] == d.words[id] {
				return true
			}
		}
	}
	return false
}

// coveredBy reports whether every rune of s lies in some word with one of
// the roles want.
func (d *dict) coveredBy(s string, want role) bool {
	end := 0 // s[:end] is covered
	d.scan(s, want, func(o occ) {
		if o.start <= end {
			end = max(end, o.end)
		}
	})
	return end == len(s)
}

// strip removes from s every word with one of the roles want that is at
// least minRunes long, longest first where they overlap.
func (d *dict) strip(s string, want role, minRunes int) string {
	var b strings.Builder
	next := 0
	d.scan(s, want, func(o occ) {
		if o.start >= next && utf8.RuneCountInString(d.words[o.id]) >= minRunes {
			b.WriteString(s[next:o.start])
			next = o.end
		}
	})
	b.WriteString(s[next:])
	return b.String()
}
