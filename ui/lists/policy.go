package lists

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/ui/common"
)

// The 政策原文 tab: the policy text, one paragraph a source line, wrapped
// to the window and scrolled with the pager; `/` finds a phrase in it.

// policyLine is one screen line of the policy: a piece of paragraph para
// starting at byte from of that paragraph, after indent (the hanging
// indent of a list item).
type policyLine struct {
	para, from int
	text       string
	indent     string
	head       bool // a heading
}

// match is a found phrase: bytes from–to of paragraph para.
type match struct{ para, from, to int }

// finder is the phrase search over the policy.
type finder struct {
	input   textinput.Model
	query   string // the phrase searched, as shown ("" when none)
	matches []match
	cur     int // the match shown, index into matches
}

// policyParagraphs are the policy's paragraphs as the screen shows them:
// Markdown heading marks and code quotes taken out, Display applied.
func policyParagraphs() (paras []string, heads []bool) {
	for _, l := range strings.Split(assets.Policy(), "\n") {
		head := strings.HasPrefix(l, "#")
		l = strings.ReplaceAll(strings.TrimLeft(l, "# "), "`", "")
		paras = append(paras, common.Display(l))
		heads = append(heads, head)
	}
	return paras, heads
}

// layoutPolicy wraps every paragraph to w cells; a list item ("- ") hangs
// under its first line.
func layoutPolicy(paras []string, heads []bool, w int) []policyLine {
	var out []policyLine
	for p, para := range paras {
		prefix := ""
		if strings.HasPrefix(para, "- ") {
			prefix = "- "
		}
		pos := len(prefix)
		for i, l := range common.Wrap(para[pos:], w-len(prefix)) {
			at := pos + strings.Index(para[pos:], l)
			if i == 0 {
				out = append(out, policyLine{para: p, from: 0, text: para[:at+len(l)], head: heads[p]})
			} else {
				out = append(out, policyLine{para: p, from: at, text: l, indent: strings.Repeat(" ", len(prefix)), head: heads[p]})
			}
			pos = at + len(l)
		}
	}
	return out
}

// foldASCII lower-cases ASCII letters only, so byte offsets stay put.
func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// findAll is every place the phrase occurs, in reading order.
func findAll(paras []string, phrase string) []match {
	q := foldASCII(phrase)
	if q == "" {
		return nil
	}
	var out []match
	for p, para := range paras {
		text := foldASCII(para)
		for at := 0; ; {
			i := strings.Index(text[at:], q)
			if i < 0 {
				break
			}
			out = append(out, match{p, at + i, at + i + len(q)})
			at += i + len(q)
		}
	}
	return out
}

// lineOf is the screen line where a match starts.
func (m *Model) lineOf(x match) int {
	for i, l := range m.policy {
		if l.para == x.para && x.from >= l.from && x.from < l.from+len(l.text) {
			return i
		}
	}
	return 0
}

// setQuery searches for what is typed and shows the first match at or
// after the top of the view.
func (m *Model) setQuery(q string) {
	f := &m.find
	f.query = strings.TrimSpace(common.Display(q))
	f.matches = findAll(m.paras, f.query)
	f.cur = 0
	m.syncPolicy()
	if len(f.matches) == 0 {
		return
	}
	top, _ := m.policyPager.Window(len(m.policy))
	for i, x := range f.matches {
		if m.lineOf(x) >= top {
			f.cur = i
			break
		}
	}
	m.policyPager.Show(m.lineOf(f.matches[f.cur]))
}

// step shows the next (+1) or previous (-1) match, round the end.
func (m *Model) step(d int) {
	f := &m.find
	if len(f.matches) == 0 {
		return
	}
	f.cur = (f.cur + d + len(f.matches)) % len(f.matches)
	m.syncPolicy()
	m.policyPager.Show(m.lineOf(f.matches[f.cur]))
}

const findHint = "要找的词句，如：购买服务"

