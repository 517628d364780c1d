// Package deskcheck is the 准入核查 screen: the worker types what is asked
// and sees at once whether the committee must do it (应当承担), may issue it
// (可以出具), has it admitted (已准入), or may lawfully refuse (未准入), with
// the policy sentence that says so and one key to record the refusal. Items
// that come close but not close enough are listed as 可能相关, the matched
// words marked; the verdict stays 未准入 until the worker picks one (Enter).
package deskcheck

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	check "taizhang/store/deskcheck"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
)

const requestHint = "对方要求做什么？如：开具无犯罪记录证明、创卫检查台账、居住证明"

// keyMap is the screen's keys, taken from the one table in ui/common. Esc
// clears what was typed, and on an empty field goes back; after a pick it
// first goes back to the candidates.
type keyMap struct {
	Pick, Refuse, Clear, Back, Select key.Binding
	Move                              listview.Keys // the matches
	Page                              pager.Keys    // the chosen match's detail
}

// Model is the desk-check screen.
type Model struct {
	ctx        *common.Context
	admissions []store.Admission
	input      textinput.Model
	result     check.Result
	candidates check.Result // the uncertain result a pick was made from
	list       listview.Model
	maxRows    int
	pager      pager.Model // the place in the chosen match's detail
	keys       keyMap
	width      int
	height     int
}

// New makes the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, list: listview.New(5), maxRows: 5, pager: pager.New(5)}
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
	m.keys = keyMap{Pick: k.Pick, Refuse: k.Refuse, Clear: k.Clear, Back: k.ClearBack, Select: k.Select, Move: m.list.Keys, Page: m.pager.Keys}
	return m
}

func (m *Model) Title() string   { return "准入核查" }
func (m *Model) Capturing() bool { return true }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	common.SizeInput(&m.input, w-14, requestHint)
	m.maxRows = max((h-6)/2, 3)
	m.list.SetHeight(min(max(len(m.result.Matches), 1), m.maxRows))
	m.fitPager()
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
		case key.Matches(msg, m.keys.Pick):
			if m.result.Uncertain() {
				m.pick()
			}
			return m, nil
		case key.Matches(msg, m.keys.Back):
			if m.result.Picked {
				m.setResult(m.candidates)
				return m, nil
			}
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
	m.setResult(m.ctx.Checker.Check(m.input.Value(), m.admissions, m.ctx.Now()))
}

func (m *Model) setResult(r check.Result) {
	m.result = r
	m.list.SetLen(len(r.Matches))
	m.list.SetHeight(min(max(len(r.Matches), 1), m.maxRows))
	m.list.Select(0)
	m.pager.Top()
	m.fitPager()
}

// fitPager gives the detail the rows left under the verdict, its grounds,
// the matches and the rule.
func (m *Model) fitPager() {
	m.pager.SetHeight(m.height - 2 - len(m.verdict()) - m.list.Height() - 1)
}

// pick takes the candidate under the cursor as the worker's answer.
func (m *Model) pick() {
	m.candidates = m.result
	m.setResult(m.result.Pick(m.list.Cursor()))
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
	lines := []string{s.Label.Render("请求事项：") + m.input.View(), ""}
	if strings.TrimSpace(m.input.Value()) == "" {
		for _, l := range common.Wrap(common.Display("输入对方要求社区做的事或开的证明，立即显示：应当承担（附件1–3）、可以出具（附件4）、已准入（准入审批在有效期内），或未准入，可依法拒绝（"+
			m.ctx.Checker.RefusalSource()+"）。与清单相近但不能确定的事项列为“可能相关”，经办人选定后才算数。"), m.width-2) {
			lines = append(lines, " "+s.Dim.Render(l))
		}
		return strings.Join(lines, "\n")
	}
	r := m.result
	lines = append(lines, m.verdict()...)
	if len(r.Matches) == 0 {
		return strings.Join(lines, "\n")
	}
	lines = append(lines, m.list.View(m.width, s, func(i int, sel bool) string { return m.matchText(r.Matches[i], sel) }))
	lines = append(lines, s.Dim.Render(strings.Repeat("-", m.width)))
	lines = append(lines, m.pager.View(m.detail(r.Matches[m.list.Cursor()]), s))
	return strings.Join(lines, "\n")
}

// verdict is the verdict line and the policy sentences that give it (and,
// with nothing matched, what to do), as wrapped for the screen.
func (m *Model) verdict() []string {
	if strings.TrimSpace(m.input.Value()) == "" {
		return nil
	}
	r := m.result
	lines := []string{m.verdictLine()}
	add := func(text string) {
		for _, l := range common.Wrap(common.Display(text), m.width-2) {
			lines = append(lines, " "+l)
		}
	}
	if len(r.Matches) == 0 {
		if r.AsksCertificate {
			add("附件4中没有这类证明，也没有在有效期内的证明事项准入审批。")
		} else {
			add("附件1–3中没有这项工作，也没有在有效期内的工作事项准入审批。")
		}
	}
	for _, g := range m.ctx.Checker.Force(r) {
		add("依据" + g.Source() + "：" + g.Sentence)
	}
	if len(r.Matches) == 0 || r.Verdict == check.NotYet {
		add("按 Ctrl+R 登记拒绝（请求事项已带入）。")
	}
	return lines
}

