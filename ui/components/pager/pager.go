// Package pager scrolls a block of lines longer than the screen: ↑↓ a
// line, PgUp/PgDn a page, Home/End to either end. Like listview it does not
// keep the lines: the caller builds them when it draws and hands them in,
// so what is shown is always what the screen holds now.
package pager

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
	"taizhang/ui/components/listview"
)

// Keys scroll the text: the list's keys from the key table (k and j
// too: one meaning, up and down, on every screen).
type Keys = listview.Keys

// DefaultKeys: arrows and k/j, PgUp/PgDn, Home/End.
func DefaultKeys() Keys { return listview.DefaultKeys() }

// PagesOnly is the key set beside a text field (which takes Home and End)
// and a list (which takes the arrows).
func PagesOnly() Keys {
	k := DefaultKeys()
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Home, &k.End} {
		b.SetEnabled(false)
	}
	return k
}

// Model is the position in the text.
type Model struct {
	Keys   Keys
	n      int // lines of the text, as of the last SetLen or View
	offset int // first line in view
	height int
}

// New makes a pager showing height lines.
func New(height int) Model { return Model{Keys: DefaultKeys(), height: max(height, 1)} }

// SetLen tells the pager how long the text is now.
func (m *Model) SetLen(n int) {
	m.n = n
	m.offset = m.clamp(m.offset)
}

// SetHeight sets how many lines are shown.
func (m *Model) SetHeight(h int) {
	m.height = max(h, 1)
	m.offset = m.clamp(m.offset)
}

// Top goes back to the first line.
func (m *Model) Top() { m.offset = 0 }

// ScrollTo puts line i at the top of the view (as near as the end allows).
func (m *Model) ScrollTo(i int) { m.offset = m.clamp(i) }

// Show scrolls as little as needed to bring line i into view (not under
// the marker of lines below), with a line of context above it.
func (m *Model) Show(i int) {
	switch {
	case i <= m.offset:
		m.offset = i - 1
	case i >= m.offset+m.height-1:
		m.offset = i - m.height/3
	}
	m.offset = m.clamp(m.offset)
}

// Update scrolls for a key and reports whether the key was used.
func (m *Model) Update(km tea.KeyMsg) bool {
	switch {
	case key.Matches(km, m.Keys.Up):
		m.offset--
	case key.Matches(km, m.Keys.Down):
		m.offset++
	case key.Matches(km, m.Keys.PageUp):
		m.offset -= max(m.height-1, 1)
	case key.Matches(km, m.Keys.PageDown):
		m.offset += max(m.height-1, 1)
	case key.Matches(km, m.Keys.Home):
		m.offset = 0
	case key.Matches(km, m.Keys.End):
		m.offset = m.n
	default:
		return false
	}
	m.offset = m.clamp(m.offset)
	return true
}

func (m Model) clamp(off int) int { return max(min(off, m.n-m.height), 0) }

// Window is the lines in view of a text n lines long: from (inclusive) to
// (exclusive).
func (m Model) Window(n int) (from, to int) {
	m.n = n
	from = m.clamp(m.offset)
	return from, min(from+m.height, n)
}

// View is the lines of the text in view, one per line; when more follow,
// the last row says how many and how to see them. A text that became
// shorter since the last key shows its end.
func (m Model) View(lines []string, s common.Styles) string {
	from, to := m.Window(len(lines))
	shown := lines[from:to]
	if below := len(lines) - to; below > 0 && m.height >= 3 {
		marker := fmt.Sprintf("（下面还有 %d 行，按 PgDn 往下看）", below+1)
		shown = append(shown[:len(shown)-1:len(shown)-1], s.Dim.Render(marker))
	}
	return strings.Join(shown, "\n")
}
