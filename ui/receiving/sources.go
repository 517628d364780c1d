package receiving

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/certview"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
	"taizhang/ui/components/searchbox"
)

type srcMode int

const (
	windows   srcMode = iota // the list of community windows
	ledger                   // a window's certificates, a month at a time
	searching                // the search field has focus; rows are hits
	detail                   // one certificate
)

type srcKeys struct {
	Open, Back, Search, PrevMonth, NextMonth, ThisMonth, Months, Reveal, Select key.Binding
	Move                                                                        listview.Keys
}

// Sources is 接收情况: the windows received, and a window's ledger read-only.
type Sources struct {
	ctx   *common.Context
	db    *aggregate.DB
	keys  srcKeys
	mode  srcMode
	types map[int]assets.CertTemplate

	srcs []aggregate.Source
	list listview.Model

	src     aggregate.Source // the window whose ledger is open
	month   time.Time
	rows    []store.CertRow
	ledger  listview.Model
	index   *search.Index
	all     map[uint64]store.CertRow // every row of the window, for the hits
	search  searchbox.Model
	hits    []uint64
	cert    store.Certificate
	pager   pager.Model
	reveal  bool
	from    srcMode // where the detail returns to
	loading bool

	width, height int
}

// NewSources makes the screen.
func NewSources(ctx *common.Context, db *aggregate.DB) *Sources {
	tpl, _ := assets.CertTemplates()
	k := ctx.Keys
	m := &Sources{ctx: ctx, db: db, types: tpl, list: listview.New(10), ledger: listview.New(10), pager: pager.New(10),
		keys: srcKeys{Open: k.Open, Back: k.Back, Search: k.Search, PrevMonth: k.PrevMonth, NextMonth: k.NextMonth,
			ThisMonth: k.ThisMonth, Months: k.Months, Reveal: k.ShowID, Select: k.Select, Move: listview.DefaultKeys()}}
	m.search = searchbox.New(ctx.Styles, "姓名、拼音（zhangs）、身份证号后几位或编号（2026-0042）")
	return m
}

func (m *Sources) Title() string {
	switch m.mode {
	case windows:
		return "接收情况"
	case detail:
		return "证明 " + m.cert.Serial + "（只读）"
	}
	return m.src.Community() + " 证明台账（只读）"
}

func (m *Sources) Capturing() bool { return m.mode == searching }

func (m *Sources) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(h - 4)
	m.ledger.SetHeight(h - 3)
	m.search.Results.SetHeight(h - 3)
	m.search.SetWidth(w - 12)
	m.pager.SetHeight(h)
}

func bgSources(cmd tea.Cmd) tea.Cmd { return common.Route(SourcesScreen, cmd) }

// Messages of the screen's commands.
type (
	sourcesLoaded struct {
		srcs []aggregate.Source
		err  error
	}
	ledgerMonth struct {
		src   uint64
		month time.Time
		rows  []store.CertRow
		err   error
	}
	ledgerIndexed struct {
		src   uint64
		index *search.Index
		all   map[uint64]store.CertRow
		err   error
	}
	certRead struct {
		cert store.Certificate
		err  error
	}
)

// Init reloads the windows (another receive may have run meanwhile).
func (m *Sources) Init() tea.Cmd {
	db := m.db
	cmds := []tea.Cmd{bgSources(func() tea.Msg {
		srcs, err := db.Sources()
		sort.SliceStable(srcs, func(i, j int) bool { return sortKey(srcs[i]) < sortKey(srcs[j]) })
		return sourcesLoaded{srcs, err}
	})}
	if m.mode != windows {
		cmds = append(cmds, m.loadMonth())
	}
	return tea.Batch(cmds...)
}

func sortKey(s aggregate.Source) string {
	return fmt.Sprintf("%s %s %02d %d", s.Profile.CountyCode, s.Profile.Community, s.Station(), s.ID)
}

func (m *Sources) loadMonth() tea.Cmd {
	db, src, month := m.db, m.src.ID, m.month
	return bgSources(func() tea.Msg {
		rows, err := db.MonthRows(src, month.Year(), month.Month())
		return ledgerMonth{src, month, rows, err}
	})
}

// buildIndex reads every row of the window once into the search index.
func (m *Sources) buildIndex() tea.Cmd {
	db, src := m.db, m.src.ID
	return bgSources(func() tea.Msg {
		ix := search.New(nil)
		all := map[uint64]store.CertRow{}
		err := db.AllRows(src, func(r store.CertRow) {
			all[r.ID] = r
			ix.Add(r.ID, search.Field{Text: r.Name, Kind: search.Name}, search.Field{Text: r.IDNumber, Kind: search.Digits},
				search.Field{Text: r.Serial, Kind: search.Code})
		})
		return ledgerIndexed{src, ix, all, err}
	})
}

