// Package form is the one form component every record is typed into: a
// column of labelled fields (single-line text, a choice among options), Tab
// and Shift+Tab to move, Ctrl+S to save, Esc to leave (asking first when
// something was typed). After the last field stands the save button: Enter
// moves down to it and, on it, saves. Each field checks itself when left
// and all are checked on save; a field that is wrong says why under itself
// and keeps what was typed.
package form

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"taizhang/store"
	"taizhang/store/search"
	"taizhang/ui/common"
)

// Kind of field.
type Kind int

const (
	Text   Kind = iota // one line of text
	Choice             // one of Options; left/right to change, or type to find
	Area               // several lines that wrap; Enter starts a new line
)

// Option is one choice of a Choice field.
type Option struct {
	Value string // stored
	Label string // shown
}

// Field is one row of the form. Set its exported fields before New.
type Field struct {
	Key         string // the caller's name for it
	Label       string // Chinese label
	Required    bool
	Kind        Kind
	Placeholder string
	CharLimit   int
	Options     []Option
	// Match says whether a typed query selects an option (Choice fields);
	// nil means the labels are searched as text, by pinyin and initials
	// too (lz and luzhou find 潞州区), the best match first.
	Match func(query string, o Option) bool
	// Check validates the value; its error text is shown under the field.
	Check func(value string) error
	// Hint derives a note shown under a valid value (性别、出生日期 …).
	Hint func(value string) string
	// Conceal is how a value preset with SetValue shows (a correction's
	// ID number, masked) until the worker types in the field: the first
	// key there starts the field afresh. Left alone, the value is kept.
	Conceal func(string) string

	input  textinput.Model
	area   textarea.Model
	choice int           // selected option, -1 for none
	index  *search.Index // of the option labels, built on the first query (Match nil)
	err    string

	concealed bool // the preset value still shows as Conceal has it
}

// Keys of the form, from the one key table.
type Keys struct {
	Next, Prev, Switch, Save, Cancel, Yes, Enter key.Binding
}

func defaultKeys() Keys {
	k := common.DefaultKeys()
	return Keys{Next: k.NextField, Prev: k.PrevField, Switch: k.Switch, Save: k.Save, Cancel: k.Cancel, Yes: k.Yes, Enter: k.Open}
}

// Outcome is what the last key did to the form as a whole.
type Outcome int

const (
	Editing   Outcome = iota
	Submitted         // Ctrl+S with every field valid: read Values
	Cancelled         // Esc (confirmed if anything was typed)
)

// Model is the form.
type Model struct {
	Keys Keys
	// AllowIncomplete lets Ctrl+S save with required fields still empty (a
	// draft); what is typed is still checked.
	AllowIncomplete bool
	// SaveLabel is written on the save button (保存 when empty).
	SaveLabel string
	fields    []*Field
	focus     int // a field, or len(fields): the save button
	width     int
	height    int
	dirty     bool
	confirm   bool // asking whether to throw typed text away
	saving    bool // a save is running: keys wait
	outcome   Outcome
	styles    *common.Styles
	labelW    int
	topError  string
}

// maxLabelW is the widest label kept beside its field; a longer one (附件5
// has 划拨给社区的工作经费及相关保障) stands on its own line above the field.
const maxLabelW = 18

// pasteLimit is what a field with a CharLimit holds at most: well above
// every CharLimit, so that text pasted too long stays whole in the field
// and the check says how long it is, instead of being cut off unseen.
const pasteLimit = 5000

func holdLimit(charLimit int) int {
	if charLimit <= 0 {
		return 0
	}
	return max(charLimit, pasteLimit)
}

// New builds a form from its fields; values may be preset with SetValue.
func New(styles *common.Styles, fields ...*Field) Model {
	m := Model{Keys: defaultKeys(), fields: fields, styles: styles}
	for _, f := range fields {
		f.input = textinput.New()
		f.input.Prompt = ""
		f.input.Placeholder = common.Display(f.Placeholder)
		f.input.CharLimit = holdLimit(f.CharLimit)
		f.input.PlaceholderStyle = styles.Dim
		f.input.SetCursorMode(textinput.CursorStatic)
		f.choice = -1
		if f.Kind == Area {
			f.area = newArea(f, styles)
		}
		if w := common.Width(f.Label) + 2; w <= maxLabelW && f.Kind != Area {
			m.labelW = max(m.labelW, w)
		}
	}
	m.setFocus(0)
	return m
}

