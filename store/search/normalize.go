package search

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"taizhang/store/fold"
)

// normalizeQuery folds a query the way field texts are folded (full width
// to ASCII, NFKC, lower case) and drops white space and control characters.
func normalizeQuery(s string) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s))
	}
	s = norm.NFKC.String(fold.Width(s))
	b := make([]byte, 0, len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if dropRune(r) {
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// dropRune reports runes that never take part in matching. NUL matters: it
// separates field texts in the index arena.
func dropRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f
	}
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// keepDigit reports the runes a Digits field keeps: letters and digits, so
// that "1404 0219…" and "1404-0219…" match a query of plain digits.
func keepDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// normalizer folds field texts into the index arena. Its scratch slices are
// reused between fields.
type normalizer struct {
	runes []rune   // normalised runes of the last text
	mp    []uint32 // for each normalised rune: original rune range [start, end)
}

// plain reports whether s is already in folded form, so that the normalised
// text is s itself and rune i maps to rune i.
func plain(s string, digits bool) bool {
	ascii := true
	for _, r := range s {
		if r < utf8.RuneSelf {
			if r <= ' ' || r == 0x7f || r >= 'A' && r <= 'Z' {
				return false
			}
			if digits && !keepDigit(r) {
				return false
			}
			continue
		}
		ascii = false
		if r == utf8.RuneError || unicode.IsUpper(r) || unicode.IsSpace(r) || unicode.IsControl(r) {
			return false // RuneError: possibly invalid UTF-8, take the slow path
		}
		if digits && !keepDigit(r) {
			return false
		}
	}
	// Every width.Fold mapping (full-width ASCII, half-width katakana, …) is
	// also an NFKC compatibility mapping, so NFKC-normal text is width-folded.
	return ascii || norm.NFKC.QuickSpanString(s) == len(s)
}

// appendText appends the folded form of s to dst and fills n.runes; it
// fills n.mp and returns identity=false when the folded runes do not map
// one to one onto the runes of s.
func (n *normalizer) appendText(dst []byte, s string, digits bool) (out []byte, identity bool) {
	n.runes, n.mp = n.runes[:0], n.mp[:0]
	if plain(s, digits) {
		for _, r := range s {
			n.runes = append(n.runes, r)
		}
		return append(dst, s...), true
	}
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // one U+FFFD per bad byte, as range does
	}
	// norm.Iter may hand out the expansion of one input rune over several
	// calls of Next, consuming the input only at the last, so runes are
	// mapped once their segment has consumed input.
	var it norm.Iter
	it.InitString(norm.NFKC, s)
	orig := uint32(0) // original runes consumed
	pend := 0         // first rune of n.runes not yet mapped
	for !it.Done() {
		a := it.Pos()
		seg := it.Next()
		k := uint32(utf8.RuneCountInString(s[a:it.Pos()]))
		for len(seg) > 0 {
			r, sz := utf8.DecodeRune(seg)
			seg = seg[sz:]
			r = unicode.ToLower(r)
			if dropRune(r) || digits && !keepDigit(r) {
				continue
			}
			dst = utf8.AppendRune(dst, r)
			n.runes = append(n.runes, r)
		}
		if k > 0 {
			for ; pend < len(n.runes); pend++ {
				n.mp = append(n.mp, orig, orig+k)
			}
			orig += k
		}
	}
	for ; pend < len(n.runes); pend++ { // not expected: output with no input
		n.mp = append(n.mp, max(orig, 1)-1, orig)
	}
	return dst, false
}
