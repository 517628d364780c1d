// Package export is the 导出 screen: a month's ledger written to a USB
// stick as a signed bundle for the street office or the county bureau. The
// worker picks the month (last month by default; each month says whether
// and when it was exported), the place (the removable drives found, or a
// typed path) and the options (encrypt to the receiving office's key, mask
// ID numbers); the export runs in the background behind a progress bar and
// ends with what was written and where, after the bundle was read back and
// verified.
package export

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/drives"
	"taizhang/ui/common"
)

// Job is one export as the worker asked for it.
type Job struct {
	Month     string // 2026-10
	Dir       string // the folder the bundle's folder is made in
	Recipient string // the receiving office's age key; "" writes the files unencrypted
	MaskID    bool
}

// Outcome is a bundle written, read back and verified, and recorded in the
// ledger as exported.
type Outcome struct {
	Path      string // the bundle's folder
	N         int    // the month's n-th export
	Counts    store.Counts
	Files     int   // MANIFEST.json included
	Bytes     int64 // all files
	Encrypted bool
	MaskedID  bool
	Backup    string // the backup taken just before, as the screen names it
}

// Runner makes the bundle. progress is called after each file with the
// files done and the files in all. A *store.ClockBehindError means nothing
// was exported and the same job may run again on db.AcceptClockBehind().
type Runner func(db *store.DB, op store.Operator, job Job, progress func(done, total int64)) (Outcome, error)

// Options are what the screen works with; the program passes the real ones
// and tests their fakes.
type Options struct {
	Run    Runner
	Drives func() ([]drives.Drive, error) // nil: drives.List
}

// row is a line of the choices the cursor can be on.
type row int

const (
	rowMonth row = iota
	rowDest
	rowPath // only while the destination is 其他位置
	rowEncrypt
	rowMask
)

type state int

const (
	choosing state = iota
	running
	finishedOK
)

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	Down, Up, Switch, PrevMonth, NextMonth, Months, Toggle, Start, Back, Confirm, Select key.Binding
}

// Model is the export screen.
type Model struct {
	ctx    *common.Context
	opt    Options
	keys   keyMap
	focus  row
	month  time.Time // the first of the month chosen
	start  time.Time // the first month of the ledger (its first event)
	months map[string][]store.ExportRecord
	loaded bool // the exports have been read once

	drives  []drives.Drive
	dest    int // index into drives; len(drives) is 其他位置 (the typed path)
	path    textinput.Model
	encrypt bool
	chosen  bool // the worker set encrypt: it no longer follows the key
	mask    bool

	state      state
	job        Job
	done       int64
	total      int64
	bar        progress.Model
	out        Outcome
	err        error  // the last export's failure
	hint       string // what a key could not do (encrypt without a key ...)
	fromAccept bool   // the running export was allowed by the worker's Y to a clock warning
	width      int
	height     int
}

const pathHint = `U盘的盘符（如 F:\）或一个文件夹`

// New makes the export screen.
func New(ctx *common.Context, opt Options) *Model {
	if opt.Drives == nil {
		opt.Drives = drives.List
	}
	m := &Model{ctx: ctx, opt: opt, months: map[string][]store.ExportRecord{}}
	k := ctx.Keys
	// Enter starts the export; Tab and the arrows move between the rows as
	// in a form (NextField's Enter is taken by Start, matched first).
	m.keys = keyMap{
		Down: k.NextField, Up: k.PrevField, Switch: k.Switch, PrevMonth: k.PrevMonth, NextMonth: k.NextMonth,
		Months: k.Months, Toggle: k.Toggle, Start: k.Export, Back: k.Back, Confirm: k.Confirm, Select: k.Select,
	}
	m.path = common.NewInput(ctx.Styles, pathHint)
	m.path.CharLimit = 260
	m.bar = progress.New(progress.WithFillCharacters('#', '-'), progress.WithSolidFill("4"), progress.WithWidth(50))
	m.month = store.PreviousMonth(ctx.Now())
	m.start = m.month
	return m
}

func (m *Model) Title() string { return "月度导出" }

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }

// Capturing is true while the path is typed, and while the export runs so
// that q does not leave in the middle (Ctrl+C still does; the ledger is
// written only at the end).
func (m *Model) Capturing() bool {
	return m.state == running || m.state == choosing && m.focus == rowPath
}

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	common.SizeInput(&m.path, w-16, pathHint)
	m.bar.Width = min(max(w-12, 10), 60)
}

// Init reads what was exported and looks for drives each time the screen
// is shown; the choices made stay.
func (m *Model) Init() tea.Cmd {
	if m.state == finishedOK {
		m.state = choosing
	}
	if !m.chosen {
		m.encrypt = m.ctx.Profile.ReceiverKey != ""
	}
	return tea.Batch(m.readExports(), m.scanDrives())
}

