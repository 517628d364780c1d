// Package admission is the 准入 screen: approval forms (部门工作进社区准入
// 审批表) listed with their status, drafted in a form with every field of
// 附件5 and the application letter, checked before submitting, moved through
// county and city opinions to a decision, and printed.
package admission

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	check "taizhang/store/deskcheck"
	"taizhang/store/printout"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
)

type mode int

const (
	listing mode = iota
	viewing
	drafting   // the application form
	confirming // checks shown before submitting
	opinion    // entering an opinion or a decision
)

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	New, Open, Back, Edit, Submit, Opinion, Approve, Reject, Withdraw, Print key.Binding
	Yes, Scroll                                                              key.Binding
	Move                                                                     listview.Keys
}

// Model is the 准入 screen.
type Model struct {
	ctx      *common.Context
	keys     keyMap
	mode     mode
	list     []store.Admission
	cursor   listview.Model
	cur      store.Admission
	history  []store.Event
	pager    pager.Model // the place in the detail
	draft    form.Model
	editing  uint64 // id of the draft being edited (0: new)
	act      action // what the opinion form records
	opForm   form.Model
	findings []check.Finding
	busy     bool // the submission is being saved: keys wait
	width    int
	height   int
}

// New makes the screen.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, cursor: listview.New(10), pager: pager.New(10)}
	k := ctx.Keys
	m.keys = keyMap{
		New: k.New, Open: k.Open, Back: k.Back, Edit: k.Edit, Submit: k.Submit, Opinion: k.Opinion,
		Approve: k.Approve, Reject: k.Reject, Withdraw: k.Withdraw, Print: k.Print,
		Yes: k.Yes, Scroll: k.Scroll, Move: listview.DefaultKeys(),
	}
	return m
}

func (m *Model) Title() string {
	switch m.mode {
	case drafting:
		return "准入申请（草稿）"
	case viewing, confirming, opinion:
		return "准入申请"
	}
	return "准入审批"
}

func (m *Model) Capturing() bool { return m.mode == drafting || m.mode == opinion }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.cursor.SetHeight(h - 3)
	m.pager.SetHeight(h)
	m.draft.SetSize(w, h-1)
	m.sizeOpinion()
}

type loaded struct {
	list []store.Admission
	err  error
}

type opened struct {
	a       store.Admission
	history []store.Event
	err     error
}

// saved is the result of a write: a draft, a submission or an opinion.
type saved struct {
	step step
	a    store.Admission
	err  error
}

type step int

const (
	savedDraft step = iota
	savedSubmit
	savedOpinion
)

// bg routes a command's result back to this screen, whichever is showing.
func bg(cmd tea.Cmd) tea.Cmd { return common.Route(common.AdmitScreen, cmd) }

// save runs one write to an application and brings back what it did.
func save(db *store.DB, write func(*store.DB) (store.Admission, error), what step) tea.Cmd {
	return common.Save(common.AdmitScreen, db, func(db *store.DB) (tea.Msg, error) {
		a, err := write(db)
		return saved{what, a, err}, err
	})
}

// Init lists the applications.
func (m *Model) Init() tea.Cmd {
	db := m.ctx.Store
	return bg(func() tea.Msg {
		l, err := db.Admissions()
		return loaded{l, err}
	})
}

func (m *Model) open(id uint64) tea.Cmd {
	db := m.ctx.Store
	return bg(func() tea.Msg {
		a, err := db.Admission(id)
		if err != nil {
			return opened{err: err}
		}
		h, err := db.History(store.EvAdmissionSave, id)
		return opened{a, h, err}
	})
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case loaded:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		m.list = msg.list
		m.cursor.SetLen(len(m.list))
		return m, nil
	case opened:
		if msg.err != nil {
			return m, common.Fail(msg.err)
		}
		if msg.a.ID != m.cur.ID || m.mode != viewing {
			m.pager.Top()
		}
		m.cur, m.history, m.mode = msg.a, msg.history, viewing
		return m, nil
	case saved:
		switch msg.step {
		case savedDraft:
			return m, m.draftSaved(msg)
		case savedSubmit:
			return m, m.submitted(msg)
		}
		return m, m.opinionSaved(msg)
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *Model) handleKey(km tea.KeyMsg) tea.Cmd {
	switch m.mode {
	case drafting:
		return m.draftKey(km)
	case opinion:
		return m.opinionKey(km)
	case confirming:
		return m.confirmKey(km)
	case viewing:
		return m.viewKey(km)
	}
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.New):
		m.startDraft(store.Admission{})
	case key.Matches(km, k.Open):
		if len(m.list) > 0 {
			return m.open(m.list[m.cursor.Cursor()].ID)
		}
	default:
		m.cursor.Update(km)
	}
	return nil
}

