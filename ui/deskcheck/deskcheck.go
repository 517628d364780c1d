// Package deskcheck is the 准入核查 screen: the worker types what is asked
// and sees at once whether the committee must do it (应当承担), may issue it
// (可以出具), has it admitted (已准入), or may lawfully refuse (未准入), with
// one key to record the refusal.
package deskcheck

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	check "taizhang/store/deskcheck"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
)

const requestHint = "对方要求做什么？如：开具无犯罪记录证明、创卫检查台账、居住证明"

// keyMap is the screen's keys, taken from the one table in ui/common. Esc
// clears what was typed, and on an empty field goes back.
type keyMap struct {
	Refuse, Clear, Back, Select key.Binding
	Move                        listview.Keys // the matches
	Page                        pager.Keys    // the chosen match's detail
}

// Model is the desk-check screen.
type Model struct {
	ctx        *common.Context
	admissions []store.Admission
	input      textinput.Model
	result     check.Result
	list       listview.Model
	pager      pager.Model // the place in the chosen match's detail
	keys       keyMap
	width      int
	height     int
}

// New makes the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, list: listview.New(5), pager: pager.New(5)}
	// ↑↓ choose a match (a handful at most); PgUp/PgDn scroll its detail;
	// Home/End stay with the text field.
	m.list.Keys = listview.ArrowsOnly()
	for _, b := range []*key.Binding{&m.list.Keys.PageUp, &m.list.Keys.PageDown, &m.list.Keys.Home, &m.list.Keys.End} {
		b.SetEnabled(false)
	}
	m.pager.Keys = pager.PagesOnly()
	m.input = common.NewInput(ctx.Styles, requestHint)
	m.input.CharLimit = 100
	k := ctx.Keys
	m.keys = keyMap{Refuse: k.Refuse, Clear: k.Clear, Back: k.ClearBack, Select: k.Select, Move: m.list.Keys, Page: m.pager.Keys}
	return m
}

func (m *Model) Title() string   { return "准入核查" }
func (m *Model) Capturing() bool { return true }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	common.SizeInput(&m.input, w-14, requestHint)
	m.list.SetHeight(max((h-6)/2, 3))
	m.pager.SetHeight(m.height - 4 - m.list.Height())
}

type loaded struct {
	admissions []store.Admission
	err        error
}

// Init reads the admissions (a handful) each time the screen opens; the
// checker keeps those in force and those approved but not yet begun.
func (m *Model) Init() tea.Cmd {
	db := m.ctx.Store
	return tea.Batch(m.input.Focus(), common.Route(common.CheckScreen, func() tea.Msg {
		a, err := db.Admissions()
		return loaded{a, err}
	}))
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.admissions = msg.admissions
		m.run()
		return m, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Back):
			if m.input.Value() != "" {
				m.input.SetValue("")
				m.run()
				return m, nil
			}
			return m, common.GoBack
		case key.Matches(msg, m.keys.Refuse):
			return m, m.refuse()
		}
		if m.list.Update(msg) {
			m.pager.Top()
			return m, nil
		}
		if len(m.result.Matches) > 0 {
			m.pager.SetLen(len(m.detail(m.result.Matches[m.list.Cursor()])))
			if m.pager.Update(msg) {
				return m, nil
			}
		}
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.run()
	}
	return m, cmd
}

// run checks the request as typed: 66 items and a few admissions, so it is
// done on every key.
func (m *Model) run() {
	m.result = m.ctx.Checker.Check(m.input.Value(), m.admissions, m.ctx.Now())
	m.list.SetLen(len(m.result.Matches))
	m.list.Select(0)
	m.pager.Top()
}

func (m *Model) refuse() tea.Cmd {
	req := strings.TrimSpace(m.input.Value())
	if req == "" {
		return common.Fail(fmt.Errorf("请先输入对方的请求事项。"))
	}
	if v := m.result.Verdict; v != check.NotAdmitted && v != check.NotYet {
		return common.Fail(fmt.Errorf("该请求属于“%s”，不宜拒绝。如确有其他理由，请到“拒绝”界面登记。", m.result.Verdict))
	}
	// The request goes with the form; the worker comes back to an empty
	// field for the next one.
	m.input.SetValue("")
	m.run()
	return func() tea.Msg {
		return common.NavigateWith{To: common.RefusalsScreen, Msg: common.PrefillRefusal{Item: req, Return: common.CheckScreen}}
	}
}

