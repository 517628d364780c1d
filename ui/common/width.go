package common

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/uniseg"
)

// Width policy: East Asian ambiguous characters (… · “ ” ─ ①) count one
// cell, as lipgloss and bubbles (via x/ansi and uniseg) assume. go-runewidth
// would say two under a Chinese locale, so it is told the same. Because
// conhost under code page 936 draws those characters two cells wide anyway,
// the screen never shows them: chrome uses ASCII and full-width forms only,
// and content passes through Display, which swaps the ambiguous punctuation
// found in the policy texts for unambiguous equivalents.
func init() {
	runewidth.DefaultCondition.EastAsianWidth = false
	runewidth.DefaultCondition.StrictEmojiNeutral = true
	uniseg.EastAsianAmbiguousWidth = 1
}

var displayReplacer = strings.NewReplacer(
	"“", "「", "”", "」", "‘", "『", "’", "』",
	"…", "...", "·", "・", "—", "－", "–", "-", "※", "＊",
	"○", "〇", "●", "＊", "─", "-", "│", "|",
)

// Display prepares stored text for the screen (never for printouts).
func Display(s string) string {
	if s == "" {
		return s
	}
	return displayReplacer.Replace(s)
}

// Width is the number of cells s takes on screen (ANSI codes ignored).
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate cuts s to at most w cells, ending with ".." when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	if w <= 2 {
		return ansi.Truncate(s, w, "")
	}
	return ansi.Truncate(s, w, "..")
}

// Pad fills s with spaces to exactly w cells (truncating if longer).
func Pad(s string, w int) string {
	s = Truncate(s, w)
	if n := Width(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// Wrap breaks plain text into lines of at most w cells. Chinese text breaks
// between any two characters; a Latin word is kept whole where it fits;
// closing punctuation is not put at the start of a line when it can be
// helped. Existing line breaks are kept.
func Wrap(s string, w int) []string {
	if w < 2 {
		w = 2
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

func wrapLine(s string, w int) []string {
	if Width(s) <= w {
		return []string{s}
	}
	var lines []string
	var cur strings.Builder
	curW := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cl := g.Str()
		cw := g.Width()
		if curW+cw > w {
			line := cur.String()
			carry := ""
			// Keep a Latin word whole if it began on this line.
			if isWordPart(cl) {
				if i := strings.LastIndexFunc(line, func(r rune) bool { return !isWordRune(r) }); i >= 0 {
					_, size := utf8.DecodeRuneInString(line[i:])
					if j := i + size; j < len(line) && Width(line[j:]) < w {
						carry, line = line[j:], line[:j]
					}
				}
			}
			// A closing mark does not start a line: the character before it
			// goes down with it.
			if carry == "" && strings.Contains("，。、；：）」』》〕！？,.;:)", cl) {
				if r, size := utf8.DecodeLastRuneInString(line); size > 0 && r != ' ' && Width(line) > 2 {
					carry = line[len(line)-size:]
					line = line[:len(line)-size]
				}
			}
			lines = append(lines, strings.TrimRight(line, " "))
			cur.Reset()
			cur.WriteString(carry)
			curW = Width(carry)
			if cl == " " && carry == "" {
				continue
			}
		}
		cur.WriteString(cl)
		curW += cw
	}
	if cur.Len() > 0 || len(lines) == 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

func isWordPart(cl string) bool {
	for _, r := range cl {
		return isWordRune(r)
	}
	return false
}

func isWordRune(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
}
