package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"taizhang/store"
	"taizhang/store/idcard"
)

func validID(first17 string) string { return first17 + string(idcard.CheckDigit(first17)) }

func fillCertForm(tm *teatest.TestModel, typ, name, id string) {
	typeText(tm, typ)
	for _, v := range []string{name, id, "潞州区英雄南路12号3单元501室", "办理子女入学", "长治市潞州区教育局", "入户走访，查验户口本"} {
		tm.Send(press(tea.KeyTab))
		typeText(tm, v)
	}
}

// openCertForm starts the program, goes to 证明, waits for the ledger to
// show listed and opens the form to issue a certificate.
func openCertForm(t *testing.T, db *store.DB, listed string) *teatest.TestModel {
	t.Helper()
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "2")
	waitFor(t, tm, listed)
	typeText(tm, "n")
	waitFor(t, tm, "证明类型")
	return tm
}

func TestIssueCertificateFlow(t *testing.T) {
	db := newDB(t, true)
	tm := openCertForm(t, db, "该月没有开具证明")
	// A wrong check digit is explained and nothing is saved.
	fillCertForm(tm, "jzzm", "𠮷祥", "140403199001011237")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "校验位应为 1")
	if db.CertCount() != 0 {
		t.Fatal("saved with an invalid ID number")
	}
	// The failed save put the focus on the ID number: fix it and save.
	tm.Send(press(tea.KeyBackspace))
	typeText(tm, "1")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "已保存，编号 英南证2026-0001")
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"居民在社区居住证明", "𠮷祥", "140403********1231", "未打印", "开具 2026-0001"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	c, err := db.CertificateBySerial("2026-0001")
	if err != nil || c.Name != "𠮷祥" || c.IDNumber != validID("14040319900101123") || c.OperatorName != "王丽" {
		t.Errorf("saved %+v %v", c, err)
	}
}

func TestVoidAndLedgerGolden(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	names := []string{"张三", "单雄信", "欧阳明", "𠮷祥", "曾国强"}
	for i, n := range names {
		in := store.CertInput{TypeNo: i*2 + 1, Name: n, IDNumber: validID("14040319900101" + string(rune('1'+i)) + "23"),
			Address: "潞州区英雄南路12号", Purpose: "办理低保", Verified: "经查验户口簿，情况属实", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tm := openScreen(t, db, "2", "共 5 份")
	tm.Send(press(tea.KeyEnter)) // newest: 2026-0005 曾国强
	waitFor(t, tm, "编号 英南证2026-0005")
	typeText(tm, "v")
	waitFor(t, tm, "作废原因")
	typeText(tm, "姓名写错")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "作废：姓名写错")
	tm.Send(press(tea.KeyEsc))
	waitFor(t, tm, "有效 4，作废 1")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
	c, _ := db.CertificateBySerial("2026-0005")
	if c.Status != store.Voided || c.VoidReason != "姓名写错" || c.VoidedBy != "王丽" {
		t.Errorf("voided %+v", c)
	}
}

func TestLedgerSearchBySurnameReading(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	for i, n := range []string{"单雄信", "张三"} {
		in := store.CertInput{TypeNo: 3, Name: n, IDNumber: validID("1404031990010" + string(rune('1'+i)) + "123"), Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tm := openScreen(t, db, "2", "共 2 份")
	typeText(tm, "/")
	typeText(tm, "shanx")
	waitFor(t, tm, "找到 1 份")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "单雄信") || strings.Contains(v, "张三") {
		t.Errorf("search shanx:\n%s", v)
	}
}

func TestRefusalFlow(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "3", "该月没有拒绝登记")
	typeText(tm, "n")
	waitFor(t, tm, "请求方类别")
	tm.Send(press(tea.KeyRight)) // 单位
	tm.Send(press(tea.KeyTab))
	typeText(tm, "某物业公司")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "开具无犯罪记录证明")
	tm.Send(press(tea.KeyTab))
	tm.Send(press(tea.KeyRight)) // 属于部门职责
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "拒绝出具 1 条")
	finalView(t, tm, 80, 24)
	list, _ := db.MonthRefusals(2026, 11)
	if len(list) != 1 || list[0].RequesterKind != "单位" || list[0].Reason != store.DepartmentsDuty || list[0].OperatorName != "王丽" {
		t.Errorf("%+v", list)
	}
}

