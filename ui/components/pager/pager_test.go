package pager

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
)

var st = common.DefaultStyles()

func lines(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(i)
	}
	return out
}

func TestKeys(t *testing.T) {
	text := lines(50)
	m := New(10)
	m.SetLen(len(text))
	first := func() string { return strings.SplitN(m.View(text, st), "\n", 2)[0] }
	for _, step := range []struct {
		key  tea.KeyType
		want string
	}{
		{tea.KeyDown, "1"}, {tea.KeyPgDown, "10"}, {tea.KeyEnd, "40"}, {tea.KeyDown, "40"},
		{tea.KeyPgUp, "31"}, {tea.KeyHome, "0"}, {tea.KeyUp, "0"},
	} {
		if !m.Update(tea.KeyMsg{Type: step.key}) {
			t.Errorf("%v not used", step.key)
		}
		if got := first(); got != step.want {
			t.Errorf("after %v the view starts at %s, want %s", step.key, got, step.want)
		}
	}
	if n := strings.Count(m.View(text, st), "\n") + 1; n != 10 {
		t.Errorf("view has %d lines", n)
	}
	// Lines below the view are announced on the last row; PgDn shows the
	// line the announcement covered.
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if v := m.View(text, st); !strings.HasSuffix(v, "（下面还有 41 行，按 PgDn 往下看）") || strings.Contains(v, "\n9\n") {
		t.Errorf("top of 50 lines:\n%s", v)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
	if got := first(); got != "9" {
		t.Errorf("PgDn starts at %s, want 9", got)
	}
	if m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")}) {
		t.Error("a letter other than k and j scrolled")
	}
	// A text that got shorter shows its end; a short one all of it.
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if got := m.View(lines(15), st); !strings.HasPrefix(got, "5\n") {
		t.Errorf("shorter text: %q", got)
	}
	if from, to := m.Window(5); from != 0 || to != 5 {
		t.Errorf("a short text shows lines %d-%d", from, to)
	}
}

func TestShow(t *testing.T) {
	m := New(10)
	m.SetLen(100)
	m.Show(55)
	if from, to := m.Window(100); 55 < from || 55 >= to {
		t.Errorf("line 55 not in %d-%d", from, to)
	}
	m.ScrollTo(95)
	if from, _ := m.Window(100); from != 90 {
		t.Errorf("scrolled to 95, shows from %d, want 90 (the end)", from)
	}
	m.Show(3)
	if from, _ := m.Window(100); from != 2 {
		t.Errorf("line 3 shown from %d, want 2 (one line above it)", from)
	}
}

func TestPagesOnly(t *testing.T) {
	m := New(5)
	m.Keys = PagesOnly()
	m.SetLen(20)
	for _, k := range []tea.KeyType{tea.KeyUp, tea.KeyDown, tea.KeyHome, tea.KeyEnd} {
		if m.Update(tea.KeyMsg{Type: k}) {
			t.Errorf("%v scrolled beside a text field", k)
		}
	}
	if !m.Update(tea.KeyMsg{Type: tea.KeyPgDown}) {
		t.Error("PgDn did not scroll")
	}
}
