package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store/idcard"
	"taizhang/store/oldledger"
)

func checkedID(first17 string) string { return first17 + string(idcard.CheckDigit(first17)) }

// 设置 → z: the file's location, a dry run with its summary (nothing
// written), Y imports with a progress bar, and the summary says where the
// backup went; the screen fits 80x24 all along.
func TestSettingsImportOldLedger(t *testing.T) {
	db := newDB(t, true)
	dir := t.TempDir()
	file := filepath.Join(dir, "旧台账.csv")
	rows := "英雄南路社区证明登记\n姓名,身份证号,证明类型,用途,开具日期\n" +
		"张三," + checkedID("14040319800101001") + ",居住证明,办理社保,2019/3/5\n" +
		"李四," + checkedID("14040319810202002") + ",死亡证明,办理丧葬,2019年4月6日\n" +
		"王五,1.40403E+17,居住证明,办理社保,2019-05-07\n"
	if err := os.WriteFile(file, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := openSettings(t, db)
	typeText(tm, "z")
	waitFor(t, tm, "能认出的栏目")
	typeText(tm, file)
	tm.Send(press(tea.KeyEnter))
	waitForAll(t, tm, "可以导入 2 份", "按 Y 导入这 2 份", "第 5 行")
	if n := db.CertCount(); n != 0 {
		t.Fatalf("the dry run imported %d certificates", n)
	}
	typeText(tm, "Y")
	waitForAll(t, tm, "已导入 2 份", "导入前的台账已备份到")
	if n := db.CertCount(); n != 2 {
		t.Fatalf("%d certificates after Y, want 2", n)
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
	// Again: the file was imported before.
	typeText(tm, "z")
	waitFor(t, tm, "能认出的栏目")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "这个文件以前已经导入过")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "以前已导入 2 份") {
		t.Errorf("last frame:\n%s", v)
	}
}

// A file that cannot be read keeps the worker at the file input with the
// reason.
func TestSettingsImportUnreadableFile(t *testing.T) {
	db := newDB(t, true)
	tm := openSettings(t, db)
	typeText(tm, "z")
	waitFor(t, tm, "能认出的栏目")
	typeText(tm, filepath.Join(t.TempDir(), "没有这个文件.xlsx"))
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "无法打开")
	tm.Send(press(tea.KeyEsc))
	waitFor(t, tm, "按 z 从 Excel")
	finalView(t, tm, 80, 24)
}

// An imported certificate is found by search, its detail says where it
// came from, and it neither prints nor corrects.
func TestImportedCertificateDetail(t *testing.T) {
	db := newDB(t, true)
	file := filepath.Join(t.TempDir(), "旧台账.csv")
	rows := "编号,姓名,身份证号,证明类型,用途,开具日期,备注\n" +
		"2019-035,张三丰," + checkedID("14040319800101001") + ",居住证明,办理社保,2019/3/5,原件存档\n" +
		",李四光," + checkedID("14040319810202002") + ",居住证明,办理社保,2019/3/6,\n"
	if err := os.WriteFile(file, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	op, _ := db.Operator(db.LastOperator())
	if _, err := oldledger.Import(db, file, oldledger.Options{Apply: true, Operator: op, Catalog: cat}); err != nil {
		t.Fatal(err)
	}
	send, view := driver(t, db, 80, 24)
	send("2", "/", "张三丰")
	wantIn(t, view(), "旧2019-035")
	send(tea.KeyEnter)
	wantIn(t, view(), "编号 旧2019-035", "来源：导入的旧台账", "备注：原件存档")
	send("p")
	wantIn(t, view(), "不能打印或更正")
	send(tea.KeyEsc, tea.KeyEsc, "/", "李四光")
	wantIn(t, view(), "旧(无编号)")
}
