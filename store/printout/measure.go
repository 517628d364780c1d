package printout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The sheet has no layout engine of its own: Excel, WPS and LibreOffice wrap
// a merged cell's text but never grow a merged row, so the row heights are
// computed here from an estimate of how the text wraps. The estimate assumes
// a monospaced CJK font (宋体: a Han character or full-width sign is one em, an
// ASCII character half an em) and errs on the side of more lines: a wrong
// guess leaves blank space under a paragraph instead of cutting it off.

// lineHeight is the height of one wrapped line of text in a font of the given
// size in points. Excel draws 宋体 at about 1.3 em; CJK fonts used as a
// substitute (Noto Serif CJK, 思源宋体) need up to 1.45 em.
func lineHeight(size float64) float64 { return size * 1.5 }

// rowPad is the room above and below the text of a row, in points.
const rowPad = 6

// maxRowHeight is the tallest row Excel accepts, in points.
const maxRowHeight = 409

// runeEm is the width of r in ems.
func runeEm(r rune) float64 {
	switch {
	case r < 0x1100:
		return 0.5
	case r >= 0xFF61 && r <= 0xFFDC: // half-width katakana and hangul
		return 0.5
	default:
		return 1
	}
}

// noLineStart are the signs a line may not begin with (Chinese line-breaking
// rules, which Excel and WPS follow): the breaker moves the sign's preceding
// character to the next line along with it.
const noLineStart = "，。、；：？！）》」』】〕”’…—·%,.;:?!)]}"

// noLineEnd are the signs a line may not end with.
const noLineEnd = "（《「『【〔“‘([{"

// token is a piece of text the wrapper keeps on one line.
type token struct {
	text string
	em   float64
}

// tokens splits s into unbreakable pieces: a run of ASCII letters and digits
// is one piece (Excel breaks Latin text only at spaces), each other character
// is its own piece, and signs that may not start or end a line are glued to
// their neighbour.
func tokens(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		if isWordRune(r) {
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += n2
			}
		}
		piece := s[i:j]
		em := 0.0
		for _, r := range piece {
			em += runeEm(r)
		}
		glueBack := len(out) > 0 && strings.ContainsRune(noLineStart, r)
		glueFwd := len(out) > 0 && strings.ContainsAny(lastRune(out[len(out)-1].text), noLineEnd)
		if glueBack || glueFwd {
			out[len(out)-1].text += piece
			out[len(out)-1].em += em
		} else {
			out = append(out, token{piece, em})
		}
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// wrap breaks s into the lines a spreadsheet would draw in a cell width ems
// wide. It never returns fewer than one line.
func wrap(s string, width float64) []string {
	var lines []string
	var cur strings.Builder
	used := 0.0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		used = 0
	}
	for _, t := range tokens(s) {
		if t.em > width { // a word longer than a line is broken anywhere
			for _, r := range t.text {
				w := runeEm(r)
				if used+w > width && used > 0 {
					flush()
				}
				cur.WriteRune(r)
				used += w
			}
			continue
		}
		if used+t.em > width && used > 0 {
			flush()
		}
		cur.WriteString(t.text)
		used += t.em
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// chunks groups the wrapped lines of s into pieces short enough for one row
// (at most maxRowHeight tall) and returns each piece with its line count.
func chunks(s string, width, size float64) (pieces []string, lines []int) {
	all := wrap(s, width)
	per := int((maxRowHeight - rowPad) / lineHeight(size))
	if per < 1 {
		per = 1
	}
	for len(all) > 0 {
		n := min(per, len(all))
		pieces = append(pieces, strings.Join(all[:n], ""))
		lines = append(lines, n)
		all = all[n:]
	}
	return pieces, lines
}

// rowHeight is the height of a row holding n lines in a font of size points.
func rowHeight(n int, size float64) float64 {
	return min(float64(n)*lineHeight(size)+rowPad, maxRowHeight)
}