// exported is what Init read from the ledger.
type exported struct {
	list  []store.ExportRecord
	first time.Time // the ledger's first event; zero when there is none
	err   error
}

var errStop = errors.New("stop")

func (m *Model) readExports() tea.Cmd {
	db := m.ctx.Store
	return common.Route(common.ExportScreen, func() tea.Msg {
		list, err := db.Exports()
		if err != nil {
			return exported{err: err}
		}
		var first time.Time
		err = db.Events(func(ev store.Event) error { first = ev.Time; return errStop })
		if errors.Is(err, errStop) {
			err = nil
		}
		return exported{list: list, first: first, err: err}
	})
}

// found is a scan of the removable drives.
type found struct {
	list []drives.Drive
	err  error
}

func (m *Model) scanDrives() tea.Cmd {
	list := m.opt.Drives
	return common.Route(common.ExportScreen, func() tea.Msg {
		ds, err := list()
		return found{ds, err}
	})
}

// progressed is a file written; next reads the export's next message.
type progressed struct {
	done, total int64
	next        tea.Cmd
}

// finished is the export's end.
type finished struct {
	out Outcome
	err error
}

// acceptClock is the worker's Y to the clock warning: run the job again
// with the check waived.
type acceptClock struct{}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case exported:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.applyExports(msg)
		return m, nil
	case found:
		m.applyDrives(msg.list)
		return m, nil
	case progressed:
		m.done, m.total = msg.done, msg.total
		return m, common.Route(common.ExportScreen, msg.next)
	case finished:
		return m, m.finish(msg)
	case acceptClock:
		return m, m.launch(m.ctx.Store.AcceptClockBehind())
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		if m.Capturing() {
			var cmd tea.Cmd
			m.path, cmd = m.path.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	switch m.state {
	case running:
		return m, nil // Ctrl+C still quits (the root); the ledger is written only at the end
	case finishedOK:
		if key.Matches(km, m.keys.Back) {
			m.state = choosing
			return m, common.GoBack
		}
		if key.Matches(km, m.keys.Confirm) {
			m.state = choosing
		}
		return m, nil
	}
	return m, m.choose(km)
}

// choose handles a key while the choices are shown.
func (m *Model) choose(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	m.hint = ""
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.Start):
		return m.begin()
	case key.Matches(km, k.Up):
		return m.move(-1)
	case key.Matches(km, k.Down):
		return m.move(1)
	}
	if m.focus == rowPath {
		m.err = nil
		var cmd tea.Cmd
		m.path, cmd = m.path.Update(km)
		return cmd
	}
	switch {
	case key.Matches(km, k.PrevMonth):
		m.stepMonth(-1)
	case key.Matches(km, k.NextMonth):
		m.stepMonth(1)
	case key.Matches(km, k.Switch):
		step := 1
		if km.Type == tea.KeyLeft {
			step = -1
		}
		switch m.focus {
		case rowMonth:
			m.stepMonth(step)
		case rowDest:
			m.dest = (m.dest + step + len(m.drives) + 1) % (len(m.drives) + 1)
			m.err = nil
			return m.scanDrives()
		case rowEncrypt, rowMask:
			m.toggle()
		}
	case key.Matches(km, k.Toggle):
		m.toggle()
	}
	return nil
}

// move puts the cursor on the next or previous row; the path row is there
// only while 其他位置 is chosen. Coming to the destination looks for
// drives again (a stick just plugged in).
func (m *Model) move(step int) tea.Cmd {
	rows := []row{rowMonth, rowDest, rowEncrypt, rowMask}
	if m.typed() {
		rows = []row{rowMonth, rowDest, rowPath, rowEncrypt, rowMask}
	}
	i := 0
	for j, r := range rows {
		if r == m.focus {
			i = j
		}
	}
	m.focus = rows[(i+step+len(rows))%len(rows)]
	var cmds []tea.Cmd
	if m.focus == rowPath {
		cmds = append(cmds, m.path.Focus())
	} else {
		m.path.Blur()
	}
	if m.focus == rowDest {
		cmds = append(cmds, m.scanDrives())
	}
	return tea.Batch(cmds...)
}

// typed is true when the bundle goes to the typed path.
func (m *Model) typed() bool { return m.dest >= len(m.drives) }

func (m *Model) toggle() {
	m.err = nil
	switch m.focus {
	case rowEncrypt:
		if m.ctx.Profile.ReceiverKey == "" {
			m.hint = "还没有接收单位公钥，不能加密。请到“设置”中按 g 填写接收单位给的公钥（age1 开头）。"
			return
		}
		m.encrypt, m.chosen = !m.encrypt, true
	case rowMask:
		m.mask = !m.mask
	}
}

