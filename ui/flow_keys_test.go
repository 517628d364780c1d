package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"taizhang/store"
)

func wantAll(t *testing.T, v string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(v, w) {
			t.Errorf("screen lacks %q:\n%s", w, v)
		}
	}
}

func wantNone(t *testing.T, v string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(v, w) {
			t.Errorf("screen shows %q:\n%s", w, v)
		}
	}
}

// The ledger's p, v and c act on the selected row, as its ? page says
// (they used to work only inside the detail).
func TestLedgerRowKeys(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "2", "共 4 份")
	typeText(tm, "jjp") // 2026-0002 欧阳明
	waitFor(t, tm, "已生成打印文件（2026-0002，第 1 次打印")
	typeText(tm, "v")
	waitFor(t, tm, "作废原因")
	typeText(tm, "用途写错")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "证明 2026-0002 已作废")
	typeText(tm, "kkc") // 2026-0004 张三
	waitFor(t, tm, "保存后原证明 2026-0004 作废")
	tm.Send(press(tea.KeyEsc))
	waitFor(t, tm, "共 4 份")
	finalView(t, tm, 80, 24)
	c, _ := db.CertificateBySerial("2026-0002")
	if c.Prints != 1 || c.Status != store.Voided || c.VoidReason != "用途写错" {
		t.Errorf("2026-0002: %d prints, %s %q", c.Prints, c.Status, c.VoidReason)
	}
	if c, _ := db.CertificateBySerial("2026-0004"); c.Status != store.Valid || db.CertCount() != 4 {
		t.Errorf("2026-0004 %s, %d certificates", c.Status, db.CertCount())
	}
}

// A voided row is not printed, voided or corrected again: the ledger says
// why and stays.
func TestLedgerRowKeysOnVoided(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "2", "共 4 份")
	typeText(tm, "jv") // 2026-0003, voided
	waitFor(t, tm, "证明 2026-0003 已经作废")
	typeText(tm, "p")
	waitFor(t, tm, "证明 2026-0003 已作废，不能打印")
	typeText(tm, "c")
	waitFor(t, tm, "不能再更正")
	v := finalView(t, tm, 80, 24)
	wantAll(t, v, "证明台账", "有效 2，作废 2")
}

// 拒绝 has t (this month) as 证明 has, and closes its detail with Esc only,
// as every detail does (Enter closed it).
func TestRefusalKeys(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "3", "拒绝出具 3 条")
	typeText(tm, "[")
	waitFor(t, tm, "2026年10月  拒绝出具 0 条")
	typeText(tm, "t")
	waitFor(t, tm, "2026年11月  拒绝出具 3 条")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "登记时间")
	tm.Send(press(tea.KeyEnter))
	v := finalView(t, tm, 80, 24)
	wantAll(t, v, "拒绝出具登记", "登记时间")

	tm = openScreen(t, db, "3", "拒绝出具 3 条")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "登记时间")
	tm.Send(press(tea.KeyEsc))
	waitFor(t, tm, "拒绝出具 3 条")
	finalView(t, tm, 80, 24)
}

// 准入审批: b refuses (r renamed an operator in 设置), i enters an opinion
// (o opened a printout in 证明); o here does nothing.
func TestAdmissionKeys(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "5", "准入申请 3 件")
	tm.Send(press(tea.KeyEnter)) // 垃圾分类积分兑换, 县级已签意见
	waitFor(t, tm, "b 不予准入")
	typeText(tm, "b")
	waitFor(t, tm, "说明*")
	typeText(tm, "不符合准入条件")
	tm.Send(press(tea.KeyCtrlS))
	waitFor(t, tm, "申请当前状态：不予准入")
	finalView(t, tm, 80, 24)

	tm = openScreen(t, db, "5", "准入申请 3 件")
	tm.Send(press(tea.KeyDown))
	tm.Send(press(tea.KeyEnter)) // 垃圾分类督导检查, 已报送
	waitFor(t, tm, "i 录入意见")
	typeText(tm, "o")
	v := finalView(t, tm, 80, 24)
	wantNone(t, v, "录入县", "意见*")
	wantAll(t, v, "垃圾分类督导检查  [已报送]")
}

