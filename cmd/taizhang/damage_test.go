package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"taizhang/store"
	"taizhang/store/aggregate/aggtest"
	"taizhang/store/backup"
	"taizhang/store/storetest"
)

// damageInPlace damages the file at path and returns its state.
func damageInPlace(t *testing.T, path string, damage func([]byte) []byte) storetest.State {
	t.Helper()
	bad := storetest.DamagedCopy(t, path, "bad.db", damage)
	if err := os.Rename(bad, path); err != nil {
		t.Fatal(err)
	}
	return storetest.StateOf(t, path)
}

// expectRefused runs a command on a damaged file: exit 1, the Chinese
// message with want in it, no Go stack.
func expectRefused(t *testing.T, want string, args ...string) {
	t.Helper()
	code, out, e := runCmd(args...)
	if code != 1 || !strings.Contains(e, "已损坏") || !strings.Contains(e, "没有改动") || !strings.Contains(e, want) {
		t.Errorf("taizhang %s: %d\n%s", strings.Join(args, " "), code, e)
	}
	for _, s := range []string{"goroutine", "panic", "runtime."} {
		if strings.Contains(out+e, s) {
			t.Errorf("taizhang %s printed %q:\n%s%s", strings.Join(args, " "), s, out, e)
		}
	}
}

// A damaged ledger is refused by the screens and by every command that
// opens it, with the newest whole backup and the command that restores
// it; the file is not changed; and that command, run as printed, puts
// the backup back. The damage (a page that is its own child) makes bbolt
// recurse until the stack overflows, which no recover catches: without
// the guard's child process this test binary itself would die.
func TestDamagedLedgerRefusedEverywhere(t *testing.T) {
	path := initLedger(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	taken, err := backup.Take(db, backup.Daily, backup.Options{})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := damageInPlace(t, path, storetest.RootLoop)
	restore := backup.RestoreCommand(taken.Path, path)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--db", path}, // the screens
		{"check", "--db", path},
		{"export", "--db", path, "--month", "2026-11", "--out", dir},
		{"deskcheck", "--db", path, "创卫检查台账"},
		{"backup", "--db", path, "--out", filepath.Join(dir, "b.db")},
		{"init", "--db", path, "--community", "英雄南路社区", "--street", "英雄南路街道办事处", "--county", "140403", "--operator", "王丽", "--force"},
		{"demo", "--db", path, "--records", "10"},
	} {
		expectRefused(t, restore, args...)
	}
	if storetest.StateOf(t, path) != before {
		t.Fatal("the damaged file was changed")
	}

	_, _, e := runCmd("check", "--db", path)
	if !strings.Contains(e, taken.Path+"（"+store.StampText(taken.Taken)+" 备份）") {
		t.Errorf("the backup's date is not named:\n%s", e)
	}
	code, out, e := runCmd(strings.Fields(restore)[1:]...)
	if code != 0 {
		t.Fatalf("%s: %d %s", restore, code, e)
	}
	aside := regexp.MustCompile(`改名保存为 (\S+)。`).FindStringSubmatch(out)
	if aside == nil || storetest.StateOf(t, aside[1]).Sum != before.Sum {
		t.Errorf("the damaged file was not kept as it was: %s", out)
	}
	if code, _, e := runCmd("check", "--db", path); code != 0 {
		t.Errorf("check after restore: %s", e)
	}
}

// With no backup the message says so and whom to call; an empty file is
// never taken for a new ledger.
func TestDamagedLedgerWithoutBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "taizhang.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	expectRefused(t, "在 "+backup.Dir(path)+" 没有找到可用的备份", "--db", path)
	expectRefused(t, "安装本程序的人员", "check", "--db", path)
	if st, _ := os.Stat(path); st.Size() != 0 {
		t.Error("the empty file was written to")
	}
}

// The receiving office's file likewise, with how to build it again.
func TestDamagedAggregateRefused(t *testing.T) {
	_, src := aggtest.NewAggregate(t)
	path := filepath.Join(t.TempDir(), "汇总.db")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, storetest.RootLoop(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	before := storetest.StateOf(t, path)
	expectRefused(t, "汇总文件可以重建", "report", "--db", path, "--month", "2026-11", "--out", filepath.Join(t.TempDir(), "r.xlsx"))
	expectRefused(t, "已损坏", "--db", path)
	if storetest.StateOf(t, path) != before {
		t.Error("the damaged file was changed")
	}
}
