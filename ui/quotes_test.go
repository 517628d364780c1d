package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// Error texts carry the store's curly quotes (含有非数字字符“Y”); on screen
// they are 「」 like every other text, in a form field's error, a screen's
// own error line and the status line.
func TestErrorsShowCornerQuotes(t *testing.T) {
	db := newDB(t, true)
	send, view := driver(t, db, 80, 24)
	noCurly := func(want string) {
		t.Helper()
		v := view()
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
		if strings.ContainsAny(v, "“”‘’") {
			t.Errorf("curly quotes on screen:\n%s", v)
		}
	}
	// A field's own check (the ID number) and the store's answer on saving.
	send("2", "n", "jzzm", tea.KeyTab, "张三", tea.KeyTab, "14040319900101123Y", tea.KeyTab)
	noCurly("含有非数字字符「Y」")
	send(tea.KeyEsc, "y", tea.KeyEsc)
	send("3", "n", tea.KeyTab, "张三", tea.KeyTab, "开具无犯罪记录证明", tea.KeyTab, "其他", tea.KeyCtrlS)
	noCurly("理由选「其他」时必须写明原因")
	send(tea.KeyEsc, "y", tea.KeyEsc)
	// A screen's error line.
	send("9", "n", "王丽", tea.KeyEnter)
	noCurly("已有同名经办人「王丽」")
	send(tea.KeyEsc, tea.KeyEsc)
	// The status line.
	send("4", "居住证明", tea.KeyCtrlR)
	noCurly("该请求属于「")
}

// The hint under an ID number names the kind of document whole at any
// width (it used to break 港澳台居民居 / 住证).
func TestIDHintKeepsTheKindWhole(t *testing.T) {
	for w := 60; w <= 100; w++ {
		send, view := driver(t, newDB(t, true), w, 24)
		send("2", "n", "jzzm", tea.KeyTab, "张三", tea.KeyTab, validID("81000019900101123"))
		if v := view(); !strings.Contains(v, "港澳台居民居住证") {
			t.Errorf("width %d splits the kind of document:\n%s", w, v)
		}
	}
}
