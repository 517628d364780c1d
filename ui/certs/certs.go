// Package certs is the 证明 screen: the ledger one month at a time, a search
// across all months, the detail and history of one certificate, and the
// forms to issue, void, correct and print.
package certs

import (
	"errors"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/searchbox"
)

type mode int

const (
	ledger    mode = iota // one month's rows
	searching             // the search field has focus; rows are hits
	detail                // one certificate
	issuing               // the issue / correct form
	voiding               // typing a void reason
)

type keyMap struct {
	New, PrevMonth, NextMonth, ThisMonth, Search, Open, Back key.Binding
	Print, Void, Correct, Reveal, Linked, OpenFile           key.Binding
	Move                                                     listview.Keys
}

func newKeys() keyMap {
	return keyMap{
		New:       common.Bind("n", "开具证明", "n"),
		PrevMonth: common.Bind("[", "上个月", "["),
		NextMonth: common.Bind("]", "下个月", "]"),
		ThisMonth: common.Bind("t", "回到本月", "t"),
		Search:    common.Bind("/", "查找（姓名、拼音、身份证号、编号）", "/"),
		Open:      common.Bind("Enter", "详情", "enter"),
		Back:      common.Bind("Esc", "返回", "esc"),
		Print:     common.Bind("p", "打印", "p"),
		Void:      common.Bind("v", "作废", "v"),
		Correct:   common.Bind("c", "更正", "c"),
		Reveal:    common.Bind("s", "显示/隐藏完整身份证号", "s"),
		Linked:    common.Bind("l", "查看关联证明", "l"),
		OpenFile:  common.Bind("o", "打开打印文件", "o"),
		Move:      listview.DefaultKeys(),
	}
}

const reasonHint = "如：姓名写错、用途有误、居民不再需要"

// Model is the 证明 screen.
type Model struct {
	ctx   *common.Context
	keys  keyMap
	mode  mode
	types map[int]assets.CertTemplate

	month time.Time // first day of the month shown
	rows  []store.CertRow
	list  listview.Model

	index    *search.Index // built once in the background, then kept current
	indexing bool
	stale    bool // a certificate was saved while the index was being built
	search   searchbox.Model
	hits     []uint64                 // ids of the matches, newest first
	hitRows  map[uint64]store.CertRow // the rows of the hits read so far
	asked    map[uint64]bool          // hits whose rows are being read
	hitTotal int

	cert      store.Certificate // the one in detail
	history   []store.Event
	linked    string
	reveal    bool
	lastPrint string // path of the newest printout
	printing  bool   // a printout is being written: p waits
	voidBusy  bool   // the void is being saved: keys wait

	form   *issueForm
	reason textinput.Model

	width, height int
}

// New makes the screen; the ledger loads when it is first shown.
func New(ctx *common.Context) *Model {
	tpl, _ := assets.CertTemplates()
	m := &Model{ctx: ctx, keys: newKeys(), types: tpl, list: listview.New(10)}
	m.search = searchbox.New(ctx.Styles, "姓名、拼音（zhangs）、身份证号、编号（2026-0042）或类型（死亡）")
	m.reason = common.NewInput(ctx.Styles, reasonHint)
	m.reason.CharLimit = 100
	m.month = monthOf(ctx.Now())
	return m
}

func monthOf(t time.Time) time.Time { return store.MonthStart(t) }

func (m *Model) Title() string {
	switch m.mode {
	case issuing:
		return m.form.title()
	case detail:
		return "证明 " + m.cert.Serial
	}
	return "证明台账"
}

func (m *Model) Capturing() bool {
	return m.mode == searching || m.mode == issuing || m.mode == voiding
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(h - 3)
	m.search.Results.SetHeight(h - 3)
	m.search.SetWidth(w - 12)
	common.SizeInput(&m.reason, w-14, reasonHint)
	if m.form != nil {
		m.form.setSize(w, h)
	}
}

// bg routes a command's result back to this screen, whichever is showing.
func bg(cmd tea.Cmd) tea.Cmd { return common.Route(common.CertsScreen, cmd) }

// Init reloads the month and starts building the search index.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadMonth()}
	if m.index == nil && !m.indexing {
		m.indexing = true
		cmds = append(cmds, buildIndex(m.ctx.Store, m.types))
	}
	return tea.Batch(cmds...)
}

// Messages of this screen's commands.
type (
	monthLoaded struct {
		month time.Time
		rows  []store.CertRow
		err   error
	}
	indexBuilt struct {
		index *search.Index
		err   error
	}
	searchDone struct {
		query string
		ids   []uint64
		total int
		rows  map[uint64]store.CertRow // of the first hits
	}
	rowsRead struct {
		query string
		rows  map[uint64]store.CertRow
	}
	certLoaded struct {
		cert    store.Certificate
		history []store.Event
		linked  string // serial of the certificate this one corrects or is corrected by
		err     error
	}
	printed struct {
		cert store.Certificate
		path string
		err  error
	}
	voided struct {
		cert store.Certificate
		err  error
	}
)

