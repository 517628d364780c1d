// Package home is the first screen: the community, today's date, who is at
// the desk, and a key for every other screen.
package home

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/backup"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
)

// Entry is one line of the menu.
type Entry struct {
	Key  string // the digit or letter that opens it
	Name string
	Desc string
	To   common.ScreenID
}

// Model is the home screen.
type Model struct {
	ctx     *common.Context
	entries []Entry
	menu    listview.Model
	month   summary
	check   checked
	backup  *backedUp // the day's backup, once it reports
	path    string    // of the data file
	width   int
	height  int
}

// New makes the home screen with the given menu.
func New(ctx *common.Context, entries []Entry) *Model {
	m := &Model{ctx: ctx, entries: entries, menu: listview.New(len(entries)), path: ctx.Store.Path()}
	m.menu.SetLen(len(entries))
	return m
}

// summary is this month at a glance, as the last count found it.
type summary struct {
	at                      time.Time // when counted; zero until the first count arrives
	valid, voided, refusals int
	err                     error
}

// Init counts this month's records each time the screen is shown; View
// draws the counts of the last result.
func (m *Model) Init() tea.Cmd {
	db, now := m.ctx.Store, m.ctx.Now()
	return common.Route(common.HomeScreen, func() tea.Msg {
		s := summary{at: now}
		rows, err := db.MonthRows(now.Year(), now.Month())
		if err != nil {
			return summary{err: err}
		}
		for _, r := range rows {
			if r.Voided {
				s.voided++
			} else {
				s.valid++
			}
		}
		refs, err := db.MonthRefusals(now.Year(), now.Month())
		s.refusals, s.err = len(refs), err
		return s
	})
}

// checked is what the ledger check found (CheckLedger); zero while it runs.
type checked struct {
	done bool
	rep  store.CheckReport
	err  error
}

// CheckLedger proves the ledger (store.DB.Check) in the background; the
// program runs it once after start and the result comes to this screen.
func CheckLedger(db *store.DB) tea.Cmd {
	return common.Route(common.HomeScreen, func() tea.Msg {
		rep, err := db.Check()
		return checked{done: true, rep: rep, err: err}
	})
}

// backedUp is what the day's backup did (DailyBackup).
type backedUp struct {
	res   backup.Result
	taken bool
	err   error
}

// DailyBackup takes the day's first backup in the background (none when
// the folder has one from today); the result comes to this screen.
func DailyBackup(db *store.DB, p store.Profile) tea.Cmd {
	return common.Route(common.HomeScreen, func() tea.Msg {
		res, taken, err := backup.TakeDaily(db, backup.Options{Copy: p.BackupCopy})
		return backedUp{res: res, taken: taken, err: err}
	})
}

func (m *Model) Title() string    { return "首页" }
func (m *Model) Capturing() bool  { return false }
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h; m.menu.SetHeight(len(m.entries)) }

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch c := msg.(type) {
	case checked:
		m.check = c
		return m, nil
	case backedUp:
		m.backup = &c
		return m, nil
	}
	if s, ok := msg.(summary); ok {
		if s.err != nil { // the last counts stay
			return m, common.Fail(s.err)
		}
		m.month = s
		return m, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	for _, e := range m.entries {
		if km.String() == e.Key {
			return m, common.NavigateTo(e.To)
		}
	}
	if key.Matches(km, m.ctx.Keys.Open) && len(m.entries) > 0 {
		return m, common.NavigateTo(m.entries[m.menu.Cursor()].To)
	}
	m.menu.Update(km)
	return m, nil
}

