package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"taizhang/store"
)

func ctrl(k tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: k} }

// Drafting: fill 附件5, save the draft, read the checks, submit, enter the
// county opinion and approve.
func TestAdmissionDraftingFlow(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "5", "还没有准入申请")
	typeText(tm, "n")
	waitFor(t, tm, "申请单位*")
	steps := []any{"长治市潞州区城市管理局", tea.KeyTab, tea.KeyTab, tea.KeyRight, tea.KeyRight, tea.KeyTab, tea.KeyTab,
		"垃圾分类入户宣传", tea.KeyTab, tea.KeyTab, "《长治市生活垃圾分类管理条例》第十条", tea.KeyTab, tea.KeyTab,
		tea.KeyRight, tea.KeyTab, "2026-12", tea.KeyTab, "2027-6", tea.KeyTab, "无", tea.KeyTab, "每户每年补助10元", tea.KeyTab,
		"入户宣传垃圾分类知识", tea.KeyEnter, "每月一次", tea.KeyTab, "居民多，需社区配合", tea.KeyTab, "2026年12月至2027年6月", tea.KeyTab,
		"网格员2人", tea.KeyTab, "区财政专项", tea.KeyTab, "无", tea.KeyCtrlS}
	for _, s := range steps {
		switch v := s.(type) {
		case string:
			typeText(tm, v)
		case tea.KeyType:
			tm.Send(ctrl(v))
		}
	}
	waitFor(t, tm, "已填完，按 s 核查并报送")
	typeText(tm, "s")
	waitFor(t, tm, "报送前核查")
	typeText(tm, "y")
	waitFor(t, tm, "已报送")
	typeText(tm, "i")
	waitFor(t, tm, "录入县（市、区）社区建设领导机构意见")
	typeText(tm, "同意")
	tm.Send(ctrl(tea.KeyCtrlS))
	waitFor(t, tm, "县级已签意见")
	typeText(tm, "a")
	typeText(tm, "同意准入")
	tm.Send(ctrl(tea.KeyCtrlS))
	waitFor(t, tm, "申请当前状态：已准入")
	finalView(t, tm, 80, 24)
	list, _ := db.Admissions()
	if len(list) != 1 {
		t.Fatalf("%d admissions", len(list))
	}
	a := list[0]
	if a.Status != store.AdmApproved || a.UnitLevel != store.UnitCountyLevel || a.Term != store.TermTemporary || a.To != "2027-06" ||
		a.LetterContent != "入户宣传垃圾分类知识\n每月一次" || a.CountyOpinion == nil || a.CountyOpinion.Text != "同意" {
		t.Errorf("saved %+v", a)
	}
	if _, _, err := db.VerifyChain(); err != nil {
		t.Errorf("chain: %v", err)
	}
	if h, err := db.History(store.EvAdmissionSave, a.ID); err != nil || len(h) != 4 {
		t.Errorf("admission history: %d events, %v", len(h), err)
	}
}

// The checks before submitting are shown for the worker to read.
func TestAdmissionChecksGolden(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	a, err := db.SaveAdmissionDraft(op, store.Admission{
		Unit: "长治市消防救援支队", UnitLevel: store.UnitCityLevel, Scope: store.ScopeCity, Item: "协助开展消防宣传", Kind: store.KindWork,
		Basis: "《中华人民共和国消防法》第六条", AppliedOn: "2026-11-29", Term: store.TermLong, From: "2027-01",
		Powers: "无", Funding: "无", LetterContent: "每季度组织一次消防宣传", LetterNecessity: "冬季火灾多发",
		LetterSchedule: "2027年起长期", LetterStaffing: "社区干部1人", LetterFunding: "无", LetterPowers: "无",
	})
	if err != nil {
		t.Fatal(err)
	}
	tm := openScreen(t, db, "5", "准入申请 1 件")
	tm.Send(ctrl(tea.KeyEnter))
	waitFor(t, tm, "协助开展消防宣传  [草稿]")
	typeText(tm, "s")
	waitFor(t, tm, "报送前核查")
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"未下放权限、未划拨经费", "已在清单内，无需准入", "附件2", "市社区建设领导小组办公室"} {
		if !strings.Contains(v, want) {
			t.Errorf("checks lack %q:\n%s", want, v)
		}
	}
	golden.RequireEqual(t, []byte(v))
	if got, _ := db.Admission(a.ID); got.Status != store.AdmDraft {
		t.Error("submitted without confirmation")
	}
}

// The desk check answers as the worker types and records a refusal with
// the request carried over.
func TestDeskCheckFlow(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "4", "请求事项")
	typeText(tm, "居住证明")
	waitFor(t, tm, "可以出具")
	tm.Send(ctrl(tea.KeyCtrlU))
	typeText(tm, "消防宣传")
	waitFor(t, tm, "应当承担")
	tm.Send(ctrl(tea.KeyCtrlU))
	typeText(tm, "开具无犯罪记录证明")
	waitFor(t, tm, "未准入，可依法拒绝")
	tm.Send(ctrl(tea.KeyCtrlR))
	waitFor(t, tm, "登记拒绝出具")
	tm.Send(ctrl(tea.KeyTab))
	typeText(tm, "李四")
	tm.Send(ctrl(tea.KeyCtrlS))
	waitFor(t, tm, "已登记：拒绝李四")
	backToEmptyCheck(t, tm)
	list, _ := db.MonthRefusals(2026, 11)
	if len(list) != 1 || list[0].Item != "开具无犯罪记录证明" || list[0].Requester != "李四" || list[0].Reason != store.NotOnList {
		t.Errorf("%+v", list)
	}
}