func (m *Model) verdictLine() string {
	s := m.ctx.Styles
	r := m.result
	picked := ""
	if r.Picked {
		picked = "（经办人选定，Esc 重选）"
	}
	switch r.Verdict {
	case check.MustDo:
		return s.OK.Render(" 应当承担 ") + " 属于社区依法履职、协助政府或监督的事项" + picked
	case check.CanIssue:
		return s.OK.Render(" 可以出具 ") + " 属于附件4日常出具证明事项" + picked
	case check.Admitted:
		return s.OK.Render(" 已准入 ") + " 准入审批在有效期内：至" + r.Matches[0].Admission.Until() + picked
	case check.NotYet:
		a := r.Matches[0].Admission
		return s.Warn.Render(" "+a.StatusText(m.ctx.Now())+" ") + " 已批准准入，" + store.ChineseMonthOf(a.From) + "起生效；此前可依法拒绝" + picked
	}
	if r.Uncertain() {
		return s.Error.Render(" 未准入，可依法拒绝 ") + " " + s.Warn.Render("可能相关") + "：请核对下列事项，上/下选择，Enter 选定"
	}
	return s.Error.Render(" 未准入，可依法拒绝 ")
}

// matchText is a match's row: its annex and number (or the admission's
// status), and its text with the matched words marked (except under the
// cursor, which is drawn reversed).
func (m *Model) matchText(x check.Match, sel bool) string {
	var tag string
	if a := x.Admission; a != nil {
		tag = "[" + a.StatusText(m.ctx.Now()) + "] "
	} else {
		tag = fmt.Sprintf("[%s]%2d. %s", x.List.Short, x.Item.No, common.ItemMark(x.Item))
	}
	text := common.Truncate(common.Display(x.Text()), m.width-1-common.Width(tag))
	if !sel {
		text = m.mark(text, x)
	}
	return tag + text
}

func (m *Model) mark(text string, x check.Match) string {
	s := m.ctx.Styles
	return search.Highlight(text, x.Spans, func(t string) string { return s.Match.Render(t) })
}

func (m *Model) detail(x check.Match) []string {
	s := m.ctx.Styles
	var out []string
	put := func(prefix string, lines []string) {
		for i, l := range lines {
			if i == 0 {
				out = append(out, s.Label.Render(prefix)+l)
			} else {
				out = append(out, strings.Repeat(" ", common.Width(prefix))+l)
			}
		}
	}
	wrap := func(prefix, text string) {
		out = append(out, common.Labelled(s.Label.Render(prefix), text, m.width)...)
	}
	// marked is the matched text wrapped after prefix, its matched words marked.
	marked := func(prefix string) {
		lines := common.Wrap(common.Display(x.Text()), m.width-common.Width(prefix))
		if strings.Join(lines, "") == common.Display(x.Text()) && utf8.RuneCountInString(common.Display(x.Text())) == utf8.RuneCountInString(x.Text()) {
			at := 0
			for i, l := range lines {
				n := utf8.RuneCountInString(l)
				var spans []search.Span
				for _, sp := range x.Spans {
					if sp.End > at && sp.Start < at+n {
						spans = append(spans, search.Span{Start: max(sp.Start-at, 0), End: min(sp.End-at, n)})
					}
				}
				lines[i] = search.Highlight(l, spans, func(t string) string { return s.Match.Render(t) })
				at += n
			}
		}
		put(prefix, lines)
	}
	if len(x.Words) > 0 {
		wrap("匹配：", strings.Join(x.Words, "、"))
	}
	if len(x.Against) > 0 {
		wrap("不合：", "请求中有「"+strings.Join(x.Against, "」「")+"」，与本项不符，请核对")
	}
	if x.Admission != nil {
		a := x.Admission
		marked("准入事项：")
		wrap("类型：", a.Kind)
		wrap("申请单位：", a.Unit)
		wrap("依据：", a.Basis)
		wrap("期限：", a.Term+"，至"+a.Until())
		wrap("状态：", a.StatusText(m.ctx.Now()))
		return out
	}
	marked(fmt.Sprintf("附件%d 第%d项：", x.List.Annex, x.Item.No))
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
	k := m.keys
	if m.result.Uncertain() {
		return []key.Binding{k.Select, k.Pick, k.Refuse, k.Back}
	}
	return []key.Binding{k.Select, k.Refuse, k.Clear, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.Pick, k.Refuse, k.Clear, k.Back}, {k.Move.Up, k.Move.Down, k.Page.PageUp, k.Page.PageDown}}
}

// Keymap is every key the screen acts on.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
