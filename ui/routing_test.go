package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
)

// hold runs cmd and returns what it produced, batches flattened, without
// handing anything to the model: the test decides when it arrives.
func hold(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, hold(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// keyMsg is a key by name (esc, tab, enter, ctrl+s, right) or typed text.
func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "ctrl+s":
		return tea.KeyMsg{Type: tea.KeyCtrlS}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// pressAll sends keys one after another, each with all it leads to.
func pressAll(m tea.Model, keys ...string) tea.Model {
	for _, k := range keys {
		msg := keyMsg(k)
		m = drain(m, func() tea.Msg { return msg })
	}
	return m
}

func sized(t *testing.T, db *store.DB) tea.Model {
	var m tea.Model = newApp(t, db)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// The search index the 证明 ledger builds in the background reaches it
// although the worker went back to the home screen before it was built:
// coming back, search works (it used to say 正在建立查找索引 until restart).
func TestCertsIndexArrivesAfterLeaving(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	for i, n := range []string{"单雄信", "张三"} {
		in := store.CertInput{TypeNo: 3, Name: n, IDNumber: validID("1404031990010" + string(rune('1'+i)) + "123"),
			Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	m := sized(t, db)
	m, cmd := m.Update(keyMsg("2"))
	m, cmd = m.Update(cmd()) // Navigate: 证明 is shown and starts its loads
	held := hold(cmd)        // the month and the index, not delivered yet
	if len(held) < 2 {
		t.Fatalf("证明 started %d commands, want the month and the index", len(held))
	}
	m = pressAll(m, "esc")
	if v := m.View(); !strings.Contains(v, "按数字键进入") {
		t.Fatalf("not back home:\n%s", v)
	}
	for _, msg := range held { // they arrive while the home screen shows
		m = drain(m, func() tea.Msg { return msg })
	}
	m = pressAll(m, "2", "/", "shanx")
	v := m.View()
	if !strings.Contains(v, "找到 1 份") || !strings.Contains(v, "单雄信") || strings.Contains(v, "正在建立查找索引") {
		t.Errorf("search after coming back:\n%s", v)
	}
}

// A second Ctrl+S while a form's save runs saves nothing: the form says
// 正在保存… and the store is written once, in a command, not in Update.
func TestSecondCtrlSSavesOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		keys  []string // from the home screen to the filled form
		count func(*store.DB) int
		done  string // shown once saved
	}{
		{"certificate", []string{"2", "n", "jzzm", "tab", "单雄信", "tab", validID("14040319900101123"),
			"tab", "潞州区英雄南路12号", "tab", "办理入学"},
			func(db *store.DB) int { return db.CertCount() }, "已保存，编号 英南证2026-0001"},
		{"refusal", []string{"3", "n", "tab", "李四", "tab", "开具无犯罪记录证明"},
			func(db *store.DB) int { l, _ := db.MonthRefusals(2026, 11); return len(l) }, "拒绝出具 1 条"},
		{"admission draft", []string{"5", "n", "长治市潞州区城市管理局"},
			func(db *store.DB) int { l, _ := db.Admissions(); return len(l) }, "草稿已保存"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := newDB(t, true)
			m := pressAll(sized(t, db), tc.keys...)
			m, first := m.Update(keyMsg("ctrl+s"))
			if n := tc.count(db); n != 0 {
				t.Errorf("%d saved before the save command ran", n)
			}
			if v := m.View(); !strings.Contains(v, "正在保存...") {
				t.Errorf("no 正在保存 while saving:\n%s", v)
			}
			m, second := m.Update(keyMsg("ctrl+s"))
			m = drain(drain(m, first), second)
			if n := tc.count(db); n != 1 {
				t.Errorf("%d saved, want 1", n)
			}
			if v := m.View(); !strings.Contains(v, tc.done) {
				t.Errorf("after saving:\n%s", v)
			}
		})
	}
}

// A search with more hits than the first pages read with it reads the
// rest as the cursor comes to them (in a command, not while drawing).
func TestCertsSearchReadsRowsAsTheCursorMoves(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	const n = 40 // more than two pages of 18 rows
	for i := 0; i < n; i++ {
		in := store.CertInput{TypeNo: 3, Name: "张三", IDNumber: validID(fmt.Sprintf("14040319900101%03d", i)),
			Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{AcceptDuplicate: true}); err != nil {
			t.Fatal(err)
		}
	}
	m := pressAll(sized(t, db), "2", "/", "zhangsan")
	if v := m.View(); !strings.Contains(v, fmt.Sprintf("找到 %d 份", n)) || !strings.Contains(v, fmt.Sprintf("2026-%04d", n)) {
		t.Fatalf("first page:\n%s", v)
	}
	m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyEnd} })
	if v := m.View(); !strings.Contains(v, "2026-0001") || strings.Contains(v, "...") {
		t.Errorf("last page:\n%s", v)
	}
}

// A certificate saved while the search index is still being built is
// found once the index arrives (the build may have read the ledger first).
func TestCertSavedWhileIndexingIsFound(t *testing.T) {
	db := newDB(t, true)
	m := sized(t, db)
	m, cmd := m.Update(keyMsg("2"))
	m, cmd = m.Update(cmd())
	held := hold(cmd) // the index is built now, before the save
	m = pressAll(m, "n", "jzzm", "tab", "单雄信", "tab", validID("14040319900101123"),
		"tab", "潞州区英雄南路12号", "tab", "办理入学", "ctrl+s")
	if db.CertCount() != 1 {
		t.Fatalf("%d certificates saved", db.CertCount())
	}
	for _, msg := range held {
		m = drain(m, func() tea.Msg { return msg })
	}
	m = pressAll(m, "esc", "/", "shanx")
	if v := m.View(); !strings.Contains(v, "找到 1 份") {
		t.Errorf("search for the certificate saved while indexing:\n%s", v)
	}
}
