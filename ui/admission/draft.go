package admission

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/creditcode"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
)

// Form field keys: the labels the store's FieldErrors name.
const (
	fUnit       = "申请单位"
	fCredit     = "统一社会信用代码"
	fLevel      = "单位层级"
	fScope      = "申请准入社区"
	fItem       = "申请准入事务或工作项目"
	fKind       = "事项类别"
	fBasis      = "申请准入依据"
	fApplied    = "申请准入时间"
	fTerm       = "期限"
	fFrom       = "起始年月"
	fTo         = "截止年月"
	fPowers     = "下放给社区的权限"
	fFunding    = "划拨给社区的工作经费及相关保障"
	fLContent   = "申请书：事项内容"
	fLNecessity = "申请书：必要性"
	fLSchedule  = "申请书：时间安排"
	fLStaffing  = "申请书：人员安排"
	fLFunding   = "申请书：经费保障"
	fLPowers    = "申请书：赋予社区的权限"
)

func choices(values ...string) []form.Option {
	out := make([]form.Option, len(values))
	for i, v := range values {
		out[i] = form.Option{Value: v, Label: v}
	}
	return out
}

// scopes are the choices of 申请准入社区, named as printed (英雄南路社区居民委员会,
// 潞州区辖区内社区, 全市社区).
func (m *Model) scopes() []form.Option {
	var out []form.Option
	for _, v := range []string{store.ScopeThis, store.ScopeCounty, store.ScopeCity} {
		out = append(out, form.Option{Value: v, Label: store.ScopeText(m.ctx.Profile, v)})
	}
	return out
}

// startDraft opens the application form, empty or filled from a draft.
func (m *Model) startDraft(a store.Admission) {
	text := func(key, ph string, limit int) *form.Field {
		return &form.Field{Key: key, Label: key, Required: true, CharLimit: limit, Placeholder: ph}
	}
	area := func(key, ph string) *form.Field {
		return &form.Field{Key: key, Label: key, Required: true, Kind: form.Area, CharLimit: 2000, Placeholder: ph}
	}
	credit := &form.Field{Key: fCredit, Label: fCredit, CharLimit: 24, Placeholder: "18位，可不填",
		Check: func(v string) error { return creditcode.Check(v) }}
	fields := []*form.Field{
		text(fUnit, "部门全称，如：长治市潞州区卫生健康局", 40),
		credit,
		{Key: fLevel, Label: fLevel, Required: true, Kind: form.Choice, Options: choices(store.UnitCityLevel, store.UnitCountyLevel)},
		{Key: fScope, Label: fScope, Required: true, Kind: form.Choice, Options: m.scopes()},
		text(fItem, "如：垃圾分类入户宣传", 60),
		{Key: fKind, Label: fKind, Required: true, Kind: form.Choice, Options: choices(store.KindWork, store.KindCertificate)},
		text(fBasis, "法律、法规、规章或文件名称及条款", 100),
		text(fApplied, "如：2026-11-29", 12),
		{Key: fTerm, Label: fTerm, Required: true, Kind: form.Choice, Options: choices(store.TermTemporary, store.TermPhased, store.TermLong)},
		text(fFrom, "如：2026-12", 10),
		{Key: fTo, Label: fTo, CharLimit: 10, Placeholder: "如：2027-06（长期不填）"},
		text(fPowers, "下放给社区的权限；没有请填“无”", 200),
		text(fFunding, "划拨的经费及保障；没有请填“无”", 200),
		area(fLContent, "准入事项的内容"),
		area(fLNecessity, "为什么需要社区承担"),
		area(fLSchedule, "起止时间、工作节点"),
		area(fLStaffing, "人员安排"),
		area(fLFunding, "经费来源、金额、拨付方式"),
		area(fLPowers, "赋予社区的权限"),
	}
	m.draft = form.New(&m.ctx.Styles, fields...)
	m.draft.AllowIncomplete = true
	m.draft.SaveLabel = "保存草稿"
	m.editing = a.ID
	if a.ID == 0 {
		a.AppliedOn = m.ctx.Now().Format("2006-01-02")
		a.Scope = store.ScopeThis
		a.Kind = store.KindWork
	}
	for k, v := range valuesOf(a) {
		m.draft.SetValue(k, v)
	}
	m.draft.SetSize(m.width, m.height-1)
	m.mode = drafting
}

func valuesOf(a store.Admission) map[string]string {
	return map[string]string{
		fUnit: a.Unit, fCredit: a.CreditCode, fLevel: a.UnitLevel, fScope: a.Scope, fItem: a.Item, fKind: a.Kind,
		fBasis: a.Basis, fApplied: a.AppliedOn, fTerm: a.Term, fFrom: a.From, fTo: a.To, fPowers: a.Powers,
		fFunding: a.Funding, fLContent: a.LetterContent, fLNecessity: a.LetterNecessity, fLSchedule: a.LetterSchedule,
		fLStaffing: a.LetterStaffing, fLFunding: a.LetterFunding, fLPowers: a.LetterPowers,
	}
}

