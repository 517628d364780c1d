package receiving

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
)

// span is how much of the calendar the 汇总 covers around its month.
type span int

const (
	oneMonth span = iota
	quarter
	year
)

var spanNames = [...]string{"按月", "按季", "按年"}

type sumKeys struct {
	Open, Back, PrevMonth, NextMonth, ThisMonth, Months, Span, Select key.Binding
	Move                                                              listview.Keys
}

// Summary is 汇总: a month, its quarter or its year, per community, with
// the detail of one (or of all) and a bar chart of the last 12 months.
type Summary struct {
	ctx    *common.Context
	db     *aggregate.DB
	keys   sumKeys
	month  time.Time // the month the period is taken around
	span   span
	sum    aggregate.Summary
	trend  aggregate.Trend
	loaded bool
	list   listview.Model // 0 is 全部, then the communities
	open   bool           // the detail of the selected row is shown
	pager  pager.Model
	short  map[string]string

	width, height int
}

// NewSummary makes the screen, at last month.
func NewSummary(ctx *common.Context, db *aggregate.DB) *Summary {
	k := ctx.Keys
	m := &Summary{ctx: ctx, db: db, list: listview.New(10), pager: pager.New(10), short: aggregate.ShortTypes(),
		keys: sumKeys{Open: k.Open, Back: k.Back, PrevMonth: k.PrevMonth, NextMonth: k.NextMonth, ThisMonth: k.ThisMonth,
			Months: k.Months, Span: k.Span, Select: k.Select, Move: listview.DefaultKeys()}}
	m.month = store.PreviousMonth(ctx.Now())
	return m
}

// period is the months the screen sums up.
func (m *Summary) period() aggregate.Period {
	from, to := m.month, m.month
	switch m.span {
	case quarter:
		from = time.Date(m.month.Year(), (m.month.Month()-1)/3*3+1, 1, 0, 0, 0, 0, store.Beijing)
		to = from.AddDate(0, 2, 0)
	case year:
		from = time.Date(m.month.Year(), 1, 1, 0, 0, 0, 0, store.Beijing)
		to = from.AddDate(0, 11, 0)
	}
	return aggregate.Period{From: from.Format("2006-01"), To: to.Format("2006-01")}
}

func (m *Summary) Title() string   { return "汇总" }
func (m *Summary) Capturing() bool { return false }

func (m *Summary) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(h - 5)
	m.pager.SetHeight(h)
}

// summed is a load's answer, for the period it was asked for.
type summed struct {
	period aggregate.Period
	sum    aggregate.Summary
	trend  aggregate.Trend
	err    error
}

func (m *Summary) Init() tea.Cmd { return m.load() }

func (m *Summary) load() tea.Cmd {
	db, p := m.db, m.period()
	return common.Route(SummaryScreen, func() tea.Msg {
		s, err := db.Summary(p)
		if err != nil {
			return summed{period: p, err: err}
		}
		t, err := db.Trend(p.To, aggregate.TrendMonths)
		return summed{p, s, t, err}
	})
}

func (m *Summary) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case summed:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if msg.period == m.period() { // a stale answer is dropped
			m.sum, m.trend, m.loaded = msg.sum, msg.trend, true
			m.list.SetLen(len(m.sum.Lines) + 1)
		}
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

func (m *Summary) key(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	if month, ok := m.ctx.Keys.MonthMove(km, m.month, m.ctx.Now()); ok {
		m.month = month
		return m.load()
	}
	switch {
	case key.Matches(km, k.Back) && m.open:
		m.open = false
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.Span):
		m.span = (m.span + 1) % 3
		return m.load()
	case key.Matches(km, k.Open) && !m.open && m.loaded:
		m.open = true
		m.pager.Top()
	case m.open:
		m.pager.SetLen(len(m.detailLines()))
		m.pager.Update(km)
	default:
		m.list.Update(km)
	}
	return nil
}

// line is the selected row: the total (全部) or a community.
func (m *Summary) line() aggregate.Line {
	if i := m.list.Cursor(); i > 0 && i <= len(m.sum.Lines) {
		return m.sum.Lines[i-1]
	}
	return m.sum.Total
}

func (m *Summary) heading() string {
	p := m.period()
	return fmt.Sprintf("%s 汇总（%s，按 m 切换月/季/年）", p, spanNames[m.span])
}