// SetSize gives the form its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	for _, f := range m.fields {
		common.SizeInput(&f.input, m.inputWidth()-1, f.Placeholder)
		if f.Kind == Area {
			f.area.SetWidth(max(m.width-4, 10))
		}
	}
}

func (m Model) inputWidth() int { return max(m.width-m.labelW-4, 8) }

// Field returns the field with the key.
func (m Model) Field(key string) *Field {
	for _, f := range m.fields {
		if f.Key == key {
			return f
		}
	}
	return nil
}

// SetValue presets a field (a Choice by option value) without marking the
// form as changed.
func (m *Model) SetValue(key, v string) {
	f := m.Field(key)
	if f == nil {
		return
	}
	if f.Kind == Choice {
		f.choice = -1
		for i, o := range f.Options {
			if o.Value == v {
				f.choice = i
			}
		}
		return
	}
	if f.Kind == Area {
		f.area.SetValue(v)
		return
	}
	f.input.SetValue(v)
	f.input.CursorEnd()
	f.concealed = f.Conceal != nil && v != ""
}

// Value of a field: the text typed, or the chosen option's Value.
func (f *Field) Value() string {
	if f.Kind == Choice {
		if f.choice < 0 || f.choice >= len(f.Options) {
			return ""
		}
		return f.Options[f.choice].Value
	}
	if f.Kind == Area {
		return f.area.Value()
	}
	return f.input.Value()
}

// Values maps every field's key to its value.
func (m Model) Values() map[string]string {
	out := make(map[string]string, len(m.fields))
	for _, f := range m.fields {
		out[f.Key] = f.Value()
	}
	return out
}

// SetError shows an error under a field, named by its key or by its label
// as the store's field errors name it, and moves the focus there.
func (m *Model) SetError(key, msg string) {
	for i, f := range m.fields {
		if f.Key == key || f.Label == key {
			f.err = msg
			m.setFocus(i)
			return
		}
	}
	m.topError = msg
}

// ShowStoreError puts a field error the store returned under its field and
// reports whether err was one; any other error is left to the caller.
func (m *Model) ShowStoreError(err error) bool {
	var fe *store.FieldError
	if !errors.As(err, &fe) {
		return false
	}
	m.SetError(fe.Field, fe.Msg)
	return true
}

// SetSaving marks the form busy while the caller's save command runs:
// it shows common.SavingText and ignores keys (a second Ctrl+S saves
// nothing twice). The caller clears it when the result arrives.
func (m *Model) SetSaving(on bool) { m.saving = on }

// Saving reports whether a save is running.
func (m Model) Saving() bool { return m.saving }

// Outcome of the last Update.
func (m Model) Outcome() Outcome { return m.outcome }

// setFocus moves to field i, or to the save button (len(fields)); Tab
// past the button comes back to the first field.
func (m *Model) setFocus(i int) {
	if len(m.fields) == 0 {
		return
	}
	n := len(m.fields) + 1
	i = (i + n) % n
	if f := m.focused(); f != nil && f.Kind == Area {
		f.area.Blur()
	} else if f != nil {
		f.input.Blur()
	}
	m.focus = i
	if i == len(m.fields) {
		return
	}
	if m.fields[i].Kind == Area {
		m.fields[i].area.Focus()
	} else {
		m.fields[i].input.Focus()
	}
}

// focused is the field with the focus, nil on the save button.
func (m Model) focused() *Field {
	if m.focus < len(m.fields) {
		return m.fields[m.focus]
	}
	return nil
}

// onButton reports whether the save button has the focus.
func (m Model) onButton() bool { return m.focus == len(m.fields) }