func (m *Model) loadMonth() tea.Cmd {
	db, month := m.ctx.Store, m.month
	return bg(func() tea.Msg {
		rows, err := db.MonthRows(month.Year(), month.Month())
		return monthLoaded{month, rows, err}
	})
}

// buildIndex reads every certificate row once (no JSON) into the index.
func buildIndex(db *store.DB, types map[int]assets.CertTemplate) tea.Cmd {
	return bg(func() tea.Msg {
		ix := search.New(nil)
		err := db.AllRows(func(r store.CertRow) { addRow(ix, r, types) })
		return indexBuilt{ix, err}
	})
}

// addRow indexes a certificate by name, ID number, serial (the prefix
// printed before it is ignored by the search) and type (死亡 finds the
// 死亡证明).
func addRow(ix *search.Index, r store.CertRow, types map[int]assets.CertTemplate) {
	ix.Add(r.ID,
		search.Field{Text: r.Name, Kind: search.Name},
		search.Field{Text: r.IDNumber, Kind: search.Digits},
		search.Field{Text: r.Serial, Kind: search.Code},
		search.Field{Text: shortType(types, r.TypeNo), Kind: search.Tag})
}

// readRows reads the list rows of some hits. A search that matches 30,000
// certificates reads only the rows near the cursor: the first two pages
// with the answer, the rest as the cursor comes to them (moreRows).
func readRows(db *store.DB, ids []uint64) map[uint64]store.CertRow {
	out := make(map[uint64]store.CertRow, len(ids))
	for _, id := range ids {
		c, err := db.Certificate(id)
		if err != nil {
			out[id] = store.CertRow{ID: id, Serial: "?"}
			continue
		}
		out[id] = store.CertRowOf(c)
	}
	return out
}

func (m *Model) runSearch() tea.Cmd {
	q, ix, db := m.search.Value(), m.index, m.ctx.Store
	if ix == nil || q == "" {
		m.hits, m.hitTotal = nil, 0
		m.search.SetResults(0)
		return nil
	}
	first := 2 * m.search.Results.Height()
	return bg(func() tea.Msg {
		hits := ix.Search(q, 0)
		search.NewestFirst(hits) // the index holds the oldest first
		ids := make([]uint64, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		return searchDone{q, ids, len(hits), readRows(db, ids[:min(first, len(ids))])}
	})
}

// moreRows reads the rows of the hits within a page of the view that are
// neither read nor being read.
func (m *Model) moreRows() tea.Cmd {
	from, to := m.search.Results.Window()
	page := m.search.Results.Height()
	from, to = max(from-page, 0), min(to+page, len(m.hits))
	var need []uint64
	for _, id := range m.hits[from:to] {
		if _, ok := m.hitRows[id]; !ok && !m.asked[id] {
			m.asked[id] = true
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil
	}
	q, db := m.search.Value(), m.ctx.Store
	return bg(func() tea.Msg { return rowsRead{q, readRows(db, need)} })
}

func (m *Model) openCert(id uint64) tea.Cmd {
	db := m.ctx.Store
	return bg(func() tea.Msg {
		c, err := db.Certificate(id)
		if err != nil {
			return certLoaded{err: err}
		}
		h, err := db.History(store.EvCertIssue, id)
		linked := ""
		if other := max(c.Replaces, c.ReplacedBy); other != 0 {
			if o, err := db.Certificate(other); err == nil {
				linked = o.Serial
			}
		}
		return certLoaded{c, h, linked, err}
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
	case indexBuilt:
		m.indexing = false
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.index = msg.index
		var cmds []tea.Cmd
		if m.stale { // the build may have read the ledger before that save
			m.stale, m.indexing = false, true
			cmds = append(cmds, buildIndex(m.ctx.Store, m.types))
		}
		if m.mode == searching {
			cmds = append(cmds, m.runSearch())
		}
		return m, tea.Batch(cmds...)
	case searchDone:
		if msg.query != m.search.Value() { // a stale answer is dropped
			return m, nil
		}
		m.hits, m.hitTotal, m.hitRows, m.asked = msg.ids, msg.total, msg.rows, map[uint64]bool{}
		m.search.SetResults(len(m.hits))
		return m, m.moreRows()
	case rowsRead:
		if msg.query == m.search.Value() && m.hitRows != nil {
			for id, r := range msg.rows {
				m.hitRows[id] = r
			}
		}
		return m, nil
	case certLoaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.cert, m.history, m.linked, m.mode = msg.cert, msg.history, msg.linked, detail
		return m, nil
	case printed:
		return m, m.afterPrint(msg)
	case voided:
		return m, m.afterVoid(msg)
	case saved:
		return m, m.afterSave(msg)
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, m.forwardToInput(msg)
}

func (m *Model) forwardToInput(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.mode {
	case searching:
		m.search.Input, cmd = m.search.Input.Update(msg)
	case voiding:
		m.reason, cmd = m.reason.Update(msg)
	case issuing:
		cmd = m.form.update(msg)
	}
	return cmd
}

func (m *Model) handleKey(km tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case searching:
		return m.searchKey(km)
	case detail:
		return m.detailKey(km)
	case issuing:
		return m.form.update(km)
	case voiding:
		return m.voidKey(km)
	}
	return m.ledgerKey(km)
}

func (m *Model) ledgerKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.New):
		return m.startForm(nil)
	case key.Matches(km, k.PrevMonth):
		m.month = m.month.AddDate(0, -1, 0)
		return m.loadMonth()
	case key.Matches(km, k.NextMonth):
		m.month = m.month.AddDate(0, 1, 0)
		return m.loadMonth()
	case key.Matches(km, k.ThisMonth):
		m.month = monthOf(m.ctx.Now())
		return m.loadMonth()
	case key.Matches(km, k.Search):
		m.mode = searching
		return tea.Batch(m.search.Open(), m.runSearch())
	case key.Matches(km, k.Open):
		if len(m.rows) > 0 {
			return m.openCert(m.rows[m.list.Cursor()].ID)
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
		m.mode = ledger
		m.hits, m.hitTotal = nil, 0
	case searchbox.Chosen:
		return m.openCert(m.hits[m.search.Cursor()])
	case searchbox.Changed:
		return tea.Batch(cmd, m.runSearch())
	}
	return tea.Batch(cmd, m.moreRows())
}

// back leaves the detail for the list it was opened from.
func (m *Model) back() tea.Cmd {
	m.reveal = false
	if m.search.Value() != "" {
		m.mode = searching
		return tea.Batch(m.search.Open(), m.runSearch())
	}
	m.mode = ledger
	return m.loadMonth()
}

func (m *Model) detailKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	c := m.cert
	switch {
	case key.Matches(km, k.Back):
		return m.back()
	case key.Matches(km, k.Reveal):
		m.reveal = !m.reveal
	case key.Matches(km, k.Print):
		if c.Status == store.Voided {
			return common.Fail(errors.New("作废的证明不能打印。"))
		}
		if m.printing {
			return nil
		}
		m.printing = true
		return m.print(c)
	case key.Matches(km, k.OpenFile):
		if m.lastPrint != "" {
			return openFile(m.lastPrint)
		}
	case key.Matches(km, k.Void):
		if c.Status == store.Voided {
			return common.Fail(fmt.Errorf("证明 %s 已经作废。", c.Serial))
		}
		m.mode = voiding
		m.reason.SetValue("")
		return m.reason.Focus()
	case key.Matches(km, k.Correct):
		if c.Status == store.Voided {
			return common.Fail(fmt.Errorf("证明 %s 已作废，不能再更正；请按 n 开具新证明。", c.Serial))
		}
		return m.startForm(&c)
	case key.Matches(km, k.Linked):
		if id := max(c.ReplacedBy, c.Replaces); id != 0 {
			return m.openCert(id)
		}
	}
	return nil
}

