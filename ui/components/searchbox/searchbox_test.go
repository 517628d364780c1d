package searchbox

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
)

func TestKeys(t *testing.T) {
	m := New(common.DefaultStyles(), "查找")
	m.Open()
	if act, _ := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("居住")}); act != Changed || m.Value() != "居住" {
		t.Fatalf("typing: %v %q", act, m.Value())
	}
	if act, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); act != None {
		t.Errorf("enter with no results: %v", act)
	}
	m.SetResults(3)
	m.Update(tea.KeyMsg{Type: tea.KeyDown})
	// j is typed, not a cursor move: the field has focus.
	if act, _ := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("j")}); act != Changed || m.Cursor() != 1 {
		t.Errorf("j: %v, cursor %d", act, m.Cursor())
	}
	if act, _ := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); act != Chosen {
		t.Errorf("enter: %v", act)
	}
	if act, _ := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); act != Closed || m.Value() != "" || m.Results.Len() != 0 {
		t.Errorf("esc: %v %q %d", act, m.Value(), m.Results.Len())
	}
}
