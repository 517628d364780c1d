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
	"taizhang/store/certindex"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
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

// rowAction is what a key asked of a certificate: open its detail, or act
// on it at once from the ledger row (p, v, c) as from its detail.
type rowAction int

const (
	actOpen rowAction = iota
	actPrint
	actVoid
	actCorrect
)

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	New, PrevMonth, NextMonth, ThisMonth, Months, Search, Open, Back key.Binding
	Print, Void, Correct, Reveal, Linked, OpenFile                   key.Binding
	Select, Confirm                                                  key.Binding
	Move                                                             listview.Keys
}

func newKeys(k common.Keys) keyMap {
	return keyMap{
		New: k.New, PrevMonth: k.PrevMonth, NextMonth: k.NextMonth, ThisMonth: k.ThisMonth, Months: k.Months,
		Search: k.Search, Open: k.Open, Back: k.Back,
		Print: k.Print, Void: k.Void, Correct: k.Correct, Reveal: k.ShowID, Linked: k.Linked, OpenFile: k.OpenFile,
		Select: k.Select, Confirm: k.Confirm,
		Move: listview.DefaultKeys(),
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

	index    *certindex.Index // opened once in the background, then caught up
	indexing bool
	stale    bool // a certificate was saved while the index was being opened
	search   searchbox.Model
	hits     []uint64                 // ids of the matches, newest first
	hitRows  map[uint64]store.CertRow // the rows of the hits read so far
	asked    map[uint64]bool          // hits whose rows are being read
	hitTotal int

	cert      store.Certificate // the one in detail
	pager     pager.Model       // its place in the detail
	history   []store.Event
	linked    string
	reveal    bool   // the whole ID number shows (after its event was saved)
	revealing bool   // that event is being saved: h waits
	lastPrint string // path of the newest printout
	printing  bool   // a printout is being written: p waits
	voidBusy  bool   // the void is being saved: keys wait
	voidFrom  mode   // where Esc or the void leads back to: the ledger or the detail

	form   *issueForm
	reason textinput.Model

	width, height int
}

// New makes the screen; the ledger loads when it is first shown.
func New(ctx *common.Context) *Model {
	tpl, _ := assets.CertTemplates()
	m := &Model{ctx: ctx, keys: newKeys(ctx.Keys), types: tpl, list: listview.New(10), pager: pager.New(10)}
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
	m.pager.SetHeight(h)
	common.SizeInput(&m.reason, w-14, reasonHint)
	if m.form != nil {
		m.form.setSize(w, h)
	}
}

// bg routes a command's result back to this screen, whichever is showing.
func bg(cmd tea.Cmd) tea.Cmd { return common.Route(common.CertsScreen, cmd) }

// Init reloads the month and opens the search index, or catches it up
// with what was saved meanwhile elsewhere (an import in 设置).
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.loadMonth()}
	switch {
	case m.index == nil && !m.indexing:
		m.indexing = true
		cmds = append(cmds, openIndex(m.ctx.Store))
	case m.index != nil:
		cmds = append(cmds, catchUp(m.ctx.Store, m.index))
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
		index *certindex.Index
		err   error
	}
	// indexCaughtUp: n certificates saved since were added to the index.
	indexCaughtUp struct {
		n   int
		err error
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
		act     rowAction
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
	// idShown: the event that the worker showed certificate id's whole ID
	// number was saved (or not); historyRead brings its history again.
	idShown struct {
		id  uint64
		err error
	}
	historyRead struct {
		id      uint64
		history []store.Event
	}
)

func (m *Model) loadMonth() tea.Cmd {
	db, month := m.ctx.Store, m.month
	return bg(func() tea.Msg {
		rows, err := db.MonthRows(month.Year(), month.Month())
		return monthLoaded{month, rows, err}
	})
}

func openIndex(db *store.DB) tea.Cmd {
	return bg(func() tea.Msg {
		x, err := OpenIndex(db)
		return indexBuilt{x, err}
	})
}

func catchUp(db *store.DB, x *certindex.Index) tea.Cmd {
	return bg(func() tea.Msg {
		n, err := x.CatchUp(db)
		return indexCaughtUp{n, err}
	})
}

// settleIndex runs SettleIndex in the background. Its failure is not the
// worker's concern (the index kept beside the ledger is a cache: the next
// start builds it again), and it changes nothing the screen shows.
func settleIndex(db *store.DB, x *certindex.Index) tea.Cmd {
	return func() tea.Msg {
		_ = SettleIndex(db, x)
		return nil
	}
}

// OpenIndex is the search index as the screen opens it in the background
// when it is first shown: the one kept beside the ledger, caught up, or
// built from the ledger (certindex.Open). It, SettleIndex and Find are
// exported for cmd/taizhang-bench, which times what the screen does.
func OpenIndex(db *store.DB) (*certindex.Index, error) { return certindex.Open(db) }

// SettleIndex is what the screen does next, in the background: it checks
// the copy the index was read from, and writes the index beside the
// ledger when it was built, or when many certificates were added since
// it was read (certindex.Index.Settle).
func SettleIndex(db *store.DB, x *certindex.Index) error { return x.Settle(db) }

