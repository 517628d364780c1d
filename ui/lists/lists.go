// Package lists is the 清单 screen: the four annexes of 长民发〔2017〕124号 as
// tabs, each item with its full text, legal basis and (where the printed
// source was garbled) what it printed and how the item was rebuilt; the
// policy text itself as a fifth tab; and a search across all four lists.
package lists

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/pager"
	"taizhang/ui/components/searchbox"
)

type mode int

const (
	browsing  mode = iota
	searching      // the search field has focus
	reading        // one item full screen
	finding        // a phrase is typed to find in the policy
)

const policyTab = 4 // tabs 0–3 are the annexes

// keyMap is the screen's keys, taken from the one table in ui/common.
type keyMap struct {
	NextTab, PrevTab, Tab1, TabKeys, Search, Open, Back, Select, Scroll key.Binding
	Move                                                                listview.Keys

	// The policy tab's phrase search (policy.go).
	NextMatch, PrevMatch, EndFind, Leave, Pages key.Binding
}

func newKeys(k common.Keys) keyMap {
	return keyMap{
		NextTab: k.NextTab, PrevTab: k.PrevTab, Tab1: k.Tabs, TabKeys: k.TabKeys, Search: k.Search, Open: k.Open,
		Back: k.Back, Select: k.Select, Scroll: k.Scroll, Move: listview.DefaultKeys(),
		NextMatch: k.NextMatch, PrevMatch: k.PrevMatch, EndFind: k.EndFind, Leave: k.Leave, Pages: k.Pages,
	}
}

// entry is one item of one annex, with its search document id.
type entry struct {
	list  *assets.List
	item  *assets.Item
	short string // the certificate's short name (居住证明), 附件4 only
}

// Model is the lists screen.
type Model struct {
	ctx     *common.Context
	keys    keyMap
	mode    mode
	tab     int
	views   [5]listview.Model // cursor per annex; [4] unused
	entries []entry           // all items of all annexes, in order
	offsets [4]int            // index of each annex's first entry
	index   *search.Index
	search  searchbox.Model
	hits    []search.Hit
	reader  pager.Model // the place in an item's full view

	paras       []string // the policy's paragraphs as shown
	heads       []bool   // which paragraphs are headings
	policy      []policyLine
	policyPager pager.Model
	policyWidth int // the width policy is wrapped to
	find        finder
	width       int
	height      int
}

// New builds the screen and its search index (66 short documents): item
// text, category, basis, and for 附件4 the certificate's short name, so
// that 居住 ranks 居住证明 first; 低保 finds 最低生活保障 through the
// synonyms 准入核查 uses too.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: newKeys(ctx.Keys)}
	m.index = search.New(search.DefaultPinyin())
	m.index.SetSynonyms(search.DefaultSynonyms())
	tpl, _ := assets.CertTemplates()
	for li, id := range assets.ListOrder {
		l := ctx.Catalog.List(id)
		m.offsets[li] = len(m.entries)
		for ii := range l.Items {
			it := &l.Items[ii]
			e := entry{list: l, item: it}
			if id == assets.Certificates {
				e.short = tpl[it.No].Short
			}
			m.index.Add(uint64(len(m.entries)),
				search.Field{Text: it.Text, Kind: search.Text},
				search.Field{Text: it.Category, Kind: search.Text},
				search.Field{Text: strings.Join(it.Basis, "；"), Kind: search.Text},
				search.Field{Text: e.short, Kind: search.Tag})
			m.entries = append(m.entries, e)
		}
		m.views[li] = listview.New(5)
		m.views[li].SetLen(len(l.Items))
	}
	m.search = searchbox.New(ctx.Styles, "输入汉字、拼音或首字母，如 jzzm、xiaofang、居住")
	m.reader, m.policyPager = pager.New(10), pager.New(10)
	m.paras, m.heads = policyParagraphs()
	m.find.input = common.NewInput(ctx.Styles, findHint)
	return m
}

func (m *Model) Init() tea.Cmd { return nil }
func (m *Model) Title() string { return "清单" }

// Capturing while the search field or the phrase field has focus.
func (m *Model) Capturing() bool { return m.mode == searching || m.mode == finding }