// stepMonth chooses the month before or after, within the ledger's life
// and not after this month.
func (m *Model) stepMonth(step int) {
	t := m.month.AddDate(0, step, 0)
	if t.After(store.MonthStart(m.ctx.Now())) || t.Before(m.start) {
		return
	}
	m.month, m.err = t, nil
}

// applyExports keeps the exports by month and the ledger's first month,
// where the months begin.
func (m *Model) applyExports(msg exported) {
	m.months = map[string][]store.ExportRecord{}
	for _, r := range msg.list {
		m.months[r.Month] = append(m.months[r.Month], r)
	}
	// The store exports nothing before the ledger's first month.
	m.start = store.MonthStart(m.ctx.Now())
	if !msg.first.IsZero() {
		m.start = earlier(m.start, store.MonthStart(msg.first))
	}
	for month := range m.months {
		if t, err := store.ParseMonth(month); err == nil && t.Before(m.start) {
			m.start = t
		}
	}
	if m.month.Before(m.start) {
		m.month = m.start
	}
	m.loaded = true
}

func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// applyDrives shows the drives found, the one chosen staying chosen.
func (m *Model) applyDrives(list []drives.Drive) {
	cur := ""
	if !m.typed() {
		cur = m.drives[m.dest].Path
	}
	// 其他位置 stays chosen when the worker chose it or typed a path; when
	// it was only there for want of a stick, a stick that appears is taken.
	other := m.typed() && (len(m.drives) > 0 || strings.TrimSpace(m.path.Value()) != "")
	m.drives = list
	m.dest = len(list)
	if other {
		return
	}
	if len(list) > 0 {
		m.dest = 0
	}
	for i, d := range list {
		if d.Path == cur {
			m.dest = i
		}
	}
	if !m.typed() && m.focus == rowPath {
		m.focus = rowDest
		m.path.Blur()
	}
}

// begin starts the export of the month chosen to the place chosen.
func (m *Model) begin() tea.Cmd {
	dir := strings.TrimSpace(m.path.Value())
	if !m.typed() {
		dir = m.drives[m.dest].Path
	}
	if dir == "" {
		m.hint = "请先选择导出位置：插上U盘后在“导出到”一栏按 左/右 选它，或填写一个文件夹。"
		return nil
	}
	m.job = Job{Month: m.month.Format("2006-01"), Dir: dir, MaskID: m.mask}
	if m.encrypt {
		m.job.Recipient = m.ctx.Profile.ReceiverKey
	}
	return m.launch(m.ctx.Store)
}

// launch runs the job in the background: the first command starts it and
// returns its first message; each progress message carries the command
// that reads the next, until finished.
func (m *Model) launch(db *store.DB) tea.Cmd {
	m.state, m.err, m.hint, m.done, m.total = running, nil, "", 0, 0
	m.path.Blur()
	run, op, job := m.opt.Run, m.ctx.Operator, m.job
	return common.Route(common.ExportScreen, func() tea.Msg {
		ch := make(chan tea.Msg, 8)
		go func() {
			out, err := run(db, op, job, func(done, total int64) { ch <- progressed{done: done, total: total} })
			ch <- finished{out, err}
		}()
		return receive(ch)()
	})
}

func receive(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg := <-ch
		if p, ok := msg.(progressed); ok {
			p.next = receive(ch)
			return p
		}
		return msg
	}
}

// finish shows the summary, or the error on the choices so that a retry is
// one key away; a clock warning is put to the worker first.
func (m *Model) finish(msg finished) tea.Cmd {
	var cb *store.ClockBehindError
	if errors.As(msg.err, &cb) && m.state == running {
		m.state = choosing
		return func() tea.Msg {
			return common.AskClock{
				Screen: common.ExportScreen, Err: cb,
				Refused: common.ForScreen{To: common.ExportScreen, Msg: finished{err: errClockRefused}},
				Retry:   func() tea.Msg { return common.ForScreen{To: common.ExportScreen, Msg: acceptClock{}} },
			}
		}
	}
	m.state = choosing
	if msg.err != nil {
		m.err = msg.err
		if m.focus == rowPath && m.typed() {
			return tea.Batch(m.path.Focus(), m.scanDrives())
		}
		return m.scanDrives() // the stick may have been pulled
	}
	m.state, m.out = finishedOK, msg.out
	return m.readExports()
}

var errClockRefused = errors.New("没有导出：电脑时间早于台账中最新的记录。请先校正电脑的日期和时间，再重新导出。")
