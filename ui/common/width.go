package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/mattn/go-runewidth"
	"github.com/rivo/uniseg"

	"taizhang/store/idcard"
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

// Wrap breaks plain text into lines of at most w cells, keeping existing
// line breaks. Chinese text may break between any two characters, but where
// a line ends within the last few cells after a punctuation mark or a
// space, it ends there rather than inside a phrase. A line never breaks
// inside a Latin word or number, a known term (港澳台居民居住证) or a
// 《title》 up to half a line long, before a closing mark or after an opening
// one, unless nothing else fits.
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

// preferWithin is how far back (in cells) from the end of a full line a
// break after punctuation or a space is preferred to a break in a phrase.
const preferWithin = 8

const (
	closingMarks = "，。、；：）」』》〕】〗！？,.;:)!?"
	openingMarks = "（「『《〔【〖("
	breakAfter   = "，。、；：）」』》！？"
)

// keepTogether are terms a line does not split where it can help it: the
// kinds of identity document a hint names.
var keepTogether = []string{
	idcard.HongKongMacaoTaiwan.String(), idcard.ForeignPermanent.String(), idcard.Mainland.String(), "身份证号",
}

type grapheme struct {
	s string
	w int
}

func wrapLine(s string, w int) []string {
	if Width(s) <= w {
		return []string{s}
	}
	var gs []grapheme
	for g := uniseg.NewGraphemes(s); g.Next(); {
		gs = append(gs, grapheme{g.Str(), g.Width()})
	}
	noBreak := unbreakable(s, gs, w)
	var lines []string
	start := 0
	for start < len(gs) {
		end, cw := start, 0
		for end < len(gs) && cw+gs[end].w <= w {
			cw += gs[end].w
			end++
		}
		end = max(end, start+1) // a character wider than the line
		if end == len(gs) {
			lines = append(lines, concat(gs[start:end]))
			break
		}
		brk := breakAt(gs, noBreak, start, end)
		lines = append(lines, strings.TrimRight(concat(gs[start:brk]), " "))
		start = brk
		for start < len(gs) && gs[start].s == " " {
			start++
		}
	}
	return lines
}

// breakAt chooses where a line that fills gs[start:end] ends: after
// punctuation or a space near the end, else as late as allowed, else at end.
func breakAt(gs []grapheme, noBreak []bool, start, end int) int {
	tail := 0
	for b := end; b > start; b-- {
		if b < end {
			tail += gs[b].w
		}
		if tail > preferWithin {
			break
		}
		if !noBreak[b] && (gs[b-1].s == " " || strings.Contains(breakAfter, gs[b-1].s)) {
			return b
		}
	}
	for b := end; b > start; b-- {
		if !noBreak[b] {
			return b
		}
	}
	return end
}

// unbreakable marks, for each i, whether a line may not end before gs[i].
func unbreakable(s string, gs []grapheme, w int) []bool {
	no := make([]bool, len(gs)+1)
	offs := make([]int, len(gs)+1)
	for i, g := range gs {
		offs[i+1] = offs[i] + len(g.s)
	}
	for i := 1; i < len(gs); i++ {
		a, b := gs[i-1].s, gs[i].s
		no[i] = isWordPart(a) && isWordPart(b) || strings.Contains(closingMarks, b) || strings.Contains(openingMarks, a)
	}
	// keep marks the graphemes strictly inside s[from:to] together when
	// they fit on a line.
	keep := func(from, to int) {
		if Width(s[from:to]) > w {
			return
		}
		for i := range gs {
			if offs[i] > from && offs[i] < to {
				no[i] = true
			}
		}
	}
	for _, term := range keepTogether {
		for at := 0; ; {
			i := strings.Index(s[at:], term)
			if i < 0 {
				break
			}
			keep(at+i, at+i+len(term))
			at += i + len(term)
		}
	}
	for at := 0; ; {
		i := strings.Index(s[at:], "《")
		if i < 0 {
			break
		}
		j := strings.Index(s[at+i:], "》")
		if j < 0 {
			break
		}
		if Width(s[at+i:at+i+j]) < w/2 {
			keep(at+i, at+i+j+len("》"))
		}
		at += i + j
	}
	return no
}

func concat(gs []grapheme) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.s)
	}
	return b.String()
}

func isWordPart(cl string) bool {
	for _, r := range cl {
		return isWordRune(r)
	}
	return false
}

func isWordRune(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// Labelled lays out one field of a detail view: head (the label and its
// colon, styled by the caller) followed by the value, wrapped by display
// width so that no line is wider than w and every character is shown;
// later lines are indented under the value. When the head leaves less
// than a third of the line, the value goes on the lines below, indented.
func Labelled(head, value string, w int) []string {
	indent := Width(head)
	if w-indent < max(w/3, 8) {
		out := []string{head}
		for _, l := range Wrap(Display(value), w-2) {
			out = append(out, "  "+l)
		}
		return out
	}
	lines := Wrap(Display(value), w-indent)
	for i := range lines {
		if i == 0 {
			lines[i] = head + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", indent) + lines[i]
		}
	}
	return lines
}
