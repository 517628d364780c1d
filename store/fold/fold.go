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
		if s[i] >= utf8.RuneSelf {
			return width.Fold.String(s)
		}
	}
	return s
}
