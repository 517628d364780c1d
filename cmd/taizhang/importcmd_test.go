package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taizhang/store/idcard"
)

func testID(first17 string) string { return first17 + string(idcard.CheckDigit(first17)) }

// import: a dry run changes nothing and says what would be imported; with
// --apply the rows are imported after a backup, and a second time nothing
// is added.
func TestImportCommand(t *testing.T) {
	path := initLedger(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "旧台账.csv")
	rows := "姓名,身份证号,证明类型,用途,开具日期\n" +
		"张三," + testID("14040319800101001") + ",居住证明,办理社保,2019/3/5\n" +
		"李四," + testID("14040319810202002") + ",经济困难证明,申请低保,2019年4月6日\n" +
		"王五,1.40403E+17,居住证明,办理社保,2019-05-07\n"
	if err := os.WriteFile(csv, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	code, out, e := runCmd("import", csv, "--db", path)
	if code != 0 || !strings.Contains(out, "可以导入 2 份") || !strings.Contains(out, "第 4 行") || !strings.Contains(out, "试运行") {
		t.Fatalf("dry run: %d %q %q", code, out, e)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the dry run changed the data file")
	}
	if _, err := os.Stat(filepath.Join(dir, "旧台账.rejected.csv")); err != nil {
		t.Errorf("no rejected-rows file: %v", err)
	}

	code, out, e = runCmd("import", "--db", path, csv, "--apply")
	if code != 0 || !strings.Contains(out, "已导入 2 份") || !strings.Contains(out, "导入前已备份") {
		t.Fatalf("--apply: %d %q %q", code, out, e)
	}
	backups, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "备份", "l-*-import.db"))
	if len(backups) != 1 {
		t.Errorf("backups before the import: %v", backups)
	}
	if code, out, e = runCmd("check", "--db", path); code != 0 || !strings.Contains(out, "证明 2 份") {
		t.Fatalf("check after the import: %d %q %q", code, out, e)
	}
	code, out, e = runCmd("import", csv, "--db", path, "--apply")
	if code != 0 || !strings.Contains(out, "以前已经导入过 2 份") || !strings.Contains(out, "没有新增") {
		t.Fatalf("again: %d %q %q", code, out, e)
	}

	if code, _, e = runCmd("import", "--db", path); code != 2 || !strings.Contains(e, "请写一个要导入的文件") {
		t.Errorf("no file: %d %q", code, e)
	}
	if code, _, e = runCmd("import", filepath.Join(dir, "无.csv"), "--db", path); code != 1 || !strings.Contains(e, "无法打开") {
		t.Errorf("a missing file: %d %q", code, e)
	}
}