func (m *Model) View() string {
	s := m.ctx.Styles
	now := m.ctx.Now()
	p := m.ctx.Profile
	var b strings.Builder
	line := func(str string) { b.WriteString(common.Truncate(str, m.width)); b.WriteByte('\n') }
	line("")
	line(" " + s.Title.Render(common.Display(p.CommitteeName())))
	place := strings.TrimSpace(p.CountyName + " " + p.Street)
	line(" " + s.Dim.Render(common.Display(place)))
	line("")
	op := m.ctx.Operator.Name
	if op == "" {
		op = "（未选择）"
	}
	line(fmt.Sprintf(" 今天是 %s %s    经办人：%s", store.ChineseDate(now), store.ChineseWeekday(now), common.Display(op)))
	line("")
	if c := m.month; !c.at.IsZero() {
		line(fmt.Sprintf(" 本月（%s）：开具证明 %d 份，作废 %d 份，拒绝出具 %d 条", store.ChineseMonth(c.at), c.valid+c.voided, c.voided, c.refusals))
	} else {
		line(fmt.Sprintf(" 本月（%s）：正在统计%s", store.ChineseMonth(now), common.Display("…")))
	}
	m.checkLines(line)
	m.backupLine(line)
	line("")
	line(" " + s.Label.Render("按数字键进入："))
	b.WriteString(m.menu.View(m.width, s, func(i int, _ bool) string {
		e := m.entries[i]
		return fmt.Sprintf("  [%s] %s  %s", e.Key, common.Pad(e.Name, 8), e.Desc)
	}))
	b.WriteByte('\n')
	line("")
	line(" " + s.Dim.Render("数据文件："+m.path))
	return strings.TrimRight(b.String(), "\n")
}

// checkLines says what the ledger check found; a failure is in full, with
// what to do, because nothing on this screen matters more.
func (m *Model) checkLines(line func(string)) {
	s := m.ctx.Styles
	switch c := m.check; {
	case !c.done:
		line(" " + s.Dim.Render("台账核对：正在核对事件记录"+common.Display("…")))
	case c.err == nil:
		line(" " + s.Dim.Render(fmt.Sprintf("台账核对：通过（事件 %d 条，各登记簿与事件记录一致）", c.rep.Events)))
	default:
		line(" " + s.Error.Render("台账核对未通过，请先不要在此文件上开具证明："))
		for _, l := range common.Wrap(common.Display(c.err.Error()), m.width-2) {
			line(" " + s.Error.Render(l))
		}
		line(" " + s.Error.Render("可运行 taizhang check --db 数据文件 查看详情。"))
	}
}

// backupLine says when the newest backup was taken, or why today's failed.
func (m *Model) backupLine(line func(string)) {
	s := m.ctx.Styles
	b := m.backup
	switch {
	case b == nil:
		return
	case b.err != nil:
		for _, l := range common.Wrap(common.Display(b.err.Error()), m.width-2) {
			line(" " + s.Error.Render(l))
		}
		return
	}
	text := fmt.Sprintf("自动备份：%s %s", store.ChineseDate(b.res.Taken), b.res.Taken.Format("15:04"))
	if b.res.CopyErr != nil {
		line(" " + s.Dim.Render(text+"，已备份在本机"))
		line(" " + s.Error.Render(common.Truncate(common.Display(b.res.CopyErr.Error()), m.width-2)))
		return
	}
	if b.res.CopyPath != "" {
		text += "，并已复制到第二位置"
	}
	line(" " + s.Dim.Render(common.Display(text+"（详见“设置”）")))
}

// ShortHelp: the menu shows its digits, so the bottom line only says so.
func (m *Model) ShortHelp() []key.Binding {
	k := m.ctx.Keys
	return []key.Binding{k.Select, k.Open, common.Label(m.digits(), "直接进入")}
}

// digits is the menu's keys as the help shows them: 1-5 9.
func (m *Model) digits() string {
	var parts []string
	for i := 0; i < len(m.entries); {
		j := i
		for j+1 < len(m.entries) && m.entries[j+1].Key[0] == m.entries[j].Key[0]+1 {
			j++
		}
		if j > i {
			parts = append(parts, m.entries[i].Key+"-"+m.entries[j].Key)
		} else {
			parts = append(parts, m.entries[i].Key)
		}
		i = j + 1
	}
	return strings.Join(parts, " ")
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.ctx.Keys
	var menu []key.Binding
	for _, e := range m.entries {
		menu = append(menu, common.MenuKey(e.Key, e.Name))
	}
	return [][]key.Binding{{k.Select, k.Open}, menu}
}

// Keymap is every key the screen acts on.
func (m *Model) Keymap() []key.Binding {
	k := m.ctx.Keys
	return append([]key.Binding{k.Up, k.Down, k.Open}, m.FullHelp()[1]...)
}
