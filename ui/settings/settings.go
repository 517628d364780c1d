// Package settings is the 设置 screen: the community profile at a glance
// (edited in the setup form), what the monthly export needs (the office's
// signing-key fingerprint, the receiving office's public key) and the
// operators (经办人): add, rename, retire, and choose who is at the desk.
// Operators are never deleted.
package settings

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
)

type editing int

const (
	none editing = iota
	adding
	renaming
	receiver   // the receiving office's key: pasted, or read from a .txt file
	backupCopy // the second backup location
	pinEntry   // the desk operator's PIN (pin.go)
	years      // the review's number of years (review.go)
	importFile // the old ledger's location (import.go)
)

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	Profile, Add, Rename, Retire, Choose, Back, Confirm, Cancel, Select key.Binding
	Receiver, BackupCopy, NextField, PrevField, PIN, Review             key.Binding
	Import, Yes                                                         key.Binding
	Move                                                                listview.Keys
}

const nameHint = "经办人姓名"

// Model is the settings screen; with picker set it is the start-up
// "who is at the desk" screen instead.
type Model struct {
	ctx    *common.Context
	picker bool
	keys   keyMap
	ops    []store.Operator
	list   listview.Model
	edit   editing
	input  textinput.Model
	// The receiving office's key: pasted (keyIn) or read from a file
	// (fileIn); keyFocus is the one typed into.
	keyIn, fileIn textinput.Model
	keyFocus      int
	pins          map[uint64]bool   // operators who have a PIN
	pinIn         []textinput.Model // 当前 PIN (when set), 新 PIN, 再输一次
	pinFocus      int
	reviewing     bool // 旧记录复核 shows instead (review.go)
	old           oldRead
	oldList       listview.Model
	yearsIn       textinput.Model
	fingerprint   string // of the office's signing key, read by Init
	copyIn        textinput.Model
	imp           importState // 导入旧台账 (import.go)
	importIn      textinput.Model
	backups       backups // the 备份 folder, read by Init
	err           string
	busy          bool   // a change is being saved: keys wait
	path          string // of the data file, shown under the profile
	width         int
	height        int
}

// New makes the settings screen.
func New(ctx *common.Context) *Model { return newModel(ctx, false) }

// NewPicker makes the start-up screen that asks who is at the desk, with
// the last one preselected.
func NewPicker(ctx *common.Context) *Model { return newModel(ctx, true) }

func newModel(ctx *common.Context, picker bool) *Model {
	m := &Model{ctx: ctx, picker: picker, list: listview.New(8), oldList: listview.New(8)}
	k := ctx.Keys
	m.keys = keyMap{
		Profile: k.Edit, Add: k.New, Rename: k.Rename, Retire: k.Retire, Choose: k.Choose, Back: k.Back,
		Confirm: k.Confirm, Cancel: k.Cancel, Select: k.Select, Move: listview.DefaultKeys(),
		Receiver: k.Receiver, BackupCopy: k.BackupCopy, NextField: k.NextField, PrevField: k.PrevField, PIN: k.PIN, Review: k.Review,
		Import: k.Import, Yes: k.Yes,
	}
	m.input = common.NewInput(ctx.Styles, nameHint)
	m.input.CharLimit = 20
	m.keyIn = common.NewInput(ctx.Styles, keyHint)
	m.keyIn.CharLimit = 200
	m.fileIn = common.NewInput(ctx.Styles, fileHint)
	m.fileIn.CharLimit = 300
	m.copyIn = common.NewInput(ctx.Styles, copyHint)
	m.copyIn.CharLimit = 300
	m.importIn = common.NewInput(ctx.Styles, importHint)
	m.importIn.CharLimit = 300
	m.yearsIn = common.NewInput(ctx.Styles, yearsHint)
	m.yearsIn.CharLimit = 3
	m.path = ctx.Store.Path()
	// The picker is the first screen: its list is there before the first key
	// (and it is not read again, so an arrow key is never undone by a load).
	m.apply(readOperators(ctx.Store))
	return m
}

// operators is the list as read from the store, with who was at the desk last.
type operators struct {
	ops  []store.Operator
	last uint64
	pins map[uint64]bool
	err  error
}

func readOperators(db *store.DB) operators {
	ops, err := db.Operators()
	pins, perr := db.PINs()
	if err == nil {
		err = perr
	}
	return operators{ops, db.LastOperator(), pins, err}
}