func fromValues(a store.Admission, v map[string]string) store.Admission {
	a.Unit, a.CreditCode, a.UnitLevel, a.Scope, a.Item, a.Kind = v[fUnit], v[fCredit], v[fLevel], v[fScope], v[fItem], v[fKind]
	a.Basis, a.AppliedOn, a.Term, a.From, a.To = v[fBasis], v[fApplied], v[fTerm], v[fFrom], v[fTo]
	a.Powers, a.Funding = v[fPowers], v[fFunding]
	a.LetterContent, a.LetterNecessity, a.LetterSchedule = v[fLContent], v[fLNecessity], v[fLSchedule]
	a.LetterStaffing, a.LetterFunding, a.LetterPowers = v[fLStaffing], v[fLFunding], v[fLPowers]
	return a
}

func (m *Model) draftKey(km tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	m.draft, cmd = m.draft.Update(km)
	switch m.draft.Outcome() {
	case form.Cancelled:
		if m.editing != 0 {
			return m.open(m.editing)
		}
		m.mode = listing
		return m.Init()
	case form.Submitted:
		base := store.Admission{ID: m.editing}
		if m.editing != 0 {
			base = m.cur
		}
		db, op, a := m.ctx.Store, m.ctx.Operator, fromValues(base, m.draft.Values())
		m.draft.SetSaving(true)
		return save(db, func(db *store.DB) (store.Admission, error) { return db.SaveAdmissionDraft(op, a) }, savedDraft)
	}
	return cmd
}

func (m *Model) draftSaved(msg saved) tea.Cmd {
	m.draft.SetSaving(false)
	a, err := msg.a, msg.err
	switch {
	case m.draft.ShowStoreError(err):
		return nil
	case err != nil:
		return common.Fail(err)
	}
	m.show(a)
	missing := ""
	if err := store.ValidateAdmission(a); err != nil {
		missing = "尚未填完（" + err.Error() + "），填完后按 s 报送。"
	} else {
		missing = "已填完，按 s 核查并报送。"
	}
	return tea.Batch(m.open(a.ID), common.Info("草稿已保存；"+missing))
}

// detailLines are the application, every field whole (with the checks
// first when confirming).
func (m *Model) detailLines() []string {
	s := m.ctx.Styles
	a := m.cur
	w := m.width
	var out []string
	field := func(label, v string) {
		if v == "" {
			v = "（未填）"
		}
		out = append(out, common.Labelled(s.Label.Render(label+"："), v, w)...)
	}
	if m.mode == confirming {
		out = append(out, s.Title.Render("报送前核查（请阅读后确认）"))
		for _, f := range m.findings {
			st := s.Dim
			mark := "  "
			if f.Warn {
				st, mark = s.Warn, "! "
			}
			for i, l := range common.Wrap(common.Display(f.Text), w-2) {
				if i == 0 {
					out = append(out, st.Render(mark+l))
				} else {
					out = append(out, st.Render("  "+l))
				}
			}
		}
		prompt := s.Label.Render("按 Y 确认报送，按 Esc 返回修改。")
		if m.busy {
			prompt = s.Dim.Render(common.Display(common.SavingText))
		}
		out = append(out, "", prompt, "")
	}
	for _, l := range common.Wrap(common.Display(fmt.Sprintf("%s  [%s]", a.Item, a.StatusText(m.ctx.Now()))), w) {
		out = append(out, s.Title.Render(l))
	}
	field("申请单位", a.Unit+"（"+a.UnitLevel+"）")
	if a.CreditCode != "" {
		field("统一社会信用代码", a.CreditCode)
	}
	field("申请准入社区", store.ScopeText(m.ctx.Profile, a.Scope))
	field("事项类别", a.Kind)
	field("申请准入依据", a.Basis)
	field("申请准入时间", store.ChineseDateOf(a.AppliedOn))
	field("期限", termText(a))
	field("下放给社区的权限", a.Powers)
	field("划拨给社区的工作经费及相关保障", a.Funding)
	field("审批机关", store.ApprovingBody(a.UnitLevel))
	for _, o := range []struct {
		label string
		op    *store.Opinion
	}{{assets.FormCountyOpinion, a.CountyOpinion}, {assets.FormCityOpinion, a.CityOpinion}, {"结论", a.Decision}, {"撤回", a.Withdrawal}} {
		if o.op != nil {
			field(o.label, fmt.Sprintf("%s（%s，%s录入）", o.op.Text, store.ChineseDateOf(o.op.Date), o.op.EnteredBy))
		}
	}
	out = append(out, "", s.Title.Render("申请书"))
	field("事项内容", a.LetterContent)
	field("必要性", a.LetterNecessity)
	field("时间安排", a.LetterSchedule)
	field("人员安排", a.LetterStaffing)
	field("经费保障", a.LetterFunding)
	field("赋予社区的权限", a.LetterPowers)
	out = append(out, "", s.Title.Render("经过"))
	for _, ev := range m.history {
		out = append(out, common.Labelled("  "+store.StampText(ev.Time)+"  ", ev.Operator+"  "+ev.Describe(), w)...)
	}
	return out
}