func (m *Model) voidKey(km tea.KeyMsg) tea.Cmd {
	if m.voidBusy {
		return nil
	}
	switch km.String() {
	case "esc":
		m.mode = detail
		m.reason.Blur()
		return nil
	case "enter":
		m.voidBusy = true
		db, op, id, reason := m.ctx.Store, m.ctx.Operator, m.cert.ID, m.reason.Value()
		return common.Save(common.CertsScreen, db, func(db *store.DB) (tea.Msg, error) {
			c, err := db.VoidCertificate(op, id, reason)
			return voided{c, err}, err
		})
	}
	var cmd tea.Cmd
	m.reason, cmd = m.reason.Update(km)
	return cmd
}

func (m *Model) afterVoid(msg voided) tea.Cmd {
	m.voidBusy = false
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	m.reason.Blur()
	m.mode = detail
	return tea.Batch(m.openCert(msg.cert.ID), common.Info(fmt.Sprintf("证明 %s 已作废。", msg.cert.Serial)))
}

// ShortHelp is the help bar of the current mode.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case searching:
		return []key.Binding{common.Bind("上/下", "选择", "up"), k.Open, common.Bind("Esc", "结束查找", "esc")}
	case detail:
		out := []key.Binding{}
		if m.cert.Status == store.Valid {
			out = append(out, k.Print, k.Void, k.Correct)
		}
		out = append(out, k.Reveal)
		if m.cert.Replaces != 0 || m.cert.ReplacedBy != 0 {
			out = append(out, k.Linked)
		}
		if m.lastPrint != "" {
			out = append(out, k.OpenFile)
		}
		return append(out, common.Bind("Esc", "返回列表", "esc"))
	case issuing:
		return m.form.form.ShortHelp()
	case voiding:
		return []key.Binding{common.Bind("Enter", "确认作废", "enter"), common.Bind("Esc", "不作废", "esc")}
	}
	return []key.Binding{k.New, k.Open, k.Search, k.PrevMonth, k.NextMonth, k.Move.Up, k.Move.Down, k.Back}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		{k.New, k.Open, k.Search, k.PrevMonth, k.NextMonth, k.ThisMonth},
		k.Move.FullHelp(),
		{k.Print, k.Void, k.Correct, k.Reveal, k.Linked, k.OpenFile, k.Back},
	}
}