// 设置: n adds an operator (a approves in 准入审批).
func TestSettingsNewOperator(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "9", "社区信息（按 e 修改）")
	typeText(tm, "n")
	waitFor(t, tm, "新经办人姓名")
	typeText(tm, "欧阳明")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "已保存经办人：欧阳明")
	finalView(t, tm, 80, 24)
}

// At 放弃已输入的内容吗 only Y throws the form away: Enter (which did) and
// Esc go back to it, with what was typed.
func TestDiscardAsksForY(t *testing.T) {
	// askDiscard types into a new refusal and presses Esc: the question shows.
	askDiscard := func() *teatest.TestModel {
		tm := openScreen(t, seeded(t), "3", "拒绝出具 3 条")
		typeText(tm, "n")
		waitFor(t, tm, "请求方类别")
		tm.Send(press(tea.KeyTab))
		typeText(tm, "李四")
		tm.Send(press(tea.KeyEsc))
		waitFor(t, tm, "放弃已输入的内容吗？按 Y 放弃，按 Esc 继续填写。")
		return tm
	}
	for _, back := range []tea.KeyType{tea.KeyEnter, tea.KeyEsc} {
		tm := askDiscard()
		tm.Send(press(back))
		typeText(tm, "光")
		v := finalView(t, tm, 80, 24)
		wantAll(t, v, "登记拒绝出具", "李四光")
		wantNone(t, v, "放弃已输入")
	}
	tm := askDiscard()
	typeText(tm, "y")
	waitFor(t, tm, "拒绝出具 3 条")
	finalView(t, tm, 80, 24)
}

// Enter on the last field moves to 保存 (it went back to the first field);
// Enter there saves.
func TestEnterOnLastFieldSaves(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "3", "拒绝出具 3 条")
	typeText(tm, "n")
	waitFor(t, tm, "请求方类别")
	tm.Send(press(tea.KeyEnter))
	typeText(tm, "王五")
	tm.Send(press(tea.KeyEnter))
	typeText(tm, "开具无犯罪记录证明")
	tm.Send(press(tea.KeyEnter))
	tm.Send(press(tea.KeyEnter))
	typeText(tm, "应到派出所办理")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "> [ 保存 ]")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "拒绝出具 4 条")
	finalView(t, tm, 80, 24)
	list, _ := db.MonthRefusals(2026, 11)
	if len(list) != 4 || list[0].Requester != "王五" || list[0].Detail != "应到派出所办理" {
		t.Errorf("%+v", list)
	}
}

// Cut columns keep what tells rows apart: the approval list shows each end
// month, the refusal list each requester's distinctive part.
func TestListColumnsGolden(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "5", "准入申请 3 件")
	v := finalView(t, tm, 80, 24)
	wantAll(t, v, "临时 2026-12至2027-09", "临时 2026-12至2027-12", "临时 2026-12至2027-06")
	golden.RequireEqual(t, []byte(v))

	tm = openScreen(t, db, "3", "拒绝出具 3 条")
	v = finalView(t, tm, 80, 24)
	wantAll(t, v, "英雄南路物业服务中心", "英雄南路物业管理有限公司")
}

// At 60×18 the ledger keeps 状态: 有效 and 作废 rows do not look alike.
func TestLedgerNarrowKeepsStatus(t *testing.T) {
	db := seeded(t)
	tm := start(t, newApp(t, db), 60, 18)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "2")
	waitFor(t, tm, "共 4 份")
	v := finalView(t, tm, 60, 18)
	for _, want := range []string{"2026-0004  11-29 有效", "2026-0003  11-29 作废", "2026-0001  11-29 作废", "****1231", "****3237"} {
		if !strings.Contains(v, want) {
			t.Errorf("ledger at 60 columns lacks %q:\n%s", want, v)
		}
	}
	golden.RequireEqual(t, []byte(v))
}
