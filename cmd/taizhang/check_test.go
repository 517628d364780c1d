package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taizhang/store/storetest"
)

func initLedger(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "l.db")
	code, _, e := runCmd("init", "--db", path, "--community", "英雄南路社区", "--street", "英雄南路街道办事处", "--county", "140403", "--operator", "王丽")
	if code != 0 {
		t.Fatalf("init: %s", e)
	}
	return path
}

func TestCheckCommand(t *testing.T) {
	path := initLedger(t)
	before, _ := os.ReadFile(path)
	code, out, e := runCmd("check", "--db", path)
	if code != 0 || !strings.Contains(out, "核对通过") || !strings.Contains(out, "经办人 1 位") {
		t.Fatalf("check: %d %q %q", code, out, e)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("check changed the file")
	}

	// An edit the event log does not explain: exit 1 naming the register.
	storetest.EditJSON(t, path, "profile", "current", "community", "别的社区")
	code, _, e = runCmd("check", "--db", path)
	if code != 1 || !strings.Contains(e, "社区信息") || !strings.Contains(e, "别的社区") || !strings.Contains(e, "第 2 条") {
		t.Errorf("tampered: %d %q", code, e)
	}
}

func TestCheckNeverCreatesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	if code, _, e := runCmd("check", "--db", path); code != 1 || !strings.Contains(e, "找不到数据文件") {
		t.Errorf("missing file: %d %q", code, e)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("check created a file")
	}
}

func TestRefusedInitLeavesTheFile(t *testing.T) {
	path := initLedger(t)
	before, _ := os.ReadFile(path)
	code, _, e := runCmd("init", "--db", path, "--community", "别的社区", "--street", "英雄南路街道办事处", "--county", "140403", "--operator", "李敏")
	if code != 1 || !strings.Contains(e, "--force") {
		t.Errorf("second init: %d %q", code, e)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused init changed the file")
	}
}
