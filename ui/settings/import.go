package settings

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store/backup"
	"taizhang/store/oldledger"
	"taizhang/ui/common"
)

// 导入旧台账: the office's old Excel ledger (or a CSV of it) read into the
// ledger. The worker types the file's location; a dry run shows what would
// be imported and why rows are refused; Y imports (after a backup), all or
// nothing. Both runs show a progress bar.

const importHint = `例如 E:\旧台账.xlsx 或 E:\旧台账.csv`

type importStage int

const (
	importOff     importStage = iota
	importPath                // typing the file's location
	importReading             // the dry run
	importReview              // the dry run's summary: Y imports
	importWriting             // the import
	importDone                // the import's summary
)

// importState is the 导入旧台账 view.
type importState struct {
	stage       importStage
	file        string
	done, total int
	rep         oldledger.Report
	backup      string // the backup taken before the import
	err         string
	bar         progress.Model
}

// importProgress is the run's progress; next reads its next message.
type importProgress struct {
	done, total int
	next        tea.Cmd
}

// importFinished is a run's end.
type importFinished struct {
	apply  bool
	rep    oldledger.Report
	backup string
	err    error
}

// openImport shows the file input.
func (m *Model) openImport() tea.Cmd {
	m.imp = importState{stage: importPath, file: m.imp.file,
		bar: progress.New(progress.WithFillCharacters('#', '-'), progress.WithSolidFill("4"), progress.WithWidth(50))}
	m.edit = importFile
	m.importIn.SetValue(m.imp.file)
	m.importIn.CursorEnd()
	return m.importIn.Focus()
}

// importFileKey handles a key while the file's location is typed.
func (m *Model) importFileKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, m.keys.Cancel):
		m.edit = none
		m.imp.stage = importOff
		m.importIn.Blur()
		return nil
	case key.Matches(km, m.keys.Confirm):
		file := strings.Trim(strings.TrimSpace(m.importIn.Value()), `"`)
		if file == "" {
			m.imp.err = "请填写旧台账文件的位置。"
			return nil
		}
		m.edit = none
		m.importIn.Blur()
		m.imp.file = file
		return m.runImport(false)
	}
	m.imp.err = ""
	var cmd tea.Cmd
	m.importIn, cmd = m.importIn.Update(km)
	return cmd
}

// importKey handles a key of the import view outside the file input.
func (m *Model) importKey(km tea.KeyMsg) tea.Cmd {
	switch m.imp.stage {
	case importReading, importWriting:
		return nil // the run goes on; Ctrl+C still quits, and the ledger is replaced only at its end
	case importReview:
		if key.Matches(km, m.keys.Yes) && m.imp.rep.Valid > 0 {
			return m.runImport(true)
		}
	}
	if key.Matches(km, m.keys.Back) {
		m.imp.stage = importOff
		return nil
	}
	if key.Matches(km, m.keys.Import) {
		return m.openImport()
	}
	return nil
}

// runImport starts a run in the background: the command returns its first
// message, each progress message carries the command that reads the next.
// With apply, the ledger is backed up first.
func (m *Model) runImport(apply bool) tea.Cmd {
	m.imp.err, m.imp.done, m.imp.total = "", 0, 0
	m.imp.stage = importReading
	if apply {
		m.imp.stage = importWriting
	}
	db, file := m.ctx.Store, m.imp.file
	opt := oldledger.Options{Apply: apply, Operator: m.ctx.Operator, Catalog: m.ctx.Catalog, Checker: m.ctx.Checker}
	return common.Route(m.id(), func() tea.Msg {
		ch := make(chan tea.Msg, 4)
		opt.Progress = func(done, total int) {
			select { // a frame that is not drawn is not waited for
			case ch <- importProgress{done: done, total: total}:
			default:
			}
		}
		go func() {
			fin := importFinished{apply: apply}
			if apply {
				var saved backup.Result
				if saved, fin.err = backup.BeforeImport(db); fin.err == nil {
					fin.backup = saved.Path
				}
			}
			if fin.err == nil {
				fin.rep, fin.err = oldledger.Import(db, file, opt)
			}
			ch <- fin
		}()
		return receiveImport(ch)()
	})
}

func receiveImport(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg := <-ch
		if p, ok := msg.(importProgress); ok {
			p.next = receiveImport(ch)
			return p
		}
		return msg
	}
}

// importMsg takes the runs' messages; false for any other.
func (m *Model) importMsg(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case importProgress:
		m.imp.done, m.imp.total = msg.done, msg.total
		return common.Route(m.id(), msg.next), true
	case importFinished:
		m.imp.rep, m.imp.backup = msg.rep, msg.backup
		switch {
		case msg.err != nil:
			m.imp.stage, m.imp.err = importPath, msg.err.Error()
			m.edit = importFile
			return m.importIn.Focus(), true
		case msg.apply:
			m.imp.stage = importDone
			return common.Info(fmt.Sprintf("已导入旧台账 %d 份证明。", msg.rep.Valid)), true
		}
		m.imp.stage = importReview
		return nil, true
	}
	return nil, false
}