// readRows reads the list rows of some hits. A search that matches 30,000
// certificates reads only the rows near the cursor: the first two pages
// with the answer, the rest as the cursor comes to them (moreRows). A row
// that cannot be read shows as "?".
func readRows(db *store.DB, ids []uint64) map[uint64]store.CertRow {
	out, _ := db.CertRows(ids)
	if out == nil {
		out = map[uint64]store.CertRow{}
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			out[id] = store.CertRow{ID: id, Serial: "?"}
		}
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
		ids, rows := Find(db, ix, q, first)
		return searchDone{q, ids, len(ids), rows}
	})
}

// Find is one search as the screen runs it: the ids of all hits, best
// first and the newest first among equals, and the rows of the first ones.
func Find(db *store.DB, x *certindex.Index, q string, first int) ([]uint64, map[uint64]store.CertRow) {
	ids := x.Find(q)
	return ids, readRows(db, ids[:min(first, len(ids))])
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

func (m *Model) openCert(id uint64) tea.Cmd { return m.readCert(id, actOpen) }

// readCert reads a certificate with its history for act.
func (m *Model) readCert(id uint64, act rowAction) tea.Cmd {
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
		return certLoaded{c, h, linked, act, err}
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
		cmds := []tea.Cmd{settleIndex(m.ctx.Store, m.index)}
		if m.stale { // the index may have read the ledger before that save
			m.stale = false
			cmds = append(cmds, catchUp(m.ctx.Store, m.index))
		}
		if m.mode == searching {
			cmds = append(cmds, m.runSearch())
		}
		return m, tea.Batch(cmds...)
	case indexCaughtUp:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		var cmds []tea.Cmd
		if msg.n > 0 {
			if m.index.NeedsSave() {
				cmds = append(cmds, settleIndex(m.ctx.Store, m.index))
			}
			if m.mode == searching {
				cmds = append(cmds, m.runSearch())
			}
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
		return m, m.certLoaded(msg)
	case printed:
		return m, m.afterPrint(msg)
	case voided:
		return m, m.afterVoid(msg)
	case idShown:
		return m, m.afterIDShown(msg)
	case historyRead:
		if msg.id == m.cert.ID && msg.history != nil {
			m.history = msg.history
		}
		return m, nil
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
	if month, ok := m.ctx.Keys.MonthMove(km, m.month, m.ctx.Now()); ok {
		m.month = month
		return m.loadMonth()
	}
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.New):
		return m.startForm(nil)
	case key.Matches(km, k.Search):
		m.mode = searching
		return tea.Batch(m.search.Open(), m.runSearch())
	case key.Matches(km, k.Open):
		return m.onRow(actOpen)
	case key.Matches(km, k.Print):
		return m.onRow(actPrint)
	case key.Matches(km, k.Void):
		return m.onRow(actVoid)
	case key.Matches(km, k.Correct):
		return m.onRow(actCorrect)
	case key.Matches(km, k.OpenFile):
		if m.lastPrint != "" {
			return openFile(m.lastPrint)
		}
	default:
		m.list.Update(km)
	}
	return nil
}

// onRow reads the certificate of the selected row for act.
func (m *Model) onRow(act rowAction) tea.Cmd {
	if len(m.rows) == 0 {
		return nil
	}
	return m.readCert(m.rows[m.list.Cursor()].ID, act)
}

// certLoaded shows a certificate just read, or does to it what the ledger
// row was asked (a void or a correction only if the ledger still shows).
func (m *Model) certLoaded(msg certLoaded) tea.Cmd {
	if msg.act == actOpen {
		m.showCert(msg)
		m.mode = detail
		return nil
	}
	if msg.act == actPrint {
		return m.printCert(msg.cert)
	}
	if m.mode != ledger {
		return nil
	}
	if msg.act == actVoid {
		if msg.cert.Status != store.Voided { // the detail behind the reason field
			m.showCert(msg)
		}
		return m.startVoid(msg.cert)
	}
	return m.startCorrect(msg.cert)
}

// showCert holds a loaded certificate for the detail; another certificate,
// or one opened afresh, is shown from its top.
func (m *Model) showCert(msg certLoaded) {
	if msg.cert.ID != m.cert.ID || m.mode != detail && m.mode != voiding {
		m.pager.Top()
	}
	if msg.cert.ID != m.cert.ID {
		m.reveal = false // each certificate's number is shown, and recorded, on its own
	}
	m.cert, m.history, m.linked = msg.cert, msg.history, msg.linked
}

// printCert writes the printout of c (not of a voided one), once at a time.
func (m *Model) printCert(c store.Certificate) tea.Cmd {
	if c.Status == store.Voided {
		return common.Fail(fmt.Errorf("证明 %s 已作废，不能打印。", c.Serial))
	}
	if c.Imported {
		return common.Fail(errImported)
	}
	if m.printing {
		return nil
	}
	m.printing = true
	return m.print(c)
}

