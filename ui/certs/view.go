package certs

import (
	"fmt"
	"strings"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"
	"taizhang/ui/common"
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
func shortType(types map[int]assets.CertTemplate, no int) string {
	if t, ok := types[no]; ok && no != 0 {
		return t.Short
	}
	return "准入证明"
}

// Ledger columns: 状态 comes right after the date, so a narrow window
// (60 columns) never loses 有效/作废; there the ID number shows only its
// last four digits (what tells people apart) and the type gives way first.
const (
	serialW  = 10
	nameW    = 10
	typeMaxW = 20
	typeMinW = 8
	idFullW  = 18 // 140403********1231
	idTailW  = 8  // ****1231
)

// idW is the width of the ID column in a window w wide.
func idW(w int) int {
	if w >= 1+serialW+1+5+1+4+1+typeMaxW+1+nameW+1+idFullW {
		return idFullW
	}
	return idTailW
}

// typeW is the width of the type column in a window w wide.
func typeW(w int) int {
	fixed := 1 + serialW + 1 + 5 + 1 + 4 + 1 + 1 + nameW + 1
	return min(max(w-fixed-idW(w), typeMinW), typeMaxW)
}

// idText is the masked ID number as wide as the column.
func idText(number string, w int) string {
	masked := idcard.Mask(number)
	if w >= idFullW {
		return masked
	}
	r := []rune(masked)
	return "****" + string(r[max(len(r)-4, 0):])
}

// rowText is one ledger line: serial, date, status, type, name, masked ID.
func (m *Model) rowText(r store.CertRow) string {
	status := "有效"
	if r.Voided {
		status = "作废"
	}
	date := r.IssueDate
	if len(date) == 10 {
		date = date[5:]
	}
	return fmt.Sprintf("%s %s %s %s %s %s", common.Pad(r.Serial, serialW), date, status,
		common.Pad(shortType(m.types, r.TypeNo), typeW(m.width)), common.Pad(common.Display(r.Name), nameW), idText(r.IDNumber, idW(m.width)))
}

func (m *Model) tableHead() string {
	head := fmt.Sprintf(" %s %s %s %s %s %s", common.Pad("编号", serialW), "日期 ", "状态",
		common.Pad("类型", typeW(m.width)), common.Pad("姓名", nameW), "身份证号")
	return m.ctx.Styles.Label.Render(common.Truncate(head, m.width))
}

func (m *Model) ledgerView() string {
	s := m.ctx.Styles
	var valid, voided int
	for _, r := range m.rows {
		if r.Voided {
			voided++
		} else {
			valid++
		}
	}
	head := fmt.Sprintf("%s  共 %d 份（有效 %d，作废 %d）", store.ChineseMonth(m.month), len(m.rows), valid, voided)
	var b strings.Builder
	b.WriteString(s.Title.Render(common.Truncate(head, m.width)) + "\n")
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
	switch {
	case m.index == nil:
		b.WriteString(s.Dim.Render("正在建立查找索引……"))
	case m.search.Value() == "":
		b.WriteString(s.Dim.Render(common.Truncate("在全部月份中查找：姓名、拼音或首字母、身份证号（或后 4–6 位）、编号、证明类型", m.width)))
	case m.hitTotal == 0:
		b.WriteString(s.Warn.Render(common.Truncate("没有找到。检查拼写，或按 Esc 回到按月查看。", m.width)))
	default:
		line := fmt.Sprintf("找到 %d 份（最相符、最新的在前）", m.hitTotal)
		b.WriteString(s.Title.Render(common.Truncate(line, m.width)))
	}
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
	var lines []string
	add := func(label, value string) {
		lines = append(lines, common.Labelled(s.Label.Render(label+"："), value, m.width)...)
	}
	status := s.OK.Render("有效")
	if c.Status == store.Voided {
		status = s.Error.Render("作废")
	}
	lines = append(lines, s.Title.Render("编号 "+c.FullSerial(m.ctx.Profile))+"  "+status)
	add("证明类型", c.TypeName)
	id := idcard.Mask(c.IDNumber)
	if m.reveal {
		id = c.IDNumber
	}
	add("姓名", fmt.Sprintf("%s    性别：%s    出生日期：%s", c.Name, c.Sex, store.ChineseDateOf(c.Birth)))
	add("身份证号", id)
	add("住址", orDash(c.Address))
	add("用途", c.Purpose)
	add("需证明单位", orDash(c.Recipient))
	add("核实情况", orDash(c.Verified))
	add("份数", fmt.Sprintf("%d 份    签发日期：%s    经办人：%s", c.Copies, store.ChineseDateOf(c.IssueDate), c.OperatorName))
	printed := "未打印"
	if c.Prints > 0 {
		printed = fmt.Sprintf("已打印 %d 次", c.Prints)
	}
	add("打印", printed)
	if c.Status == store.Voided {
		add("作废", fmt.Sprintf("%s（%s，%s）", c.VoidReasonText(), store.StampText(c.VoidedAt), c.VoidedBy))
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

func orDash(s string) string {
	if s == "" {
		return "（未填）"
	}
	return s
}
