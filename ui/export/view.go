package export

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"

	"taizhang/store"
	"taizhang/store/drives"
	"taizhang/ui/common"
)

// monthRows is how many months the list shows.
const monthRows = 5

// labelW is the width of the labels in front of the choices.
const labelW = 10

func (m *Model) View() string {
	var lines []string
	add := func(ls ...string) { lines = append(lines, ls...) }
	switch m.state {
	case running:
		m.runningView(add)
	case finishedOK:
		m.summaryView(add)
	default:
		m.choicesView(add)
	}
	for i, l := range lines {
		lines[i] = common.Truncate(common.Display(l), m.width)
	}
	return strings.Join(lines, "\n")
}

// wrap breaks text for the screen, each line indented and styled.
func (m *Model) wrap(text, indent string, render func(...string) string) []string {
	var out []string
	for _, l := range common.Wrap(common.Display(text), max(m.width-common.Width(indent)-1, 10)) {
		out = append(out, indent+render(l))
	}
	return out
}

func (m *Model) label(r row, text string) string {
	s := m.ctx.Styles
	if m.focus == r {
		return "> " + s.Focused.Render(common.Pad(text, labelW-2))
	}
	return "  " + s.Label.Render(common.Pad(text, labelW-2))
}

func (m *Model) choicesView(add func(...string)) {
	s := m.ctx.Styles
	add(" "+s.Dim.Render("把一个月的台账写到U盘，交街道办事处或县民政局；每月一次。"), "")
	add(m.label(rowMonth, "月份") + s.Dim.Render("按 [ ] 或 左/右 换月"))
	for _, t := range m.monthWindow() {
		text := common.Pad(store.ChineseMonth(t), 12) + m.monthState(t)
		if t.Equal(m.month) {
			add(strings.Repeat(" ", labelW-2) + "> " + s.Selected.Render(common.Display(text)))
		} else {
			add(strings.Repeat(" ", labelW) + common.Display(text))
		}
	}
	add("")
	add(m.label(rowDest, "导出到") + m.destText())
	if m.typed() {
		add(m.label(rowPath, "位置") + "[" + m.path.View() + "]")
	}
	add("")
	add(m.label(rowEncrypt, "加密") + m.encryptText())
	mask := "[ ] 不打码：表格和 CSV 中是完整的身份证号"
	if m.mask {
		mask = "[x] 表格和 CSV 中隐去身份证号中间 8 位（ledger.db 中仍是完整号码）"
	}
	add(m.label(rowMask, "打码") + mask)
	add("")
	if m.hint != "" {
		add(m.wrap(m.hint, " ", s.Warn.Render)...)
		return
	}
	if m.err != nil {
		add(m.wrap(m.err.Error(), " ", s.Error.Render)...)
		if retryable(m.err) {
			add(" " + s.Label.Render("改好后按 Enter 重新导出。"))
		}
		return
	}
	add(" " + s.Label.Render("按 Enter 开始导出 "+store.ChineseMonth(m.month)))
	if note := m.monthNote(); note != "" {
		add(m.wrap(note, " ", s.Dim.Render)...)
	}
}

// monthWindow is the months listed: up to monthRows from the ledger's first
// month to this month, around the one chosen.
func (m *Model) monthWindow() []time.Time {
	last := store.MonthStart(m.ctx.Now())
	var all []time.Time
	for t := m.start; !t.After(last); t = t.AddDate(0, 1, 0) {
		all = append(all, t)
	}
	sel := 0
	for i, t := range all {
		if t.Equal(m.month) {
			sel = i
		}
	}
	from := max(0, min(sel-(monthRows-2), len(all)-monthRows))
	return all[from:min(from+monthRows, len(all))]
}

// monthState says whether a month was exported: when and as what, or by a
// later month's bundle, or not yet.
func (m *Model) monthState(t time.Time) string {
	if !m.loaded {
		return "..."
	}
	key := t.Format("2006-01")
	if rs := m.months[key]; len(rs) > 0 {
		r := rs[len(rs)-1]
		t := r.Time.In(store.Beijing)
		full := fmt.Sprintf("已导出 %d月%d日 %s  %s", t.Month(), t.Day(), t.Format("15:04"), r.Bundle)
		if common.Width(full) <= m.width-labelW-13 {
			return full
		}
		return fmt.Sprintf("已导出 %d月%d日  %s", t.Month(), t.Day(), r.Bundle) // the name matters more than the hour
	}
	if later := m.laterExport(key); later != "" {
		return "已随" + store.ChineseMonthOf(later) + "的导出包交出"
	}
	if t.Equal(store.MonthStart(m.ctx.Now())) {
		return "未导出（本月还没有结束）"
	}
	return "未导出"
}

// laterExport is the first month after month that was exported ("" if
// none): its bundle carried month's records.
func (m *Model) laterExport(month string) string {
	later := ""
	for k := range m.months {
		if k > month && (later == "" || k < later) {
			later = k
		}
	}
	return later
}

// monthNote says what exporting the month chosen will do when that is not
// plain.
func (m *Model) monthNote() string {
	key := m.month.Format("2006-01")
	switch {
	case !m.loaded:
		return ""
	case len(m.months[key]) > 0:
		return fmt.Sprintf("这个月已导出过 %d 次；再导出会另建一个文件夹（编号加 1），原来的不动。", len(m.months[key]))
	case m.laterExport(key) != "":
		return "这个月的记录已随" + store.ChineseMonthOf(m.laterExport(key)) + "的导出包交出，不能单独导出。"
	case m.month.Equal(store.MonthStart(m.ctx.Now())):
		return "本月还没有结束：现在导出，之后本月再登记的内容会放进下个月的导出包。"
	}
	return ""
}