// SetSize lays the screen out: tab bar, heading, list, rule, detail.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	lh := m.listHeight()
	for i := range m.views {
		m.views[i].SetHeight(lh)
	}
	m.search.Results.SetHeight(lh)
	m.search.SetWidth(w - 20)
	common.SizeInput(&m.find.input, w-24, findHint)
	m.reader.SetHeight(h - 1)
	m.relayoutPolicy()
	m.syncPolicy()
}

// relayoutPolicy wraps the policy to the width, keeping the line at the
// top of the view in view.
func (m *Model) relayoutPolicy() {
	if len(m.policy) > 0 && m.width == m.policyWidth {
		return
	}
	top := policyLine{}
	if from, _ := m.policyPager.Window(len(m.policy)); from < len(m.policy) {
		top = m.policy[from]
	}
	m.policy, m.policyWidth = layoutPolicy(m.paras, m.heads, max(m.width, 10)), m.width
	m.syncPolicy()
	for i, l := range m.policy {
		if l.para > top.para || l.para == top.para && (l.from+len(l.text) > top.from || l.text == "") {
			m.policyPager.ScrollTo(i)
			return
		}
	}
}

// listHeight is the rows given to the list; the detail pane gets the rest.
func (m *Model) listHeight() int {
	avail := m.height - 3 // tabs, heading, rule
	lh := avail / 2
	if m.mode != searching && m.tab < policyTab {
		lh = min(lh, len(m.ctx.Catalog.Lists[m.tab].Items))
	}
	return max(lh, 3)
}

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		var cmd tea.Cmd
		switch m.mode {
		case searching:
			m.search.Input, cmd = m.search.Input.Update(msg)
		case finding:
			m.find.input, cmd = m.find.input.Update(msg)
		}
		return m, cmd
	}
	switch m.mode {
	case searching:
		return m, m.updateSearch(km)
	case reading:
		return m, m.updateReading(km)
	case finding:
		return m, m.updateFinding(km)
	}
	if m.tab == policyTab {
		if used, cmd := m.updatePolicy(km); used {
			return m, cmd
		}
	}
	return m, m.updateBrowse(km)
}

func (m *Model) updateBrowse(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		return common.GoBack
	case key.Matches(km, k.NextTab):
		m.setTab((m.tab + 1) % 5)
	case key.Matches(km, k.PrevTab):
		m.setTab((m.tab + 4) % 5)
	case key.Matches(km, k.Tab1):
		m.setTab(int(km.Runes[0] - '1'))
	case key.Matches(km, k.Search):
		m.mode = searching
		m.SetSize(m.width, m.height)
		m.runSearch()
		return m.search.Open()
	case key.Matches(km, k.Open):
		m.open()
	case m.tab == policyTab:
	default:
		m.views[m.tab].Update(km)
	}
	return nil
}

func (m *Model) setTab(t int) {
	m.tab = t
	m.SetSize(m.width, m.height)
}

func (m *Model) updateSearch(km tea.KeyMsg) tea.Cmd {
	act, cmd := m.search.Update(km)
	switch act {
	case searchbox.Closed:
		m.mode = browsing
		m.hits = nil
		m.SetSize(m.width, m.height)
	case searchbox.Chosen:
		m.open()
	case searchbox.Changed:
		m.runSearch()
	}
	return cmd
}

// runSearch answers the query at once: 66 documents take microseconds.
func (m *Model) runSearch() {
	m.hits = m.index.Search(m.search.Value(), 0)
	m.search.SetResults(len(m.hits))
}

func (m *Model) updateReading(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, m.keys.Back): // a detail closes with Esc, as on every screen
		if m.search.Value() != "" {
			m.mode = searching
			m.SetSize(m.width, m.height)
			return m.search.Open()
		}
		m.mode = browsing
		m.SetSize(m.width, m.height)
		return nil
	}
	if e, ok := m.selected(); ok {
		m.reader.SetLen(len(m.detail(e, m.width)))
		m.reader.Update(km)
	}
	return nil
}

