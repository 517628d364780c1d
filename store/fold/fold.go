// Package fold is the one place where text typed with a Chinese input method
// is brought to the plain forms the records are kept in. ID numbers, credit
// codes, dates and search queries all fold through Width, so a full-width
// digit, letter or sign means the same everywhere.
package fold

import (
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Width maps full-width forms to ASCII: digits ０–９, letters Ａ–Ｚ and ａ–ｚ
// (case is kept: ｘ becomes x, Ｘ becomes X) and signs such as －／．; the
// ideographic space U+3000 becomes a plain space. It is golang.org/x/text/width's
// Fold, which also widens half-width katakana. ASCII text comes back as is.
//
// Use it on numbers, codes, dates and queries, not on prose: the Chinese
// comma ，is the full-width comma U+FF0C and would become ",".
func Width(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf && mayFold(s[i:]) {
			return width.Fold.String(s)
		}
	}
	return s
}

// mayFold reports whether s starts with a character Fold may change: it
// changes only U+3000 and U+FF01–U+FFEE (UTF-8 E3 80 80, EF BC 81 to
// EF BF AE). Chinese text without full-width forms, most of what a ledger
// holds, is returned without a copy.
func mayFold(s string) bool {
	switch s[0] {
	case 0xE3:
		return len(s) >= 3 && s[1] == 0x80 && s[2] == 0x80
	case 0xEF:
		return len(s) >= 2 && s[1] >= 0xBC
	}
	return false
}
