// Package refusals is the 拒绝 screen: the register of refused requests
// (拒绝出具登记), a month at a time, searchable, with the form to record one.
package refusals

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
	"taizhang/ui/components/searchbox"
)

type mode int

const (
	listing mode = iota
	searching
	adding
	viewing
)

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	New, PrevMonth, NextMonth, ThisMonth, Months, Search, Open, Back, Select key.Binding
	Move                                                                     listview.Keys
}

// Model is the refusals screen.
type Model struct {
	ctx    *common.Context
	keys   keyMap
	mode   mode
	month  time.Time
	rows   []store.Refusal
	list   listview.Model
	all    []store.Refusal // every refusal, for search (a few thousand at most)
	index  *search.Index
	search searchbox.Model
	hits   []int // indexes into all, newest first
	form   form.Model
	pager  pager.Model     // the place in a refusal's detail
	back   common.ScreenID // where the form returns to, when another screen opened it
	width  int
	height int
}

// New makes the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, list: listview.New(10), pager: pager.New(10)}
	k := ctx.Keys
	m.keys = keyMap{
		New: k.New, PrevMonth: k.PrevMonth, NextMonth: k.NextMonth, ThisMonth: k.ThisMonth, Months: k.Months,
		Search: k.Search, Open: k.Open, Back: k.Back, Select: k.Select, Move: listview.DefaultKeys(),
	}
	m.search = searchbox.New(ctx.Styles, "请求方、请求事项、理由（汉字或拼音）")
	m.month = store.MonthStart(ctx.Now())
	return m
}

func (m *Model) Title() string {
	if m.mode == adding {
		return "登记拒绝出具"
	}
	return "拒绝登记"
}

func (m *Model) Capturing() bool { return m.mode == searching || m.mode == adding }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(h - 3)
	m.search.Results.SetHeight(h - 3)
	m.search.SetWidth(w - 12)
	m.pager.SetHeight(h)
	m.form.SetSize(w, h-2)
}

type (
	monthLoaded struct {
		month time.Time
		rows  []store.Refusal
		err   error
	}
	allLoaded struct {
		all []store.Refusal
		err error
	}
	saved struct {
		r   store.Refusal
		err error
	}
)

// bg routes a command's result back to this screen, whichever is showing.
func bg(cmd tea.Cmd) tea.Cmd { return common.Route(common.RefusalsScreen, cmd) }

// Init reloads the month shown and the search list (refusals are few: a
// few thousand at most).
func (m *Model) Init() tea.Cmd { return tea.Batch(m.loadMonth(), m.loadAll()) }

func (m *Model) loadMonth() tea.Cmd {
	db, month := m.ctx.Store, m.month
	return bg(func() tea.Msg {
		rows, err := db.MonthRefusals(month.Year(), month.Month())
		return monthLoaded{month, rows, err}
	})
}

func (m *Model) loadAll() tea.Cmd {
	db := m.ctx.Store
	return bg(func() tea.Msg {
		var all []store.Refusal
		err := db.AllRefusals(func(r store.Refusal) { all = append(all, r) })
		return allLoaded{all, err}
	})
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case monthLoaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if msg.month.Equal(m.month) {
			m.rows = msg.rows
			m.list.SetLen(len(m.rows))
		}
		return m, nil
	case allLoaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.all = msg.all
		m.index = search.New(nil)
		for i, r := range m.all {
			m.index.Add(uint64(i),
				search.Field{Text: r.Requester, Kind: search.Name},
				search.Field{Text: r.Item, Kind: search.Text},
				search.Field{Text: string(r.Reason) + " " + r.Detail, Kind: search.Text})
		}
		if m.mode == searching {
			m.runSearch()
		}
		return m, nil
	case saved:
		return m, m.afterSave(msg)
	case common.PrefillRefusal:
		m.startForm(msg.Item)
		m.back = msg.Return
		return m, nil
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	if m.mode == adding {
		var cmd tea.Cmd
		m.form, cmd = m.form.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) handleKey(km tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case adding:
		return m.formKey(km)
	case searching:
		return m.searchKey(km)
	case viewing: // a detail closes with Esc, as on every screen
		if key.Matches(km, m.keys.Back) {
			m.mode = listing
			if m.search.Value() != "" {
				m.mode = searching
				return m.search.Open()
			}
			return nil
		}
		m.pager.SetLen(len(m.detail()))
		m.pager.Update(km)
		return nil
	}
	if month, ok := m.ctx.Keys.MonthMove(km, m.month, m.ctx.Now()); ok {
		m.month = month
		return m.loadMonth()
	}
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.New):
		m.startForm("")
		m.back = ""
	case key.Matches(km, k.Search):
		m.mode = searching
		m.runSearch()
		return m.search.Open()
	case key.Matches(km, k.Open):
		if len(m.rows) > 0 {
			m.mode = viewing
			m.pager.Top()
		}
	default:
		m.list.Update(km)
	}
	return nil
}