func (m *Model) viewKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	a := m.cur
	st := a.Effective(m.ctx.Now())
	switch {
	case key.Matches(km, k.Back):
		m.mode = listing
		return m.Init()
	case key.Matches(km, k.Edit) && st == store.AdmDraft:
		m.startDraft(a)
	case key.Matches(km, k.Submit) && st == store.AdmDraft:
		if err := store.ValidateAdmission(a); err != nil {
			return m.fixField(a, err)
		}
		m.findings = m.ctx.Checker.Review(a)
		m.mode = confirming
		m.pager.Top()
	case key.Matches(km, k.Opinion) && (st == store.AdmSubmitted || st == store.AdmCounty && a.UnitLevel == store.UnitCityLevel):
		m.startOpinion(actOpinion)
	case key.Matches(km, k.Approve) && canDecide(a, st):
		m.startOpinion(actApprove)
	case key.Matches(km, k.Reject) && canDecide(a, st):
		m.startOpinion(actReject)
	case key.Matches(km, k.Withdraw) && canWithdraw(st):
		m.startOpinion(actWithdraw)
	case key.Matches(km, k.Print):
		return m.print()
	default:
		m.scroll(km)
	}
	return nil
}

// scroll moves the detail for a key that is not a command.
func (m *Model) scroll(km tea.KeyMsg) {
	m.pager.SetLen(len(m.detailLines()))
	m.pager.Update(km)
}

func canDecide(a store.Admission, st store.AdmissionStatus) bool {
	if a.UnitLevel == store.UnitCityLevel {
		return st == store.AdmCity
	}
	return st == store.AdmCounty
}

func canWithdraw(st store.AdmissionStatus) bool {
	switch st {
	case store.AdmRejected, store.AdmExpired, store.AdmWithdrawn:
		return false
	}
	return true
}

// fixField opens the draft with the field the store refused in focus.
func (m *Model) fixField(a store.Admission, err error) tea.Cmd {
	var fe *store.FieldError
	if !errors.As(err, &fe) {
		return common.Fail(err)
	}
	m.startDraft(a)
	m.draft.SetError(fe.Field, fe.Msg)
	return common.Fail(fmt.Errorf("报送前请补全：%s", fe.Error()))
}

func (m *Model) confirmKey(km tea.KeyMsg) tea.Cmd {
	if m.busy {
		return nil
	}
	switch {
	case key.Matches(km, m.keys.Yes):
		m.busy = true
		db, op, id := m.ctx.Store, m.ctx.Operator, m.cur.ID
		return save(db, func(db *store.DB) (store.Admission, error) { return db.SubmitAdmission(op, id) }, savedSubmit)
	case key.Matches(km, m.keys.Back):
		m.mode = viewing
		m.pager.Top()
		return nil
	}
	m.scroll(km)
	return nil
}

func (m *Model) submitted(msg saved) tea.Cmd {
	m.busy = false
	if msg.err != nil {
		m.mode = viewing
		return m.fixField(m.cur, msg.err)
	}
	a := msg.a
	m.show(a)
	return tea.Batch(m.open(a.ID), common.Info("已报送。送审："+store.ApprovingBody(a.UnitLevel)+"；意见返回后按 i 录入。"))
}

// show puts a record just saved on screen at once; open then reads its
// history. Until then a second save key finds no form to save.
func (m *Model) show(a store.Admission) {
	m.cur, m.history, m.mode = a, nil, viewing
	m.pager.Top()
}

func (m *Model) print() tea.Cmd {
	a, p, db := m.cur, m.ctx.Profile, m.ctx.Store
	return func() tea.Msg {
		path, err := printout.SaveAdmission(printout.PrintDir(db.Path()), p, a)
		if err != nil {
			return common.Status{Text: err.Error(), Err: true}
		}
		if err := printout.Open(path); err != nil {
			return common.Status{Text: "已生成审批表（一式三份，请打印 3 份）。" + err.Error(), Err: true}
		}
		return common.Status{Text: "已生成审批表并交给默认程序打开（一式三份，请打印 3 份）：" + common.InDataFolder(db.Path(), path)}
	}
}