// A month without records, seen with [ ], says 该月 (of the month in the
// title), not 本月.
func TestEmptyMonthWording(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "2", "证明台账")
	typeText(tm, "[")
	waitFor(t, tm, "2026年10月")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "2026年10月  共 0 份") || !strings.Contains(v, "该月没有开具证明。") || strings.Contains(v, "本月还没有") {
		t.Errorf("证明 in October:\n%s", v)
	}
	tm = openScreen(t, db, "3", "拒绝出具 0 条")
	typeText(tm, "[")
	waitFor(t, tm, "2026年10月")
	v = finalView(t, tm, 80, 24)
	if !strings.Contains(v, "该月没有拒绝登记。") || strings.Contains(v, "本月没有") || strings.Contains(v, "本月还没有") {
		t.Errorf("拒绝 in October:\n%s", v)
	}
}

func TestOperatorPickerAtStart(t *testing.T) {
	db := newDB(t, true)
	if _, err := db.AddOperator(store.Operator{}, "欧阳明"); err != nil {
		t.Fatal(err)
	}
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "请选择坐在窗口的经办人")
	tm.Send(press(tea.KeyDown))
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "经办人：欧阳明")
	finalView(t, tm, 80, 24)
}

// 更正: the form opens filled from the old certificate; saving voids the old
// one and issues the new one, linked both ways.
func TestCorrectFlow(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	in := store.CertInput{TypeNo: 3, Name: "张山", IDNumber: validID("14040319900101123"), Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 2}
	old, err := db.IssueCertificate(op, in, cat, store.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tm := openScreen(t, db, "2", "共 1 份")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "编号 英南证2026-0001")
	typeText(tm, "c")
	waitFor(t, tm, "保存后原证明 2026-0001 作废")
	tm.Send(press(tea.KeyTab)) // to 姓名, filled with 张山
	tm.Send(press(tea.KeyBackspace))
	typeText(tm, "三")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "更正自")
	typeText(tm, "l") // to the voided one
	waitFor(t, tm, "编号 英南证2026-0001")
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"作废：已更正为 2026-0002（", "更正为：2026-0002（按 l 查看）", "王丽  作废：已更正为 2026-0002"} {
		if !strings.Contains(v, want) {
			t.Errorf("the voided one lacks %q:\n%s", want, v)
		}
	}
	o, _ := db.Certificate(old.ID)
	n, _ := db.CertificateBySerial("2026-0002")
	if o.Status != store.Voided || o.ReplacedBy != n.ID || n.Replaces != o.ID || n.Name != "张三" || n.Copies != 2 || n.Address != in.Address {
		t.Errorf("old %+v\nnew %+v", o, n)
	}
}

// A type that certifies a finding marks 核实情况 required and says so under
// the type; saving without it saves nothing.
func TestFindingTypeRequiresVerified(t *testing.T) {
	db := newDB(t, true)
	tm := openCertForm(t, db, "该月没有开具证明")
	typeText(tm, "4")
	waitFor(t, tm, "核实情况（必填）：写明怎样核实的")
	for _, v := range []string{"张三", validID("14040319400101123"), "潞州区英雄南路12号", "办理火化手续"} {
		tm.Send(press(tea.KeyTab))
		typeText(tm, v)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "核实情况*") || !strings.Contains(v, "必须填写") {
		t.Errorf("核实情况 not asked for:\n%s", v)
	}
	if db.CertCount() != 0 {
		t.Error("a death certificate was saved without 核实情况")
	}
}

// nameWarning issues 张三 under id in the ledger, then types 张山 with the
// same number into the form and saves: the name warning is showing.
func nameWarning(t *testing.T, db *store.DB, id string) *teatest.TestModel {
	t.Helper()
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	in := store.CertInput{TypeNo: 5, Name: "张三", IDNumber: id, Address: "潞州区英雄南路12号", Purpose: "办理社保", Copies: 1}
	if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	tm := openCertForm(t, db, "共 1 份")
	fillCertForm(tm, "jzzm", "张山", id)
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "按 Y 仍然保存")
	return tm
}

// One ID number is one person: another name for it asks first, and only Y
// saves (Enter does not).
func TestPersonNameAsks(t *testing.T) {
	id := validID("14040319900101123")
	db := newDB(t, true)
	tm := nameWarning(t, db, id)
	tm.Send(press(tea.KeyEnter))
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"张三", "张山", "2026-0001", "按 Y 仍然保存"} {
		if !strings.Contains(v, want) {
			t.Errorf("warning lacks %q:\n%s", want, v)
		}
	}
	if db.CertCount() != 1 {
		t.Fatal("Enter saved past the name warning")
	}

	db = newDB(t, true)
	tm = nameWarning(t, db, id)
	typeText(tm, "y")
	waitFor(t, tm, "已保存，编号 英南证2026-0002")
	finalView(t, tm, 80, 24)
	if c, err := db.CertificateBySerial("2026-0002"); err != nil || c.Name != "张山" || c.IDNumber != id {
		t.Errorf("saved %+v %v", c, err)
	}
}