func (m *Model) searchKey(km tea.KeyMsg) tea.Cmd {
	act, cmd := m.search.Update(km)
	switch act {
	case searchbox.Closed:
		m.mode = listing
	case searchbox.Chosen:
		m.search.Input.Blur()
		m.mode = viewing
		m.pager.Top()
	case searchbox.Changed:
		m.runSearch()
	}
	return cmd
}

func (m *Model) runSearch() {
	m.hits = m.hits[:0]
	if m.index != nil && m.search.Value() != "" {
		hits := m.index.Search(m.search.Value(), 0)
		search.NewestFirst(hits) // the index holds the oldest first
		for _, h := range hits {
			m.hits = append(m.hits, int(h.ID))
		}
	}
	m.search.SetResults(len(m.hits))
}

// Form fields.
const (
	fKind = "请求方类别"
)

func (m *Model) startForm(item string) {
	var reasons []form.Option
	for _, r := range store.RefusalReasons {
		reasons = append(reasons, form.Option{Value: string(r), Label: string(r)})
	}
	fields := []*form.Field{
		{Key: fKind, Label: "请求方类别", Required: true, Kind: form.Choice,
			Options: []form.Option{{Value: "居民", Label: "居民"}, {Value: "单位", Label: "单位"}}},
		{Key: store.FieldRequester, Label: "请求方", Required: true, CharLimit: 40, Placeholder: "居民姓名或单位名称"},
		{Key: store.FieldItem, Label: "请求事项", Required: true, CharLimit: 100, Placeholder: "如：开具无犯罪记录证明"},
		{Key: store.FieldReason, Label: "拒绝理由", Required: true, Kind: form.Choice, Options: reasons},
		{Key: store.FieldDetail, Label: "说明", CharLimit: 200, Placeholder: "理由为“其他”时必填；可写明应去哪个部门办理"},
	}
	m.form = form.New(&m.ctx.Styles, fields...)
	m.form.SetValue(fKind, "居民")
	m.form.SetValue(store.FieldReason, string(store.NotOnList))
	if item != "" {
		m.form.SetValue(store.FieldItem, item)
	}
	m.form.SetSize(m.width, m.height-2)
	m.mode = adding
}

func (m *Model) formKey(km tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	m.form, cmd = m.form.Update(km)
	switch m.form.Outcome() {
	case form.Cancelled:
		m.mode = listing
		return m.leaveForm()
	case form.Submitted:
		v := m.form.Values()
		db, op := m.ctx.Store, m.ctx.Operator
		in := store.RefusalInput{
			Requester: v[store.FieldRequester], RequesterKind: v[fKind], Item: v[store.FieldItem],
			Reason: store.RefusalReason(v[store.FieldReason]), Detail: v[store.FieldDetail],
		}
		m.form.SetSaving(true)
		return common.Save(common.RefusalsScreen, db, func(db *store.DB) (tea.Msg, error) {
			r, err := db.AddRefusal(op, in)
			return saved{r, err}, err
		})
	}
	return cmd
}

func (m *Model) afterSave(msg saved) tea.Cmd {
	m.form.SetSaving(false)
	switch {
	case m.form.ShowStoreError(msg.err):
		return nil
	case msg.err != nil:
		return common.Fail(msg.err)
	}
	r := msg.r
	m.mode = listing
	m.month = store.MonthStart(m.ctx.Now())
	return tea.Batch(m.Init(), common.Info(fmt.Sprintf("已登记：拒绝%s的请求“%s”。", r.Requester, r.Item)), m.leaveForm())
}

