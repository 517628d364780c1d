// Package listview is a cursor over a list of any length that renders only
// the rows in view. The caller keeps the rows; the view asks for them by
// index, so a ledger of 100,000 records costs as much to draw as one of 20.
package listview

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
)

// Keys moves the cursor.
type Keys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
}

// DefaultKeys: arrows and j/k, PgUp/PgDn, Home/End, from the key table.
func DefaultKeys() Keys {
	k := common.DefaultKeys()
	return Keys{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Home: k.Home, End: k.End}
}

// ArrowsOnly is the key set used while a search field has focus: letters
// go to the field, arrows and paging keys to the list.
func ArrowsOnly() Keys {
	k := DefaultKeys()
	t := common.DefaultKeys()
	k.Up, k.Down = t.UpArrow, t.DownArrow
	return k
}

// Model is the cursor and the window.
type Model struct {
	Keys   Keys
	n      int // rows in the list
	cursor int
	offset int // first row in view
	height int // rows in view
}

// New makes an empty list showing height rows.
func New(height int) Model { return Model{Keys: DefaultKeys(), height: max(height, 1)} }

// SetLen tells the list how many rows it has, keeping the cursor in range.
func (m *Model) SetLen(n int) {
	m.n = n
	m.clamp()
}

// SetHeight sets how many rows are shown.
func (m *Model) SetHeight(h int) {
	m.height = max(h, 1)
	m.clamp()
}

// Len, Cursor and Height report the state.
func (m Model) Len() int    { return m.n }
func (m Model) Cursor() int { return m.cursor }
func (m Model) Height() int { return m.height }

// Window is the rows in view: from (inclusive) to (exclusive).
func (m Model) Window() (from, to int) { return m.offset, min(m.offset+m.height, m.n) }

// Select puts the cursor on row i.
func (m *Model) Select(i int) {
	m.cursor = i
	m.clamp()
}

// Update moves the cursor for a key; it reports whether the key was used.
func (m *Model) Update(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, m.Keys.Up):
		m.cursor--
	case key.Matches(msg, m.Keys.Down):
		m.cursor++
	case key.Matches(msg, m.Keys.PageUp):
		m.cursor -= m.height
	case key.Matches(msg, m.Keys.PageDown):
		m.cursor += m.height
	case key.Matches(msg, m.Keys.Home):
		m.cursor = 0
	case key.Matches(msg, m.Keys.End):
		m.cursor = m.n - 1
	default:
		return false
	}
	m.clamp()
	return true
}

func (m *Model) clamp() {
	if m.cursor >= m.n {
		m.cursor = m.n - 1
	}
	if m.cursor < 0 {
		m.cursor = 0
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+m.height {
		m.offset = m.cursor - m.height + 1
	}
	if m.offset > m.n-m.height {
		m.offset = max(m.n-m.height, 0)
	}
	if m.offset < 0 {
		m.offset = 0
	}
}

// View draws the rows in view, each exactly width cells (the first cell is
// the cursor marker), padded to height lines. row(i, selected) returns row
// i's text without the selection style.
func (m Model) View(width int, sel common.Styles, row func(i int, selected bool) string) string {
	var b strings.Builder
	end := min(m.offset+m.height, m.n)
	for i := m.offset; i < m.offset+m.height; i++ {
		if i > m.offset {
			b.WriteByte('\n')
		}
		if i >= end {
			b.WriteString(strings.Repeat(" ", width))
			continue
		}
		// The marker shows the cursor on consoles without colour too.
		if i == m.cursor {
			b.WriteString(sel.Selected.Render(common.Pad(">"+row(i, true), width)))
			continue
		}
		line := common.Pad(" "+row(i, false), width)
		b.WriteString(line)
	}
	return b.String()
}

// Position is "第 3/16 条" for a status line.
func (m Model) Position() (cur, total int) {
	if m.n == 0 {
		return 0, 0
	}
	return m.cursor + 1, m.n
}

// ShortHelp and FullHelp list the movement keys.
func (k Keys) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }
func (k Keys) FullHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}
}