// updatePolicy handles a key on the policy tab; it reports false for a key
// the tab leaves to the screen (tabs, Esc without a search, ...).
func (m *Model) updatePolicy(km tea.KeyMsg) (bool, tea.Cmd) {
	f, k := &m.find, m.keys
	switch {
	case key.Matches(km, k.Search):
		m.mode = finding
		f.input.SetValue(f.query)
		f.input.CursorEnd()
		m.syncPolicy()
		return true, f.input.Focus()
	case f.query != "" && key.Matches(km, k.NextMatch):
		m.step(1)
	case f.query != "" && key.Matches(km, k.PrevMatch):
		m.step(-1)
	case f.query != "" && key.Matches(km, k.EndFind):
		f.query, f.matches = "", nil
		m.syncPolicy()
	default:
		m.policyPager.SetLen(len(m.policy))
		return m.policyPager.Update(km), nil
	}
	return true, nil
}

// updateFinding handles a key while the phrase is typed: Enter goes to the
// next match, Ctrl+P to the previous, Esc leaves the field (the matches
// stay marked), the scrolling keys scroll, the rest edit the phrase.
func (m *Model) updateFinding(km tea.KeyMsg) tea.Cmd {
	f, k := &m.find, m.keys
	switch {
	case key.Matches(km, k.NextMatch):
		m.step(1)
		return nil
	case key.Matches(km, k.PrevMatch):
		m.step(-1)
		return nil
	case key.Matches(km, k.Leave):
		f.input.Blur()
		m.mode = browsing
		return nil
	}
	m.syncPolicy()
	if km.Type != tea.KeyRunes && m.policyPager.Update(km) {
		return nil
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(km)
	if f.input.Value() != before {
		m.setQuery(f.input.Value())
	}
	return cmd
}

// findLine is the line under the policy while a phrase is searched.
func (m *Model) findLine() string {
	s := m.ctx.Styles
	f := m.find
	var where string
	switch {
	case f.query == "":
	case len(f.matches) == 0:
		where = s.Warn.Render("未找到")
	default:
		where = s.Dim.Render(fmt.Sprintf("第 %d/%d 处", f.cur+1, len(f.matches)))
	}
	if m.mode == finding {
		return s.Label.Render("查找：") + f.input.View() + "  " + where
	}
	return s.Label.Render("查找：") + common.Display("「"+f.query+"」") + "  " + where
}

// policyHeight is the lines the policy text gets: the screen less the
// tabs, the title and the search line when there is one.
func (m *Model) policyHeight() int {
	if m.mode == finding || m.find.query != "" {
		return m.height - 3
	}
	return m.height - 2
}

// syncPolicy tells the pager the text's length and its height now.
func (m *Model) syncPolicy() {
	m.policyPager.SetLen(len(m.policy))
	m.policyPager.SetHeight(m.policyHeight())
}

// policyView is the policy in view, the matches marked, with the search
// line below it when there is one.
func (m *Model) policyView() string {
	s := m.ctx.Styles
	p := m.policyPager
	p.SetHeight(m.policyHeight())
	from, to := p.Window(len(m.policy))
	lines := make([]string, len(m.policy))
	for i := from; i < to; i++ {
		lines[i] = m.renderLine(m.policy[i])
	}
	out := p.View(lines, s)
	if m.mode == finding || m.find.query != "" {
		out += "\n" + m.findLine()
	}
	return out
}

// renderLine draws one line: a heading in the title style, found phrases
// marked (the current one reversed too).
func (m *Model) renderLine(l policyLine) string {
	s := m.ctx.Styles
	plain := s.TabIdle
	if l.head {
		plain = s.Title
	}
	var b strings.Builder
	b.WriteString(l.indent)
	at := 0
	for i, x := range m.find.matches {
		if x.para != l.para || x.to <= l.from || x.from >= l.from+len(l.text) {
			continue
		}
		from, to := max(x.from-l.from, at), min(x.to-l.from, len(l.text))
		if from >= to {
			continue
		}
		if from > at {
			b.WriteString(plain.Render(l.text[at:from]))
		}
		st := s.Match
		if i == m.find.cur {
			st = s.Selected
		}
		b.WriteString(st.Render(l.text[from:to]))
		at = to
	}
	if at < len(l.text) {
		b.WriteString(plain.Render(l.text[at:]))
	}
	return b.String()
}
