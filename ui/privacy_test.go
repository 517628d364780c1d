package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/export"
	"taizhang/ui/lock"
)

// wholeID is an ID number shown in full (18 characters).
var wholeID = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)

// privacyStates are the states beyond the walk where a number could show:
// a correction's form, a linked certificate after h, the full help.
var privacyStates = []walkState{
	{"证明 更正", []string{"2", "down", "down", "enter", "c"}},
	{"证明 更正 身份证号一栏", []string{"2", "down", "down", "enter", "c", "tab", "tab"}},
	{"证明 显示号码后看关联证明", []string{"2", "enter", "h", "l"}},
	{"证明 详情 全部按键", []string{"2", "enter", "?"}},
	{"设置 旧记录复核", []string{"9", "f"}},
}

// No screen shows a whole ID number unless the worker pressed h on it:
// every state of the walk, of the receiving office's program and the
// states above, in a window wide enough for the whole ID column too.
func TestEveryScreenHidesIDNumbers(t *testing.T) {
	db := seeded(t)
	agg := received(t)
	for _, size := range [][2]int{{80, 24}, {120, 30}} {
		w, h := size[0], size[1]
		for _, st := range append(append([]walkState{}, walkStates...), privacyStates...) {
			t.Run(fmt.Sprintf("%dx%d %s", w, h, st.name), func(t *testing.T) {
				if v := reach(t, db, st, w, h).View(); wholeID.MatchString(v) {
					t.Errorf("a whole ID number shows:\n%s", v)
				}
			})
		}
		for _, st := range aggStates {
			t.Run(fmt.Sprintf("%dx%d 接收单位 %s", w, h, st.name), func(t *testing.T) {
				if v := reachAgg(t, agg, st, w, h).View(); wholeID.MatchString(v) {
					t.Errorf("a whole ID number shows:\n%s", v)
				}
			})
		}
	}
}

// h on a certificate writes exactly one event (who, when, which
// certificate) and only then shows the number; h again hides it and writes
// nothing; the detail's history lists the showing.
func TestShowIDWritesOneEvent(t *testing.T) {
	db := seeded(t)
	count := func() (n int, last store.Event) {
		db.Events(func(ev store.Event) error { n, last = n+1, ev; return nil })
		return n, last
	}
	before, _ := count()
	m := pressAll(sized(t, db), "2", "enter")
	a := m.(*App)
	cert := a.screens["certs"].(interface{ Title() string }).Title()
	if wholeID.MatchString(m.View()) {
		t.Fatalf("the detail shows the number before h:\n%s", m.View())
	}
	m = pressAll(m, "h")
	n, last := count()
	v := m.View()
	if n != before+1 || last.Kind != store.EvIDShown || last.Operator != "王丽" || !last.Time.Equal(fixedNow) {
		t.Fatalf("events %d → %d, last %+v", before, n, last)
	}
	c, err := db.Certificate(last.Subject)
	if err != nil || "证明 "+c.Serial != cert {
		t.Errorf("the event is about %d (%v), the screen shows %s", last.Subject, err, cert)
	}
	if !strings.Contains(v, c.IDNumber) || !strings.Contains(v, "查看完整身份证号") {
		t.Errorf("after h the number and its record in the history show:\n%s", v)
	}
	m = pressAll(m, "h")
	if n2, _ := count(); n2 != n || wholeID.MatchString(m.View()) {
		t.Errorf("h again: %d events (want %d), view:\n%s", n2, n, m.View())
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}

// withPIN gives the desk operator of db a PIN.
func withPIN(t *testing.T, db *store.DB, pin string) store.Operator {
	t.Helper()
	op, _ := db.Operator(db.LastOperator())
	if err := db.SetPIN(op, op.ID, "", pin); err != nil {
		t.Fatal(err)
	}
	return op
}

// desk starts the program on db at 80×24 as the command does (Init run),
// with the idle timer noted in timers instead of started (drain would
// wait for it).
func desk(t *testing.T, db *store.DB) (*App, *[]time.Duration) {
	t.Helper()
	a := newApp(t, db)
	var timers []time.Duration
	a.timer = func(d time.Duration, _ tea.Msg) tea.Cmd { timers = append(timers, d); return nil }
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return drain(m, a.Init()).(*App), &timers
}

// An operator with a PIN meets the lock at start: nothing of the ledger
// shows (not even the community), letters are typed into the PIN, a wrong
// PIN says so, the right one opens the home screen.
func TestLockAtStart(t *testing.T) {
	db := seeded(t)
	withPIN(t, db, "2468")
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "台账已锁定")
	typeText(tm, "2")
	typeText(tm, "1357")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "PIN 不对")
	typeText(tm, "2468")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "按数字键进入")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "英雄南路社区") {
		t.Errorf("after the PIN:\n%s", v)
	}
}