func (m *Sources) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case sourcesLoaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.srcs = msg.srcs
		m.list.SetLen(len(m.srcs))
	case ledgerMonth:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if msg.src == m.src.ID && msg.month.Equal(m.month) {
			m.rows = msg.rows
			m.ledger.SetLen(len(m.rows))
		}
	case ledgerIndexed:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if msg.src == m.src.ID {
			m.index, m.all = msg.index, msg.all
			m.runSearch()
		}
	case certRead:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if m.cert.ID != msg.cert.ID {
			m.pager.Top()
		}
		if m.mode != detail {
			m.from = m.mode
		}
		m.cert, m.mode = msg.cert, detail
	case tea.KeyMsg:
		return m, m.key(msg)
	default:
		if m.mode == searching {
			var cmd tea.Cmd
			m.search.Input, cmd = m.search.Input.Update(msg)
			return m, cmd
		}
	}
	return m, nil
}

func (m *Sources) key(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch m.mode {
	case searching:
		act, cmd := m.search.Update(km)
		switch act {
		case searchbox.Closed:
			m.mode, m.hits = ledger, nil
		case searchbox.Chosen:
			return m.open(m.hits[m.search.Cursor()])
		case searchbox.Changed:
			m.runSearch()
		}
		return cmd
	case detail:
		switch {
		case key.Matches(km, k.Back):
			m.mode, m.reveal = m.from, false
			if m.mode == searching {
				return m.search.Open()
			}
		case key.Matches(km, k.Reveal):
			m.reveal = !m.reveal
		default:
			m.pager.SetLen(len(m.detailLines()))
			m.pager.Update(km)
		}
		return nil
	case ledger:
		return m.ledgerKey(km)
	}
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.Open) && len(m.srcs) > 0:
		return m.openLedger(m.srcs[m.list.Cursor()])
	default:
		m.list.Update(km)
	}
	return nil
}

// openLedger shows a window's ledger at the last month received from it.
func (m *Sources) openLedger(src aggregate.Source) tea.Cmd {
	m.src, m.mode, m.rows, m.index, m.all = src, ledger, nil, nil, nil
	m.ledger.SetLen(0)
	m.month = store.MonthStart(m.ctx.Now())
	if last := src.LastMonth(); last != "" {
		if t, err := store.ParseMonth(last); err == nil {
			m.month = t
		}
	}
	m.search.Input.SetValue("")
	return tea.Batch(m.loadMonth(), m.buildIndex())
}

func (m *Sources) ledgerKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	if month, ok := m.ctx.Keys.MonthMove(km, m.month, m.ctx.Now()); ok {
		m.month = month
		return m.loadMonth()
	}
	switch {
	case key.Matches(km, k.Back):
		m.mode = windows
		return nil
	case key.Matches(km, k.Search):
		m.mode = searching
		m.runSearch()
		return m.search.Open()
	case key.Matches(km, k.Open) && len(m.rows) > 0:
		return m.open(m.rows[m.ledger.Cursor()].ID)
	default:
		m.ledger.Update(km)
	}
	return nil
}

// runSearch searches the window's index (a few thousand rows: at once).
func (m *Sources) runSearch() {
	q := m.search.Value()
	if m.index == nil || q == "" {
		m.hits = nil
		m.search.SetResults(0)
		return
	}
	hits := m.index.Search(q, 0)
	m.hits = make([]uint64, len(hits))
	for i, h := range hits { // newest first
		m.hits[len(hits)-1-i] = h.ID
	}
	m.search.SetResults(len(m.hits))
}

func (m *Sources) open(id uint64) tea.Cmd {
	db, src := m.db, m.src.ID
	return bgSources(func() tea.Msg {
		c, err := db.Certificate(src, id)
		return certRead{c, err}
	})
}

func (m *Sources) View() string {
	switch m.mode {
	case ledger:
		return m.ledgerView()
	case searching:
		return m.searchView()
	case detail:
		return m.pager.View(m.detailLines(), m.ctx.Styles)
	}
	return m.windowsView()
}

// Columns of the list of windows.
const (
	countyW    = 6
	communityW = 16
	monthW     = 7
	gapW       = 10
	certsW     = 6
)

func (m *Sources) windowsView() string {
	s := m.ctx.Styles
	var b strings.Builder
	through := lastMonth(m.ctx.Now())
	b.WriteString(s.Title.Render(common.Truncate(fmt.Sprintf("已收到 %d 个窗口的导出包（缺月算到%s）", len(m.srcs), store.ChineseMonthOf(through)), m.width)) + "\n")
	head := fmt.Sprintf(" %s %s %s %s %s %s %s", common.Pad("县区", countyW), common.Pad("社区", communityW), "窗口",
		common.Pad("最近月份", monthW+1), common.Pad("缺月", gapW), common.Pad("证明", certsW), "签名指纹")
	b.WriteString(s.Label.Render(common.Truncate(head, m.width)) + "\n")
	if len(m.srcs) == 0 {
		b.WriteString(s.Dim.Render(common.Truncate("  还没有收到导出包。请用 taizhang receive 接收U盘上的导出包。", m.width)))
		return b.String()
	}
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string { return m.windowRow(m.srcs[i], through) }))
	b.WriteString("\n" + m.selectedLine(through))
	return b.String()
}

