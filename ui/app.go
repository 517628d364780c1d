// Package ui is the terminal program: a root model that routes keys to the
// active screen, draws the header and the help bar, and switches screens.
package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	check "taizhang/store/deskcheck"
	"taizhang/ui/admission"
	"taizhang/ui/certs"
	"taizhang/ui/common"
	"taizhang/ui/deskcheck"
	"taizhang/ui/export"
	"taizhang/ui/home"
	"taizhang/ui/lists"
	"taizhang/ui/lock"
	"taizhang/ui/refusals"
	"taizhang/ui/settings"
	"taizhang/ui/setup"
)

// Version is the program's version as the bundles' manifests name it; the
// command sets it before New.
var Version = "dev"

// App is the root model.
type App struct {
	ctx      *common.Context
	screens  map[common.ScreenID]common.Screen
	active   common.ScreenID
	showHelp bool
	ask      *common.AskClock // a clock warning waiting for Y/N
	status   common.Status
	width    int
	height   int
	// dailyBackup: Init takes the day's backup (off in most tests).
	dailyBackup bool
	// home is where Esc from a screen leads; office names a receiving
	// office's program in the header (NewAggregate).
	home   common.ScreenID
	office string
	// The lock (package lock) covers every screen while locked: at start,
	// on Ctrl+L and after IdleLock without a key, when the operator at the
	// desk has a PIN (pin). One timer at a time watches the idle desk.
	lock       *lock.Model
	locked     bool
	pin        bool
	lastActive time.Time
	idleArmed  bool
	timer      func(time.Duration, tea.Msg) tea.Cmd
}

// IdleLock is how long the desk may be left alone before the program
// locks, when the operator at the desk has a PIN.
const IdleLock = 10 * time.Minute

// idleTick is the idle timer's message.
type idleTick struct{}

func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// New wires the screens. now may be nil (the ledger's clock); either way
// the screens read Beijing time.
func New(db *store.DB, cat *assets.Catalog, now func() time.Time) *App {
	if now == nil {
		now = db.Now
	}
	clock := now
	now = func() time.Time { return clock().In(store.Beijing) }
	ctx := &common.Context{
		Store: db, Catalog: cat, Checker: check.New(cat), Styles: common.DefaultStyles(), Keys: common.DefaultKeys(), Now: now,
	}
	a := &App{ctx: ctx, width: 80, height: 24, home: common.HomeScreen, lock: lock.New(ctx), timer: tick, dailyBackup: true}
	first := a.reload() != nil
	a.screens = map[common.ScreenID]common.Screen{
		common.HomeScreen: home.New(ctx, []home.Entry{
			{Key: "1", Name: "清单", Desc: "四个法定清单、依据与政策原文，可搜索", To: common.ListsScreen},
			{Key: "2", Name: "证明", Desc: "开具、查找、打印、作废、更正证明", To: common.CertsScreen},
			{Key: "3", Name: "拒绝", Desc: "登记拒绝出具的请求", To: common.RefusalsScreen},
			{Key: "4", Name: "准入核查", Desc: "对方要求的事，社区是否应当承担", To: common.CheckScreen},
			{Key: "5", Name: "准入审批", Desc: "部门工作进社区准入审批表：起草、报送、意见、打印", To: common.AdmitScreen},
			{Key: "6", Name: "导出", Desc: "月度导出：把一个月的台账写到U盘，交街道或县里", To: common.ExportScreen},
			{Key: "9", Name: "设置", Desc: "社区信息、经办人、导出密钥", To: common.SettingsScreen},
		}),
		common.ListsScreen:    lists.New(ctx),
		common.CertsScreen:    certs.New(ctx),
		common.RefusalsScreen: refusals.New(ctx),
		common.CheckScreen:    deskcheck.New(ctx),
		common.AdmitScreen:    admission.New(ctx),
		common.ExportScreen:   export.New(ctx, export.Options{Run: export.Bundle(Version)}),
		common.SettingsScreen: settings.New(ctx),
		common.ProfileScreen:  setup.New(ctx, false),
	}
	a.active = common.HomeScreen
	switch {
	case first:
		a.screens[common.SetupScreen] = setup.New(ctx, true)
		a.active = common.SetupScreen
	case a.activeOperators() > 1:
		a.screens[common.PickerScreen] = settings.NewPicker(ctx)
		a.active = common.PickerScreen
	case a.pin:
		a.locked = true
	}
	return a
}