// Giving up the refusal form opened by Ctrl+R also leads back to the desk
// check, with nothing recorded.
func TestDeskCheckRefusalCancelled(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "4", "请求事项")
	typeText(tm, "开具无犯罪记录证明")
	waitFor(t, tm, "未准入，可依法拒绝")
	tm.Send(ctrl(tea.KeyCtrlR))
	waitFor(t, tm, "登记拒绝出具")
	tm.Send(ctrl(tea.KeyEsc))
	waitFor(t, tm, "对方要求做什么")
	backToEmptyCheck(t, tm)
	if list, _ := db.MonthRefusals(2026, 11); len(list) != 0 {
		t.Errorf("recorded %+v", list)
	}
}

// backToEmptyCheck: the screen is 准入核查 again, and what the worker types
// next is the whole request.
func backToEmptyCheck(t *testing.T, tm *teatest.TestModel) {
	t.Helper()
	typeText(tm, "居住证明")
	waitFor(t, tm, "可以出具")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "| 准入核查") || !strings.Contains(v, "请求事项：居住证明") || strings.Contains(v, "犯罪") {
		t.Errorf("not back at an empty desk check:\n%s", v)
	}
}

func TestDeskCheckGolden(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "4", "请求事项")
	typeText(tm, "禁毒宣传")
	waitFor(t, tm, "应当承担")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

// approve records an approved 阶段性 证明事项 of the district's 民政局 for
// the months from–to.
func approve(t *testing.T, db *store.DB, item, from, to string) store.Admission {
	t.Helper()
	op, _ := db.Operator(db.LastOperator())
	a, err := db.SaveAdmissionDraft(op, store.Admission{
		Unit: "长治市潞州区民政局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis, Item: item, Kind: store.KindCertificate,
		Basis: "《长治市居家养老服务条例》", AppliedOn: "2026-11-01", Term: store.TermPhased, From: from, To: to,
		Powers: "入户核实", Funding: "每件5元", LetterContent: "出具" + item, LetterNecessity: "办理养老补贴",
		LetterSchedule: "一年", LetterStaffing: "社区干部", LetterFunding: "区财政", LetterPowers: "入户核实",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() (store.Admission, error){
		func() (store.Admission, error) { return db.SubmitAdmission(op, a.ID) },
		func() (store.Admission, error) { return db.RecordOpinion(op, a.ID, "县级", "同意", "2026-11-20") },
		func() (store.Admission, error) { return db.DecideAdmission(op, a.ID, true, "准入", "2026-11-21") },
	} {
		if a, err = step(); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// openScreen starts the program at 80×24 and opens the screen of key on
// the home screen, waiting until it shows ready.
func openScreen(t *testing.T, db *store.DB, key, ready string) *teatest.TestModel {
	t.Helper()
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, key)
	waitFor(t, tm, ready)
	return tm
}

// An approval whose term begins next year is shown as 未生效 with its first
// month, in the 准入 list, in its detail and in 准入核查; not as 已准入.
func TestAdmissionNotYetInForce(t *testing.T) {
	db := newDB(t, true)
	approve(t, db, "高龄老人情况证明", "2027-01", "2027-12")
	tm := openScreen(t, db, "5", "准入申请 1 件")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "未生效（2027年1月起）") || strings.Contains(v, "已准入") {
		t.Errorf("list:\n%s", v)
	}

	tm = openScreen(t, db, "5", "准入申请 1 件")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "申请单位")
	v = finalView(t, tm, 80, 24)
	if !strings.Contains(v, "高龄老人情况证明  [未生效（2027年1月起）]") {
		t.Errorf("detail:\n%s", v)
	}

	tm = openScreen(t, db, "4", "请求事项")
	typeText(tm, "高龄老人情况证明")
	waitFor(t, tm, "未生效（2027年1月起）")
	v = finalView(t, tm, 80, 24)
	if !strings.Contains(v, "[未生效（2027年1月起）] 高龄老人情况证明") || strings.Contains(v, "已准入 ") || strings.Contains(v, "未准入") {
		t.Errorf("desk check:\n%s", v)
	}
}

// 申请准入社区 names the community, in the detail and in the form, not 本社区.
func TestAdmissionScopeNamed(t *testing.T) {
	db := newDB(t, true)
	approve(t, db, "独居老人情况证明", "2026-11", "2027-10")
	tm := openScreen(t, db, "5", "准入申请 1 件")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "申请单位")
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, "申请准入社区：英雄南路社区居民委员会") {
		t.Errorf("detail:\n%s", v)
	}
	tm = openScreen(t, db, "5", "准入申请 1 件")
	typeText(tm, "n")
	waitFor(t, tm, "申请单位*")
	v = finalView(t, tm, 80, 24)
	if !strings.Contains(v, "申请准入社区*     英雄南路社区居民委员会") || strings.Contains(v, "本社区") {
		t.Errorf("form:\n%s", v)
	}
}

// An admitted 证明事项 in force becomes a certificate type of the form.
func TestAdmittedCertificateType(t *testing.T) {
	db := newDB(t, true)
	a := approve(t, db, "独居老人情况证明", "2026-11", "2027-10")
	tm := openScreen(t, db, "2", "证明台账")
	typeText(tm, "n")
	waitFor(t, tm, "证明类型")
	typeText(tm, "独居")
	waitFor(t, tm, "准入 独居老人情况证明")
	fillCertForm(tm, "", "张秀英", validID("14040219450303002"))
	tm.Send(ctrl(tea.KeyCtrlS))
	waitFor(t, tm, "已保存")
	finalView(t, tm, 80, 24)
	c, err := db.CertificateBySerial("2026-0001")
	if err != nil || c.AdmissionID != a.ID || c.TypeName != "独居老人情况证明" || c.TypeNo != 0 {
		t.Errorf("%+v %v", c, err)
	}
}