// selectedLine says what the selected window lacks, and how to open it.
func (m *Sources) selectedLine(through string) string {
	s := m.ctx.Styles
	src := m.srcs[m.list.Cursor()]
	text := fmt.Sprintf(" %s：最近一次接收 %s，按 Enter 查看证明台账（只读）。", common.Display(src.Community()), store.StampText(src.Received[len(src.Received)-1].Time))
	if missing := src.Missing(through); len(missing) > 0 {
		names := make([]string, len(missing))
		for i, mo := range missing {
			names[i] = store.ChineseMonthOf(mo)
		}
		return s.Warn.Render(common.Truncate(fmt.Sprintf(" %s缺少 %s 的导出包。", common.Display(src.Community()), strings.Join(names, "、")), m.width))
	}
	return s.Dim.Render(common.Truncate(text, m.width))
}

func (m *Sources) windowRow(src aggregate.Source, through string) string {
	gaps := "无"
	if missing := src.Missing(through); len(missing) > 0 {
		gaps = fmt.Sprintf("缺 %d 个月", len(missing))
	}
	fp := src.Fingerprint
	if src.Replaced != 0 {
		fp += "（已换）"
	}
	return fmt.Sprintf("%s %s %4d %s %s %s %s", common.Pad(common.Display(src.Profile.CountyName), countyW),
		common.Pad(common.Display(src.Profile.Community), communityW), src.Station(), common.Pad(src.LastMonth(), monthW+1),
		common.Pad(gaps, gapW), fmt.Sprintf("%*d", certsW, src.Certs), fp)
}

func (m *Sources) shortType(no int) string { return certview.ShortType(m.types, no) }

func (m *Sources) ledgerView() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString(certview.MonthHead(s, m.month, m.rows, m.width) + "\n")
	b.WriteString(certview.TableHead(s, m.width) + "\n")
	if len(m.rows) == 0 {
		b.WriteString(s.Dim.Render(common.Truncate("  该月没有开具证明。按 [ ] 查看其他月份，按 / 查找全部月份。", m.width)))
		return b.String()
	}
	b.WriteString(m.ledger.View(m.width, s, func(i int, _ bool) string {
		r := m.rows[i]
		return certview.RowText(r, m.shortType(r.TypeNo), m.width)
	}))
	return b.String()
}

func (m *Sources) searchView() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString(s.Label.Render("查找：") + m.search.Input.View() + "\n")
	b.WriteString(certview.SearchHead(s, m.index != nil, m.search.Value(), "在该窗口的全部月份中查找：姓名、拼音或首字母、身份证号（或后 4–6 位）、编号", len(m.hits), m.width))
	b.WriteString("\n" + certview.TableHead(s, m.width) + "\n")
	b.WriteString(m.search.Results.View(m.width, s, func(i int, _ bool) string {
		r := m.all[m.hits[i]]
		return certview.RowText(r, m.shortType(r.TypeNo), m.width)
	}))
	return common.Display(b.String())
}

// detailLines are the certificate's fields and where it came from.
func (m *Sources) detailLines() []string {
	s := m.ctx.Styles
	lines := certview.FieldLines(s, m.cert, m.src.Profile, m.reveal, m.width)
	from := fmt.Sprintf("%s %s，第 %d 号窗口（签名指纹 %s）", m.src.Profile.CountyName, m.src.Profile.Community, m.src.Station(), m.src.Fingerprint)
	return append(lines, common.Labelled(s.Label.Render("来自："), from, m.width)...)
}

func (m *Sources) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case ledger:
		return []key.Binding{k.Open, k.Search, k.Months, k.Back}
	case searching:
		return []key.Binding{k.Select, k.Open, k.Back}
	case detail:
		return []key.Binding{k.Reveal, k.Back}
	}
	return []key.Binding{k.Select, k.Open, k.Back}
}

func (m *Sources) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.mode {
	case ledger:
		return [][]key.Binding{{k.Open, k.Search, k.PrevMonth, k.NextMonth, k.ThisMonth, k.Back}, k.Move.FullHelp()}
	case searching:
		return [][]key.Binding{{k.Open, k.Back}, listview.ArrowsOnly().FullHelp()}
	case detail:
		return [][]key.Binding{{k.Reveal, k.Back}, m.pager.Keys.FullHelp()}
	}
	return [][]key.Binding{{k.Open, k.Back}, k.Move.FullHelp()}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Sources) Keymap() []key.Binding { return common.Bindings(m.keys) }
