package certs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/fold"
	"taizhang/store/idcard"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
)

// issueForm is the form to issue a certificate, or to correct one (old set).
type issueForm struct {
	ctx     *common.Context
	form    form.Model
	old     *store.Certificate
	opt     store.IssueOptions
	warning error // a ClockBehindError, PersonNameError or DuplicateError waiting for Y or Esc
	types   map[int]assets.CertTemplate
	width   int
	height  int
}

// saved carries the result of a save back to the screen.
type saved struct {
	cert store.Certificate
	err  error
}

func (f *issueForm) title() string {
	if f.old != nil {
		return "更正证明 " + f.old.Serial
	}
	return "开具证明"
}

// typeOptions are the 12 附件4 types, found by number, Chinese or pinyin.
func typeOptions(cat *assets.Catalog, tpl map[int]assets.CertTemplate) ([]form.Option, func(string, form.Option) bool) {
	ix := search.New(nil)
	var opts []form.Option
	for _, it := range cat.List(assets.Certificates).Items {
		label := fmt.Sprintf("%d %s", it.No, tpl[it.No].Short)
		opts = append(opts, form.Option{Value: strconv.Itoa(it.No), Label: label})
		ix.Add(uint64(it.No), search.Field{Text: it.Text, Kind: search.Text}, search.Field{Text: tpl[it.No].Short, Kind: search.Text})
	}
	match := func(q string, o form.Option) bool {
		if strings.HasPrefix(o.Value, "a") {
			return strings.Contains(o.Label, q)
		}
		if _, err := strconv.Atoi(q); err == nil {
			return q == o.Value
		}
		for _, h := range ix.Search(q, 0) {
			if strconv.FormatUint(h.ID, 10) == o.Value {
				return true
			}
		}
		return false
	}
	return opts, match
}

// admissionOptions are the admitted 证明事项 in force: certificate types
// that are not on 附件4 but may be issued while their admission lasts.
func admissionOptions(db *store.DB, now time.Time) []form.Option {
	list, err := db.AdmissionsInForce(now)
	if err != nil {
		return nil
	}
	var out []form.Option
	for _, a := range list {
		if a.Kind == store.KindCertificate {
			out = append(out, form.Option{Value: admissionValue(a.ID), Label: "准入 " + a.Item + "（至" + a.Until() + "）"})
		}
	}
	return out
}

func admissionValue(id uint64) string { return "a" + strconv.FormatUint(id, 10) }

// startForm opens the form: empty, or filled from a certificate to correct.
func (m *Model) startForm(old *store.Certificate) tea.Cmd {
	if m.ctx.Operator.ID == 0 {
		return common.Fail(errors.New("还没有选择经办人。请到“设置”中添加或选择经办人。"))
	}
	now := m.ctx.Now()
	opts, match := typeOptions(m.ctx.Catalog, m.types)
	opts = append(opts, admissionOptions(m.ctx.Store, now)...)
	fields := []*form.Field{
		{Key: store.FieldCertType, Label: "证明类型", Required: true, Kind: form.Choice, Options: opts, Match: match,
			Hint: m.verifyHint},
		{Key: store.FieldName, Label: "姓名", Required: true, CharLimit: 30, Placeholder: "居民姓名（生僻字照录）",
			Check: func(v string) error { _, err := store.CheckName(v); return plain(err) }},
		{Key: store.FieldIDNumber, Label: "身份证号", Required: true, CharLimit: 24, Placeholder: "18位，末位 X 大小写均可",
			Check: func(v string) error { _, err := idcard.Parse(v, now); return err },
			Hint:  idHint(now), Conceal: idcard.Mask},
		{Key: store.FieldAddress, Label: "住址", Required: true, CharLimit: 60, Placeholder: "如：潞州区英雄南路12号3单元501室"},
		{Key: store.FieldPurpose, Label: "用途", Required: true, CharLimit: 60, Placeholder: "如：办理子女入学"},
		{Key: store.FieldRecipient, Label: "需证明单位", CharLimit: 40, Placeholder: "如：长治市潞州区教育局"},
		{Key: store.FieldVerified, Label: "核实情况", CharLimit: 200, Placeholder: "怎样核实的、核实了什么（如：经查验户口簿，…）"},
		{Key: store.FieldCopies, Label: "份数", Required: true, CharLimit: 1, Placeholder: "1–9",
			Check: func(v string) error {
				if n, err := copiesOf(v); err != nil || n < 1 || n > 9 {
					return errors.New("请填 1 到 9 之间的数字。")
				}
				return nil
			}},
	}
	f := &issueForm{ctx: m.ctx, old: old, types: m.types}
	f.form = form.New(&m.ctx.Styles, fields...)
	f.form.SetValue(store.FieldCopies, "1")
	if old != nil {
		if old.AdmissionID != 0 {
			f.form.SetValue(store.FieldCertType, admissionValue(old.AdmissionID))
		} else {
			f.form.SetValue(store.FieldCertType, strconv.Itoa(old.TypeNo))
		}
		f.form.SetValue(store.FieldName, old.Name)
		f.form.SetValue(store.FieldIDNumber, old.IDNumber)
		f.form.SetValue(store.FieldAddress, old.Address)
		f.form.SetValue(store.FieldPurpose, old.Purpose)
		f.form.SetValue(store.FieldRecipient, old.Recipient)
		f.form.SetValue(store.FieldVerified, old.Verified)
		f.form.SetValue(store.FieldCopies, strconv.Itoa(old.Copies))
	}
	f.requireVerified()
	f.setSize(m.width, m.height)
	m.form = f
	m.mode = issuing
	return nil
}