// check validates one field and records its error.
func (f *Field) check(allowEmpty bool) bool {
	v := strings.TrimSpace(f.Value())
	f.err = ""
	switch {
	case v == "" && f.Required && !allowEmpty:
		if f.Kind == Choice {
			f.err = "请选择" + f.Label + "。"
		} else {
			f.err = "必须填写。"
		}
	case f.CharLimit > 0 && textLen(v) > f.CharLimit:
		f.err = store.TooLong(textLen(v), f.CharLimit)
	case v != "" && f.Check != nil:
		if err := f.Check(f.Value()); err != nil {
			f.err = err.Error()
		}
	}
	return f.err == ""
}

// textLen counts characters as the store does: line breaks are not counted.
func textLen(s string) int { return utf8.RuneCountInString(s) - strings.Count(s, "\n") }

// Validate checks every field, focuses the first wrong one and reports
// whether all are valid.
func (m *Model) Validate() bool {
	first := -1
	for i, f := range m.fields {
		if !f.check(m.AllowIncomplete) && first < 0 {
			first = i
		}
	}
	if first >= 0 {
		m.setFocus(first)
	}
	return first < 0
}

// Update handles a message.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	m.outcome = Editing
	km, ok := msg.(tea.KeyMsg)
	if ok && km.Type == tea.KeyRunes && len(km.Runes) > 1 {
		// Characters that came in one read (fast typing, an input method
		// committing a word: the app hands a text field such a run whole)
		// are text even when they spell a key's name: "tab" or "end" typed
		// fast is neither Tab nor End, here or in bubbles' editors. Marked
		// as pasted, they match no key (bubbletea writes them "[tab]").
		km.Paste = true
		msg = km
	}
	if ok && m.saving {
		return m, nil
	}
	f := m.focused()
	if !ok {
		var cmd tea.Cmd
		switch {
		case f == nil:
		case f.Kind == Area:
			f.area, cmd = f.area.Update(msg)
		default:
			f.input, cmd = f.input.Update(msg)
		}
		return m, cmd
	}
	if m.confirm {
		// Only Y throws the typing away; Enter and Esc go back to the form.
		switch {
		case key.Matches(km, m.Keys.Yes):
			m.confirm = false
			m.outcome = Cancelled
		case key.Matches(km, m.Keys.Cancel), key.Matches(km, m.Keys.Enter):
			m.confirm = false
		}
		return m, nil
	}
	m.topError = ""
	if f != nil && f.Kind == Area && (km.Type == tea.KeyUp || km.Type == tea.KeyDown || km.Type == tea.KeyEnter) {
		return m, m.updateArea(f, km)
	}
	switch {
	case key.Matches(km, m.Keys.Save), f == nil && key.Matches(km, m.Keys.Enter):
		if m.Validate() {
			m.outcome = Submitted
		}
		return m, nil
	case key.Matches(km, m.Keys.Cancel):
		if m.dirty {
			m.confirm = true
		} else {
			m.outcome = Cancelled
		}
		return m, nil
	case key.Matches(km, m.Keys.Next):
		if f != nil {
			f.check(true)
		}
		m.setFocus(m.focus + 1)
		return m, nil
	case key.Matches(km, m.Keys.Prev):
		if f != nil {
			f.check(true)
		}
		m.setFocus(m.focus - 1)
		return m, nil
	case f == nil: // other keys do nothing on the button
		return m, nil
	}
	if f.Kind == Choice {
		return m, m.updateChoice(f, km)
	}
	if f.Kind == Area {
		return m, m.updateArea(f, km)
	}
	if f.concealed {
		f.concealed = false
		f.input.SetValue("")
		m.dirty, f.err = true, ""
		if km.Type == tea.KeyBackspace || km.Type == tea.KeyDelete {
			return m, nil
		}
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(km)
	if f.input.Value() != before {
		m.dirty = true
		f.err = ""
	}
	return m, cmd
}

func (m *Model) updateArea(f *Field, km tea.KeyMsg) tea.Cmd {
	before := f.area.Value()
	var cmd tea.Cmd
	f.area, cmd = f.area.Update(km)
	if f.area.Value() != before {
		m.dirty = true
		f.err = ""
	}
	return cmd
}

