package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backup --out, then restore: the check runs on the backup, the replaced
// file is kept under a dated name, and the data file is the backup.
func TestBackupAndRestoreCommands(t *testing.T) {
	path := initLedger(t)
	out := filepath.Join(t.TempDir(), "U盘", "台账备份.db")
	if code, _, e := runCmd("backup", "--db", path, "--out", out); code != 1 || !strings.Contains(e, "备份没有写成") {
		t.Fatalf("backup to a missing folder: %d %q", code, e)
	}
	os.Mkdir(filepath.Dir(out), 0o700)
	code, o, e := runCmd("backup", "--db", path, "--out", out)
	if code != 0 || !strings.Contains(o, "taizhang restore "+out+" --db "+path) {
		t.Fatalf("backup: %d %q %q", code, o, e)
	}
	if code, _, e := runCmd("backup", "--db", path, "--out", out); code != 1 || !strings.Contains(e, "不会覆盖") {
		t.Errorf("backup over an existing file: %d %q", code, e)
	}
	saved, _ := os.ReadFile(out)

	// The ledger changes after the backup; restore goes back.
	if code, _, e := runCmd("init", "--db", path, "--community", "别的社区", "--street", "英雄南路街道办事处", "--county", "140403", "--operator", "李敏", "--force"); code != 0 {
		t.Fatalf("init --force: %s", e)
	}
	changed, _ := os.ReadFile(path)
	code, o, e = runCmd("restore", out, "--db", path)
	if code != 0 || !strings.Contains(o, "备份核对通过") || !strings.Contains(o, "改名保存为") {
		t.Fatalf("restore: %d %q %q", code, o, e)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, saved) {
		t.Error("the data file is not the backup")
	}
	asides, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "l-恢复前-*.db"))
	if len(asides) != 1 {
		t.Fatalf("replaced file kept as %v", asides)
	}
	if kept, _ := os.ReadFile(asides[0]); !bytes.Equal(kept, changed) {
		t.Error("the replaced file was not kept byte for byte")
	}
	if code, _, e := runCmd("restore", filepath.Join(t.TempDir(), "无.db"), "--db", path); code != 1 || !strings.Contains(e, "找不到备份文件") {
		t.Errorf("restore of a missing backup: %d %q", code, e)
	}
}