func (m *Model) View() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString(s.Label.Render("请求事项：") + m.input.View() + "\n\n")
	if strings.TrimSpace(m.input.Value()) == "" {
		for _, l := range common.Wrap(common.Display("输入对方要求社区做的事或开的证明，立即显示：应当承担（附件1–3）、可以出具（附件4）、已准入（准入审批在有效期内），或未准入，可依法拒绝（"+m.ctx.Checker.RefusalSource()+"）。"), m.width-2) {
			b.WriteString(" " + s.Dim.Render(l) + "\n")
		}
		return b.String()
	}
	b.WriteString(m.verdictLine() + "\n")
	if len(m.result.Matches) == 0 {
		lines := []string{"附件1–4清单中没有这一事项，也没有在有效期内的准入审批。"}
		for _, g := range m.ctx.Checker.Grounds(m.result.AsksFor) {
			lines = append(lines, "依据"+g.Source()+"："+g.Sentence)
		}
		lines = append(lines, "按 Ctrl+R 登记拒绝（请求事项已带入）。")
		for _, l := range lines {
			for _, w := range common.Wrap(common.Display(l), m.width-2) {
				b.WriteString(" " + w + "\n")
			}
		}
		return b.String()
	}
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string { return m.matchText(m.result.Matches[i]) }) + "\n")
	b.WriteString(s.Dim.Render(strings.Repeat("-", m.width)) + "\n")
	b.WriteString(m.pager.View(m.detail(m.result.Matches[m.list.Cursor()]), s))
	return b.String()
}

func (m *Model) verdictLine() string {
	s := m.ctx.Styles
	r := m.result
	switch r.Verdict {
	case check.MustDo:
		return s.OK.Render(" 应当承担 ") + " 属于社区依法履职、协助政府或监督的事项"
	case check.CanIssue:
		return s.OK.Render(" 可以出具 ") + " 属于附件4日常出具证明事项"
	case check.Admitted:
		return s.OK.Render(" 已准入 ") + " 准入审批在有效期内：至" + r.Matches[0].Admission.Until()
	case check.NotYet:
		a := r.Matches[0].Admission
		return s.Warn.Render(" "+a.StatusText(m.ctx.Now())+" ") + " 已批准准入，" + store.ChineseMonthOf(a.From) + "起生效；此前可依法拒绝"
	}
	return s.Error.Render(" 未准入，可依法拒绝 ")
}

func (m *Model) matchText(x check.Match) string {
	if a := x.Admission; a != nil {
		return common.Display(fmt.Sprintf("[%s] %s（%s，至%s）", a.StatusText(m.ctx.Now()), a.Item, a.Unit, a.Until()))
	}
	return common.Display(fmt.Sprintf("[%s]%2d. %s%s", x.List.Short, x.Item.No, common.ItemMark(x.Item), x.Item.Text))
}

func (m *Model) detail(x check.Match) []string {
	s := m.ctx.Styles
	var out []string
	wrap := func(prefix, text string) {
		out = append(out, common.Labelled(s.Label.Render(prefix), text, m.width)...)
	}
	if x.Admission != nil {
		a := x.Admission
		wrap("准入事项：", a.Item+"（"+a.Kind+"）")
		wrap("申请单位：", a.Unit)
		wrap("依据：", a.Basis)
		wrap("期限：", a.Term+"，至"+a.Until())
		wrap("状态：", a.StatusText(m.ctx.Now()))
		return out
	}
	wrap(fmt.Sprintf("附件%d 第%d项：", x.List.Annex, x.Item.No), x.Item.Text)
	if c := x.Item.CategoryLabel(); c != "" {
		wrap("类别：", c)
	}
	for _, sec := range common.ItemSections(x.Item) {
		for _, t := range sec.Texts {
			wrap(sec.Label, t)
		}
	}
	return out
}

func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.Select, m.keys.Refuse, m.keys.Clear, m.keys.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Refuse, k.Clear, k.Back}, {k.Move.Up, k.Move.Down, k.Page.PageUp, k.Page.PageDown}}
}

// Keymap is every key the screen acts on.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