// verifyHint says, under the chosen type, what 核实情况 should record for it
// and whether the type requires it.
func (m *Model) verifyHint(value string) string {
	t := typeTemplate(m.types, value)
	switch {
	case t.Hint == "":
		return ""
	case t.Finding:
		return "核实情况（必填）：" + t.Hint
	}
	return "核实情况：" + t.Hint
}

// typeTemplate is the template of the type chosen as value.
func typeTemplate(types map[int]assets.CertTemplate, value string) assets.CertTemplate {
	no, err := strconv.Atoi(value)
	if err != nil {
		no = 0 // an admitted type: the generic template
	}
	return types[no]
}

// requireVerified marks 核实情况 required when the chosen type certifies a
// finding, as the store will insist.
func (f *issueForm) requireVerified() {
	if v := f.form.Field(store.FieldVerified); v != nil {
		v.Required = typeTemplate(f.types, f.form.Values()[store.FieldCertType]).Finding
	}
}

// plain strips the field name a store FieldError carries (the form shows
// the message under the field already).
func plain(err error) error {
	var fe *store.FieldError
	if errors.As(err, &fe) {
		return errors.New(fe.Msg)
	}
	return err
}

// idHint shows what the ID number says: sex, birth date, kind.
func idHint(now time.Time) func(string) string {
	return func(v string) string {
		id, err := idcard.Parse(v, now)
		if err != nil {
			return ""
		}
		h := fmt.Sprintf("%s，性别 %s", id.Number, id.Sex)
		if !id.Birth.IsZero() {
			h += "，出生日期 " + store.ChineseDate(id.Birth)
		}
		if id.Kind != idcard.Mainland {
			h += "，" + id.Kind.String()
		}
		if id.Legacy15 {
			h += "（已由15位号码转换）"
		}
		return h
	}
}

func (f *issueForm) setSize(w, h int) {
	f.width, f.height = w, h
	f.form.SetSize(w, h-3)
}

func (f *issueForm) input() store.CertInput {
	v := f.form.Values()
	typ, _ := strconv.Atoi(v[store.FieldCertType])
	var adm uint64
	if a, ok := strings.CutPrefix(v[store.FieldCertType], "a"); ok {
		adm, _ = strconv.ParseUint(a, 10, 64)
	}
	copies, _ := copiesOf(v[store.FieldCopies])
	return store.CertInput{
		TypeNo: typ, AdmissionID: adm, Name: v[store.FieldName], IDNumber: v[store.FieldIDNumber], Address: v[store.FieldAddress],
		Purpose: v[store.FieldPurpose], Recipient: v[store.FieldRecipient], Verified: v[store.FieldVerified], Copies: copies,
	}
}

// copiesOf reads 份数, typed with a full-width digit too (２).
func copiesOf(v string) (int, error) { return strconv.Atoi(fold.Width(strings.TrimSpace(v))) }