func TestLockScreenShowsNothing(t *testing.T) {
	db := seeded(t)
	withPIN(t, db, "2468")
	a, _ := desk(t, db)
	m := pressAll(a, "2", "1", "enter")
	v := m.View()
	for _, leak := range []string{"英雄南路", "张三", "2026-", "证明", "140403"} {
		if strings.Contains(v, leak) {
			t.Errorf("the lock screen shows %q:\n%s", leak, v)
		}
	}
	for _, want := range []string{"台账已锁定", "经办人：王丽", "PIN 不对", "taizhang operator --reset-pin"} {
		if !strings.Contains(v, want) {
			t.Errorf("the lock screen lacks %q:\n%s", want, v)
		}
	}
	checkFrame(t, v, 80, 24)
}

// Ctrl+L locks at once from any screen, here over a certificate whose
// number was shown; without a PIN it says how to set one.
func TestCtrlLLocks(t *testing.T) {
	db := seeded(t)
	m := pressAll(sized(t, db), "2", "enter")
	m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyCtrlL} })
	if a := m.(*App); a.locked || !strings.Contains(a.status.Text, "按 d 设置 PIN") {
		t.Fatalf("Ctrl+L without a PIN: locked %v, status %q", a.locked, a.status.Text)
	}
	withPIN(t, db, "2468")
	a, _ := desk(t, db)
	m = pressAll(a, "2468", "enter", "2", "enter", "h")
	if !wholeID.MatchString(m.View()) {
		t.Fatalf("h did not show the number:\n%s", m.View())
	}
	m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyCtrlL} })
	if v := m.View(); wholeID.MatchString(v) || strings.Contains(v, "张三") || !strings.Contains(v, "台账已锁定") {
		t.Errorf("locked:\n%s", v)
	}
	m = pressAll(m, "2468", "enter")
	if v := m.View(); !strings.Contains(v, "证明 ") || strings.Contains(v, "台账已锁定") {
		t.Errorf("unlocked, the screen left is back:\n%s", v)
	}
}

// Wrong PINs: the first few are answered at once, then each check waits
// longer (1, 2, 4 … seconds, at most a minute), and the screen says so.
func TestLockWrongTries(t *testing.T) {
	want := []time.Duration{0, 0, 0, time.Second, 2 * time.Second, 4 * time.Second}
	for i, d := range want {
		if got := lock.Delay(i); got != d {
			t.Errorf("Delay(%d) = %v, want %v", i, got, d)
		}
	}
	if lock.Delay(40) != time.Minute {
		t.Errorf("Delay(40) = %v", lock.Delay(40))
	}
	db := seeded(t)
	withPIN(t, db, "2468")
	var m tea.Model
	m, _ = desk(t, db)
	for range 3 {
		m = pressAll(m, "0000", "enter")
	}
	if v := m.View(); !strings.Contains(v, "已连续输错 3 次，下一次要等 1 秒才核对") {
		t.Errorf("after 3 wrong PINs:\n%s", v)
	}
	if m.(*App).locked != true {
		t.Error("unlocked by wrong PINs")
	}
}

// At start the picker's choice asks the PIN of who was chosen, when they
// have one; choosing someone else under 设置 does too.
func TestChosenOperatorGivesPIN(t *testing.T) {
	db := seeded(t)
	op, _ := db.Operator(db.LastOperator())
	liu, err := db.AddOperator(op, "刘洋")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPIN(liu, liu.ID, "", "1111"); err != nil {
		t.Fatal(err)
	}
	var m tea.Model
	m, _ = desk(t, db)
	if v := m.View(); !strings.Contains(v, "请选择坐在窗口的经办人") {
		t.Fatalf("no picker:\n%s", v)
	}
	m = pressAll(m, "enter") // 王丽, who has no PIN
	if a := m.(*App); a.locked {
		t.Error("王丽 has no PIN but the program locked")
	}
	m = drainKeys(m.(*App), "9", "down", "enter")
	if v := m.View(); !strings.Contains(v, "经办人：刘洋") || !strings.Contains(v, "台账已锁定") {
		t.Fatalf("choosing 刘洋:\n%s", v)
	}
	m = pressAll(m, "1111", "enter")
	if a := m.(*App); a.locked || a.ctx.Operator.Name != "刘洋" {
		t.Errorf("after 刘洋's PIN: locked %v, desk %s", a.locked, a.ctx.Operator.Name)
	}
	// Restart: the picker again; 刘洋 chosen gives the PIN even though he
	// was at the desk last time.
	m, _ = desk(t, db)
	m = drainKeys(m.(*App), "down", "enter")
	if a := m.(*App); !a.locked {
		t.Errorf("刘洋 chosen at start without his PIN:\n%s", m.View())
	}
}

