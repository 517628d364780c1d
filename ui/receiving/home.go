// Package receiving is the receiving office's program: what the screens
// show when the file opened is an aggregate file (store/aggregate) rather
// than a community's ledger. Its home says what was received; 接收情况
// lists each community window with its last month, gaps and key, and opens
// a window's ledger read-only (the desk's month view and search); 汇总 sums
// up a month, quarter or year with a bar chart of the last 12 months.
// Bundles are taken in on the command line (taizhang receive).
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
)

// Screens of the receiving office's program.
const (
	HomeScreen    common.ScreenID = "agg.home"
	SourcesScreen common.ScreenID = "agg.sources"
	SummaryScreen common.ScreenID = "agg.summary"
)

// entry is a line of the home menu.
type entry struct {
	key, name, desc string
	to              common.ScreenID
}

var menu = []entry{
	{"1", "接收情况", "各社区窗口：最近月份、缺月、签名指纹；只读查看台账", SourcesScreen},
	{"2", "汇总", "按月、季、年汇总证明、拒绝、在效准入，近12个月图表", SummaryScreen},
}

// Home is the first screen.
type Home struct {
	ctx    *common.Context
	db     *aggregate.DB
	list   listview.Model
	seen   overview
	width  int
	height int
}

// NewHome makes the home screen.
func NewHome(ctx *common.Context, db *aggregate.DB) *Home {
	m := &Home{ctx: ctx, db: db, list: listview.New(len(menu))}
	m.list.SetLen(len(menu))
	return m
}

// overview is what the home shows, as its last load found it.
type overview struct {
	done    bool
	sources []aggregate.Source
	last    time.Time // the newest bundle received
	month   aggregate.Summary
	err     error
}

// lastMonth is the month before now: the one whose bundles come in now.
func lastMonth(now time.Time) string {
	return store.PreviousMonth(now).Format("2006-01")
}

// Init reads the windows and last month's totals each time it is shown.
func (m *Home) Init() tea.Cmd {
	db, month := m.db, lastMonth(m.ctx.Now())
	return common.Route(HomeScreen, func() tea.Msg {
		o := overview{done: true}
		if o.sources, o.err = db.Sources(); o.err != nil {
			return o
		}
		for _, s := range o.sources {
			for _, r := range s.Received {
				if r.Time.After(o.last) {
					o.last = r.Time
				}
			}
		}
		o.month, o.err = db.Summary(aggregate.MonthPeriod(month))
		return o
	})
}

func (m *Home) Title() string    { return "首页" }
func (m *Home) Capturing() bool  { return false }
func (m *Home) SetSize(w, h int) { m.width, m.height = w, h }

func (m *Home) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case overview:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.seen = msg
	case tea.KeyMsg:
		for _, e := range menu {
			if msg.String() == e.key {
				return m, common.NavigateTo(e.to)
			}
		}
		if key.Matches(msg, m.ctx.Keys.Open) {
			return m, common.NavigateTo(menu[m.list.Cursor()].to)
		}
		m.list.Update(msg)
	}
	return m, nil
}

func (m *Home) View() string {
	s := m.ctx.Styles
	var b strings.Builder
	line := func(str string) { b.WriteString(common.Truncate(str, m.width) + "\n") }
	line("")
	line(" " + s.Title.Render(common.Display(m.db.Office().Name)+"（接收单位）"))
	line(" " + s.Dim.Render("汇总文件："+m.db.Path()))
	line("")
	o := m.seen
	switch {
	case !o.done:
		line(" 正在读取" + common.Display("…"))
	case len(o.sources) == 0:
		line(" 还没有收到导出包。用命令行接收U盘上的导出包：")
		line("   taizhang receive U盘 --db 汇总文件 --identity 私钥文件 --apply")
	default:
		bundles, behind := 0, 0
		for _, src := range o.sources {
			bundles += len(src.Received)
			if src.Replaced == 0 && len(src.Missing(lastMonth(m.ctx.Now()))) > 0 {
				behind++
			}
		}
		line(fmt.Sprintf(" 已收到 %d 个社区 %d 个窗口的导出包共 %d 个，最近一次接收 %s。", len(o.month.Lines), o.month.Total.Stations, bundles, store.StampText(o.last)))
		t := o.month.Total
		line(fmt.Sprintf(" %s：有效证明 %d 份，作废 %d 份，拒绝出具 %d 条，在效准入 %d 项。",
			o.month.Period, t.ValidTotal(), t.VoidedTotal(), t.RefusalTotal(), len(t.InForce)))
		if behind > 0 {
			line(" " + s.Warn.Render(fmt.Sprintf("有 %d 个窗口缺少导出包（到%s为止），按 1 查看。", behind, store.ChineseMonthOf(lastMonth(m.ctx.Now())))))
		}
	}
	line("")
	line(" " + s.Label.Render("按数字键进入："))
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string {
		e := menu[i]
		return fmt.Sprintf("  [%s] %s  %s", e.key, common.Pad(e.name, 8), e.desc)
	}))
	b.WriteString("\n\n")
	line(" " + s.Dim.Render("接收导出包、写报表：命令行 taizhang receive、taizhang report"))
	return strings.TrimRight(b.String(), "\n")
}

// ShortHelp: the menu shows its digits.
func (m *Home) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	return []key.Binding{k.Select, k.Open, common.Label("1 2", "直接进入")}
}

func (m *Home) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	var digits []key.Binding
	for _, e := range menu {
		digits = append(digits, common.MenuKey(e.key, e.name))
	}
	return [][]key.Binding{{k.Select, k.Open}, digits}
}

// Keymap is every key the screen acts on.
func (m *Home) Keymap() []key.Binding {
	k := m.ctx.Keys
	return append([]key.Binding{k.Up, k.Down, k.Open}, m.FullHelp()[1]...)
}
