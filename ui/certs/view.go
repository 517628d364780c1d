package certs

import (
	"strings"

	"taizhang/store"
	"taizhang/ui/common"
	"taizhang/ui/components/certview"
)

func (m *Model) View() string {
	switch m.mode {
	case issuing:
		return m.form.view()
	case detail, voiding:
		return m.detailView()
	case searching:
		return m.searchView()
	}
	return m.ledgerView()
}

// shortType is the type's short name (居住证明) for lists.
func (m *Model) shortType(no int) string { return certview.ShortType(m.types, no) }

// rowText is one ledger line: serial, date, status, type, name, masked ID.
func (m *Model) rowText(r store.CertRow) string {
	return certview.RowText(r, m.shortType(r.TypeNo), m.width)
}

func (m *Model) tableHead() string { return certview.TableHead(m.ctx.Styles, m.width) }

func (m *Model) ledgerView() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString(certview.MonthHead(s, m.month, m.rows, m.width) + "\n")
	b.WriteString(m.tableHead() + "\n")
	if len(m.rows) == 0 {
		b.WriteString(s.Dim.Render(common.Truncate("  该月没有开具证明。按 n 开具，按 [ ] 查看其他月份，按 / 查找全部月份。", m.width)))
		return b.String()
	}
	b.WriteString(m.list.View(m.width, s, func(i int, _ bool) string { return m.rowText(m.rows[i]) }))
	return b.String()
}

func (m *Model) searchView() string {
	s := m.ctx.Styles
	var b strings.Builder
	b.WriteString(s.Label.Render("查找：") + m.search.Input.View() + "\n")
	b.WriteString(certview.SearchHead(s, m.index != nil, m.search.Value(), "在全部月份中查找：姓名、拼音或首字母、身份证号（或后 4–6 位）、编号、证明类型", m.hitTotal, m.width))
	b.WriteString("\n" + m.tableHead() + "\n")
	b.WriteString(m.search.Results.View(m.width, s, func(i int, _ bool) string {
		if r, ok := m.hitRows[m.hits[i]]; ok {
			return m.rowText(r)
		}
		return "..." // being read (moreRows)
	}))
	return common.Display(b.String())
}

// detailView is the certificate, scrolled, with the void prompt below it.
func (m *Model) detailView() string {
	s := m.ctx.Styles
	var foot []string
	if m.mode == voiding {
		note := "作废后证明仍留在台账中，标明作废；编号不再使用。"
		if m.voidBusy {
			note = common.Display(common.SavingText)
		}
		foot = append([]string{"", s.Warn.Render("作废原因：") + m.reason.View()}, s.Dim.Render(common.Truncate(note, m.width)))
	}
	p := m.pager
	p.SetHeight(m.height - len(foot))
	return strings.Join(append([]string{p.View(m.detailLines(), s)}, foot...), "\n")
}

// detailLines are every field of the certificate and its history, each
// shown whole, wrapped to the width.
func (m *Model) detailLines() []string {
	s := m.ctx.Styles
	c := m.cert
	lines := certview.FieldLines(s, c, m.ctx.Profile, m.reveal, m.width)
	add := func(label, value string) {
		lines = append(lines, common.Labelled(s.Label.Render(label+"："), value, m.width)...)
	}
	if c.Replaces != 0 {
		add("更正自", m.linked+"（按 l 查看）")
	}
	if c.ReplacedBy != 0 {
		add("更正为", m.linked+"（按 l 查看）")
	}
	lines = append(lines, s.Label.Render("经过："))
	for _, ev := range m.history {
		lines = append(lines, common.Labelled("  "+store.StampText(ev.Time)+"  ", ev.Operator+"  "+ev.Describe(), m.width)...)
	}
	return lines
}
