// Package lists is the 清单 screen: the four annexes of 长民发〔2017〕124号 as
// tabs, each item with its full text, legal basis and (where the printed
// source was garbled) what it printed and how the item was rebuilt; the
// policy text itself as a fifth tab; and a search across all four lists.
package lists

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store/search"
	"taizhang/ui/common"
	"taizhang/ui/components/listview"
	"taizhang/ui/components/searchbox"
)

type mode int

const (
	browsing  mode = iota
	searching      // the search field has focus
	reading        // one item (or the policy) full screen
)

const policyTab = 4 // tabs 0–3 are the annexes

type keyMap struct {
	NextTab, PrevTab, Tab1, Search, Open, Back key.Binding
	Move                                       listview.Keys
}

func newKeys() keyMap {
	return keyMap{
		NextTab: common.Bind("右/Tab", "下一个清单", "right", "tab", "l"),
		PrevTab: common.Bind("左", "上一个清单", "left", "shift+tab", "h"),
		Tab1:    common.Bind("1-5", "切换清单/政策原文", "1", "2", "3", "4", "5"),
		Search:  common.Bind("/", "搜索四个清单", "/"),
		Open:    common.Bind("Enter", "查看全文", "enter"),
		Back:    common.Bind("Esc", "返回", "esc"),
		Move:    listview.DefaultKeys(),
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
	pager   viewport.Model // full view of an item or the policy
	width   int
	height  int
}

// New builds the screen and its search index (66 short documents): item
// text, category, basis, and for 附件4 the certificate's short name, so
// that 居住 ranks 居住证明 first; 低保 finds 最低生活保障 through the
// synonyms 准入核查 uses too.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx, keys: newKeys()}
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
	m.pager = viewport.New(80, 10)
	return m
}

func (m *Model) Init() tea.Cmd { return nil }
func (m *Model) Title() string { return "清单" }

// Capturing while the search field has focus.
func (m *Model) Capturing() bool { return m.mode == searching }

// SetSize lays the screen out: tab bar, heading, list, rule, detail.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	lh := m.listHeight()
	for i := range m.views {
		m.views[i].SetHeight(lh)
	}
	m.search.Results.SetHeight(lh)
	m.search.SetWidth(w - 20)
	m.pager.Width, m.pager.Height = w, max(h-2, 1)
	if m.mode == reading {
		m.setPager()
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
		if m.mode == searching {
			var cmd tea.Cmd
			m.search.Input, cmd = m.search.Input.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	switch m.mode {
	case searching:
		return m, m.updateSearch(km)
	case reading:
		return m, m.updateReading(km)
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
		m.pager, _ = m.pager.Update(km)
	default:
		m.views[m.tab].Update(km)
	}
	return nil
}

func (m *Model) setTab(t int) {
	m.tab = t
	m.SetSize(m.width, m.height)
	if t == policyTab {
		m.setPager()
	}
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
	case key.Matches(km, m.keys.Back), km.String() == "q", km.String() == "enter":
		if m.search.Value() != "" {
			m.mode = searching
			m.SetSize(m.width, m.height)
			return m.search.Open()
		}
		m.mode = browsing
		m.SetSize(m.width, m.height)
		return nil
	}
	m.pager, _ = m.pager.Update(km)
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

func (m *Model) open() {
	if _, ok := m.selected(); !ok && m.tab != policyTab {
		return
	}
	m.search.Input.Blur()
	m.mode = reading
	m.setPager()
}

func (m *Model) setPager() {
	m.pager.Width, m.pager.Height = m.width, max(m.height-2, 1)
	var lines []string
	if e, ok := m.selected(); ok && m.mode == reading {
		lines = m.detail(e, m.width)
	} else {
		lines = policyLines(m.width)
	}
	m.pager.SetContent(strings.Join(lines, "\n"))
	m.pager.GotoTop()
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
	out := []string{s.Title.Render(common.Truncate(head, w))}
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
		out = append(out, s.Dim.Render(common.Truncate("类别系推定：原件此行未印类别。", w)))
	}
	return out
}

func policyLines(w int) []string {
	var out []string
	for _, l := range strings.Split(assets.Policy(), "\n") {
		l = strings.TrimLeft(l, "# ")
		l = strings.ReplaceAll(l, "`", "")
		out = append(out, common.Wrap(common.Display(l), w)...)
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
	if m.tab == policyTab && m.mode == browsing {
		b.WriteString(m.ctx.Styles.Title.Render(common.Truncate("长民发〔2017〕124号 实施意见（按阅读顺序整理）", m.width)))
		b.WriteByte('\n')
		m.pager.Height = max(m.height-2, 1)
		b.WriteString(m.pager.View())
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
	title := "政策原文"
	if e, ok := m.selected(); ok {
		title = fmt.Sprintf("附件%d %s", e.list.Annex, e.list.Title)
	}
	pct := fmt.Sprintf(" %3.0f%%", m.pager.ScrollPercent()*100)
	head := s.Title.Render(common.Truncate(title, m.width-common.Width(pct))) + s.Dim.Render(pct)
	return head + "\n" + m.pager.View()
}

// ShortHelp is the help bar for the current mode.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.mode {
	case searching:
		return []key.Binding{common.Bind("上/下", "选择", "up"), k.Open, common.Bind("Esc", "结束搜索", "esc")}
	case reading:
		return []key.Binding{common.Bind("上/下 PgUp/PgDn", "滚动", "up"), common.Bind("Esc", "返回列表", "esc")}
	}
	return []key.Binding{k.Move.Up, k.Move.Down, k.NextTab, k.Tab1, k.Open, k.Search, k.Back}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{
		k.Move.FullHelp(),
		{k.NextTab, k.PrevTab, k.Tab1, k.Open, k.Search, k.Back},
	}
}
