package ui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
)

// seeded is a ledger with something in every screen: certificates (one
// voided, one corrected), refusals (one from a long-named unit) and
// approval forms at every step a worker acts on.
func seeded(t *testing.T) *store.DB {
	t.Helper()
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	issue := func(typ int, name, id string) store.Certificate {
		in := store.CertInput{TypeNo: typ, Name: name, IDNumber: validID(id), Address: "潞州区英雄南路12号",
			Purpose: "办理低保", Verified: "经查验户口簿，情况属实", Copies: 1}
		c, err := db.IssueCertificate(op, in, cat, store.IssueOptions{AcceptDuplicate: true})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := issue(3, "张三", "14040319900101123")
	issue(5, "欧阳明", "14040319900101223")
	voided := issue(1, "单雄信", "14040319900101323")
	if _, err := db.VoidCertificate(op, voided.ID, "姓名写错"); err != nil {
		t.Fatal(err)
	}
	in := store.CertInput{TypeNo: 3, Name: "张三", IDNumber: first.IDNumber, Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
	if _, err := db.CorrectCertificate(op, first.ID, in, cat, store.IssueOptions{AcceptDuplicate: true}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.RefusalInput{
		{Requester: "长治市潞州区英雄南路物业管理有限公司", RequesterKind: "单位", Item: "开具无犯罪记录证明", Reason: store.DepartmentsDuty},
		{Requester: "长治市潞州区英雄南路物业服务中心", RequesterKind: "单位", Item: "创卫检查台账", Reason: store.NotOnList},
		{Requester: "李四", RequesterKind: "居民", Item: "开具无犯罪记录证明", Reason: store.NotOnList},
	} {
		if _, err := db.AddRefusal(op, r); err != nil {
			t.Fatal(err)
		}
	}
	draft := store.Admission{
		Unit: "长治市潞州区城市管理局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis, Item: "垃圾分类入户宣传",
		Kind: store.KindWork, Basis: "《长治市生活垃圾分类管理条例》第十条", AppliedOn: "2026-11-20", Term: store.TermTemporary,
		From: "2026-12", To: "2027-06", Powers: "无", Funding: "每户每年补助10元", LetterContent: "入户宣传", LetterNecessity: "居民多",
		LetterSchedule: "2026年12月至2027年6月", LetterStaffing: "网格员2人", LetterFunding: "区财政专项", LetterPowers: "无",
	}
	save := func(a store.Admission, steps ...func(id uint64) (store.Admission, error)) {
		a, err := db.SaveAdmissionDraft(op, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range steps {
			if _, err := s(a.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	submit := func(id uint64) (store.Admission, error) { return db.SubmitAdmission(op, id) }
	county := func(id uint64) (store.Admission, error) {
		return db.RecordOpinion(op, id, "县级", "同意", "2026-11-25")
	}
	save(draft)
	draft.Item, draft.To = "垃圾分类督导检查", "2027-12"
	save(draft, submit)
	draft.Item, draft.To = "垃圾分类积分兑换", "2027-09"
	save(draft, submit, county)
	return db
}

// walkState is a screen in one of its modes, reached from the home screen.
type walkState struct {
	name string
	keys []string
}

// walkStates are every screen and mode a worker meets, in the seeded ledger.
var walkStates = []walkState{
	{"首页", nil},
	{"清单", []string{"1"}},
	{"清单 政策原文", []string{"1", "5"}},
	{"清单 政策原文 查找中", []string{"1", "5", "/", "台账"}},
	{"清单 政策原文 已找到", []string{"1", "5", "/", "台账", "esc"}},
	{"清单 查找", []string{"1", "/", "jzzm"}},
	{"清单 全文", []string{"1", "enter"}},
	{"证明 台账", []string{"2"}},
	{"证明 空月", []string{"2", "["}},
	{"证明 查找", []string{"2", "/", "zhangsan"}},
	{"证明 详情（有效）", []string{"2", "down", "down", "enter"}},
	{"证明 详情（更正后）", []string{"2", "enter"}},
	{"证明 详情（作废）", []string{"2", "down", "enter"}},
	{"证明 开具", []string{"2", "n"}},
	{"证明 作废原因", []string{"2", "down", "down", "enter", "v"}},
	{"拒绝 列表", []string{"3"}},
	{"拒绝 查找", []string{"3", "/", "wuye"}},
	{"拒绝 详情", []string{"3", "enter"}},
	{"拒绝 登记", []string{"3", "n"}},
	{"准入核查", []string{"4"}},
	{"准入核查 结果", []string{"4", "开具无犯罪记录证明"}},
	{"准入审批 列表", []string{"5"}},
	{"准入审批 草稿", []string{"5", "end", "enter"}},
	{"准入审批 已报送", []string{"5", "down", "enter"}},
	{"准入审批 县级已签", []string{"5", "enter"}},
	{"准入审批 起草", []string{"5", "n"}},
	{"准入审批 报送前核查", []string{"5", "end", "enter", "s"}},
	{"准入审批 录入意见", []string{"5", "down", "enter", "i"}},
	{"设置", []string{"9"}},
	{"设置 添加经办人", []string{"9", "n"}},
	{"设置 社区信息", []string{"9", "e"}},
	{"设置 接收单位公钥", []string{"9", "g"}},
	{"导出", []string{"6"}},
	{"导出 其他位置", []string{"6", "tab", "tab"}},
	{"表单 放弃确认", []string{"3", "n", "tab", "李", "esc"}},
	// These write to the ledger: last.
	{"证明 打印后", []string{"2", "down", "down", "enter", "p"}},
	{"证明 台账 打印", []string{"2", "down", "down", "p"}},
	{"准入审批 草稿未填完", []string{"5", "n", "长治市潞州区城市管理局", "ctrl+s"}},
}

// walkKey is a key by name, or typed text.
func walkKey(k string) tea.KeyMsg {
	for name, typ := range map[string]tea.KeyType{"down": tea.KeyDown, "up": tea.KeyUp, "end": tea.KeyEnd, "home": tea.KeyHome, "f1": tea.KeyF1} {
		if k == name {
			return tea.KeyMsg{Type: typ}
		}
	}
	return keyMsg(k)
}

// reach opens a fresh program on db at w×h and presses the state's keys.
func reach(t *testing.T, db *store.DB, st walkState, w, h int) *App {
	t.Helper()
	return walkTo(newApp(t, db), st, w, h)
}

// walkTo sizes a fresh program, starts it and presses the state's keys.
func walkTo(a *App, st walkState, w, h int) *App {
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return drainKeys(drain(m, a.Init()).(*App), st.keys...)
}

// drainKeys presses keys (by name, or typed text) with all they lead to.
func drainKeys(a *App, keys ...string) *App {
	var m tea.Model = a
	for _, k := range keys {
		msg := walkKey(k)
		m = drain(m, func() tea.Msg { return msg })
	}
	return m.(*App)
}