func (m *Summary) View() string {
	s := m.ctx.Styles
	if m.open {
		return m.pager.View(m.detailLines(), s)
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(common.Truncate(m.heading(), m.width)) + "\n")
	if !m.loaded {
		b.WriteString(s.Dim.Render("正在汇总" + common.Display("…")))
		return b.String()
	}
	t := m.sum.Total
	b.WriteString(common.Truncate(fmt.Sprintf("%d 个社区 %d 个窗口：有效证明 %d 份，作废 %d 份，拒绝出具 %d 条，在效准入 %d 项",
		len(m.sum.Lines), t.Stations, t.ValidTotal(), t.VoidedTotal(), t.RefusalTotal(), len(t.InForce)), m.width) + "\n")
	head := fmt.Sprintf(" %s %s %s %s %s %s %s", common.Pad("社区", 18), common.Pad("县区", 8), "窗口", " 有效证明", "作废", "拒绝", "准入")
	b.WriteString(s.Label.Render(common.Truncate(head, m.width)) + "\n")
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string {
		if i == 0 {
			return m.tableRow("全部", "", t)
		}
		l := m.sum.Lines[i-1]
		return m.tableRow(l.Community, l.CountyName, l)
	}))
	b.WriteString("\n" + s.Dim.Render(common.Truncate(" 按 Enter 查看所选行：证明类型、拒绝理由、在效准入和近12个月图表。", m.width)))
	return b.String()
}

func (m *Summary) tableRow(name, county string, l aggregate.Line) string {
	stations := ""
	if county != "" {
		stations = fmt.Sprint(l.Stations)
	}
	return fmt.Sprintf("%s %s %4s %8d %4d %4d %4d", common.Pad(common.Display(name), 18), common.Pad(common.Display(county), 8),
		stations, l.ValidTotal(), l.VoidedTotal(), l.RefusalTotal(), len(l.InForce))
}

// detailLines are the selected row's figures and its chart.
func (m *Summary) detailLines() []string {
	s := m.ctx.Styles
	l := m.line()
	name, months := "全部社区", m.trend.Total
	if m.list.Cursor() > 0 {
		name = fmt.Sprintf("%s（%s，%d 个窗口）", l.Community, l.CountyName, l.Stations)
		months = m.trend.ByCommunity[l.Key()]
	}
	lines := []string{
		s.Title.Render(common.Truncate(common.Display(name)+"  "+m.period().String(), m.width)),
		fmt.Sprintf("有效证明 %d 份，作废 %d 份，拒绝出具 %d 条，在效准入 %d 项", l.ValidTotal(), l.VoidedTotal(), l.RefusalTotal(), len(l.InForce)),
		"",
		s.Label.Render(fmt.Sprintf("近12个月出具证明（有效份数，到%s）", store.ChineseMonthOf(m.period().To))),
	}
	lines = append(lines, barLines(m.trend.Months, months, m.width)...)
	lines = append(lines, "", s.Label.Render(common.Pad("按证明类型", 28)+"  有效  作废"))
	for _, ty := range m.sum.Types {
		if l.Valid[ty]+l.Voided[ty] == 0 {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s %5d %5d", common.Pad(common.Display(aggregate.ShortType(m.short, ty)), 26), l.Valid[ty], l.Voided[ty]))
	}
	lines = append(lines, "", s.Label.Render("拒绝出具（按理由）"))
	for _, r := range store.RefusalReasons {
		lines = append(lines, fmt.Sprintf("  %s %5d", common.Pad(string(r), 26), l.Refusals[string(r)]))
	}
	lines = append(lines, "", s.Label.Render("在效准入（"+store.ChineseMonthOf(m.period().To)+"底）"))
	if len(l.InForce) == 0 {
		lines = append(lines, "  （无）")
	}
	for _, a := range l.InForce {
		text := fmt.Sprintf("%s：%s（%s，%s至%s）", a.Unit, a.Item, a.Kind, store.ChineseMonthOf(a.From), a.Until())
		lines = append(lines, common.Labelled("  ", text, m.width)...)
	}
	return lines
}

// barLines draws a value per month as a bar of # (a character every
// console draws one cell wide), scaled to the width.
func barLines(months []string, values []int, w int) []string {
	most := 0
	for _, v := range values {
		most = max(most, v)
	}
	room := max(w-2-7-1-1-7, 4)
	out := make([]string, len(months))
	for i, mo := range months {
		v := 0
		if i < len(values) {
			v = values[i]
		}
		n := 0
		if most > 0 {
			n = (v*room + most - 1) / most
		}
		out[i] = fmt.Sprintf("  %s |%s%s %6d", mo, strings.Repeat("#", n), strings.Repeat(" ", room-n), v)
	}
	return out
}

func (m *Summary) ShortHelp() []key.Binding {
	k := m.keys
	if m.open {
		return []key.Binding{k.Months, k.Span, k.Back}
	}
	return []key.Binding{k.Select, k.Open, k.Months, k.Span, k.Back}
}

func (m *Summary) FullHelp() [][]key.Binding {
	k := m.keys
	move := k.Move.FullHelp()
	if m.open {
		move = m.pager.Keys.FullHelp()
	}
	return [][]key.Binding{{k.Open, k.PrevMonth, k.NextMonth, k.ThisMonth, k.Span, k.Back}, move}
}

// Keymap is every key the screen acts on.
func (m *Summary) Keymap() []key.Binding { return common.Bindings(m.keys) }