// apply shows the operators read, the cursor on the last one chosen; the
// picker shows only active ones.
func (m *Model) apply(r operators) {
	if r.err != nil {
		m.err = r.err.Error()
		return
	}
	m.pins = r.pins
	m.ops = m.ops[:0]
	for _, o := range r.ops {
		if !m.picker || !o.Retired {
			m.ops = append(m.ops, o)
		}
	}
	m.list.SetLen(len(m.ops))
	m.selectID(r.last)
}

func (m *Model) selectID(id uint64) {
	for i, o := range m.ops {
		if o.ID == id {
			m.list.Select(i)
		}
	}
}

// id is the screen this model is, for routing its results.
func (m *Model) id() common.ScreenID {
	if m.picker {
		return common.PickerScreen
	}
	return common.SettingsScreen
}

// Init reads the operators again each time the screen is shown, and the
// office's signing key for its fingerprint.
func (m *Model) Init() tea.Cmd {
	if m.picker {
		return nil
	}
	db := m.ctx.Store
	return tea.Batch(
		common.Route(m.id(), func() tea.Msg { return readOperators(db) }),
		common.Route(m.id(), func() tea.Msg { return readFingerprint(db) }),
		common.Route(m.id(), func() tea.Msg { return readBackups(db.Path()) }),
	)
}

// fingerprint is the office's signing-key fingerprint as read.
type fingerprint struct {
	text string
	err  error
}

func readFingerprint(db *store.DB) fingerprint {
	s, err := db.Signer()
	if err != nil {
		return fingerprint{err: err}
	}
	return fingerprint{text: store.Fingerprint(s.Public)}
}

func (m *Model) Title() string {
	if m.picker {
		return "选择经办人"
	}
	return "设置"
}

func (m *Model) Capturing() bool { return m.edit != none }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetHeight(max(h-21, 2))
	m.oldList.SetHeight(max(h-6, 2))
	common.SizeInput(&m.yearsIn, 5, yearsHint)
	common.SizeInput(&m.input, w-20, nameHint)
	common.SizeInput(&m.keyIn, w-18, keyHint)
	common.SizeInput(&m.fileIn, w-18, fileHint)
	common.SizeInput(&m.copyIn, w-16, copyHint)
	common.SizeInput(&m.importIn, w-12, importHint)
}

// change is what a save did; saved carries its result back.
type change int

const (
	added change = iota
	renamed
	retired
	chosen
	keySet   // the receiving office's key set or cleared
	copySet  // the second backup location set or cleared
	pinSet   // the desk operator's PIN set, changed or cleared
	yearsSet // the review's number of years
)

type saved struct {
	change   change
	o        store.Operator
	list     operators // read again after the change
	receiver string    // the receiving office's key as saved ("" cleared)
	copyDir  string    // the second backup location as saved ("" cleared)
	years    int       // the review's years as saved
	err      error
}

// save runs a change to the operators in a command and reads the list again.
func (m *Model) save(c change, write func(db *store.DB) (store.Operator, error)) tea.Cmd {
	m.busy = true
	return common.Save(m.id(), m.ctx.Store, func(db *store.DB) (tea.Msg, error) {
		o, err := write(db)
		if err != nil {
			return saved{change: c, err: err}, err
		}
		return saved{change: c, o: o, list: readOperators(db)}, nil
	})
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case operators:
		m.apply(msg)
		return m, nil
	case fingerprint:
		m.fingerprint = msg.text
		if msg.err != nil {
			m.fingerprint = "（无法读取：" + msg.err.Error() + "）"
		}
		return m, nil
	case backups:
		m.backups = msg
		return m, nil
	case saved:
		m.busy = false
		return m, m.afterSave(msg)
	case oldRead:
		if m.reviewing && msg.years == m.old.years {
			m.old = msg
			m.oldList.SetLen(len(msg.rows))
		}
		return m, nil
	}
	if cmd, ok := m.importMsg(msg); ok {
		return m, cmd
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || m.busy {
		return m, nil
	}
	if m.edit != none {
		return m, m.editKey(km)
	}
	m.err = ""
	if m.reviewing {
		return m, m.reviewKey(km)
	}
	if m.imp.stage != importOff {
		return m, m.importKey(km)
	}
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		if m.picker {
			return m, m.choose()
		}
		return m, common.GoBack
	case key.Matches(km, k.Choose):
		return m, m.choose()
	case key.Matches(km, k.Profile) && !m.picker:
		return m, common.NavigateTo(common.ProfileScreen)
	case key.Matches(km, k.Add):
		m.edit = adding
		m.input.SetValue("")
		return m, m.input.Focus()
	case key.Matches(km, k.Rename) && len(m.ops) > 0 && !m.picker:
		m.edit = renaming
		m.input.SetValue(m.ops[m.list.Cursor()].Name)
		m.input.CursorEnd()
		return m, m.input.Focus()
	case key.Matches(km, k.Retire) && len(m.ops) > 0 && !m.picker:
		return m, m.toggleRetired()
	case key.Matches(km, k.Receiver) && !m.picker:
		return m, m.editReceiver()
	case key.Matches(km, k.BackupCopy) && !m.picker:
		return m, m.editBackupCopy()
	case key.Matches(km, k.PIN) && !m.picker:
		return m, m.editPIN()
	case key.Matches(km, k.Review) && !m.picker:
		return m, m.openReview(m.ctx.Profile.RetentionYearsOr())
	case key.Matches(km, k.Import) && !m.picker:
		return m, m.openImport()
	default:
		m.list.Update(km)
	}
	return m, nil
}

