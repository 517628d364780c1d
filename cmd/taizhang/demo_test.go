package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"
)

func TestDemoCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--db", path, "--records", "50", "--months", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	want := "已生成演示数据：证明 50 份（作废 "
	if !strings.HasPrefix(out.String(), want) || !strings.Contains(out.String(), "经办人 2 位。数据文件："+path) {
		t.Errorf("stdout %q, want %q…", out.String(), want)
	}
	if errOut.Len() != 0 {
		t.Errorf("progress for 50 records: %q", errOut.String())
	}

	out.Reset()
	if code := run([]string{"demo", "--db", path, "--records", "5", "--months", "2"}, &out, &errOut); code == 0 && !strings.HasPrefix(out.String(), "已追加演示数据") {
		t.Errorf("second run on the demo file: stdout %q", out.String())
	}
}

func TestDemoRefusesRealLedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "real.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, op, err := db.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}, "李敏", false)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := assets.LoadCatalog()
	first17 := "14040219800101123"
	in := store.CertInput{TypeNo: 3, Name: "张伟", IDNumber: first17 + string(idcard.CheckDigit(first17)), Address: "潞州区英雄南路12号", Purpose: "办理子女入学", Copies: 1}
	if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	var out, errOut bytes.Buffer
	code := run([]string{"demo", "--db", path, "--records", "50", "--months", "2"}, &out, &errOut)
	if code == 0 || !strings.Contains(errOut.String(), "演示数据只能写入新文件或演示文件。请换一个文件名") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused demo changed the ledger file")
	}
}

func TestDemoUsage(t *testing.T) {
	t.Setenv("TAIZHANG_DB", filepath.Join(t.TempDir(), "default.db"))
	for _, args := range [][]string{
		{"demo"},
		{"demo", "--records", "10"},
		{"demo", "--db", filepath.Join(t.TempDir(), "d.db"), "--records", "0"},
		{"demo", "--db", filepath.Join(t.TempDir(), "d.db"), "--months", "x"},
		{"demo", "--db", filepath.Join(t.TempDir(), "d.db"), "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 2 || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}

func TestDemoProgress(t *testing.T) {
	if progressPrinter(io.Discard, 4999, time.Now) != nil {
		t.Error("progress shown for fewer than 5,000 records")
	}
	var buf bytes.Buffer
	clock := time.Date(2026, 11, 29, 9, 0, 0, 0, time.Local)
	p := progressPrinter(&buf, 5001, func() time.Time { clock = clock.Add(time.Second); return clock })
	for done := 1; done <= 5001; done++ {
		p(done, 5001)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 21 || lines[0] != "已写入 250 / 5001 份证明（4%），用时 1s" || lines[20] != "已写入 5001 / 5001 份证明（100%），用时 21s" {
		t.Errorf("progress lines %q", lines)
	}
}