// activeOperators counts who may be chosen at the desk.
func (a *App) activeOperators() int {
	ops, _ := a.ctx.Store.Operators()
	n := 0
	for _, o := range ops {
		if !o.Retired {
			n++
		}
	}
	return n
}

// reload reads the profile and the operator at the desk into the context.
func (a *App) reload() error {
	p, err := a.ctx.Store.Profile()
	if err != nil {
		return err
	}
	a.ctx.Profile = p
	if id := a.ctx.Store.LastOperator(); id != 0 {
		if o, err := a.ctx.Store.Operator(id); err == nil {
			a.ctx.Operator = o
		}
	}
	a.pin = a.ctx.Operator.ID != 0 && a.ctx.Store.HasPIN(a.ctx.Operator.ID)
	return nil
}

// Init starts the first screen and, in the background, the ledger check
// and the day's backup, whose results the home screen shows.
func (a *App) Init() tea.Cmd {
	if a.ctx.Store == nil { // a receiving office's program
		return a.screens[a.active].Init()
	}
	a.lastActive = a.ctx.Now()
	guard := a.armIdle()
	if a.locked {
		guard = a.lock.Lock()
	}
	return tea.Batch(a.screens[a.active].Init(), home.CheckLedger(a.ctx.Store), a.backup(), guard)
}

// backup is the day's backup, unless tests turned it off (it writes beside
// the data file while a test may be removing its folder).
func (a *App) backup() tea.Cmd {
	if !a.dailyBackup {
		return nil
	}
	return home.DailyBackup(a.ctx.Store, a.ctx.Profile)
}

// reread takes a changed profile or desk into the context.
func (a *App) reread() {
	if err := a.reload(); err != nil {
		a.status = common.Status{Text: err.Error(), Err: true}
	}
	if a.active == common.SetupScreen {
		a.active = common.HomeScreen
	}
	delete(a.screens, common.SetupScreen)
}

// lockNow covers the screens until the desk operator's PIN is given.
func (a *App) lockNow() tea.Cmd {
	a.locked, a.showHelp = true, false
	a.lock.SetSize(a.bodySize())
	return a.lock.Lock()
}

// unlocked: the right PIN was given; the idle timer starts again.
func (a *App) unlocked() tea.Cmd {
	a.locked = false
	a.lastActive = a.ctx.Now()
	return a.armIdle()
}

// armIdle starts the idle timer, unless one runs or nothing would lock: it
// fires when IdleLock has passed since the last key, as far as is known now.
func (a *App) armIdle() tea.Cmd {
	if !a.pin || a.locked || a.idleArmed {
		return nil
	}
	a.idleArmed = true
	left := IdleLock - a.ctx.Now().Sub(a.lastActive)
	if left <= 0 || left > IdleLock { // the PC clock moved
		left = IdleLock
	}
	return a.timer(left, idleTick{})
}

// idle: the timer fired. The desk locks if no key came for IdleLock;
// otherwise the timer runs again for what is left.
func (a *App) idle() tea.Cmd {
	a.idleArmed = false
	if !a.pin || a.locked {
		return nil
	}
	if a.ctx.Now().Sub(a.lastActive) >= IdleLock {
		return a.lockNow()
	}
	return a.armIdle()
}

// Update handles a message; when the status line grows or shrinks (a
// message of two lines, then none) the active screen is given the new size.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	rows := a.statusRows()
	cmd := a.update(msg)
	if a.statusRows() != rows {
		if scr, ok := a.screens[a.active]; ok {
			scr.SetSize(a.bodySize())
		}
	}
	return a, cmd
}