func (m *Model) destText() string {
	s := m.ctx.Styles
	if m.typed() {
		text := "其他位置（在下一行填写）"
		switch {
		case len(m.drives) == 0 && m.focus == rowDest:
			return "< " + text + " >  " + s.Dim.Render("没有找到U盘，插上后按 左/右 刷新")
		case len(m.drives) == 0:
			return text + "  " + s.Dim.Render("没有找到U盘")
		}
		return m.arrows(text) + "  " + s.Dim.Render(fmt.Sprintf("找到 %d 个U盘，按 左/右 选择", len(m.drives)))
	}
	return m.arrows(m.drives[m.dest].Describe())
}

// arrows marks a choice that 左/右 change while the cursor is on it.
func (m *Model) arrows(text string) string {
	if m.focus == rowDest {
		return "< " + text + " >"
	}
	return text
}

func (m *Model) encryptText() string {
	k := m.ctx.Profile.ReceiverKey
	switch {
	case k == "":
		return "[ ] 不加密：还没有接收单位公钥（到“设置”中按 g 填写）"
	case m.encrypt:
		return "[x] 只有接收单位能打开（公钥 " + shortKey(k) + "）"
	}
	return "[ ] 不加密：U盘上的姓名、身份证号任何人都能看到"
}

func shortKey(k string) string {
	if len(k) <= 20 {
		return k
	}
	return k[:10] + "..." + k[len(k)-6:]
}

func (m *Model) runningView(add func(...string)) {
	s := m.ctx.Styles
	add(m.wrap("正在导出 "+store.ChineseMonthOf(m.job.Month)+" 到 "+m.job.Dir+" ...", " ", s.Label.Render)...)
	add("")
	frac := 0.0
	if m.total > 0 {
		frac = float64(m.done) / float64(m.total)
	}
	add("   " + m.bar.ViewAs(frac))
	add("")
	text := fmt.Sprintf("已写好 %d/%d 个文件。写完后会重新读取核验，请不要拔出U盘。", m.done, m.total)
	switch {
	case m.total == 0:
		text = "正在整理这个月的记录。请不要拔出U盘。"
	case m.done >= m.total:
		text = "文件已写好，正在重新读取核验。请不要拔出U盘。"
	}
	add(m.wrap(text, "   ", s.Dim.Render)...)
}

func (m *Model) summaryView(add func(...string)) {
	s := m.ctx.Styles
	o, c := m.out, m.out.Counts
	add(" " + s.OK.Render(fmt.Sprintf("导出完成：%s（第 %d 次导出），已重新读取并核验通过。", store.ChineseMonthOf(m.job.Month), max(o.N, 1))))
	if c.Late > 0 {
		add(m.wrap(fmt.Sprintf("以前月份还没有交出的 %d 条事件也一并带上，所以下面的数量包括以前月份的。", c.Late), " ", s.Dim.Render)...)
	}
	add("")
	row := func(label, text string) {
		lines := common.Wrap(common.Display(text), max(m.width-3-labelW, 10))
		for i, l := range lines {
			head := strings.Repeat(" ", labelW)
			if i == 0 {
				head = s.Label.Render(common.Pad(label, labelW))
			}
			add("   " + head + l)
		}
	}
	row("证明", fmt.Sprintf("开具 %d 份（作废 %d 份，打印 %d 次）", c.Certificates, c.Voided, c.Prints))
	if types := byType(c.ByType); types != "" {
		add("   " + strings.Repeat(" ", labelW) + s.Dim.Render(common.Truncate(types, m.width-3-labelW)))
	}
	row("拒绝出具", fmt.Sprintf("%d 条", c.Refusals))
	row("准入审批", fmt.Sprintf("有变动的 %d 份", c.Admissions))
	events := fmt.Sprintf("%d 条", c.Events)
	if c.Late > 0 {
		events += fmt.Sprintf("（其中属于以前月份的 %d 条）", c.Late)
	}
	row("事件", events)
	files := fmt.Sprintf("%d 个，共 %s", o.Files, drives.Size(uint64(max(o.Bytes, 0))))
	if o.Encrypted {
		files += "，已加密"
	} else {
		files += "，未加密"
	}
	if o.MaskedID {
		files += "，身份证号已打码"
	}
	row("文件", files)
	row("位置", o.Path)
	if o.Backup != "" {
		row("备份", "导出前已备份到"+o.Backup)
	}
	add("")
	add(m.wrap("可以拔下U盘了（Windows 上请先点右下角的“安全删除硬件”）。把整个文件夹交给接收单位；不要改动里面的文件，改动后就不能通过核验。", " ", s.Dim.Render)...)
}

// byType names the types most issued: the line is cut to the screen, the
// full list is in 台账.xlsx's 汇总 sheet.
func byType(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range m {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].v != list[j].v {
			return list[i].v > list[j].v
		}
		return list[i].k < list[j].k
	})
	var parts []string
	for _, e := range list {
		parts = append(parts, fmt.Sprintf("%s %d 份", e.k, e.v))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%d 类：", len(parts)) + strings.Join(parts, "，")
}

func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.state {
	case running:
		return nil
	case finishedOK:
		return []key.Binding{k.Confirm, k.Back}
	}
	if m.focus == rowPath {
		return []key.Binding{k.Down, k.Start, k.Back}
	}
	return []key.Binding{k.Select, k.Switch, k.Toggle, k.Start, k.Back}
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch m.state {
	case running:
		return nil
	case finishedOK:
		return [][]key.Binding{{k.Confirm, k.Back}}
	}
	return [][]key.Binding{{k.Down, k.Up, k.Switch, k.PrevMonth, k.NextMonth, k.Toggle, k.Start, k.Back}}
}