// startVoid asks for the reason to void c; Esc and the saved void lead
// back to where the worker was (the ledger or the detail).
func (m *Model) startVoid(c store.Certificate) tea.Cmd {
	if c.Status == store.Voided {
		return common.Fail(fmt.Errorf("证明 %s 已经作废。", c.Serial))
	}
	m.voidFrom, m.mode = m.mode, voiding
	m.reason.SetValue("")
	return m.reason.Focus()
}

// errImported: a certificate of the old ledger is a record of the past; the
// program did not issue it, so it neither prints nor corrects it.
var errImported = errors.New("这是从旧台账导入的记录，不是在本程序中开具的，不能打印或更正。需要时请按 n 开具新证明；导入有误的可以按 v 作废。")

func (m *Model) startCorrect(c store.Certificate) tea.Cmd {
	if c.Imported {
		return common.Fail(errImported)
	}
	if c.Status == store.Voided {
		return common.Fail(fmt.Errorf("证明 %s 已作废，不能再更正；请按 n 开具新证明。", c.Serial))
	}
	return m.startForm(&c)
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
		return m.toggleReveal()
	case key.Matches(km, k.Print):
		return m.printCert(c)
	case key.Matches(km, k.OpenFile):
		if m.lastPrint != "" {
			return openFile(m.lastPrint)
		}
	case key.Matches(km, k.Void):
		return m.startVoid(c)
	case key.Matches(km, k.Correct):
		return m.startCorrect(c)
	case key.Matches(km, k.Linked):
		if id := max(c.ReplacedBy, c.Replaces); id != 0 {
			return m.openCert(id)
		}
	default:
		m.pager.SetLen(len(m.detailLines()))
		m.pager.Update(km)
	}
	return nil
}

// toggleReveal hides the whole ID number, or shows it once the event that
// records who showed it, and when, is saved: the number is on screen only
// if the ledger says so.
func (m *Model) toggleReveal() tea.Cmd {
	if m.reveal {
		m.reveal = false
		return nil
	}
	if m.revealing {
		return nil
	}
	m.revealing = true
	db, op, id := m.ctx.Store, m.ctx.Operator, m.cert.ID
	return common.Save(common.CertsScreen, db, func(db *store.DB) (tea.Msg, error) {
		err := db.RecordIDShown(op, id)
		return idShown{id, err}, err
	})
}

func (m *Model) afterIDShown(msg idShown) tea.Cmd {
	m.revealing = false
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	if m.mode != detail && m.mode != voiding || m.cert.ID != msg.id {
		return nil // the worker has moved on: nothing to show
	}
	m.reveal = true
	db, id := m.ctx.Store, msg.id
	return tea.Batch(common.Info("已显示完整身份证号，并记入本证明的经过。再按 h 隐去。"), bg(func() tea.Msg {
		h, _ := db.History(store.EvCertIssue, id) // on an error the history shown stays
		return historyRead{id, h}
	}))
}

func (m *Model) voidKey(km tea.KeyMsg) tea.Cmd {
	if m.voidBusy {
		return nil
	}
	switch {
	case key.Matches(km, m.keys.Back):
		m.reason.Blur()
		if m.voidFrom == ledger {
			return m.back()
		}
		m.mode = detail
		return nil
	case key.Matches(km, m.keys.Confirm):
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
	done := common.Info(fmt.Sprintf("证明 %s 已作废。", msg.cert.Serial))
	if m.voidFrom == ledger {
		return tea.Batch(m.back(), done)
	}
	m.mode = detail
	return tea.Batch(m.openCert(msg.cert.ID), done)
}

// ShortHelp is the bottom line of the current mode: its essential keys.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case searching:
		return []key.Binding{k.Select, k.Open, k.Back}
	case detail:
		return m.detailKeys()
	case issuing:
		return m.form.form.ShortHelp()
	case voiding:
		return []key.Binding{k.Confirm, k.Back}
	}
	return []key.Binding{k.New, k.Open, k.Print, k.Search, k.Months, k.Back}
}

// detailKeys are the keys that act on the certificate shown.
func (m *Model) detailKeys() []key.Binding {
	k := m.keys
	var out []key.Binding
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
	return append(out, k.Back)
}

// FullHelp lists every key of the current mode.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.mode {
	case searching:
		return [][]key.Binding{{k.Open, k.Back}, listview.ArrowsOnly().FullHelp()}
	case detail:
		return [][]key.Binding{m.detailKeys(), m.pager.Keys.FullHelp()}
	case issuing:
		return m.form.form.FullHelp()
	case voiding:
		return [][]key.Binding{m.ShortHelp()}
	}
	row := []key.Binding{k.Open, k.Print, k.Void, k.Correct}
	if m.lastPrint != "" {
		row = append(row, k.OpenFile)
	}
	return [][]key.Binding{
		{k.New, k.Search, k.PrevMonth, k.NextMonth, k.ThisMonth, k.Back},
		row,
		k.Move.FullHelp(),
	}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
