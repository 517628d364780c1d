package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"taizhang/store"
	"taizhang/store/bundle"
	"taizhang/store/demo"
	"taizhang/store/drives"
	"taizhang/ui/common"
	"taizhang/ui/export"
)

// demoDB is a ledger of made-up records from late July to 29 November
// 2026, opened on the tests' clock.
func demoDB(t *testing.T) *store.DB { return demoDBAt(t, clock) }

func demoDBAt(t *testing.T, clock func() time.Time) *store.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	if _, err := demo.Fill(path, demo.Options{Records: 120, Months: 4, Seed: 7, End: fixedNow.Add(-time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// markExported records an export of month without writing a bundle.
func markExported(t *testing.T, db *store.DB, month, bundle string) {
	t.Helper()
	seg, err := db.SegmentFor(month)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	op, _ := db.Operator(db.LastOperator())
	if _, err := db.RecordExport(op, seg, bundle, strings.Repeat("ab", 32)); err != nil {
		t.Fatal(err)
	}
}

var stick = drives.Drive{Path: "/media/wang/KINGSTON", Free: 15 << 30, FreeKnown: true}

// recordOnly records the export the way the real one does at its end,
// without writing files.
func recordOnly(db *store.DB, op store.Operator, job export.Job) (export.Outcome, error) {
	seg, err := db.SegmentFor(job.Month)
	if err != nil {
		return export.Outcome{}, err
	}
	defer seg.Close()
	dir := filepath.Join(job.Dir, "140403_英雄南路社区_"+job.Month+"_1")
	if _, err := db.RecordExport(op, seg, filepath.Base(dir), strings.Repeat("cd", 32)); err != nil {
		return export.Outcome{}, err
	}
	return export.Outcome{Path: dir, N: 1, Counts: seg.Counts(), Files: 6, Bytes: 187_392, Encrypted: job.Recipient != "", MaskedID: job.MaskID}, nil
}

// sizedApp is an app at 80×24.
func sizedApp(a *App) tea.Model {
	m, _ := a.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// withExport gives the app an export screen with the runner and drives given.
func withExport(a *App, run export.Runner, ds ...drives.Drive) *App {
	a.screens[common.ExportScreen] = export.New(a.ctx, export.Options{
		Run:    run,
		Drives: func() ([]drives.Drive, error) { return ds, nil },
	})
	return a
}

// openExport picks the operator the demo ledger asks for and opens 导出.
func openExport(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	waitFor(t, tm, "选择坐在窗口的经办人")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "6")
	waitFor(t, tm, "KINGSTON")
}

// The screen as it opens: last month chosen, the months of the ledger with
// what was exported, the stick found, encryption off without a key.
func TestExportScreenGolden(t *testing.T) {
	db := demoDB(t)
	markExported(t, db, "2026-08", "140403_英雄南路社区_2026-08_1")
	markExported(t, db, "2026-09", "140403_英雄南路社区_2026-09_1")
	a := withExport(newApp(t, db), nil, stick)
	tm := start(t, a, 80, 24)
	openExport(t, tm)
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

// A run: the job asked for, a progress bar while it runs, the summary at
// the end; the month then shows as exported.
func TestExportProgressAndSummaryGolden(t *testing.T) {
	db := demoDB(t)
	key := newRecipient(t)
	p, _ := db.Profile()
	p.ReceiverKey = key
	if _, err := db.SaveProfile(store.Operator{}, p, true); err != nil {
		t.Fatal(err)
	}
	jobs := make(chan export.Job, 1)
	release := make(chan struct{})
	run := func(db *store.DB, op store.Operator, job export.Job, progress func(done, total int64)) (export.Outcome, error) {
		jobs <- job
		progress(2, 6)
		<-release
		progress(6, 6)
		return recordOnly(db, op, job)
	}
	tm := start(t, withExport(newApp(t, db), run, stick), 80, 24)
	openExport(t, tm)
	for range 3 {
		tm.Send(press(tea.KeyDown))
	}
	typeText(tm, " ") // 身份证号打码
	tm.Send(press(tea.KeyEnter))
	job := <-jobs
	want := export.Job{Month: "2026-10", Dir: stick.Path, Recipient: key, MaskID: true}
	if job != want {
		t.Errorf("job %+v, want %+v", job, want)
	}
	waitFor(t, tm, "已写好 2/6 个文件")
	typeText(tm, "q") // does not leave in the middle
	close(release)
	waitFor(t, tm, "导出完成")
	v := finalView(t, tm, 80, 24)
	golden.RequireEqual(t, []byte(v))
	if list, _ := db.Exports(); len(list) != 1 || list[0].Month != "2026-10" {
		t.Errorf("exports %+v", list)
	}
}

// A failure is shown in full on the choices, nothing is marked exported,
// and Enter tries again.
func TestExportErrorAndRetry(t *testing.T) {
	db := demoDB(t)
	fail := true
	run := func(db *store.DB, op store.Operator, job export.Job, progress func(done, total int64)) (export.Outcome, error) {
		if fail {
			fail = false
			return export.Outcome{}, errors.New("导出没有完成（写入 台账.xlsx 时出错：U盘已拔出或无法读写）。台账没有改动，这个月也没有标记为已导出。请重新插好U盘（或换一个U盘），然后重新导出。")
		}
		return export.Outcome{Path: filepath.Join(job.Dir, "x"), N: 1, Files: 6}, nil
	}
	m := sizedApp(withExport(newApp(t, db), run))
	m = pressAll(m, "enter", "6")
	if v := m.View(); !strings.Contains(v, "没有找到U盘") {
		t.Fatalf("no drives:\n%s", v)
	}
	m = pressAll(m, "enter")
	if v := m.View(); !strings.Contains(v, "请先选择导出位置") {
		t.Fatalf("no place:\n%s", v)
	}
	m = pressAll(m, "tab", "tab", "/tmp/stick", "enter")
	v := m.View()
	checkFrame(t, v, 80, 24)
	if !strings.Contains(v, "U盘已拔出或无法读写") || !strings.Contains(v, "然后重新导出") {
		t.Fatalf("error not shown:\n%s", v)
	}
	m = pressAll(m, "enter")
	if v := m.View(); !strings.Contains(v, "导出完成") {
		t.Errorf("retry:\n%s", v)
	}
}

// Months: [ ] and 左/右 move within the ledger's life and up to this month;
// a month carried by a later bundle says so.
func TestExportMonths(t *testing.T) {
	db := demoDB(t)
	markExported(t, db, "2026-10", "140403_英雄南路社区_2026-10_1")
	m := sizedApp(withExport(newApp(t, db), nil, stick))
	m = pressAll(m, "enter", "6", "[")
	v := m.View()
	if !strings.Contains(v, "> 2026年9月") || !strings.Contains(v, "已随2026年10月的导出包交出") {
		t.Errorf("September:\n%s", v)
	}
	m = pressAll(m, "]", "]", "]", "]")
	v = m.View()
	if !strings.Contains(v, "> 2026年11月") || !strings.Contains(v, "本月还没有结束") {
		t.Errorf("this month is the last:\n%s", v)
	}
	for range 12 {
		m = pressAll(m, "[")
	}
	if v := m.View(); !strings.Contains(v, "> 2026年7月") {
		t.Errorf("the ledger's first month is the first:\n%s", v)
	}
}

// With the PC clock behind the newest record the worker is asked first: Esc
// exports nothing, Y exports.
func TestExportAsksWhenClockBehind(t *testing.T) {
	db := demoDBAt(t, func() time.Time { return fixedNow.AddDate(0, 0, -5) })
	runs := 0
	run := func(db *store.DB, op store.Operator, job export.Job, progress func(done, total int64)) (export.Outcome, error) {
		runs++
		return recordOnly(db, op, job)
	}
	m := sizedApp(withExport(newApp(t, db), run, stick))
	m = pressAll(m, "enter", "6", "enter")
	v := m.View()
	if !strings.Contains(v, common.ClockQuestion[:20]) {
		t.Fatalf("no clock question:\n%s", v)
	}
	m = pressAll(m, "esc")
	if v := m.View(); !strings.Contains(v, "没有导出：电脑时间早于台账中最新的记录") {
		t.Errorf("after Esc:\n%s", v)
	}
	if list, _ := db.Exports(); len(list) != 0 {
		t.Fatalf("exported after Esc: %+v", list)
	}
	m = pressAll(m, "enter", "y")
	if v := m.View(); !strings.Contains(v, "导出完成") {
		t.Errorf("after Y:\n%s", v)
	}
	if list, _ := db.Exports(); len(list) != 1 || runs != 3 {
		t.Errorf("after Y: %d exports in %d runs", len(list), runs)
	}
}

// The real export: the stick gets a bundle that verifies (decrypted with
// the receiving office's key), the month shows as exported, and the
// program's own stick listing is used for the destination.
func TestExportWritesABundleThatVerifies(t *testing.T) {
	db := demoDB(t)
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Profile()
	p.ReceiverKey = id.Recipient().String()
	if _, err := db.SaveProfile(store.Operator{}, p, true); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m := sizedApp(withExport(newApp(t, db), export.Bundle("test"), drives.Drive{Path: dir}))
	m = pressAll(m, "enter", "6", "enter")
	v := m.View()
	checkFrame(t, v, 80, 24)
	if !strings.Contains(v, "导出完成：2026年10月") || !strings.Contains(v, "已加密") {
		t.Fatalf("after the export:\n%s", v)
	}
	list, _ := db.Exports()
	if len(list) != 1 || list[0].Month != "2026-10" {
		t.Fatalf("exports %+v", list)
	}
	path := filepath.Join(dir, list[0].Bundle)
	if !strings.Contains(strings.Join(strings.Fields(v), ""), path) { // wrapped to two lines
		t.Errorf("the summary does not name %s:\n%s", path, v)
	}
	rep, err := bundle.Verify(path, bundle.VerifyOptions{Identity: []age.Identity{id}})
	if err != nil || !rep.ContentsChecked || rep.Manifest.Month != "2026-10" {
		t.Fatalf("verify %s: %+v %v", path, rep.Manifest, err)
	}
	m = pressAll(m, "enter")
	if v := m.View(); !strings.Contains(v, "> 2026年10月  已导出 11月29日") {
		t.Errorf("October not marked exported:\n%s", v)
	}
}

// A place that is not there: the bundle's message, nothing exported, and
// the choices stay for a retry.
func TestExportToMissingPlace(t *testing.T) {
	db := demoDB(t)
	m := sizedApp(withExport(newApp(t, db), export.Bundle("test")))
	missing := filepath.Join(t.TempDir(), "没有这个U盘")
	m = pressAll(m, "enter", "6", "tab", "tab", missing, "enter")
	v := m.View()
	checkFrame(t, v, 80, 24)
	if !strings.Contains(v, "找不到导出位置") || !strings.Contains(v, "按 Enter 重新导出") {
		t.Errorf("missing place:\n%s", v)
	}
	if list, _ := db.Exports(); len(list) != 0 {
		t.Errorf("exported: %+v", list)
	}
}

// A month with nothing in it still exports: an empty month is a fact the
// receiving office needs.
func TestExportEmptyMonth(t *testing.T) {
	clk := &movableClock{now: time.Date(2026, 9, 15, 10, 0, 0, 0, store.Beijing)}
	db, err := store.Open(filepath.Join(t.TempDir(), "e.db"), store.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.Setup(demo.Profile(), "王丽", false); err != nil { // in September; nothing since
		t.Fatal(err)
	}
	clk.set(fixedNow)
	dir := t.TempDir()
	m := sizedApp(withExport(newApp(t, db), export.Bundle("test"), drives.Drive{Path: dir}))
	m = pressAll(m, "6", "enter")
	v := m.View()
	if !strings.Contains(v, "导出完成：2026年10月") || !strings.Contains(v, "开具 0 份") || !strings.Contains(v, "未加密") {
		t.Fatalf("empty month:\n%s", v)
	}
	list, _ := db.Exports()
	if len(list) != 1 {
		t.Fatalf("exports %+v", list)
	}
	if _, err := bundle.Verify(filepath.Join(dir, list[0].Bundle), bundle.VerifyOptions{}); err != nil {
		t.Error(err)
	}
}

// A ledger begun this month offers this month only: the store exports
// nothing from before the ledger's first event.
func TestExportMonthsStartWithTheLedger(t *testing.T) {
	m := sizedApp(withExport(newApp(t, newDB(t, true)), nil, stick))
	m = pressAll(m, "6", "[")
	v := m.View()
	if !strings.Contains(v, "> 2026年11月") || strings.Contains(v, "2026年10月") {
		t.Errorf("months of a ledger begun in November:\n%s", v)
	}
}

// 其他位置 chosen with a stick plugged in stays chosen when the drives are
// looked for again; with no stick, one that appears is taken.
func TestExportDestinationStays(t *testing.T) {
	db := newDB(t, true)
	found := []drives.Drive{}
	a := newApp(t, db)
	a.screens[common.ExportScreen] = export.New(a.ctx, export.Options{
		Run:    nil,
		Drives: func() ([]drives.Drive, error) { return found, nil },
	})
	a = drainKeys(sizedApp(a).(*App), "6", "tab")
	if v := a.View(); !strings.Contains(v, "没有找到U盘") {
		t.Fatalf("no stick:\n%s", v)
	}
	found = []drives.Drive{stick}
	a = drainKeys(a, "up", "tab") // coming to the row looks again
	if v := a.View(); !strings.Contains(v, "< /media/wang/KINGSTON") {
		t.Fatalf("the stick that appeared is not chosen:\n%s", v)
	}
	a = drainKeys(a, "right")
	if v := a.View(); !strings.Contains(v, "< 其他位置") || !strings.Contains(v, "找到 1 个U盘") {
		t.Errorf("其他位置 not kept after the look:\n%s", v)
	}
}
