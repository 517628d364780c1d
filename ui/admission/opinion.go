package admission

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
)

// action is what the small opinion form records.
type action int

const (
	actOpinion action = iota // the county's or the city's opinion
	actApprove
	actReject
	actWithdraw
)

const (
	fText = "意见"
	fDate = "日期"
)

// level is whose opinion comes next.
func (m *Model) level() string {
	if m.cur.Effective(m.ctx.Now()) == store.AdmSubmitted {
		return "县级"
	}
	return "市级"
}

func (m *Model) actionTitle() string {
	switch m.act {
	case actApprove:
		return "准入（同意）"
	case actReject:
		return "不予准入"
	case actWithdraw:
		return "撤回申请"
	}
	if m.level() == "县级" {
		return "录入" + assets.FormCountyOpinion
	}
	return "录入" + assets.FormCityOpinion
}

func (m *Model) startOpinion(act action) {
	m.act = act
	label, ph := fText, "按审批表上所签意见照录"
	switch act {
	case actApprove, actReject:
		label, ph = "说明", "如：依据"+assets.FormCityOpinion+"准入"
	case actWithdraw:
		label, ph = "撤回原因", "如：申请单位来函撤回"
	}
	m.opForm = form.New(&m.ctx.Styles,
		&form.Field{Key: fText, Label: label, Required: true, Kind: form.Area, CharLimit: 500, Placeholder: ph},
		&form.Field{Key: fDate, Label: fDate, Required: act != actWithdraw, CharLimit: 12, Placeholder: "审批表上的日期，如：2026-12-05"},
	)
	m.opForm.SetValue(fDate, m.ctx.Now().Format("2006-01-02"))
	m.mode = opinion
	m.sizeOpinion()
}

func (m *Model) opinionKey(km tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	m.opForm, cmd = m.opForm.Update(km)
	switch m.opForm.Outcome() {
	case form.Cancelled:
		m.mode = viewing
		return nil
	case form.Submitted:
		v := m.opForm.Values()
		db, op, id, act, level := m.ctx.Store, m.ctx.Operator, m.cur.ID, m.act, m.level()
		m.opForm.SetSaving(true)
		return save(db, func(db *store.DB) (store.Admission, error) {
			switch act {
			case actOpinion:
				return db.RecordOpinion(op, id, level, v[fText], v[fDate])
			case actApprove, actReject:
				return db.DecideAdmission(op, id, act == actApprove, v[fText], v[fDate])
			}
			return db.WithdrawAdmission(op, id, v[fText])
		}, savedOpinion)
	}
	return cmd
}

func (m *Model) opinionSaved(msg saved) tea.Cmd {
	m.opForm.SetSaving(false)
	var fe *store.FieldError
	switch {
	case errors.As(msg.err, &fe):
		key := fText
		if strings.Contains(fe.Field, "日期") {
			key = fDate
		}
		m.opForm.SetError(key, fe.Msg)
		return nil
	case msg.err != nil:
		m.mode = viewing
		return common.Fail(msg.err)
	}
	m.show(msg.a)
	return tea.Batch(m.open(msg.a.ID), common.Info(fmt.Sprintf("已记录。申请当前状态：%s。", msg.a.Status)))
}

// opinionHead is what the opinion form records, and for which application,
// shown whole above the form.
func (m *Model) opinionHead() []string {
	s := m.ctx.Styles
	var out []string
	for _, l := range common.Wrap(common.Display(m.actionTitle()), m.width) {
		out = append(out, s.Title.Render(l))
	}
	for _, l := range common.Labelled("申请：", m.cur.Item+"（"+m.cur.Unit+"）", m.width) {
		out = append(out, s.Dim.Render(l))
	}
	return append(out, "")
}

// sizeOpinion gives the opinion form the lines its head leaves.
func (m *Model) sizeOpinion() {
	m.opForm.SetSize(m.width, m.height-len(m.opinionHead())-1)
}

func (m *Model) opinionView() string {
	return strings.Join(m.opinionHead(), "\n") + "\n" + m.opForm.View()
}