// The PIN is set under 设置: typed twice (a mismatch is refused), then
// changing or clearing it needs the current one.
func TestSetPINInSettings(t *testing.T) {
	db := seeded(t)
	op, _ := db.Operator(db.LastOperator())
	tm := openScreen(t, db, "9", "经办人")
	typeText(tm, "d")
	waitFor(t, tm, "再输一次")
	typeText(tm, "1234")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "1235")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "两次输入的新 PIN 不一样")
	typeText(tm, "1234")
	tm.Send(press(tea.KeyEnter))
	typeText(tm, "1234")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "已为王丽设置 PIN")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "已设 PIN") || db.CheckPIN(op.ID, "1234") != nil || !db.HasPIN(op.ID) {
		t.Errorf("after setting:\n%s", v)
	}
	// Clearing: the current PIN, both new fields empty.
	a, _ := desk(t, db)
	m := pressAll(a, "1234", "enter", "9", "d", "9999", "enter", "enter", "enter")
	if v := m.View(); !strings.Contains(v, "当前 PIN：不对") || !db.HasPIN(op.ID) {
		t.Errorf("wrong current PIN:\n%s", v)
	}
	m = pressAll(m, "esc", "d", "1234", "enter", "enter", "enter")
	if db.HasPIN(op.ID) || !strings.Contains(m.View(), "已取消王丽的 PIN") {
		t.Errorf("clearing:\n%s", m.View())
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}

// 旧记录复核 lists the records older than the years set (10 unless
// changed), masked, and changing the years is a profile change.
func TestReviewOldRecords(t *testing.T) {
	clk := &movableClock{now: time.Date(2014, 5, 6, 9, 0, 0, 0, store.Beijing)}
	db, op := clockedLedger(t, clk)
	cat := newApp(t, db).ctx.Catalog
	in := store.CertInput{TypeNo: 3, Name: "张老", IDNumber: validID("14040319500101123"), Address: "潞州区英雄南路12号", Purpose: "办理低保", Copies: 1}
	if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2020, 5, 6, 9, 0, 0, 0, store.Beijing))
	if _, err := db.AddRefusal(op, store.RefusalInput{Requester: "某局", RequesterKind: "单位", Item: "创卫台账", Reason: store.DepartmentsDuty}); err != nil {
		t.Fatal(err)
	}
	clk.set(fixedNow)
	m := pressAll(sizedApp(noBackup(New(db, cat, clk.Now))), "9", "f")
	v := m.View()
	checkFrame(t, v, 80, 24)
	if !strings.Contains(v, "早于 2016年11月29日（10 年前）的记录：证明 1 份，拒绝登记 0 条") ||
		!strings.Contains(v, "证明 2014-05-06 2014-0001  有效 张老") || !strings.Contains(v, "140403********") || wholeID.MatchString(v) {
		t.Fatalf("review:\n%s", v)
	}
	m = pressAll(m, "e")
	for range 2 {
		m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyBackspace} })
	}
	m = pressAll(m, "5", "enter") // 10 -> 5
	v = m.View()
	if !strings.Contains(v, "拒绝登记 1 条") || !strings.Contains(v, "拒绝 2020-05-06 某局") {
		t.Errorf("after 5 years:\n%s", v)
	}
	if p, _ := db.Profile(); p.RetentionYears != 5 || db.CertCount() != 1 {
		t.Errorf("profile %d years, %d certificates", p.RetentionYears, db.CertCount())
	}
}

// The export screen's 打码 choice reaches the bundle: with it the tables
// and CSV files carry no whole ID number (ledger.db, which the receiving
// office checks, keeps them); without it they do.
func TestExportScreenMasksIDs(t *testing.T) {
	for _, mask := range []bool{true, false} {
		t.Run(fmt.Sprint("mask=", mask), func(t *testing.T) {
			db := demoDB(t)
			dir := t.TempDir()
			m := sizedApp(withExport(newApp(t, db), export.Bundle("test")))
			m = pressAll(m, "enter", "6", "tab", "tab", dir, "tab", "tab")
			if mask {
				m = pressAll(m, " ")
			}
			m = pressAll(m, "enter")
			if v := m.View(); !strings.Contains(v, "导出完成") {
				t.Fatalf("export:\n%s", v)
			}
			csvs, _ := filepath.Glob(filepath.Join(dir, "*", "证明.csv"))
			if len(csvs) != 1 {
				t.Fatalf("bundle files %v", csvs)
			}
			b, err := os.ReadFile(csvs[0])
			if err != nil {
				t.Fatal(err)
			}
			if whole := wholeID.Match(b); whole == mask || !strings.Contains(string(b), "********") == mask {
				t.Errorf("mask %v: whole ID numbers in 证明.csv: %v\n%.400s", mask, whole, b)
			}
		})
	}
}