func (m *Model) View() string {
	switch m.mode {
	case drafting:
		return m.draft.View()
	case opinion:
		return m.opinionView()
	case viewing, confirming:
		return m.pager.View(m.detailLines(), m.ctx.Styles)
	}
	return m.listView()
}

func (m *Model) listView() string {
	s := m.ctx.Styles
	now := m.ctx.Now()
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("准入申请 %d 件", len(m.list))) + "\n")
	statusW := 6 // the status is shown whole, as wide as the widest
	for _, a := range m.list {
		statusW = max(statusW, common.Width(a.StatusText(now)))
	}
	// The term is shown whole (its end month tells rows apart); the unit and
	// the item share the rest, the unit keeping its distinctive part.
	rest := max(m.width-1-statusW-1-1-1-termW, 12)
	unitW := rest / 2
	itemW := rest - unitW
	head := " " + common.Pad("状态", statusW) + " " + common.Pad("申请单位", unitW) + " " + common.Pad("事项", itemW) + " 期限"
	b.WriteString(s.Label.Render(common.Truncate(head, m.width)) + "\n")
	if len(m.list) == 0 {
		b.WriteString(s.Dim.Render(common.Truncate("  还没有准入申请。部门要求社区承接工作或出具清单外的证明时，按 n 起草审批表。", m.width)))
		return b.String()
	}
	b.WriteString(m.cursor.View(m.width, s, func(i int, _ bool) string {
		a := m.list[i]
		return fmt.Sprintf("%s %s %s %s", common.Pad(a.StatusText(now), statusW), common.Pad(common.ShortName(a.Unit, unitW), unitW),
			common.Pad(common.Display(a.Item), itemW), shortTerm(a))
	}))
	return b.String()
}

// termW is the width of the list's term: 临时 2026-11至2026-12.
const termW = 21

// shortTerm is the term as the list shows it, the kind in two characters:
// 临时 2026-11至2026-12, 长期 2026-11起.
func shortTerm(a store.Admission) string {
	kind := []rune(a.Term)
	if len(kind) > 2 {
		kind = kind[:2]
	}
	switch {
	case a.Term == store.TermLong:
		return "长期 " + a.From + "起"
	case a.Term != "":
		return string(kind) + " " + a.From + "至" + a.To
	}
	return ""
}

// termText is 临时性，2026年11月至2026年12月, or 长期，2026年11月起.
func termText(a store.Admission) string {
	switch {
	case a.Term == store.TermLong:
		return "长期，" + store.ChineseMonthOf(a.From) + "起"
	case a.Term != "":
		return a.Term + "，" + store.ChineseMonthOf(a.From) + "至" + store.ChineseMonthOf(a.To)
	}
	return ""
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case drafting:
		return m.draft.ShortHelp()
	case opinion:
		return m.opForm.ShortHelp()
	case confirming:
		return []key.Binding{k.Yes, k.Back}
	case viewing:
		return append(m.actions(), k.Scroll, k.Back)
	}
	return []key.Binding{k.New, k.Open, k.Back}
}

// actions are the keys that act on the application shown, at its step.
func (m *Model) actions() []key.Binding {
	k := m.keys
	st := m.cur.Effective(m.ctx.Now())
	var out []key.Binding
	if st == store.AdmDraft {
		out = append(out, k.Edit, k.Submit)
	}
	if st == store.AdmSubmitted || st == store.AdmCounty && m.cur.UnitLevel == store.UnitCityLevel {
		out = append(out, k.Opinion)
	}
	if canDecide(m.cur, st) {
		out = append(out, k.Approve, k.Reject)
	}
	if canWithdraw(st) {
		out = append(out, k.Withdraw)
	}
	return append(out, k.Print)
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.mode {
	case drafting:
		return m.draft.FullHelp()
	case opinion:
		return m.opForm.FullHelp()
	case confirming:
		return [][]key.Binding{{k.Yes, k.Back}, m.pager.Keys.FullHelp()}
	case viewing:
		return [][]key.Binding{append(m.actions(), k.Back), m.pager.Keys.FullHelp()}
	}
	return [][]key.Binding{{k.New, k.Open, k.Back}, k.Move.FullHelp()}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