// find is the option a typed query selects: the first whose label holds
// the query as typed, else the first that Match accepts; without Match,
// the best match of the query among the labels (search ranks a label that
// begins with it, in characters or pinyin, before one that holds it).
func (f *Field) find(q string) int {
	if f.Match == nil {
		if f.index == nil {
			f.index = search.New(nil)
			for i, o := range f.Options {
				f.index.Add(uint64(i), search.Field{Text: o.Label, Kind: search.Text})
			}
		}
		if hits := f.index.Search(q, 1); len(hits) > 0 {
			return int(hits[0].ID)
		}
		return -1
	}
	for i, o := range f.Options {
		if strings.Contains(o.Label, q) {
			return i
		}
	}
	for i, o := range f.Options {
		if f.Match(q, o) {
			return i
		}
	}
	return -1
}

// updateChoice: left/right step through the options; typed text finds one.
func (m *Model) updateChoice(f *Field, km tea.KeyMsg) tea.Cmd {
	n := len(f.Options)
	if n == 0 {
		return nil
	}
	if key.Matches(km, m.Keys.Switch) {
		if km.Type == tea.KeyLeft {
			f.choice = (max(f.choice, 0) - 1 + n) % n
		} else {
			f.choice = (f.choice + 1) % n
		}
		f.input.SetValue("")
		m.dirty, f.err = true, ""
		return nil
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(km)
	q := strings.TrimSpace(f.input.Value())
	if q != before && q != "" {
		m.dirty = true
		if i := f.find(q); i >= 0 {
			f.choice, f.err = i, ""
		}
	}
	return cmd
}

// View draws the form, scrolled so the focused field is in view.
func (m Model) View() string {
	s := m.styles
	var lines []string
	focusLine := 0
	for i, f := range m.fields {
		if i == m.focus {
			focusLine = len(lines)
		}
		mark := "  "
		label := f.Label
		if f.Required {
			label += "*"
		}
		labelStyle := s.Label
		if i == m.focus {
			mark = "> "
			labelStyle = s.Focused
		}
		indent := strings.Repeat(" ", m.labelW+2)
		if f.Kind == Area {
			lines = append(lines, mark+labelStyle.Render(label))
			lines = append(lines, m.areaView(f, i == m.focus)...)
		} else {
			if common.Width(label) > m.labelW {
				lines = append(lines, mark+labelStyle.Render(label))
				lines = append(lines, indent+m.fieldView(f, i == m.focus))
			} else {
				lines = append(lines, mark+labelStyle.Render(common.Pad(label, m.labelW))+m.fieldView(f, i == m.focus))
			}
		}
		switch {
		case f.err != "":
			for _, l := range common.Wrap(common.Display(f.err), max(m.width-m.labelW-2, 10)) {
				lines = append(lines, indent+s.Error.Render(l))
			}
		case f.Hint != nil && f.Value() != "" && !f.concealed: // a hint may repeat the value
			if h := f.Hint(f.Value()); h != "" {
				hl := common.Wrap(common.Display(h), max(m.width-m.labelW-2, 10))
				if len(hl) > 2 {
					hl = append(hl[:1:1], common.Truncate(strings.Join(hl[1:], ""), max(m.width-m.labelW-2, 10)))
				}
				for _, l := range hl {
					lines = append(lines, indent+s.Dim.Render(l))
				}
			}
		}
	}
	lines = append(lines, "", m.buttonView())
	if m.onButton() {
		focusLine = len(lines) - 1
	}
	if m.topError != "" {
		lines = append(lines, "", s.Error.Render(common.Display(m.topError)))
	}
	if m.confirm {
		lines = append(lines, "", s.Warn.Render(Discard))
		focusLine = len(lines) - 1
	}
	if m.saving {
		lines = append(lines, "", s.Dim.Render(common.Display(common.SavingText)))
		focusLine = len(lines) - 1
	}
	return window(lines, focusLine, m.height)
}

// ConcealedHint follows a concealed value in its focused field.
const ConcealedHint = "不改请按 Tab；输入则重新填写"

// Discard is the question Esc asks when something was typed.
const Discard = "放弃已输入的内容吗？按 Y 放弃，按 Esc 继续填写。"

// buttonView is the save button under the last field.
func (m Model) buttonView() string {
	s := m.styles
	label := m.SaveLabel
	if label == "" {
		label = "保存"
	}
	if m.onButton() {
		return "> " + s.Focused.Render("[ "+label+" ]") + "  " + s.Dim.Render("按 Enter "+label)
	}
	return "  " + s.Dim.Render("[ "+label+" ]  Ctrl+S")
}

func (m Model) fieldView(f *Field, focused bool) string {
	if f.Kind == Choice {
		cur := "（未选择）"
		if f.choice >= 0 && f.choice < len(f.Options) {
			cur = f.Options[f.choice].Label
		}
		if !focused {
			return cur
		}
		cur = "< " + cur + " >"
		if f.input.Value() != "" {
			return cur + "  查找：" + f.input.Value()
		}
		if f.Placeholder != "" { // how to find an option
			hint := common.Truncate(common.Display(f.Placeholder), m.width-m.labelW-4-common.Width(cur))
			return cur + "  " + m.styles.Dim.Render(hint)
		}
		return cur
	}
	if f.concealed {
		v := f.Conceal(f.input.Value())
		if !focused {
			return v
		}
		hint := common.Truncate(ConcealedHint, max(m.inputWidth()-common.Width(v)-4, 0))
		return "[" + v + "]  " + m.styles.Dim.Render(hint)
	}
	if !focused {
		v := f.input.Value()
		if v == "" {
			return m.styles.Dim.Render(common.Truncate(common.Display(f.Placeholder), m.inputWidth()))
		}
		return common.Truncate(common.Display(v), m.inputWidth())
	}
	return "[" + f.input.View() + "]"
}

// areaView: the editor when focused, else the first lines of the text.
func (m Model) areaView(f *Field, focused bool) []string {
	if focused {
		var out []string
		for _, l := range strings.Split(f.area.View(), "\n") {
			out = append(out, "    "+l)
		}
		return out
	}
	v := f.area.Value()
	if v == "" {
		return []string{"    " + m.styles.Dim.Render(common.Truncate(common.Display(f.Placeholder), m.width-4))}
	}
	lines := common.Wrap(common.Display(v), max(m.width-4, 10))
	if len(lines) > 2 {
		lines = append(lines[:2:2], "..")
	}
	for i := range lines {
		lines[i] = "    " + lines[i]
	}
	return lines
}

// newArea makes the editor of an Area field: ASCII-only chrome.
func newArea(f *Field, styles *common.Styles) textarea.Model {
	a := textarea.New()
	a.Placeholder = common.Display(f.Placeholder)
	a.ShowLineNumbers = false
	a.Prompt = "| "
	a.SetHeight(4)
	// No limit on lines (bubbles' default ignores Enter after 99 lines,
	// silently); the editor shows 4 and scrolls.
	a.MaxHeight = 0
	a.CharLimit = holdLimit(f.CharLimit)
	a.EndOfBufferCharacter = ' '
	a.FocusedStyle.CursorLine = lipgloss.NewStyle()
	a.FocusedStyle.Placeholder = styles.Dim
	a.BlurredStyle.Placeholder = styles.Dim
	a.Cursor.SetMode(cursor.CursorStatic)
	a.KeyMap.InsertNewline.SetKeys("enter", "ctrl+j")
	return a
}

// window shows height lines around line focus.
func window(lines []string, focus, height int) string {
	if height <= 0 || len(lines) <= height {
		return strings.Join(lines, "\n")
	}
	start := max(0, focus-height/2)
	if start+height > len(lines) {
		start = len(lines) - height
	}
	return strings.Join(lines[start:start+height], "\n")
}

// ShortHelp and FullHelp for the help bar: 左/右 only on a choice.
func (m Model) ShortHelp() []key.Binding {
	out := []key.Binding{m.Keys.Next, m.Keys.Prev}
	if f := m.focused(); f != nil && f.Kind == Choice {
		out = append(out, m.Keys.Switch)
	}
	return append(out, m.Keys.Save, m.Keys.Cancel)
}

// Keymap is every key the form acts on.
func (m Model) Keymap() []key.Binding { return common.Bindings(m.Keys) }

func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.Keys.Next, m.Keys.Prev, m.Keys.Switch, m.Keys.Save, m.Keys.Cancel}}
}
