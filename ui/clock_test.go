package ui

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/storetest"
)

// movableClock is a clock a test can set back.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *movableClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// clockedLedger is a ledger on clk, set up with 王丽 at the desk.
func clockedLedger(t *testing.T, clk *movableClock) (*store.DB, store.Operator) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "c.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p := store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}
	_, op, err := db.Setup(p, "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	return db, op
}

// With the PC clock a day behind the newest record, a reprint asks first
// (neither Enter nor n is an answer), Esc saves nothing, Y saves; the
// issue that follows asks again.
func TestClockBehindAsksBeforeReprintAndIssue(t *testing.T) {
	clk := &movableClock{now: fixedNow}
	db, op := clockedLedger(t, clk)
	cat, _ := assets.LoadCatalog()
	in := store.CertInput{TypeNo: 3, Name: "张三", IDNumber: validID("14040319900101123"), Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
	c, err := db.IssueCertificate(op, in, cat, store.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clk.set(fixedNow.Add(-24 * time.Hour))

	tm := start(t, noBackup(New(db, cat, clk.Now)), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "2")
	waitFor(t, tm, "张三")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "未打印")
	typeText(tm, "p")
	waitFor(t, tm, "按 Y 仍按电脑时间保存")
	tm.Send(press(tea.KeyEnter)) // not a yes
	typeText(tm, "n")            // nor a no: only Y and Esc answer
	tm.Send(press(tea.KeyEsc))
	waitFor(t, tm, "比台账中最新一条记录") // the refusal, shown as any failure
	if got, _ := db.Certificate(c.ID); got.Prints != 0 {
		t.Fatalf("printed %d times after Enter, n and Esc", got.Prints)
	}
	typeText(tm, "p")
	waitFor(t, tm, "按 Y 仍按电脑时间保存")
	typeText(tm, "y")
	waitFor(t, tm, "已打印 1 次")

	// The confirmed reprint did not lower the newest time: issuing asks.
	tm.Send(press(tea.KeyEsc))
	typeText(tm, "n")
	waitFor(t, tm, "证明类型")
	fillCertForm(tm, "jzzm", "李四", validID("14040319850202234"))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "按 Y 仍然保存")
	if db.CertCount() != 1 {
		t.Fatalf("%d certificates after a save the clock check stopped", db.CertCount())
	}
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(strings.ReplaceAll(v, "\n", ""), "早了 1 天") {
		t.Errorf("the form does not ask:\n%s", v)
	}
}

// The program checks the ledger after start; an edit the event log does not
// explain is shown on the home screen with what to do.
func TestHomeShowsAFailedCheck(t *testing.T) {
	db := newDB(t, true)
	path := db.Path()
	db.Close()
	storetest.EditJSON(t, path, "profile", "current", "serial_prefix", "假")
	db, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "台账核对未通过")
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"社区信息", "serial_prefix", "taizhang check", "从备份恢复"} {
		if !strings.Contains(strings.ReplaceAll(v, "\n", ""), want) {
			t.Errorf("home lacks %q:\n%s", want, v)
		}
	}
}

func TestHomeShowsAPassedCheck(t *testing.T) {
	tm := start(t, newApp(t, newDB(t, true)), 80, 24)
	waitFor(t, tm, "台账核对：通过")
	finalView(t, tm, 80, 24)
}

// At 07:30 Beijing time on 1 January 2027 (23:30 UTC the day before) the
// ledger opens on 2027年1月 and lists the certificate issued then.
func TestLedgerMonthIsBeijingMonth(t *testing.T) {
	utc := func() time.Time { return time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) }
	db, err := store.Open(filepath.Join(t.TempDir(), "b.db"), store.Options{Now: utc})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, op, err := db.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}, "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := assets.LoadCatalog()
	in := store.CertInput{TypeNo: 3, Name: "张三", IDNumber: validID("14040319900101123"), Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
	if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	tm := start(t, noBackup(New(db, cat, utc)), 80, 24)
	waitFor(t, tm, "2027年1月1日")
	typeText(tm, "2")
	waitFor(t, tm, "2027-0001")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "2027年1月  共 1 份") {
		t.Errorf("ledger:\n%s", v)
	}
}