func (a *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		for _, s := range a.screens {
			s.SetSize(a.bodySize())
		}
		a.lock.SetSize(a.bodySize())
		return nil
	case common.ForScreen:
		return a.deliver(msg.To, msg.Msg)
	case common.AskClock:
		a.ask = &msg
		return nil
	case common.Navigate:
		return a.show(msg.To)
	case common.NavigateWith:
		cmd := a.show(msg.To)
		if a.active != msg.To {
			return cmd
		}
		return tea.Batch(cmd, a.deliver(msg.To, msg.Msg))
	case common.Back:
		if a.active == common.ProfileScreen {
			return a.show(common.SettingsScreen)
		}
		if a.active == common.PickerScreen {
			delete(a.screens, common.PickerScreen)
		}
		return a.show(a.home)
	case common.Status:
		a.status = msg
		return nil
	case common.ProfileChanged:
		a.reread()
		return a.armIdle()
	case common.OperatorChosen:
		desk := a.ctx.Operator.ID
		a.reread()
		if a.pin && (msg.AtStart || desk != a.ctx.Operator.ID) { // who sits down gives their PIN
			return a.lockNow()
		}
		return a.armIdle()
	case lock.Checked:
		_, cmd := a.lock.Update(msg)
		if a.locked && a.lock.Unlocked() {
			return tea.Batch(cmd, a.unlocked())
		}
		return cmd
	case idleTick:
		return a.idle()
	case tea.KeyMsg:
		if a.ctx.Store != nil {
			a.lastActive = a.ctx.Now()
		}
		return a.handleKey(msg)
	}
	return a.forward(msg)
}