func (m *Model) choose() tea.Cmd {
	if len(m.ops) == 0 {
		m.err = "还没有经办人，请按 n 添加。"
		return nil
	}
	o := m.ops[m.list.Cursor()]
	if o.Retired {
		m.err = "“" + o.Name + "”已停用，不能作为当前经办人。按 x 恢复后再选。"
		return nil
	}
	return m.save(chosen, func(db *store.DB) (store.Operator, error) { return o, db.SetLastOperator(o.ID) })
}

func (m *Model) toggleRetired() tea.Cmd {
	o := m.ops[m.list.Cursor()]
	if !o.Retired && o.ID == m.ctx.Operator.ID {
		m.err = "不能停用当前经办人。请先把别人设为当前经办人。"
		return nil
	}
	by := m.ctx.Operator
	return m.save(retired, func(db *store.DB) (store.Operator, error) { return db.SetOperatorRetired(by, o.ID, !o.Retired) })
}

// afterSave shows what a change did, or why it was not saved.
func (m *Model) afterSave(msg saved) tea.Cmd {
	o, err := msg.o, msg.err
	var fe *store.FieldError
	switch {
	case err != nil && (msg.change == keySet || msg.change == copySet || msg.change == pinSet || msg.change == yearsSet):
		m.err = err.Error()
		return nil
	case errors.As(err, &fe):
		m.err = fe.Msg
		return nil
	case err != nil && msg.change == retired:
		m.err = err.Error()
		return nil
	case err != nil:
		return common.Fail(err)
	}
	profileChanged := func() tea.Msg { return common.ProfileChanged{} }
	switch msg.change {
	case keySet:
		return m.afterKeySet(msg, profileChanged)
	case copySet:
		return m.afterCopySet(msg, profileChanged)
	case yearsSet:
		return m.afterYears(msg, profileChanged)
	}
	m.apply(msg.list)
	switch msg.change {
	case pinSet:
		return m.afterPIN(o, profileChanged)
	case chosen:
		picked := func() tea.Msg { return common.OperatorChosen{AtStart: m.picker} }
		return tea.Batch(picked, common.Info("当前经办人："+o.Name), common.GoBack)
	case retired:
		m.selectID(o.ID)
		if o.Retired {
			return common.Info(o.Name + " 已停用；其经办的记录保持不变。")
		}
		return common.Info(o.Name + " 已恢复。")
	}
	m.edit = none
	m.input.Blur()
	m.selectID(o.ID)
	return tea.Batch(profileChanged, common.Info("已保存经办人："+o.Name))
}

