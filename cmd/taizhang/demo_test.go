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
	"taizhang/store/demo"
	"taizhang/store/idcard"
)

func TestDemoCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--db", path, "--records", "50", "--months", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "已生成演示数据（") || !strings.Contains(out.String(), "\n  证明 50 份，其中作废 ") ||
		!strings.HasSuffix(out.String(), "经办人 2 位：王丽娟、郭建军\n数据文件："+path+"\n查看：taizhang --db "+path+"\n") {
		t.Errorf("stdout %q", out.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("progress for 50 records: %q", errOut.String())
	}

	out.Reset()
	if code := run([]string{"demo", "--db", path, "--records", "5", "--months", "2"}, &out, &errOut); code == 0 && !strings.HasPrefix(out.String(), "已追加演示数据") {
		t.Errorf("second run on the demo file: stdout %q", out.String())
	}
}

// The summary names the days the data covers and leaves out what is
// zero; it reads as lines, not one run-on sentence.
func TestDemoSummary(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, store.Beijing) }
	got := demoSummary(demo.Summary{Path: "d.db", Certificates: 10, Prints: 11, Refusals: 5, Operators: 2, Residents: 10, From: day(2), To: day(30)})
	want := "已生成演示数据（2026年11月2日至2026年11月30日）：\n" +
		"  证明 10 份；涉及居民 10 人；打印 11 次\n" +
		"  拒绝登记 5 条\n" +
		"  经办人 2 位：王丽娟、郭建军\n" +
		"数据文件：d.db\n" +
		"查看：taizhang --db d.db\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = demoSummary(demo.Summary{Path: "my demo.db", Appended: true, Certificates: 50, Voided: 3, Corrected: 1, Operators: 2, From: day(2), To: day(30)})
	if !strings.HasPrefix(got, "已追加演示数据（") || !strings.Contains(got, "  证明 50 份，其中作废 3 份（1 份因更正作废）\n") ||
		strings.Contains(got, "拒绝登记") || !strings.HasSuffix(got, `查看：taizhang --db "my demo.db"`+"\n") {
		t.Errorf("appended:\n%s", got)
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