// selected is the entry under the cursor (search result or tab), if any.
func (m *Model) selected() (entry, bool) {
	if m.mode == searching || (m.mode == reading && m.search.Value() != "") {
		if len(m.hits) == 0 {
			return entry{}, false
		}
		return m.entries[m.hits[m.search.Cursor()].ID], true
	}
	if m.tab == policyTab {
		return entry{}, false
	}
	return m.entries[m.offsets[m.tab]+m.views[m.tab].Cursor()], true
}

// open shows the item under the cursor full screen.
func (m *Model) open() {
	if _, ok := m.selected(); !ok {
		return
	}
	m.search.Input.Blur()
	m.mode = reading
	m.reader.Top()
}

// detail is an item's full text, basis, reading and note, wrapped to w.
func (m *Model) detail(e entry, w int) []string {
	s := m.ctx.Styles
	it := e.item
	head := fmt.Sprintf("附件%d  第%d项", e.list.Annex, it.No)
	if c := it.CategoryLabel(); c != "" {
		head += "  类别：" + c
	}
	if it.Annotated() {
		head += "  " + assets.NoteMark + " 见整理说明"
	}
	var out []string
	for _, l := range common.Wrap(common.Display(head), w) {
		out = append(out, s.Title.Render(l))
	}
	out = append(out, common.Wrap(common.Display(it.Text), w)...)
	for _, sec := range common.ItemSections(it) {
		out = append(out, s.Label.Render(sec.Label))
		for _, t := range sec.Texts {
			for _, l := range common.Wrap(common.Display(t), w-2) {
				out = append(out, "  "+l)
			}
		}
	}
	if it.CategoryInferred {
		for _, l := range common.Wrap("类别系推定：原件此行未印类别。", w) {
			out = append(out, s.Dim.Render(l))
		}
	}
	return out
}

func (m *Model) View() string {
	if m.mode == reading {
		return m.readingView()
	}
	var b strings.Builder
	if m.mode == searching {
		b.WriteString(m.searchBar())
	} else {
		b.WriteString(m.tabBar())
	}
	b.WriteByte('\n')
	if m.tab == policyTab && (m.mode == browsing || m.mode == finding) {
		b.WriteString(m.ctx.Styles.Title.Render(common.Truncate("长民发〔2017〕124号 实施意见（按阅读顺序整理）", m.width)))
		b.WriteByte('\n')
		b.WriteString(m.policyView())
		return b.String()
	}
	b.WriteString(m.heading())
	b.WriteByte('\n')
	b.WriteString(m.listView())
	b.WriteByte('\n')
	b.WriteString(m.ctx.Styles.Dim.Render(strings.Repeat("-", m.width)))
	e, ok := m.selected()
	dh := m.height - 3 - m.listHeight()
	if ok && dh > 0 {
		lines := m.detail(e, m.width)
		lines = common.ClipDetail(lines, dh, m.ctx.Styles.Dim.Render(common.Truncate("（未完，按 Enter 查看全文）", m.width)))
		b.WriteByte('\n')
		b.WriteString(strings.Join(lines, "\n"))
	}
	return b.String()
}

func (m *Model) tabBar() string {
	s := m.ctx.Styles
	var parts []string
	for i, l := range m.ctx.Catalog.Lists {
		label := fmt.Sprintf(" %d %s(%d) ", i+1, l.Short, len(l.Items))
		parts = append(parts, tabStyle(s, i == m.tab).Render(label))
	}
	parts = append(parts, tabStyle(s, m.tab == policyTab).Render(" 5 政策原文 "))
	return common.Truncate(strings.Join(parts, ""), m.width)
}

func tabStyle(s common.Styles, active bool) interface{ Render(...string) string } {
	if active {
		return s.TabActive
	}
	return s.TabIdle
}

func (m *Model) searchBar() string {
	s := m.ctx.Styles
	return s.Label.Render("搜索：") + m.search.Input.View()
}