// leaveForm takes the worker back to the screen that opened the form, if
// one did; otherwise the register stays.
func (m *Model) leaveForm() tea.Cmd {
	back := m.back
	m.back = ""
	if back == "" {
		return nil
	}
	return common.NavigateTo(back)
}

// reasonW fits the longest reason (属于部门职责).
const reasonW = 12

// requesterW is the width of the requester column: half of what the date
// and the reason leave, at most 24 cells.
func (m *Model) requesterW() int { return min(max((m.width-20)/2, 10), 24) }

// rowText is one line of the register; a long requester keeps the part
// that tells it from the others (ShortName).
func (m *Model) rowText(r store.Refusal) string {
	date := r.Date
	if len(date) == 10 {
		date = date[5:]
	}
	rw := m.requesterW()
	return fmt.Sprintf("%s %s %s %s", date, common.Pad(common.ShortName(r.Requester, rw), rw), common.Pad(string(r.Reason), reasonW), common.Display(r.Item))
}

func (m *Model) View() string {
	s := m.ctx.Styles
	var b strings.Builder
	head := s.Label.Render(common.Truncate(" 日期  "+common.Pad("请求方", m.requesterW())+" "+common.Pad("理由", reasonW)+" 请求事项", m.width))
	switch m.mode {
	case adding:
		b.WriteString(s.Dim.Render(common.Truncate(common.Display(fmt.Sprintf("经办人：%s    日期：%s    依据：%s", m.ctx.Operator.Name, store.ChineseDate(m.ctx.Now()), m.ctx.Checker.RefusalSource())), m.width)))
		b.WriteString("\n\n" + m.form.View())
	case viewing:
		b.WriteString(m.pager.View(m.detail(), s))
	case searching:
		b.WriteString(s.Label.Render("查找：") + m.search.Input.View() + "\n")
		b.WriteString(s.Title.Render(fmt.Sprintf("找到 %d 条", len(m.hits))) + "\n" + head + "\n")
		b.WriteString(m.search.Results.View(m.width, s, func(i int, _ bool) string { return m.rowText(m.all[m.hits[i]]) }))
	default:
		b.WriteString(s.Title.Render(fmt.Sprintf("%s  拒绝出具 %d 条", store.ChineseMonth(m.month), len(m.rows))) + "\n" + head + "\n")
		if len(m.rows) == 0 {
			b.WriteString(s.Dim.Render(common.Truncate("  该月没有拒绝登记。按 n 登记一条，按 [ ] 查看其他月份。", m.width)))
		} else {
			b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string { return m.rowText(m.rows[i]) }))
		}
	}
	return b.String()
}

func (m *Model) selected() store.Refusal {
	if m.search.Value() != "" && len(m.hits) > 0 {
		return m.all[m.hits[m.search.Cursor()]]
	}
	return m.rows[m.list.Cursor()]
}

// detail is the refusal, every field whole, wrapped to the width.
func (m *Model) detail() []string {
	s := m.ctx.Styles
	r := m.selected()
	lines := []string{s.Title.Render("拒绝出具登记")}
	add := func(label, v string) {
		lines = append(lines, common.Labelled(s.Label.Render(common.Pad(label+"：", 12)), v, m.width)...)
	}
	add("日期", store.ChineseDateOf(r.Date))
	add("请求方", r.Requester+"（"+r.RequesterKind+"）")
	add("请求事项", r.Item)
	add("拒绝理由", string(r.Reason))
	if r.Detail != "" {
		add("说明", r.Detail)
	}
	add("经办人", r.OperatorName)
	add("登记时间", store.StampText(r.Created))
	return lines
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case adding:
		return m.form.ShortHelp()
	case searching:
		return []key.Binding{k.Select, k.Open, k.Back}
	case viewing:
		return []key.Binding{k.Back}
	}
	return []key.Binding{k.New, k.Open, k.Search, k.Months, k.ThisMonth, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.mode {
	case adding:
		return m.form.FullHelp()
	case searching:
		return [][]key.Binding{{k.Open, k.Back}, listview.ArrowsOnly().FullHelp()}
	case viewing:
		return [][]key.Binding{{k.Back}, m.pager.Keys.FullHelp()}
	}
	return [][]key.Binding{{k.New, k.Open, k.Search, k.PrevMonth, k.NextMonth, k.ThisMonth, k.Back}, k.Move.FullHelp()}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
