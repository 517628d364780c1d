package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// settle runs cmd and every command that follows from it, handing each
// message to m, until nothing is left. A command that has not returned
// within wait is a timer (tea.Tick, tea.Every, a blinking cursor): settle
// fails, since a screen left alone must schedule nothing.
func settle(t *testing.T, m tea.Model, cmd tea.Cmd) tea.Model {
	t.Helper()
	const wait = 500 * time.Millisecond
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 1000 {
			t.Fatal("commands keep coming: something reschedules itself")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(wait):
			t.Fatalf("a command is still waiting after %v: a timer is scheduled while idle", wait)
		}
		switch msg := msg.(type) {
		case nil, tea.QuitMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			var next tea.Cmd
			m, next = m.Update(msg)
			queue = append(queue, next)
		}
	}
	return m
}

// Idle at any screen the program wakes for nothing: no tick, no blink. The
// date in the header and on the home screen is read when the screen is
// drawn, so it is right again on the next key (see TestDateOnNextKey).
func TestIdleSchedulesNothing(t *testing.T) {
	db := newDB(t, true)
	for _, screen := range []string{"", "1", "2", "3", "4", "5", "9"} {
		t.Run("key"+screen, func(t *testing.T) {
			a := newApp(t, db)
			var m tea.Model = a
			m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
			m = settle(t, m, a.Init())
			if screen != "" {
				m = settle(t, m, func() tea.Msg { return keyMsg(screen) })
			}
			m = settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyDown} })
			if screen != "" && strings.Contains(m.View(), "按数字键进入") {
				t.Errorf("key %s did not leave the home screen", screen)
			}
		})
	}
}

// The home screen shows the new day after midnight on the next key, with
// no tick to wake it.
func TestDateOnNextKey(t *testing.T) {
	db := newDB(t, true)
	now := time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC).Add(-8 * time.Hour) // 23:59 in Beijing
	a := New(db, newApp(t, db).ctx.Catalog, func() time.Time { return now })
	var m tea.Model = a
	m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
	m = settle(t, m, a.Init())
	if v := m.View(); !strings.Contains(v, "今天是 2026年11月29日 星期日") {
		t.Fatalf("before midnight:\n%s", v)
	}
	now = now.Add(2 * time.Minute)
	m = settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyDown} })
	if v := m.View(); !strings.Contains(v, "今天是 2026年11月30日 星期一") || strings.Contains(v, "今天是 2026年11月29日") {
		t.Errorf("after midnight and a key:\n%s", v)
	}
}
