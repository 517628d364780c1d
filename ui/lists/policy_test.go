package lists

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"taizhang/assets"
	"taizhang/ui/common"
)

// Every line of the policy is a piece of its paragraph at the offset it
// claims, no wider than the window, and the pieces make up the paragraph.
func TestLayoutPolicy(t *testing.T) {
	paras, heads := policyParagraphs()
	for _, w := range []int{40, 59, 80, 100} {
		lines := layoutPolicy(paras, heads, w)
		got := make([]string, len(paras))
		for _, l := range lines {
			if n := common.Width(l.indent + l.text); n > w {
				t.Errorf("width %d: %q is %d wide", w, l.text, n)
			}
			if paras[l.para][l.from:l.from+len(l.text)] != l.text {
				t.Fatalf("width %d: %q is not at %d of paragraph %d", w, l.text, l.from, l.para)
			}
			got[l.para] += l.text
		}
		for p, para := range paras {
			if strings.ReplaceAll(got[p], " ", "") != strings.ReplaceAll(para, " ", "") {
				t.Errorf("width %d: paragraph %d loses text:\n%q\n%q", w, p, got[p], para)
			}
		}
	}
}

// A phrase found across a line break is marked on both lines; the current
// match is marked differently from the others.
func TestFoundPhraseMarked(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ctx := &common.Context{Catalog: cat, Styles: common.DefaultStyles()}
	ctx.Styles.Match = lipgloss.NewStyle().Transform(func(s string) string { return "[" + s + "]" })
	ctx.Styles.Selected = lipgloss.NewStyle().Transform(func(s string) string { return "{" + s + "}" })
	m := New(ctx)
	m.SetSize(80, 24)
	m.setQuery("社区")
	if len(m.find.matches) < 2 {
		t.Fatalf("%d matches", len(m.find.matches))
	}
	if first := m.renderLine(m.policy[m.lineOf(m.find.matches[0])]); !strings.Contains(first, "{社区}") {
		t.Errorf("current match not marked: %q", first)
	}
	split := 0
	for _, x := range m.find.matches[1:] {
		i := m.lineOf(x)
		l := m.policy[i]
		if x.to <= l.from+len(l.text) {
			if !strings.Contains(m.renderLine(l), "[社区]") {
				t.Errorf("match not marked: %q", m.renderLine(l))
			}
			continue
		}
		split++
		a, b := m.renderLine(l), m.renderLine(m.policy[i+1])
		if !strings.HasSuffix(a, "[社]") || !strings.HasPrefix(strings.TrimLeft(b, " "), "[区]") {
			t.Errorf("a match across lines is marked %q / %q", a, b)
		}
	}
	if split == 0 {
		t.Error("no match crosses a line at 80 columns: the case is not tested")
	}
}

// A new window width rewraps the policy and keeps the place: the line at
// the top holds what the top line began with.
func TestResizeKeepsPlace(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	m := New(&common.Context{Catalog: cat, Styles: common.DefaultStyles()})
	m.SetSize(80, 24)
	m.setTab(policyTab)
	for _, k := range []tea.KeyType{tea.KeyPgDown, tea.KeyPgDown, tea.KeyDown, tea.KeyDown, tea.KeyDown} {
		m.Update(tea.KeyMsg{Type: k})
	}
	from, _ := m.policyPager.Window(len(m.policy))
	old := m.policy[from]
	if from == 0 || old.from == 0 {
		t.Fatalf("top line %d (%q) does not test a line inside a paragraph", from, old.text)
	}
	for _, w := range []int{100, 60} {
		m.SetSize(w, 24)
		from, _ = m.policyPager.Window(len(m.policy))
		l := m.policy[from]
		if l.para != old.para || old.from < l.from || old.from >= l.from+len(l.text) {
			t.Errorf("top was %q, is %q at %d columns", old.text, l.text, w)
		}
		old = l
	}
}