// update handles a message while the form is open.
func (f *issueForm) update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok && f.warning != nil {
		switch {
		case key.Matches(km, f.ctx.Keys.Yes):
			var cb *store.ClockBehindError
			var pe *store.PersonNameError
			switch {
			case errors.As(f.warning, &cb):
				f.opt.AcceptClock = true
			case errors.As(f.warning, &pe):
				f.opt.AcceptPersonName = true
			default:
				f.opt.AcceptDuplicate = true
			}
			f.warning = nil
			return f.save()
		case key.Matches(km, f.ctx.Keys.Back):
			f.warning = nil
		}
		return nil
	}
	var cmd tea.Cmd
	f.form, cmd = f.form.Update(msg)
	f.requireVerified()
	switch f.form.Outcome() {
	case form.Submitted:
		return f.save()
	case form.Cancelled:
		return bg(func() tea.Msg { return saved{err: errCancelled} })
	}
	return cmd
}

var errCancelled = errors.New("cancelled")

// save writes the certificate in a command; the form shows 正在保存… and
// ignores keys until the result (saved) comes back to afterSave.
func (f *issueForm) save() tea.Cmd {
	f.form.SetSaving(true)
	db, op, in, cat, opt := f.ctx.Store, f.ctx.Operator, f.input(), f.ctx.Catalog, f.opt
	var old uint64
	if f.old != nil {
		old = f.old.ID
	}
	return bg(func() tea.Msg {
		var c store.Certificate
		var err error
		if old != 0 {
			c, err = db.CorrectCertificate(op, old, in, cat, opt)
		} else {
			c, err = db.IssueCertificate(op, in, cat, opt)
		}
		return saved{c, err}
	})
}

// refused ends the save and, when the store refused with a field error or a
// warning to answer Y/N, shows it in the form and reports true.
func (f *issueForm) refused(err error) bool {
	f.form.SetSaving(false)
	var cb *store.ClockBehindError
	var pe *store.PersonNameError
	var de *store.DuplicateError
	switch {
	case f.form.ShowStoreError(err):
		return true
	case errors.As(err, &cb), errors.As(err, &pe), errors.As(err, &de):
		f.warning = err
		return true
	}
	return false
}

func (f *issueForm) view() string {
	s := f.ctx.Styles
	now := f.ctx.Now()
	head := fmt.Sprintf("经办人：%s    签发日期：%s", f.ctx.Operator.Name, store.ChineseDate(now))
	if f.old != nil {
		head += "    保存后原证明 " + f.old.Serial + " 作废"
	}
	// With several windows each PC keeps its own ledger, so the duplicate
	// check cannot see what the others issued: say so where it is relied on.
	note := ""
	if n := f.ctx.Profile.StationNo(); n >= 2 {
		note = s.Warn.Render(common.Truncate(fmt.Sprintf("本机是 %d 号窗口：%d 天内重复开证明的提醒只查本机，查不到其他窗口开的。", n, store.DuplicateDays), f.width))
	}
	out := s.Dim.Render(common.Truncate(common.Display(head), f.width)) + "\n" + note + "\n" + f.form.View()
	if f.warning != nil {
		var lines []string
		for _, l := range common.Wrap(common.Display(f.warning.Error()), f.width-2) {
			lines = append(lines, " "+s.Warn.Render(l))
		}
		lines = append(lines, " "+s.Label.Render("按 Y 仍然保存，按 Esc 返回修改。"))
		out = lastLines(out, f.height-len(lines)-1) + "\n\n" + strings.Join(lines, "\n")
	}
	return out
}

// lastLines keeps at most n lines of s, from the top.
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n && n > 0 {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// afterSave shows the new certificate, or says why nothing was saved.
func (m *Model) afterSave(msg saved) tea.Cmd {
	if errors.Is(msg.err, errCancelled) {
		m.form = nil
		return m.back()
	}
	if m.form != nil && m.form.refused(msg.err) {
		return nil
	}
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	m.form, m.mode = nil, ledger
	var index tea.Cmd
	if m.index != nil {
		index = catchUp(m.ctx.Store, m.index)
	} else if m.indexing {
		m.stale = true
	}
	m.month = monthOf(m.ctx.Now())
	return tea.Batch(m.openCert(msg.cert.ID), m.loadMonth(), index,
		common.Info(fmt.Sprintf("已保存，编号 %s。按 p 打印。", msg.cert.FullSerial(m.ctx.Profile))))
}