// handleKey: Ctrl+C always quits; the help overlay takes the next key; the
// root's letters wait while a text field has focus; the rest goes to the
// active screen.
func (a *App) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := a.ctx.Keys
	// Ctrl+C is a control key; runes that spell "ctrl+c" are text.
	if msg.Type != tea.KeyRunes && key.Matches(msg, k.ForceQuit) {
		return tea.Quit
	}
	if a.locked {
		return a.lockKey(msg)
	}
	if key.Matches(msg, k.Lock) && a.ctx.Store != nil {
		if !a.pin {
			a.status = common.Status{Text: "当前经办人没有设置 PIN，不能锁屏。请到“设置”中按 d 设置 PIN。", Err: true}
			return nil
		}
		return a.lockNow()
	}
	if a.ask != nil {
		return a.answerClock(msg)
	}
	if a.showHelp {
		a.showHelp = false
		return nil
	}
	a.status = common.Status{}
	scr := a.screens[a.active]
	// Runes that arrive together (fast typing, an input method committing a
	// word, a paste) come as one message. A screen that is not taking text
	// sees them one key at a time, so "/居住" opens the search and types 居住.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !scr.Capturing() {
		var cmds []tea.Cmd
		for i, r := range msg.Runes {
			if a.screens[a.active].Capturing() {
				rest := msg
				rest.Runes = msg.Runes[i:]
				cmds = append(cmds, a.forward(rest))
				break
			}
			cmds = append(cmds, a.handleKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	// F1 opens the help from a text field too, where ? is typed.
	if msg.Type == tea.KeyF1 {
		a.showHelp = true
		return nil
	}
	if !scr.Capturing() {
		switch {
		case key.Matches(msg, k.Help):
			a.showHelp = true
			return nil
		case key.Matches(msg, k.Quit):
			return tea.Quit
		}
	}
	return a.forward(msg)
}

// lockKey: while locked every key goes to the lock screen (F1 opens its
// help).
func (a *App) lockKey(msg tea.KeyMsg) tea.Cmd {
	if a.showHelp {
		a.showHelp = false
		return nil
	}
	if msg.Type == tea.KeyF1 {
		a.showHelp = true
		return nil
	}
	_, cmd := a.lock.Update(msg)
	return cmd
}

// answerClock takes the answer to a clock warning: only Y saves, Esc gives
// the screen the refusal; every other key (Enter too) waits.
func (a *App) answerClock(msg tea.KeyMsg) tea.Cmd {
	ask := a.ask
	switch {
	case key.Matches(msg, a.ctx.Keys.Yes):
		a.ask = nil
		return ask.Retry
	case key.Matches(msg, a.ctx.Keys.Back):
		a.ask = nil
		refused := ask.Refused
		return func() tea.Msg { return refused }
	}
	return nil
}

// clockLines is the clock warning drawn over the bottom of the screen.
func (a *App) clockLines() []string {
	s := a.ctx.Styles
	var lines []string
	for _, l := range common.Wrap(common.Display(a.ask.Err.Error()), a.width-2) {
		lines = append(lines, " "+s.Warn.Render(l))
	}
	for _, l := range common.Wrap(common.ClockQuestion, a.width-2) {
		lines = append(lines, " "+s.Label.Render(l))
	}
	return lines
}

func (a *App) forward(msg tea.Msg) tea.Cmd { return a.deliver(a.active, msg) }

// deliver hands msg to screen id, shown or not; a screen that is gone (the
// first-run setup after it saved) gets nothing.
func (a *App) deliver(id common.ScreenID, msg tea.Msg) tea.Cmd {
	scr, ok := a.screens[id]
	if !ok {
		return nil
	}
	scr, cmd := scr.Update(msg)
	a.screens[id] = scr
	return cmd
}

func (a *App) show(id common.ScreenID) tea.Cmd {
	if id == common.HomeScreen && a.ctx.Profile.Community == "" {
		id = common.SetupScreen
	}
	scr, ok := a.screens[id]
	if !ok {
		a.status = common.Status{Text: fmt.Sprintf("找不到界面 %q，已留在当前界面。", id), Err: true}
		return nil
	}
	a.active = id
	scr.SetSize(a.bodySize())
	return scr.Init()
}

// bodySize is what a screen gets: the window less header, status and help.
func (a *App) bodySize() (int, int) { return a.width, max(a.height-2-a.statusRows(), 1) }

// maxStatusRows is the most lines a message takes; a longer one is cut.
const maxStatusRows = 3

// statusRows is the lines the status takes: one, or as many as the message
// needs when it is longer than the window is wide (a printout's path).
func (a *App) statusRows() int { return max(len(a.statusText()), 1) }

func (a *App) statusText() []string {
	if a.status.Text == "" || a.locked { // a message may name a record
		return nil
	}
	lines := common.Wrap(common.Display(a.status.Text), max(a.width-1, 10))
	if len(lines) > maxStatusRows {
		lines[maxStatusRows-1] = common.Truncate(strings.Join(lines[maxStatusRows-1:], ""), max(a.width-1, 10))
		lines = lines[:maxStatusRows]
	}
	return lines
}

func (a *App) View() string {
	scr := a.screens[a.active]
	if a.locked {
		scr = a.lock
	}
	w, h := a.bodySize()
	var body string
	if a.showHelp {
		body = a.fullHelp(scr)
	} else {
		body = scr.View()
	}
	if a.ask != nil && !a.locked {
		ask := a.clockLines()
		body = fit(body, w, max(h-len(ask)-1, 0)) + "\n\n" + strings.Join(ask, "\n")
	}
	return a.header(scr) + "\n" + fit(body, w, h) + "\n" + a.statusLine() + "\n" + a.helpLine(scr)
}

func (a *App) header(scr common.Screen) string {
	s := a.ctx.Styles
	left := " 台账"
	if c := a.ctx.Profile.Community; (c != "" || a.office != "") && !a.locked {
		left += " | " + common.Display(c+a.office)
	}
	left += " | " + scr.Title()
	right := store.ChineseDate(a.ctx.Now()) + " "
	gap := a.width - common.Width(left) - common.Width(right)
	if gap < 1 {
		return s.Header.Render(common.Pad(left, a.width))
	}
	return s.Header.Render(left + strings.Repeat(" ", gap) + right)
}

func (a *App) statusLine() string {
	s := a.ctx.Styles
	st := s.OK
	if a.status.Err {
		st = s.Error
	}
	lines := a.statusText()
	for i, l := range lines {
		lines[i] = st.Render(" " + l)
	}
	return strings.Join(lines, "\n")
}

// helpLine is the bottom line: the screen's keys, whole, as many as fit,
// then always the key to the full list (? or, in a text field, F1), and q
// when there is room. A key that does not fit is left out, never cut.
func (a *App) helpLine(scr common.Screen) string {
	k := a.ctx.Keys
	keys := scr.ShortHelp()
	if a.ask != nil && !a.locked {
		keys = []key.Binding{k.Yes, k.Back}
	}
	help := a.helpKey(scr)
	item := func(b key.Binding) string {
		return a.ctx.Styles.Key.Render(b.Help().Key) + " " + a.ctx.Styles.Help.Render(b.Help().Desc)
	}
	width := func(b key.Binding) int { return common.Width(b.Help().Key) + 1 + common.Width(b.Help().Desc) }
	var parts []string
	used := width(help)
	for _, b := range keys {
		if !common.Shown(b) || b.Help().Key == help.Help().Key {
			continue
		}
		if used+width(b)+2 > a.width {
			continue
		}
		parts = append(parts, item(b))
		used += width(b) + 2
	}
	parts = append(parts, item(help))
	if !scr.Capturing() && used+width(k.Quit)+2 <= a.width {
		parts = append(parts, item(k.Quit))
	}
	return common.Truncate(strings.Join(parts, "  "), a.width)
}

// helpKey is how the help is opened on this screen now: ? or, while a text
// field takes the letters, F1.
func (a *App) helpKey(scr common.Screen) key.Binding {
	help := a.ctx.Keys.Help
	if scr.Capturing() {
		help.SetHelp("F1", help.Help().Desc)
	}
	return help
}

func (a *App) fullHelp(scr common.Screen) string {
	s := a.ctx.Styles
	k := a.ctx.Keys
	// Esc is the screen's own (返回, 取消, 清空/返回); q only where it quits.
	global := []key.Binding{a.helpKey(scr), k.ForceQuit}
	if !scr.Capturing() {
		global = []key.Binding{a.helpKey(scr), k.Quit, k.ForceQuit}
	}
	if a.pin && !a.locked {
		global = append(global, k.Lock)
	}
	groups := append(scr.FullHelp(), global)
	w, h := a.bodySize()
	// One column if it fits, else two side by side; a key is listed once.
	var entries []string
	listed := map[string]bool{}
	for _, g := range groups {
		if len(entries) > 0 && entries[len(entries)-1] != "" {
			entries = append(entries, "")
		}
		for _, b := range g {
			if !common.Shown(b) || listed[b.Help().Key] {
				continue
			}
			listed[b.Help().Key] = true
			entries = append(entries, s.Key.Render(common.Pad(b.Help().Key, 10))+s.Help.Render(b.Help().Desc))
		}
	}
	if len(entries) > 0 && entries[len(entries)-1] == "" {
		entries = entries[:len(entries)-1]
	}
	note := common.Wrap("输入框中字母键用于打字，按 F1 打开本页；Ctrl+C 随时退出，已保存的不会丢失。", w-2)
	room := h - 3 - len(note)
	cols := 1
	if len(entries) > room {
		cols = 2
	}
	colW := w/cols - 2
	left, right := entries, []string(nil)
	if cols == 2 {
		// Break between groups, as near the middle as there is one.
		split := (len(entries) + 1) / 2
		for d := 0; d < len(entries)/2; d++ {
			if i := split + d; i < len(entries) && entries[i] == "" {
				split = i
				break
			}
			if i := split - d; i > 0 && entries[i] == "" {
				split = i
				break
			}
		}
		left, right = entries[:split], entries[split:]
		if len(right) > 0 && right[0] == "" {
			right = right[1:]
		}
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(fmt.Sprintf("%s：全部按键（按任意键关闭）", scr.Title())) + "\n\n")
	for r := 0; r < max(len(left), len(right)); r++ {
		line := ""
		for _, col := range [][]string{left, right} {
			if r < len(col) {
				line += "  " + common.Pad(col[r], colW)
			} else {
				line += "  " + strings.Repeat(" ", colW)
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, l := range note {
		b.WriteString("\n  " + s.Dim.Render(l))
	}
	return b.String()
}

// fit pads or cuts the body to exactly h lines so the bars stay in place.
func fit(body string, w, h int) string {
	lines := strings.Split(body, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if common.Width(l) > w {
			lines[i] = common.Truncate(l, w)
		}
	}
	return strings.Join(lines, "\n")
}