func (m *Model) heading() string {
	s := m.ctx.Styles
	if m.mode == searching {
		if m.search.Value() == "" {
			return s.Dim.Render(common.Truncate("在四个清单中查找：汉字、全拼或首字母均可", m.width))
		}
		if len(m.hits) == 0 {
			return s.Warn.Render(common.Truncate("没有找到。可换个说法，或按 Esc 返回清单逐项查看。", m.width))
		}
		return s.Title.Render(common.Truncate(fmt.Sprintf("找到 %d 项", len(m.hits)), m.width))
	}
	l := m.ctx.Catalog.Lists[m.tab]
	cur, total := m.views[m.tab].Position()
	pos := fmt.Sprintf(" %d/%d", cur, total)
	return s.Title.Render(common.Truncate(fmt.Sprintf("附件%d %s", l.Annex, l.Title), m.width-common.Width(pos))) + s.Dim.Render(pos)
}

func (m *Model) listView() string {
	s := m.ctx.Styles
	if m.mode == searching {
		return m.search.Results.View(m.width, s, func(i int, sel bool) string {
			h := m.hits[i]
			e := m.entries[h.ID]
			tag := fmt.Sprintf("[%s]%2d. ", e.list.Short, e.item.No) + common.ItemMark(e.item)
			text := e.item.Text
			if h.Field != 0 {
				text = e.item.Text + " —— " + fieldText(e, h.Field)
			}
			text = common.Truncate(common.Display(text), m.width-1-common.Width(tag))
			if !sel && h.Field == 0 {
				text = search.Highlight(text, h.Spans, func(x string) string { return s.Match.Render(x) })
			}
			return tag + text
		})
	}
	l := m.ctx.Catalog.Lists[m.tab]
	return m.views[m.tab].View(m.width, s, func(i int, _ bool) string {
		it := l.Items[i]
		row := fmt.Sprintf("%2d. ", it.No) + common.ItemMark(&it)
		if c := it.CategoryLabel(); c != "" {
			row += "[" + c + "] "
		}
		return row + common.Display(it.Text)
	})
}

func fieldText(e entry, field int) string {
	switch field {
	case 1:
		return e.item.CategoryLabel()
	case 2:
		return strings.Join(e.item.Basis, "；")
	case 3:
		return e.short
	}
	return e.item.Text
}

func (m *Model) readingView() string {
	s := m.ctx.Styles
	e, ok := m.selected()
	if !ok {
		return ""
	}
	head := s.Title.Render(common.Truncate(fmt.Sprintf("附件%d %s", e.list.Annex, e.list.Title), m.width))
	return head + "\n" + m.reader.View(m.detail(e, m.width), s)
}

// ShortHelp is the bottom line of the current mode.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case searching:
		return []key.Binding{k.Select, k.Open, k.Back}
	case reading:
		return []key.Binding{k.Scroll, k.Move.PageUp, k.Move.PageDown, k.Back}
	case finding:
		return []key.Binding{k.NextMatch, k.PrevMatch, k.Scroll, k.Leave}
	}
	if m.tab == policyTab && m.find.query != "" {
		return []key.Binding{k.NextMatch, k.PrevMatch, k.Search, k.EndFind, k.Scroll}
	}
	if m.tab == policyTab {
		return []key.Binding{k.Scroll, k.Pages, k.TabKeys, k.Search, k.Back}
	}
	return []key.Binding{k.Select, k.TabKeys, k.Open, k.Search, k.Back}
}

// FullHelp lists every key of the current mode.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch {
	case m.mode == searching:
		return [][]key.Binding{{k.Open, k.Back}, listview.ArrowsOnly().FullHelp()}
	case m.mode == reading:
		return [][]key.Binding{{k.Back}, m.reader.Keys.FullHelp()}
	case m.tab == policyTab:
		esc := k.Back // Esc leaves the field, then ends the search, then goes back
		switch {
		case m.mode == finding:
			esc = k.Leave
		case m.find.query != "":
			esc = k.EndFind
		}
		return [][]key.Binding{
			{k.Search, k.NextMatch, k.PrevMatch, esc},
			{k.NextTab, k.PrevTab, k.Tab1},
			m.policyPager.Keys.FullHelp(),
		}
	}
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Tab1, k.Open, k.Search, k.Back},
		k.Move.FullHelp(),
	}
}

// Keymap is every key the screen acts on, in any mode.
func (m *Model) Keymap() []key.Binding { return common.Bindings(m.keys) }
