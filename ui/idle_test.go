package ui

import (
	"fmt"
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
//
// The one exception is the idle lock: when the operator at the desk has a
// PIN, one timer (App.timer, noted here instead of started) runs while the
// desk is unlocked, started when it is unlocked and never again by a key
// while it runs; TestIdleLocks shows what it does when it fires.
func TestIdleSchedulesNothing(t *testing.T) {
	for _, pin := range []bool{false, true} {
		db := newDB(t, true)
		if pin {
			op, _ := db.Operator(db.LastOperator())
			if err := db.SetPIN(op, op.ID, "", "2468"); err != nil {
				t.Fatal(err)
			}
		}
		for _, screen := range []string{"", "1", "2", "3", "4", "5", "9"} {
			t.Run(fmt.Sprintf("pin=%v/key%s", pin, screen), func(t *testing.T) {
				a := newApp(t, db)
				var timers []time.Duration
				a.timer = func(d time.Duration, _ tea.Msg) tea.Cmd { timers = append(timers, d); return nil }
				var m tea.Model = a
				m = settle(t, m, func() tea.Msg { return tea.WindowSizeMsg{Width: 80, Height: 24} })
				m = settle(t, m, a.Init())
				if len(timers) != 0 {
					t.Fatalf("timers at start %v: locked or without a PIN nothing runs", timers)
				}
				want := []time.Duration(nil)
				if pin {
					m = settle(t, m, a.unlocked())
					want = []time.Duration{IdleLock}
				}
				if screen != "" {
					m = settle(t, m, func() tea.Msg { return keyMsg(screen) })
				}
				m = settle(t, m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyDown} })
				if screen != "" && strings.Contains(m.View(), "按数字键进入") {
					t.Errorf("key %s did not leave the home screen", screen)
				}
				if fmt.Sprint(timers) != fmt.Sprint(want) {
					t.Errorf("timers %v, want %v", timers, want)
				}
			})
		}
	}
}

// The idle timer, when it fires, locks the desk if no key came for
// IdleLock, else starts again for what is left; a key while it runs
// starts nothing; locked, it starts nothing.
func TestIdleLocks(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	if err := db.SetPIN(op, op.ID, "", "2468"); err != nil {
		t.Fatal(err)
	}
	clk := &movableClock{now: fixedNow}
	a := New(db, newApp(t, db).ctx.Catalog, clk.Now)
	var timers []time.Duration
	a.timer = func(d time.Duration, _ tea.Msg) tea.Cmd { timers = append(timers, d); return nil }
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drain(m, a.Init())
	m = drain(m, a.unlocked())
	clk.set(fixedNow.Add(3 * time.Minute))
	m = pressAll(m, "2")
	clk.set(fixedNow.Add(IdleLock))
	m = drain(m, func() tea.Msg { return idleTick{} })
	if a.locked || fmt.Sprint(timers) != fmt.Sprint([]time.Duration{IdleLock, 3 * time.Minute}) {
		t.Fatalf("after 7 idle minutes: locked %v, timers %v", a.locked, timers)
	}
	clk.set(fixedNow.Add(IdleLock + 3*time.Minute))
	m = drain(m, func() tea.Msg { return idleTick{} })
	if v := m.View(); !a.locked || !strings.Contains(v, "台账已锁定") || strings.Contains(v, "证明台账") {
		t.Fatalf("after 10 idle minutes:\n%s", v)
	}
	m = drain(m, func() tea.Msg { return idleTick{} })
	if len(timers) != 2 {
		t.Errorf("timers while locked: %v", timers)
	}
	m = pressAll(m, "2468", "enter")
	if a.locked || len(timers) != 3 || timers[2] != IdleLock || !strings.Contains(m.View(), "证明台账") {
		t.Errorf("unlocked: locked %v, timers %v, view:\n%s", a.locked, timers, m.View())
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