func (m *Model) editKey(km tea.KeyMsg) tea.Cmd {
	switch m.edit {
	case receiver:
		return m.receiverKey(km)
	case backupCopy:
		return m.copyKey(km)
	case pinEntry:
		return m.pinKey(km)
	case years:
		return m.yearsKey(km)
	case importFile:
		return m.importFileKey(km)
	}
	switch {
	case key.Matches(km, m.keys.Cancel):
		m.edit = none
		m.input.Blur()
		m.err = ""
		return nil
	case key.Matches(km, m.keys.Confirm):
		name, by := m.input.Value(), m.ctx.Operator
		if m.edit == adding {
			return m.save(added, func(db *store.DB) (store.Operator, error) { return db.AddOperator(by, name) })
		}
		id := m.ops[m.list.Cursor()].ID
		return m.save(renamed, func(db *store.DB) (store.Operator, error) { return db.RenameOperator(by, id, name) })
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(km)
	return cmd
}

func (m *Model) View() string {
	if m.reviewing {
		return m.reviewView()
	}
	if m.imp.stage != importOff {
		return m.importView()
	}
	s := m.ctx.Styles
	var b strings.Builder
	line := func(str string) { b.WriteString(common.Truncate(common.Display(str), m.width) + "\n") }
	if m.edit == pinEntry {
		m.pinLines(line)
		return b.String()
	}
	if m.picker {
		line(s.Title.Render("请选择坐在窗口的经办人（本次开具的证明、登记都记在其名下）："))
	} else {
		p := m.ctx.Profile
		line(s.Title.Render("社区信息") + s.Dim.Render("（按 e 修改）"))
		line("  " + p.CommitteeName())
		line(fmt.Sprintf("  %s %s  %s", p.CountyName, p.CountyCode, p.Street))
		line(fmt.Sprintf("  证明编号前缀：%s    联系电话：%s    窗口号：%d", orNone(p.SerialPrefix), orNone(p.Phone), p.StationNo()))
		line("  数据文件：" + m.path)
		line("")
		m.exportLines(line)
		m.privacyLine(line)
		line("")
		switch m.edit {
		case receiver:
			m.receiverLines(line)
			return b.String()
		case backupCopy:
			m.copyLines(line)
			m.stateLines(line)
			return b.String()
		}
		m.backupLines(line)
		line(s.Title.Render("导入旧台账") + "  按 z 从 Excel 或 CSV 导入以前的证明登记" + s.Dim.Render("（先试运行）"))
		line("")
		line(s.Title.Render("经办人") + s.Dim.Render("（停用的经办人保留在记录中，不能删除）"))
	}
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string {
		o := m.ops[i]
		state := "在岗"
		if o.Retired {
			state = "已停用"
		}
		if m.pins[o.ID] {
			state += "  已设 PIN"
		}
		cur := ""
		if o.ID == m.ctx.Operator.ID {
			cur = "  <- 当前经办人"
		}
		return fmt.Sprintf(" %s %s%s", common.Pad(common.Display(o.Name), 12), state, cur)
	}))
	b.WriteString("\n")
	switch m.edit {
	case adding:
		line(s.Label.Render("新经办人姓名：") + m.input.View())
	case renaming:
		line(s.Label.Render("改为：") + m.input.View())
	}
	if m.busy {
		line(s.Dim.Render(common.SavingText))
	}
	if m.err != "" {
		line(s.Error.Render(m.err))
	}
	return b.String()
}

// privacyLine is the desk operator's PIN and the review, on one line.
func (m *Model) privacyLine(line func(string)) {
	s := m.ctx.Styles
	pin := "未设置（按 d 设置）"
	if m.hasPIN() {
		pin = "已设置（按 d 修改）"
	}
	line(s.Title.Render("隐私") + "  PIN：" + pin + fmt.Sprintf("  早于 %d 年的记录：按 f 复核", m.ctx.Profile.RetentionYearsOr()))
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.edit == receiver, m.edit == pinEntry:
		return []key.Binding{k.NextField, k.Confirm, k.Cancel}
	case m.reviewing && m.edit == none:
		return []key.Binding{k.Select, k.Profile, k.Back}
	case m.imp.stage == importReview && m.edit == none:
		return []key.Binding{k.Yes, k.Back}
	case m.imp.stage != importOff && m.edit == none:
		return []key.Binding{k.Back}
	}
	if m.edit != none {
		return []key.Binding{k.Confirm, k.Cancel}
	}
	if m.picker {
		return []key.Binding{k.Select, k.Choose, k.Add}
	}
	return []key.Binding{k.Choose, k.Add, k.Rename, k.Retire, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch {
	case m.edit == receiver, m.edit == pinEntry:
		return [][]key.Binding{{k.NextField, k.PrevField, k.Confirm, k.Cancel}}
	case m.edit != none:
		return [][]key.Binding{{k.Confirm, k.Cancel}}
	case m.picker:
		return [][]key.Binding{{k.Choose, k.Add}, k.Move.FullHelp()}
	case m.reviewing:
		return [][]key.Binding{{k.Profile, k.Back}, k.Move.FullHelp()}
	case m.imp.stage != importOff:
		return [][]key.Binding{{k.Yes, k.Import, k.Back}}
	}
	return [][]key.Binding{{k.Choose, k.Add, k.Rename, k.Retire, k.Profile, k.Receiver, k.BackupCopy, k.PIN, k.Review, k.Import, k.Back}, k.Move.FullHelp()}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
