// Package searchbox is the search-as-you-type field every list screen
// shares: a text field and the cursor over its results. Letters go to the
// field, arrows and paging keys to the results, Enter chooses, Esc closes.
package searchbox

import (
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
	"taizhang/ui/components/listview"
)

// Action is what a key did.
type Action int

const (
	None    Action = iota
	Changed        // the query changed: search again
	Chosen         // Enter on a result: open Cursor()
	Closed         // Esc: the field was cleared and left
)

// Model is the field and the results cursor.
type Model struct {
	Input       textinput.Model
	Results     listview.Model
	placeholder string
}

// New makes a search box with a placeholder.
func New(s common.Styles, placeholder string) Model {
	r := listview.New(5)
	r.Keys = listview.ArrowsOnly()
	return Model{Input: common.NewInput(s, placeholder), Results: r, placeholder: placeholder}
}

// SetWidth sets the field's width (the placeholder is cut to fit).
func (m *Model) SetWidth(w int) { common.SizeInput(&m.Input, w, m.placeholder) }

// Open focuses the field.
func (m *Model) Open() tea.Cmd { return m.Input.Focus() }

// Value is the query as typed.
func (m Model) Value() string { return m.Input.Value() }

// Cursor is the result under the cursor.
func (m Model) Cursor() int { return m.Results.Cursor() }

// SetResults tells the box how many results the query has and puts the
// cursor on the first.
func (m *Model) SetResults(n int) {
	m.Results.SetLen(n)
	m.Results.Select(0)
}

// Update handles one key.
func (m *Model) Update(km tea.KeyMsg) (Action, tea.Cmd) {
	switch km.Type {
	case tea.KeyEsc:
		m.Input.Blur()
		m.Input.SetValue("")
		m.SetResults(0)
		return Closed, nil
	case tea.KeyEnter:
		if m.Results.Len() > 0 {
			return Chosen, nil
		}
		return None, nil
	}
	if m.Results.Update(km) {
		return None, nil
	}
	before := m.Input.Value()
	var cmd tea.Cmd
	m.Input, cmd = m.Input.Update(km)
	if m.Input.Value() != before {
		return Changed, cmd
	}
	return None, cmd
}
