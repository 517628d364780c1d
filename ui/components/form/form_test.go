package form

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/common"
)

func keys(m Model, msgs ...tea.KeyMsg) Model {
	for _, k := range msgs {
		m, _ = m.Update(k)
	}
	return m
}

func typed(s string) []tea.KeyMsg {
	var out []tea.KeyMsg
	for _, r := range s {
		out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return out
}

var (
	tab   = tea.KeyMsg{Type: tea.KeyTab}
	save  = tea.KeyMsg{Type: tea.KeyCtrlS}
	esc   = tea.KeyMsg{Type: tea.KeyEsc}
	enter = tea.KeyMsg{Type: tea.KeyEnter}
)

func newForm() Model {
	st := common.DefaultStyles()
	m := New(&st,
		&Field{Key: "name", Label: "姓名", Required: true},
		&Field{Key: "kind", Label: "类别", Required: true, Kind: Choice, Options: []Option{{"1", "居民"}, {"2", "单位"}}},
		&Field{Key: "n", Label: "份数", Check: func(v string) error {
			if v != "1" {
				return errors.New("只能填 1。")
			}
			return nil
		}},
		&Field{Key: "letter", Label: "申请书", Kind: Area},
	)
	m.SetSize(80, 20)
	return m
}

func TestSubmitNeedsRequiredFieldsAndKeepsText(t *testing.T) {
	m := keys(newForm(), tab, tab)
	m = keys(m, typed("2")...)
	m = keys(m, save)
	if m.Outcome() == Submitted {
		t.Fatal("submitted with empty required fields")
	}
	v := m.View()
	for _, want := range []string{"必须填写。", "请选择类别。", "只能填 1。"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if m.Values()["n"] != "2" {
		t.Error("typed text was lost")
	}
	// Focus went to the first wrong field: the name.
	m = keys(m, typed("张三")...)
	m = keys(m, tab)
	m = keys(m, typed("单")...) // typing finds the option
	if m.Values()["kind"] != "2" {
		t.Errorf("typed choice = %q", m.Values()["kind"])
	}
	m = keys(m, tab, tea.KeyMsg{Type: tea.KeyBackspace})
	m = keys(m, typed("1")...)
	m = keys(m, tab)
	m = keys(m, typed("第一行")...)
	m = keys(m, enter)
	m = keys(m, typed("第二行")...)
	m = keys(m, save)
	if m.Outcome() != Submitted {
		t.Fatalf("not submitted:\n%s", m.View())
	}
	if got := m.Values()["letter"]; got != "第一行\n第二行" {
		t.Errorf("area = %q", got)
	}
}

// Esc asks before throwing typing away, and only Y throws it away: Enter
// (which used to act as Y) and Esc go back to the form; other keys wait.
func TestEscAsksOnlyWhenDirty(t *testing.T) {
	m := keys(newForm(), esc)
	if m.Outcome() != Cancelled {
		t.Error("clean form did not cancel at once")
	}
	m = keys(newForm(), typed("张")...)
	for _, back := range []tea.KeyMsg{enter, esc} {
		m = keys(m, esc)
		if m.Outcome() == Cancelled || !strings.Contains(m.View(), "放弃已输入的内容吗？按 Y 放弃，按 Esc 继续填写") {
			t.Fatal("dirty form cancelled without asking")
		}
		m = keys(m, back)
		if m.Outcome() == Cancelled || strings.Contains(m.View(), "放弃已输入") || m.Values()["name"] != "张" {
			t.Fatalf("%s at the question did not go back to the form:\n%s", back, m.View())
		}
	}
	m = keys(m, esc)
	m = keys(m, typed("n")...)
	if m.Outcome() == Cancelled || !strings.Contains(m.View(), "放弃已输入") || m.Values()["name"] != "张" {
		t.Fatalf("n at the question did something:\n%s", m.View())
	}
	m = keys(m, typed("y")...)
	if m.Outcome() != Cancelled {
		t.Error("Y did not cancel")
	}
}

// Enter on the last field goes to the save button, not back to the first
// field; Enter on the button saves (or shows what is missing); Tab past the
// button comes back to the first field.
func TestEnterOnLastFieldGoesToSave(t *testing.T) {
	st := common.DefaultStyles()
	m := New(&st, &Field{Key: "name", Label: "姓名", Required: true}, &Field{Key: "n", Label: "份数"})
	m.SetSize(80, 20)
	m = keys(m, typed("张三")...)
	m = keys(m, enter, enter)
	if m.Outcome() == Submitted || !strings.Contains(m.View(), "> [ 保存 ]") || strings.Contains(m.View(), "> 姓名") {
		t.Fatalf("Enter on the last field:\n%s", m.View())
	}
	m = keys(m, typed("x")...)
	if v := m.Values(); v["name"] != "张三" || v["n"] != "" {
		t.Errorf("typing on the button changed %v", v)
	}
	m = keys(m, enter)
	if m.Outcome() != Submitted {
		t.Fatalf("Enter on the button did not save:\n%s", m.View())
	}
	m = keys(m, tab)
	if !strings.Contains(m.View(), "> 姓名") {
		t.Errorf("Tab past the button:\n%s", m.View())
	}
	empty := New(&st, &Field{Key: "name", Label: "姓名", Required: true}, &Field{Key: "n", Label: "份数"})
	empty.SetSize(80, 20)
	empty = keys(empty, enter, enter, enter)
	if empty.Outcome() == Submitted || !strings.Contains(empty.View(), "必须填写") || !strings.Contains(empty.View(), "> 姓名") {
		t.Errorf("Enter on the button with 姓名 empty:\n%s", empty.View())
	}
}

func TestChoiceLeftRight(t *testing.T) {
	m := keys(newForm(), tab)
	m = keys(m, tea.KeyMsg{Type: tea.KeyRight})
	if m.Values()["kind"] != "1" {
		t.Errorf("right from none = %q", m.Values()["kind"])
	}
	m = keys(m, tea.KeyMsg{Type: tea.KeyLeft})
	if m.Values()["kind"] != "2" {
		t.Errorf("left wraps = %q", m.Values()["kind"])
	}
}

func TestSetErrorFocusesField(t *testing.T) {
	m := newForm()
	m.SetError("n", "份数太多。")
	m = keys(m, typed("1")...)
	if m.Values()["n"] != "1" || !strings.Contains(m.View(), "> 份数") {
		t.Errorf("focus not on 份数:\n%s", m.View())
	}
}

func TestShowStoreError(t *testing.T) {
	m := newForm()
	if m.ShowStoreError(errors.New("disk full")) {
		t.Error("a plain error was taken as a field error")
	}
	if !m.ShowStoreError(fmt.Errorf("save: %w", &store.FieldError{Field: "份数", Msg: "份数太多。"})) {
		t.Fatal("a wrapped field error was not shown")
	}
	if !strings.Contains(m.View(), "份数太多。") || !strings.Contains(m.View(), "> 份数") {
		t.Errorf("view:\n%s", m.View())
	}
}

// While the caller's save runs, the form says so and keys do nothing: a
// second Ctrl+S submits nothing, typing changes nothing, Esc leaves nothing.
func TestSavingIgnoresKeys(t *testing.T) {
	m := keys(newForm(), typed("张三")...)
	m.SetSaving(true)
	if !strings.Contains(m.View(), "正在保存...") {
		t.Errorf("no saving line:\n%s", m.View())
	}
	for _, k := range append(typed("李"), save, esc, tab) {
		if m, _ = m.Update(k); m.Outcome() != Editing {
			t.Fatalf("%v while saving: outcome %d", k, m.Outcome())
		}
	}
	if v := m.Values()["name"]; v != "张三" {
		t.Errorf("typed while saving: %q", v)
	}
	m.SetSaving(false)
	if m = keys(m, typed("李")...); m.Values()["name"] != "张三李" {
		t.Errorf("keys still ignored after the save ended: %q", m.Values()["name"])
	}
}

// A concealed preset value shows masked, focused or not, and no hint
// repeats it; left alone it is kept; the first key typed in the field
// starts it afresh (Backspace leaves it empty).
func TestConcealedValue(t *testing.T) {
	const id = "140403199001011231"
	mask := func(v string) string { return v[:6] + "********" + v[14:] }
	newIDForm := func() Model {
		st := common.DefaultStyles()
		m := New(&st,
			&Field{Key: "name", Label: "姓名"},
			&Field{Key: "id", Label: "身份证号", Conceal: mask, Hint: func(v string) string { return "号码 " + v }},
		)
		m.SetSize(80, 20)
		m.SetValue("id", id)
		return m
	}
	// (a form's fields are shared by its copies: each case starts anew)
	for _, mm := range []Model{newIDForm(), keys(newIDForm(), tab)} {
		v := mm.View()
		if strings.Contains(v, id) || !strings.Contains(v, "140403********1231") {
			t.Errorf("concealed value shows:\n%s", v)
		}
	}
	if got := keys(newIDForm(), tab, tab, save).Values()["id"]; got != id {
		t.Errorf("kept value %q", got)
	}
	if got := keys(newIDForm(), append([]tea.KeyMsg{tab}, typed("1404")...)...).Values()["id"]; got != "1404" {
		t.Errorf("typed over: %q", got)
	}
	m := keys(newIDForm(), tab, tea.KeyMsg{Type: tea.KeyBackspace})
	if got := m.Values()["id"]; got != "" {
		t.Errorf("backspace: %q", got)
	}
	m = keys(m, typed(id)...)
	if v := m.View(); !strings.Contains(v, "号码 "+id) {
		t.Errorf("a value typed afresh shows as typed, with its hint:\n%s", v)
	}
}
