package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"taizhang/store"
	"taizhang/store/aggregate/aggtest"
)

func TestMain(m *testing.M) {
	store.RunGuardIfChild()
	code := m.Run()
	aggtest.Cleanup()
	os.Exit(code)
}

// The receiving office's round: init, keygen'd identity, a dry run, the
// stick applied, the same stick again, a report, check.
func TestReceiveReportCommands(t *testing.T) {
	f := aggtest.Build(t)
	dir := t.TempDir()
	agg := filepath.Join(dir, "汇总.db")
	keyFile := filepath.Join(dir, "office.key")
	if err := os.WriteFile(keyFile, []byte(f.Identity.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, e := runCmd("init", "--receiving-office", "--db", agg); code != 2 || !strings.Contains(e, "缺少 --office") {
		t.Errorf("init without --office: %d %q", code, e)
	}
	t.Setenv("TAIZHANG_DB", filepath.Join(dir, "desk.db"))
	if code, _, e := runCmd("init", "--receiving-office", "--office", "潞州区民政局"); code != 2 || !strings.Contains(e, "--db") {
		t.Errorf("init on the desk's default file: %d %q", code, e)
	}
	if _, err := os.Stat(filepath.Join(dir, "desk.db")); err == nil {
		t.Error("init --receiving-office made the desk's default file an aggregate")
	}
	code, out, e := runCmd("init", "--receiving-office", "--office", "潞州区民政局", "--db", agg)
	if code != 0 || !strings.Contains(out, "潞州区民政局") {
		t.Fatalf("init: %d %q %q", code, out, e)
	}
	if code, _, e := runCmd("init", "--receiving-office", "--office", "潞州区民政局", "--db", agg); code != 1 || !strings.Contains(e, "已经存在") {
		t.Errorf("init again: %d %q", code, e)
	}

	code, out, e = runCmd("receive", f.Stick, "--db", agg, "--identity", keyFile)
	if code != 0 || strings.Count(out, "[可以添加]") != 12 || !strings.Contains(out, "试运行") || !strings.Contains(out, "第一次收到") {
		t.Fatalf("dry run: %d\n%s%s", code, out, e)
	}
	code, out, e = runCmd("receive", "--db", agg, f.Stick, "--apply", "--identity", keyFile)
	if code != 0 || strings.Count(out, "[已添加]") != 12 || strings.Contains(out, "试运行") {
		t.Fatalf("apply: %d\n%s%s", code, out, e)
	}
	code, out, _ = runCmd("receive", f.Stick, f.ReExport, "--db", agg, "--apply", "--identity", keyFile)
	if code != 0 || strings.Count(out, "[已收到过]") != 13 || !strings.Contains(out, "与 ") {
		t.Errorf("again: %d\n%s", code, out)
	}
	// Refused: exit 1, the reason, nothing added.
	code, out, e = runCmd("receive", f.Impostor, "--db", agg, "--apply")
	if code != 1 || !strings.Contains(out, "[拒收]") || !strings.Contains(out, "--accept-key") || !strings.Contains(e, "被拒收") {
		t.Errorf("impostor: %d\n%s%s", code, out, e)
	}

	xlsx := filepath.Join(dir, "汇总.xlsx")
	code, out, e = runCmd("report", "--db", agg, "--month", "2026-01..2026-12", "--out", xlsx)
	if code != 0 || !strings.Contains(out, "潞州区民政局 2026年") || !strings.Contains(out, "2 个社区") {
		t.Fatalf("report: %d %q %q", code, out, e)
	}
	x, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	x.Close()
	if code, _, e := runCmd("report", "--db", agg, "--month", "2026-13", "--out", xlsx); code != 2 || !strings.Contains(e, "看不懂") {
		t.Errorf("a wrong month: %d %q", code, e)
	}
	if code, out, e := runCmd("check", "--db", agg); code != 0 || !strings.Contains(out, "汇总文件") || !strings.Contains(out, "导出包 12 个") {
		t.Errorf("check: %d %q %q", code, out, e)
	}
	// The desk's commands refuse the aggregate, the receiving office's a ledger.
	if code, _, e := runCmd("export", "--db", agg, "--month", "2026-11", "--out", dir); code != 1 || !strings.Contains(e, "汇总文件") {
		t.Errorf("export from an aggregate: %d %q", code, e)
	}
	if code, _, e := runCmd("receive", f.Stick, "--db", f.Ledgers[0].Path); code != 1 || !strings.Contains(e, "社区的台账") {
		t.Errorf("receive into a ledger: %d %q", code, e)
	}
}