// importView is the 导入旧台账 view.
func (m *Model) importView() string {
	s := m.ctx.Styles
	var b strings.Builder
	line := func(str string) { b.WriteString(common.Truncate(common.Display(str), m.width) + "\n") }
	wrap := func(str string, style func(...string) string) {
		// Display first: it widens the quotes, which the wrap must count.
		for _, l := range common.Wrap(common.Display(str), m.width-2) {
			line("  " + style(l))
		}
	}
	line(s.Title.Render("导入旧台账") + s.Dim.Render("（Excel 工作簿 .xlsx 或 CSV；先试运行，确认后才导入）"))
	line("  文件：[" + m.importIn.View() + "]")
	if m.imp.err != "" {
		wrap(m.imp.err, s.Error.Render)
	}
	im := m.imp
	switch im.stage {
	case importPath:
		wrap("能认出的栏目："+columnsText+"。表头上方的标题行、空行都可以有。", s.Dim.Render)
	case importReading, importWriting:
		line(progressText(im.stage, im.done, im.total))
		frac := 0.0
		if im.total > 0 {
			frac = float64(im.done) / float64(im.total)
		}
		line("  " + m.imp.bar.ViewAs(frac))
	case importReview, importDone:
		m.importSummary(line, wrap)
	}
	return b.String()
}

// progressText says what a run is doing: reading, or, once an import has
// read every row, writing the data file (on an old PC's disk the last
// step of a large import takes seconds, and the bar stands full).
func progressText(stage importStage, done, total int) string {
	switch {
	case stage == importReading:
		return fmt.Sprintf("  正在读取和核对……已读 %d / %d 行", done, total)
	case total > 0 && done >= total:
		return fmt.Sprintf("  已读完 %d 行，正在写入数据文件，请稍候，不要关机……", done)
	}
	return fmt.Sprintf("  正在导入……已读 %d / %d 行", done, total)
}

// columnsText names the columns the importer reads.
const columnsText = "姓名、身份证号（证件号码、公民身份号码）、证明类型（证明事项、证明名称）、日期（开具日期、出具日期），以及可有可无的用途（事由）、经办人、编号、住址、备注"

// importSummary is what a run found: counts, years, types, the first
// refused rows and where all of them are.
func (m *Model) importSummary(line func(string), wrap func(string, func(...string) string)) {
	s, r := m.ctx.Styles, m.imp.rep
	done := m.imp.stage == importDone
	head := fmt.Sprintf("  读到 %d 行：可以导入 %d 份", r.Rows, r.Valid)
	if done {
		head = fmt.Sprintf("  读到 %d 行：已导入 %d 份", r.Rows, r.Valid)
	}
	if r.Already > 0 {
		head += fmt.Sprintf("，以前已导入 %d 份（跳过）", r.Already)
	}
	line(head + fmt.Sprintf("，不能导入 %d 行。", r.Rejected))
	if r.Valid > 0 {
		years := make([]int, 0, len(r.ByYear))
		for y := range r.ByYear {
			years = append(years, y)
		}
		sort.Ints(years)
		var parts []string
		for _, y := range years {
			parts = append(parts, fmt.Sprintf("%d 年 %d 份", y, r.ByYear[y]))
		}
		wrap("按年份："+strings.Join(parts, "，"), s.Dim.Render)
		types := make([]string, 0, len(r.ByType))
		for t := range r.ByType {
			types = append(types, t)
		}
		sort.Slice(types, func(i, j int) bool { return r.ByType[types[i]] > r.ByType[types[j]] })
		for i, t := range types {
			if i == 3 {
				line(s.Dim.Render(fmt.Sprintf("  ……另有 %d 类", len(types)-3)))
				break
			}
			line(fmt.Sprintf("  %6d 份  %s", r.ByType[t], t))
		}
	}
	for i, x := range r.Rejections {
		if i == 2 {
			break
		}
		wrap(fmt.Sprintf("第 %d 行：%s", x.Line, x.Reason), s.Warn.Render)
	}
	if r.RejectedFileError != "" {
		wrap(r.RejectedFileError, s.Warn.Render)
	}
	if r.RejectedFile != "" {
		wrap("不能导入的行连同原因写在 "+r.RejectedFile+"（可用 Excel 打开，改正后再导入这个文件）", s.Dim.Render)
	}
	switch {
	case done:
		wrap("导入前的台账已备份到 "+m.imp.backup+"。导入的证明编号前加“旧”字，按原日期在证明列表中查看。", s.OK.Render)
	case r.Valid == 0 && r.Already > 0:
		line(s.OK.Render("  这个文件以前已经导入过，没有新的记录。"))
	case r.Valid > 0:
		line(s.Title.Render(fmt.Sprintf("  按 Y 导入这 %d 份（先自动备份；全部成功或一份也不导入），Esc 返回", r.Valid)))
	}
}
