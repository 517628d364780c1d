package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"taizhang/assets"
)

// ItemSection is one labelled part of a list item shown under its text.
type ItemSection struct {
	Label string   // 依据：, 原件所印：, 整理说明：
	Texts []string // one line of the source each
}

// ItemSections are the parts of a list item shown under its text, in order:
// its legal basis, what the printed source shows where the item was changed,
// and the note saying what was changed and why. Parts it lacks are left out.
func ItemSections(it *assets.Item) []ItemSection {
	var out []ItemSection
	if len(it.Basis) > 0 {
		out = append(out, ItemSection{"依据：", it.Basis})
	}
	if it.Reading != "" {
		out = append(out, ItemSection{"原件所印：", []string{it.Reading}})
	}
	if it.NoteZh != "" {
		out = append(out, ItemSection{"整理说明：", []string{it.NoteZh}})
	}
	return out
}

// ItemMark goes before an item's text on a one-line row: assets.NoteMark and
// a space for an item with an editorial note, else nothing.
func ItemMark(it *assets.Item) string {
	if it.Annotated() {
		return assets.NoteMark + " "
	}
	return ""
}

// ClipDetail cuts a detail to at most n lines, the last of them more, and
// drops a section label that the cut would leave without its text.
func ClipDetail(lines []string, n int, more string) []string {
	if len(lines) <= n || n < 1 {
		return lines
	}
	out := lines[: n-1 : n-1]
	for len(out) > 1 && strings.HasSuffix(ansi.Strip(out[len(out)-1]), "：") {
		out = out[:len(out)-1]
	}
	return append(out, more)
}
