// Package lock is the lock screen: it covers the whole program (nothing of
// the ledger shows) until the operator at the desk gives their PIN. The
// root shows it at start, on Ctrl+L and after 10 idle minutes, when that
// operator has a PIN.
package lock

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/common"
)

// Checked is the answer to a PIN given: nil when it unlocks. The root
// hands it to the lock screen.
type Checked struct {
	op  uint64
	err error
}

// freeTries is how many wrong PINs in a row are answered at once; after
// them each check waits longer (Delay).
const freeTries = 3

// Delay is how long the check after wrong wrong PINs in a row waits
// before it runs: nothing for the first few, then 1, 2, 4 … seconds, at
// most a minute. Someone trying PINs at the desk gets slow; a worker who
// mistypes is not held up.
func Delay(wrong int) time.Duration {
	if wrong < freeTries {
		return 0
	}
	return min(time.Second<<min(wrong-freeTries, 6), time.Minute)
}

type keyMap struct{ Confirm, ForceQuit key.Binding }

// Model is the lock screen.
type Model struct {
	ctx      *common.Context
	keys     keyMap
	input    textinput.Model
	wrong    int  // wrong PINs in a row
	busy     bool // a check runs: keys wait
	unlocked bool
	msg      string
	width    int
	height   int
}

// New makes the lock screen; Lock starts each locking.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: keyMap{Confirm: ctx.Keys.Confirm, ForceQuit: ctx.Keys.ForceQuit}}
	m.input = common.NewInput(ctx.Styles, "")
	m.input.EchoMode = textinput.EchoPassword
	m.input.EchoCharacter = '*'
	m.input.CharLimit = store.MaxPINLen + 4 // room for spaces, which the PIN drops
	return m
}

// Lock starts a locking: the field empty and focused.
func (m *Model) Lock() tea.Cmd {
	m.unlocked, m.busy, m.msg = false, false, ""
	m.input.SetValue("")
	return m.input.Focus()
}

// Unlocked reports whether the right PIN was given.
func (m *Model) Unlocked() bool { return m.unlocked }

func (m *Model) Init() tea.Cmd   { return nil }
func (m *Model) Title() string   { return "已锁定" }
func (m *Model) Capturing() bool { return true }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	common.SizeInput(&m.input, store.MaxPINLen+4, "")
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	switch msg := msg.(type) {
	case Checked:
		m.busy = false
		m.input.SetValue("")
		var wrong *store.WrongPINError
		switch {
		case msg.op != m.ctx.Operator.ID: // the desk changed meanwhile
		case msg.err == nil:
			m.unlocked, m.wrong, m.msg = true, 0, ""
		case errors.As(msg.err, &wrong):
			m.wrong++
			m.msg = "PIN 不对，请重新输入。"
			if d := Delay(m.wrong); d > 0 {
				m.msg = fmt.Sprintf("PIN 不对。已连续输错 %d 次，下一次要等 %d 秒才核对。", m.wrong, int(d/time.Second))
			}
		default:
			m.msg = msg.err.Error()
		}
		return m, nil
	case tea.KeyMsg:
		if m.busy {
			return m, nil
		}
		if key.Matches(msg, m.keys.Confirm) {
			return m, m.check()
		}
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// check runs the PIN through argon2 in a command, after the wait the
// wrong tries so far call for.
func (m *Model) check() tea.Cmd {
	if strings.TrimSpace(m.input.Value()) == "" {
		m.msg = "请输入 PIN。"
		return nil
	}
	pin, err := store.NormalizePIN(m.input.Value())
	if err != nil {
		pin = m.input.Value() // counts as a wrong PIN, with its wait
	}
	m.busy, m.msg = true, ""
	db, op, wait := m.ctx.Store, m.ctx.Operator.ID, Delay(m.wrong)
	return func() tea.Msg {
		time.Sleep(wait)
		return Checked{op, db.CheckPIN(op, pin)}
	}
}

func (m *Model) View() string {
	s := m.ctx.Styles
	w := max(m.width-4, 10)
	var lines []string
	add := func(style func(...string) string, text string) {
		for _, l := range common.Wrap(common.Display(text), w) {
			lines = append(lines, "  "+style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	lines = append(lines, "")
	add(s.Title.Render, "台账已锁定")
	lines = append(lines, "")
	add(plain, "经办人："+m.ctx.Operator.Name)
	lines = append(lines, "  "+s.Label.Render("请输入 PIN：")+"["+m.input.View()+"]", "")
	switch {
	case m.busy && Delay(m.wrong) > 0:
		add(s.Dim.Render, fmt.Sprintf("正在核对（已连续输错 %d 次，先等 %d 秒）……", m.wrong, int(Delay(m.wrong)/time.Second)))
	case m.busy:
		add(s.Dim.Render, "正在核对……")
	case m.msg != "":
		add(s.Error.Render, m.msg)
	default:
		add(s.Dim.Render, "输入 PIN 后按 Enter。")
	}
	lines = append(lines, "")
	add(s.Dim.Render, "不是"+m.ctx.Operator.Name+"？请等本人解锁，或按 Ctrl+C 退出后重新打开台账再选经办人。")
	add(s.Dim.Render, "忘记 PIN：按 Ctrl+C 退出，在这台电脑上运行 taizhang operator --reset-pin "+m.ctx.Operator.Name+
		"（会记入台账），再打开台账，到“设置”中按 d 重新设置。")
	return strings.Join(lines, "\n")
}

func (m *Model) ShortHelp() []key.Binding  { return []key.Binding{m.keys.Confirm, m.keys.ForceQuit} }
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
func (m *Model) Keymap() []key.Binding     { return common.Bindings(m.keys) }
