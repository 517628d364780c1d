package settings

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/common"
)

// The PIN of the operator at the desk: set (typed twice), changed or
// cleared (both new fields left empty), the current one asked first when
// there is one. Hashing runs in the save's command.

// hasPIN reports whether the operator at the desk has a PIN.
func (m *Model) hasPIN() bool { return m.pins[m.ctx.Operator.ID] }

func (m *Model) editPIN() tea.Cmd {
	if m.ctx.Operator.ID == 0 {
		m.err = "还没有当前经办人。请先选择经办人（Enter），再设置 PIN。"
		return nil
	}
	m.edit = pinEntry
	n := 2
	if m.hasPIN() {
		n = 3
	}
	m.pinIn = make([]textinput.Model, n)
	for i := range m.pinIn {
		in := common.NewInput(m.ctx.Styles, "")
		in.EchoMode, in.EchoCharacter = textinput.EchoPassword, '*'
		in.CharLimit = store.MaxPINLen + 4
		common.SizeInput(&in, store.MaxPINLen+4, "")
		m.pinIn[i] = in
	}
	return m.focusPIN(0)
}

func (m *Model) focusPIN(i int) tea.Cmd {
	m.pinIn[m.pinFocus].Blur()
	m.pinFocus = (i + len(m.pinIn)) % len(m.pinIn)
	return m.pinIn[m.pinFocus].Focus()
}

// pinKey: Enter goes to the next field and, on the last, saves.
func (m *Model) pinKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(km, k.Cancel):
		m.edit, m.err = none, ""
		return nil
	case key.Matches(km, k.Confirm) && m.pinFocus == len(m.pinIn)-1:
		return m.savePIN()
	case key.Matches(km, k.NextField):
		return m.focusPIN(m.pinFocus + 1)
	case key.Matches(km, k.PrevField):
		return m.focusPIN(m.pinFocus - 1)
	}
	m.err = ""
	var cmd tea.Cmd
	m.pinIn[m.pinFocus], cmd = m.pinIn[m.pinFocus].Update(km)
	return cmd
}

func (m *Model) savePIN() tea.Cmd {
	n := len(m.pinIn)
	current, pin, again := "", m.pinIn[n-2].Value(), m.pinIn[n-1].Value()
	if n == 3 {
		current = m.pinIn[0].Value()
	}
	restart := func(msg string) tea.Cmd {
		m.err = msg
		m.pinIn[n-2].SetValue("")
		m.pinIn[n-1].SetValue("")
		return m.focusPIN(n - 2)
	}
	switch {
	case pin != again:
		return restart("两次输入的新 PIN 不一样，请重新输入。")
	case pin == "" && !m.hasPIN():
		return restart("请输入 4 到 8 位数字作为 PIN，两栏相同。")
	}
	if pin != "" {
		if _, err := store.NormalizePIN(pin); err != nil {
			return restart(err.Error())
		}
	}
	by := m.ctx.Operator
	return m.save(pinSet, func(db *store.DB) (store.Operator, error) {
		return by, db.SetPIN(by, by.ID, current, pin)
	})
}

// afterPIN closes the entry and says what the PIN does from now on.
func (m *Model) afterPIN(o store.Operator, profileChanged tea.Cmd) tea.Cmd {
	m.edit = none
	text := "已为" + o.Name + "设置 PIN：以后启动台账、按 Ctrl+L 锁屏或 10 分钟无操作后，都要输入 PIN。"
	if !m.hasPIN() {
		text = "已取消" + o.Name + "的 PIN：启动和锁屏不再要求输入。"
	}
	return tea.Batch(profileChanged, common.Info(text))
}

// pinLines are the PIN entry.
func (m *Model) pinLines(line func(string)) {
	s := m.ctx.Styles
	name := m.ctx.Operator.Name
	line(s.Title.Render("设置 PIN") + s.Dim.Render("（当前经办人："+name+"）"))
	line("")
	labels := []string{"新 PIN：", "再输一次："}
	if len(m.pinIn) == 3 {
		labels = append([]string{"当前 PIN："}, labels...)
	}
	for i, in := range m.pinIn {
		mark, st := "  ", s.Label
		if i == m.pinFocus {
			mark, st = "> ", s.Focused
		}
		line(mark + st.Render(common.Pad(labels[i], 12)) + "[" + in.View() + "]")
	}
	if m.busy {
		line(s.Dim.Render(common.SavingText))
	}
	if m.err != "" {
		line(s.Error.Render(m.err))
	}
	line("")
	notes := []string{"4 到 8 位数字。设置后，启动台账、按 Ctrl+L 锁屏或 10 分钟无操作后，都要输入 PIN 才能继续。"}
	if len(m.pinIn) == 3 {
		notes = append(notes, "要取消 PIN：填当前 PIN，新 PIN 两栏都空着，按 Enter。")
	}
	notes = append(notes, "PIN 只挡住坐到这台电脑前的人，数据文件本身并不加密。忘记 PIN：在这台电脑上运行 taizhang operator --reset-pin "+name+"（会记入台账）。")
	for _, n := range notes {
		for _, l := range common.Wrap(n, m.width-4) {
			line("  " + s.Dim.Render(l))
		}
	}
}
