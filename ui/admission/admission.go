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
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	check "taizhang/store/deskcheck"
	"taizhang/store/printout"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
	"taizhang/ui/components/listview"
)

type mode int

const (
	listing mode = iota
	viewing
	drafting   // the application form
	confirming // checks shown before submitting
	opinion    // entering an opinion or a decision
)

type keyMap struct {
	New, Open, Back, Edit, Submit, Opinion, Approve, Reject, Withdraw, Print key.Binding
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
	pager    viewport.Model
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
	m := &Model{ctx: ctx, cursor: listview.New(10), pager: viewport.New(80, 10)}
	m.keys = keyMap{
		New:      common.Bind("n", "新建申请", "n"),
		Open:     common.Bind("Enter", "详情", "enter"),
		Back:     common.Bind("Esc", "返回", "esc"),
		Edit:     common.Bind("e", "修改草稿", "e"),
		Submit:   common.Bind("s", "核查并报送", "s"),
		Opinion:  common.Bind("o", "录入县级/市级意见", "o"),
		Approve:  common.Bind("a", "准入", "a"),
		Reject:   common.Bind("r", "不予准入", "r"),
		Withdraw: common.Bind("w", "撤回", "w"),
		Print:    common.Bind("p", "打印审批表", "p"),
		Move:     listview.DefaultKeys(),
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
	m.pager.Width, m.pager.Height = w, h
	m.draft.SetSize(w, h-1)
	m.opForm.SetSize(w, h-4)
	if m.mode == viewing || m.mode == confirming {
		m.setPager()
	}
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
		m.cur, m.history, m.mode = msg.a, msg.history, viewing
		m.setPager()
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
		m.setPager()
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
		m.pager, _ = m.pager.Update(km)
	}
	return nil
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
	switch km.String() {
	case "y", "Y":
		m.busy = true
		m.setPager()
		db, op, id := m.ctx.Store, m.ctx.Operator, m.cur.ID
		return save(db, func(db *store.DB) (store.Admission, error) { return db.SubmitAdmission(op, id) }, savedSubmit)
	case "n", "N", "esc":
		m.mode = viewing
		m.setPager()
		return nil
	}
	m.pager, _ = m.pager.Update(km)
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
	return tea.Batch(m.open(a.ID), common.Info("已报送。送审："+store.ApprovingBody(a.UnitLevel)+"；意见返回后按 o 录入。"))
}

// show puts a record just saved on screen at once; open then reads its
// history. Until then a second save key finds no form to save.
func (m *Model) show(a store.Admission) {
	m.cur, m.history, m.mode = a, nil, viewing
	m.setPager()
}

func (m *Model) print() tea.Cmd {
	a, p, db := m.cur, m.ctx.Profile, m.ctx.Store
	return func() tea.Msg {
		path, err := printout.SaveAdmission(printout.PrintDir(db.Path()), p, a)
		if err != nil {
			return common.Status{Text: err.Error(), Err: true}
		}
		if err := printout.Open(path); err != nil {
			return common.Status{Text: "已生成审批表（一式三份，请打印 3 份）：" + path + "。" + err.Error(), Err: true}
		}
		return common.Status{Text: "已生成审批表并交给默认程序打开（一式三份，请打印 3 份）：" + path}
	}
}

func (m *Model) View() string {
	switch m.mode {
	case drafting:
		return m.draft.View()
	case opinion:
		return m.opinionView()
	case viewing, confirming:
		return m.pager.View()
	}
	return m.listView()
}

func (m *Model) listView() string {
	s := m.ctx.Styles
	now := m.ctx.Now()
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("准入申请 %d 件", len(m.list))) + "\n")
	// The status column widens for 未生效（2027年1月起）.
	statusW := 12
	for _, a := range m.list {
		statusW = max(statusW, common.Width(a.StatusText(now)))
	}
	b.WriteString(s.Label.Render(common.Truncate(" "+common.Pad("状态", statusW)+" 申请单位             事项                    期限", m.width)) + "\n")
	if len(m.list) == 0 {
		b.WriteString(s.Dim.Render(common.Truncate("  还没有准入申请。部门要求社区承接工作或出具清单外的证明时，按 n 起草审批表。", m.width)))
		return b.String()
	}
	b.WriteString(m.cursor.View(m.width, s, func(i int, _ bool) string {
		a := m.list[i]
		return fmt.Sprintf("%s %s %s %s", common.Pad(a.StatusText(now), statusW), common.Pad(common.Display(a.Unit), 20),
			common.Pad(common.Display(a.Item), 24), shortTerm(a))
	}))
	return b.String()
}

// shortTerm is the term as the list shows it: 临时性 2026-11至2026-12.
func shortTerm(a store.Admission) string {
	switch {
	case a.Term == store.TermLong:
		return "长期 " + a.From + "起"
	case a.Term != "":
		return a.Term + " " + a.From + "至" + a.To
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
		return []key.Binding{m.draft.Keys.Next, m.draft.Keys.Prev, common.Bind("Ctrl+S", "保存草稿", "ctrl+s"), m.draft.Keys.Cancel}
	case opinion:
		return []key.Binding{m.opForm.Keys.Next, common.Bind("Ctrl+S", "确定", "ctrl+s"), m.opForm.Keys.Cancel}
	case confirming:
		return []key.Binding{common.Bind("Y", "确认报送", "y"), common.Bind("N", "返回", "n")}
	case viewing:
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
		return append(out, k.Print, common.Bind("上/下", "滚动", "up"), k.Back)
	}
	return []key.Binding{k.New, k.Open, k.Move.Up, k.Move.Down, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.New, k.Open, k.Back}, {k.Edit, k.Submit, k.Opinion, k.Approve, k.Reject, k.Withdraw, k.Print}, k.Move.FullHelp()}
}
