package search

import (
	"strings"
	"time"

	"taizhang/store/idcard"
)

// variant is another spelling of a query, tried on fields of some kinds
// only: the serial in a query that carries a printed prefix, the 18-digit
// form of a legacy ID number, what a synonym stands for.
type variant struct {
	qb    []byte
	bloom uint64
	kinds uint8 // bit per Kind
}

// SetSynonyms makes Text fields also match what the words of a query stand
// for (低保 or dibao finds 最低生活保障); nil turns it off.
func (ix *Index) SetSynonyms(s *Synonyms) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.syn = s
}

// variants are the other spellings of the folded query q that apply to the
// kinds of field the index holds.
func (ix *Index) variants(q string) []variant {
	var out []variant
	add := func(v string, k Kind) {
		if v == "" || v == q || ix.kinds&(1<<k) == 0 {
			return
		}
		for i := range out {
			if string(out[i].qb) == v {
				out[i].kinds |= 1 << k
				return
			}
		}
		out = append(out, variant{qb: []byte(v), bloom: bigrams([]byte(v)), kinds: 1 << k})
	}
	add(serialQuery(q), Code)
	add(legacyID(q), Digits)
	if ix.syn != nil && ix.kinds&(1<<Text) != 0 {
		for _, v := range ix.syn.expand(q) {
			add(v, Text)
		}
	}
	return out
}

// serialQuery is the serial a folded query stands for: without what is
// printed before the number (英南证2026-0042), with any dash as "-", and
// with the dash put back into a whole serial typed without one (20260042:
// eight or more digits that begin with a year). "" if the query does not
// end in a number.
func serialQuery(q string) string {
	i := strings.IndexAny(q, "0123456789")
	if i < 0 {
		return ""
	}
	b := make([]byte, 0, len(q)-i)
	digits := true
	for _, r := range q[i:] {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case isDash(r):
			b = append(b, '-')
			digits = false
		default:
			return "" // letters or words after the number: not a serial
		}
	}
	if digits && len(b) >= 8 && (b[0] == '1' && b[1] == '9' || b[0] == '2' && b[1] == '0') {
		return string(b[:4]) + "-" + string(b[4:])
	}
	return string(b)
}

// isDash reports the characters a worker may type for the dash of a
// serial (full-width ones are folded to "-" before this).
func isDash(r rune) bool {
	switch r {
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '﹣':
		return true
	}
	return false
}

// legacyID is the 18-digit number (folded: x lower case) that a valid
// legacy 15-digit ID number converts to, or "".
func legacyID(q string) string {
	if len(q) != 15 || strings.Trim(q, "0123456789") != "" {
		return ""
	}
	id, err := idcard.Parse(q, time.Time{})
	if err != nil || !id.Legacy15 {
		return ""
	}
	return strings.ToLower(id.Number)
}
