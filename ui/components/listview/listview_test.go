package listview

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
)

// Only the rows in view are drawn, however long the list.
func TestWindowedRendering(t *testing.T) {
	m := New(5)
	m.SetLen(100_000)
	drawn := 0
	row := func(i int, _ bool) string { drawn++; return "row" }
	m.View(40, common.DefaultStyles(), row)
	if drawn != 5 {
		t.Errorf("drew %d rows for a window of 5", drawn)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if m.Cursor() != 99_999 {
		t.Errorf("end: %d", m.Cursor())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if m.Cursor() != 99_994 {
		t.Errorf("pgup: %d", m.Cursor())
	}
	v := m.View(40, common.DefaultStyles(), func(i int, sel bool) string {
		if sel {
			return "here"
		}
		return "x"
	})
	lines := strings.Split(v, "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], ">here") {
		t.Errorf("view:\n%s", v)
	}
	m.SetLen(3)
	if m.Cursor() != 2 {
		t.Errorf("shrunk list: cursor %d", m.Cursor())
	}
}

func BenchmarkView(b *testing.B) {
	m := New(20)
	m.SetLen(100_000)
	s := common.DefaultStyles()
	for i := 0; i < b.N; i++ {
		m.Update(tea.KeyMsg{Type: tea.KeyDown})
		m.View(80, s, func(int, bool) string { return "2026-0001 11-29 居住证明 张三 140403********1238 有效" })
	}
}
