package printout

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"taizhang/assets"
	"taizhang/store"

	"github.com/xuri/excelize/v2"
)

// Sheet names of an admission printout: the approval form (附件5) and the
// application letter that goes with it (备注3).
const (
	FormSheet   = "审批表"
	LetterSheet = "申请书"
)

// Copies is how many copies of the form and the letter are filed (备注3:
// 本表连同申请书一式三份).
const Copies = 3

// The form is three columns, about 16 cm together like the certificate: the
// labels, the term boxes (☐临时性), and the rest. Values span B:C. Widths in
// Excel's character units.
const (
	formLabelWidth = 22
	formBoxWidth   = 15
	formRestWidth  = 49.3
	formCols       = 3
)

// The letter is one column as wide as the form.
const letterWidth = formLabelWidth + formBoxWidth + formRestWidth

// Font sizes in points: the form's title 小二 bold, its body 小四, the notes
// 五号; the letter's title 小二, its body 四号.
const (
	formTitleSize = 18
	formBodySize  = 12
	formNoteSize  = 10.5
	letterSize    = 14
)

// blankDate is the 年 月 日 line left for the approving body to fill in.
const blankDate = "　　年　　月　　日"

// letterHeads are the six parts of the application letter, in the order
// 备注3 lists them.
var letterHeads = [...]string{"一、准入事项的内容", "二、必要性", "三、时间", "四、人员安排", "五、经费保障", "六、赋予社区的权限"}

// FormError is an embedded approval form (assets) that does not match the
// rows this printout knows how to fill.
type FormError struct{ Label string }

func (e *FormError) Error() string {
	return "程序内置的准入审批表格式与打印程序不一致（栏目“" + e.Label + "”），无法打印。请更新程序。"
}

// Admission lays out 附件5 长治市部门工作进社区准入审批表 for a, filled in,
// on the sheet 审批表, and the application letter (申请书) on a second sheet.
// It prints whatever a holds, a draft included: an empty field is left blank
// to be written in by hand, and the opinions' 年 月 日 stay blank until an
// opinion with its date has been entered.
//
// 一式三份: excelize cannot set a copy count that Excel, WPS and LibreOffice
// all honour (pageSetup@copies is not exposed and is widely ignored), so the
// file asks for nothing more than one printed copy. The form's 备注3 says
// 本表连同申请书一式三份, and the screen that prints it tells the worker to
// print Copies copies.
func Admission(p store.Profile, a store.Admission) (*excelize.File, error) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		return nil, err
	}
	form := cat.ApprovalForm

	f, err := newBook(FormSheet, LetterSheet)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()

	fw := newSheetWriter(f, FormSheet, formLabelWidth, formBoxWidth, formRestWidth)
	if err := fw.page(1); err != nil {
		return nil, err
	}
	if err := fw.form(p, a, form); err != nil {
		return nil, err
	}
	lw := newSheetWriter(f, LetterSheet, letterWidth)
	if err := lw.page(0); err != nil {
		return nil, err
	}
	lw.letter(p, a)
	for _, w := range []*sheetWriter{fw, lw} {
		if w.err != nil {
			return nil, w.err
		}
		if err := w.printArea(); err != nil {
			return nil, err
		}
	}

	props := &excelize.DocProperties{
		Title:       strings.TrimSpace(form.Title + " " + store.CleanText(a.Unit) + " " + store.CleanText(a.Item)),
		Subject:     store.CleanText(a.Item),
		Creator:     p.CommitteeName(),
		Category:    "准入审批表",
		Keywords:    "准入审批表;申请书;" + string(a.Status),
		Description: fmt.Sprintf("台账程序生成的准入审批表及申请书。本表连同申请书一式%s份。", chineseDigits[Copies]),
		Language:    "zh-CN",
	}
	if stamp := a.Updated; !stamp.IsZero() {
		props.Modified = stamp.UTC().Format(time.RFC3339)
		props.Created = props.Modified
		if !a.Created.IsZero() {
			props.Created = a.Created.UTC().Format(time.RFC3339)
		}
	}
	if err := f.SetDocProps(props); err != nil {
		return nil, err
	}
	ok = true
	return f, nil
}

var chineseDigits = [...]string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// form writes the approval form: 附件5, the title, the grid of the
// catalog's rows in the catalog's order, and the notes.
func (w *sheetWriter) form(p store.Profile, a store.Admission, form assets.ApprovalForm) error {
	last := len(w.widths)
	if form.Annex > 0 {
		w.put(1, w.row, 1, w.row, "附件"+strconv.Itoa(form.Annex), w.style(stAnnex, ""))
		w.height(w.row, 20)
		w.row++
	}
	w.put(1, w.row, last, w.row, form.Title, w.style(stTitle, ""))
	w.height(w.row, max(float64(w.lines(form.Title, 1, last, formTitleSize))*lineHeight(formTitleSize)*1.3+rowPad, 40))
	w.row++
	w.height(w.row, 6)
	w.row++

	value := func(s string, h float64) gridRow {
		return gridRow{min: h, cells: []gridCell{{2, last, s, w.style(stValue, "LRTB")}}}
	}
	for _, fd := range form.Fields {
		var rows []gridRow
		switch fd.Label {
		case assets.FormUnit:
			unit := store.CleanText(a.Unit)
			if code := strings.TrimSpace(a.CreditCode); code != "" {
				unit += "\n统一社会信用代码：" + code
			}
			rows = []gridRow{
				{min: 28, cells: []gridCell{{2, last, unit, w.style(stValue, "LRT")}}},
				{min: 32, cells: []gridCell{{2, last, "（盖章）", w.style(stRight, "LRB")}}},
			}
		case assets.FormScope:
			rows = []gridRow{value(store.ScopeText(p, a.Scope), 28)}
		case assets.FormItem:
			item := store.CleanText(a.Item)
			if a.Kind != "" {
				item += "（" + a.Kind + "）"
			}
			rows = []gridRow{value(item, 28)}
		case assets.FormBasis:
			rows = []gridRow{value(store.CleanText(a.Basis), 32)}
		case assets.FormApplied:
			rows = []gridRow{value(dateText(a.AppliedOn), 28)}
		case assets.FormTerm:
			rows = w.termRows(a)
		case assets.FormPowers:
			rows = []gridRow{value(store.CleanText(a.Powers), 32)}
		case assets.FormFunding:
			rows = []gridRow{value(store.CleanText(a.Funding), 32)}
		case assets.FormCountyOpinion:
			rows = w.opinionRows(a.CountyOpinion)
		case assets.FormCityOpinion:
			rows = w.opinionRows(a.CityOpinion)
		default:
			return &FormError{Label: fd.Label}
		}
		w.labelled(fd.Label, rows)
	}

	// The notes as printed; 备注3 already says 本表连同申请书一式三份.
	w.height(w.row, 6)
	w.row++
	w.text("备注：", w.style(stNote, ""), formNoteSize)
	for i, n := range form.Notes {
		w.text(strconv.Itoa(i+1)+"．"+n, w.style(stNote, ""), formNoteSize)
	}
	return nil
}

// termRows are the three term types, the chosen one ticked and its months
// filled in: 临时性 and 阶段性 from … to …, 长期 from … on.
func (w *sheetWriter) termRows(a store.Admission) []gridRow {
	from, to := monthParts(a.From), monthParts(a.To)
	var rows []gridRow
	terms := []string{store.TermTemporary, store.TermPhased, store.TermLong}
	for i, t := range terms {
		box, f, u := "☐", [2]string{}, [2]string{}
		if a.Term == t {
			box, f, u = "☑", from, to
		}
		span := "从" + blankNum(f[0]) + "年" + blankNum(f[1]) + "月"
		if t == store.TermLong {
			span += "起"
		} else {
			span += " 到" + blankNum(u[0]) + "年" + blankNum(u[1]) + "月"
		}
		lb, rb := "L", "R"
		if i == 0 {
			lb, rb = lb+"T", rb+"T"
		}
		if i == len(terms)-1 {
			lb, rb = lb+"B", rb+"B"
		}
		rows = append(rows, gridRow{min: 22, cells: []gridCell{
			{2, 2, box + t, w.style(stBox, lb)},
			{3, len(w.widths), span, w.style(stValue, rb)},
		}})
	}
	return rows
}

// opinionRows are an approving body's opinion, the room for its seal and
// the date, blank to be filled in by hand until the opinion is entered.
func (w *sheetWriter) opinionRows(o *store.Opinion) []gridRow {
	text, date := "", blankDate
	if o != nil {
		text = store.CleanText(o.Text)
		if d := dateText(o.Date); d != "" {
			date = d
		}
	}
	last := len(w.widths)
	return []gridRow{
		{min: 40, cells: []gridCell{{2, last, text, w.style(stValueTop, "LRT")}}},
		{min: 28, cells: []gridCell{{2, last, "（盖章）", w.style(stRight, "LR")}}},
		{min: 22, cells: []gridCell{{2, last, date, w.style(stRight, "LRB")}}},
	}
}

// letter writes the application letter: title, addressee (the approving
// body of the profile's county), the six parts of 备注3 with their
// paragraphs, and the unit and date at the foot.
func (w *sheetWriter) letter(p store.Profile, a store.Admission) {
	title := "准入社区申请书"
	if item := store.CleanText(a.Item); item != "" {
		title = "关于申请" + item + "准入社区的申请书"
	}
	w.text(title, w.style(stLetterTitle, ""), formTitleSize)
	w.height(w.row, 12)
	w.row++
	w.text(store.ApprovingBodyIn(p.CountyName, a.UnitLevel)+"：", w.style(stLetter, ""), letterSize)
	parts := []string{a.LetterContent, a.LetterNecessity, a.LetterSchedule, a.LetterStaffing, a.LetterFunding, a.LetterPowers}
	for i, body := range parts {
		w.text(indent+letterHeads[i], w.style(stLetterHead, ""), letterSize)
		n := 0
		for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n") {
			para = store.CleanText(para)
			if para == "" {
				continue
			}
			n++
			pieces, lines := chunks(indent+para, w.em(1, len(w.widths), letterSize), letterSize)
			for j, piece := range pieces {
				w.put(1, w.row, len(w.widths), w.row, piece, w.style(stLetter, ""))
				w.height(w.row, rowHeight(lines[j], letterSize))
				w.row++
			}
		}
		if n == 0 { // room to write by hand
			w.height(w.row, 2*lineHeight(letterSize)+rowPad)
			w.row++
		}
	}
	w.height(w.row, 36)
	w.row++
	unit := store.CleanText(a.Unit)
	if unit == "" {
		unit = "申请单位（盖章）"
	}
	w.text(unit, w.style(stLetterSign, ""), letterSize)
	date := dateText(a.AppliedOn)
	if date == "" {
		date = blankDate
	}
	w.text(date, w.style(stLetterSign, ""), letterSize)
}

// dateText is a typed date in Chinese form (2026年11月29日), the text as
// typed when it cannot be read, or "" when empty.
func dateText(s string) string {
	if n, ok := store.NormalizeDate(s); ok {
		if t, err := time.Parse(time.DateOnly, n); err == nil {
			return store.ChineseDate(t)
		}
	}
	return store.CleanText(s)
}

// monthParts is a typed year and month as ["2026", "11"], or empty strings
// when it cannot be read.
func monthParts(s string) [2]string {
	if n, ok := store.NormalizeMonth(s); ok {
		if t, err := time.Parse("2006-01", n); err == nil {
			return [2]string{strconv.Itoa(t.Year()), strconv.Itoa(int(t.Month()))}
		}
	}
	return [2]string{}
}

// blankNum is s set off by spaces (" 2026 "), or room to write a number
// by hand.
func blankNum(s string) string {
	if s == "" {
		return "　　"
	}
	return " " + s + " "
}

// AdmissionFileBase is the file name of an admission printout without
// extension: 准入审批表_unit_item, each part made safe for every file system.
func AdmissionFileBase(a store.Admission) string {
	parts := []string{"准入审批表"}
	for _, s := range []string{a.Unit, a.Item} {
		if s = SafeName(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "_")
}

// SaveAdmission writes the printout of a into dir (created if missing) as
// "准入审批表_<申请单位>_<事项>.xlsx" and returns the path. Like
// SaveCertificate it never overwrites: a reprint becomes "…_2.xlsx" and so on.
func SaveAdmission(dir string, p store.Profile, a store.Admission) (string, error) {
	f, err := Admission(p, a)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return saveNew(dir, AdmissionFileBase(a), f)
}

// text writes s across the sheet in a row tall enough for its lines.
func (w *sheetWriter) text(s string, style int, size float64) {
	spacing := 1.0
	if size >= formTitleSize {
		spacing = 1.3
	}
	w.line(s, style, w.textHeight(s, size, spacing))
}

// gridCell is one value cell of a form row; gridRow is a row of them with a
// minimum height.
type gridCell struct {
	from, to int
	text     string
	style    int
}

type gridRow struct {
	min   float64
	cells []gridCell
}

// labelled writes rows beside a label cell merged down column A over all of
// them, each row as tall as its wrapped text (at least its minimum), the
// last made taller if the label needs it. A label too long for one line is
// broken into even lines ("申请准入事务\n或工作项目", not "申请准入事务或工作项\n目").
func (w *sheetWriter) labelled(label string, rows []gridRow) {
	r0 := w.row
	heights := make([]float64, len(rows))
	total := 0.0
	for i, r := range rows {
		n := 1
		for _, c := range r.cells { // less one em for the cells' indent
			n = max(n, lineCount(c.text, w.em(c.from, c.to, formBodySize)-1))
		}
		heights[i] = max(rowHeight(n, formBodySize), r.min)
		total += heights[i]
	}
	label = balance(label, w.em(1, 1, formBodySize))
	if need := rowHeight(w.lines(label, 1, 1, formBodySize), formBodySize); need > total {
		heights[len(heights)-1] += need - total
	}
	for i, r := range rows {
		for _, c := range r.cells {
			w.put(c.from, r0+i, c.to, r0+i, c.text, c.style)
		}
		w.height(r0+i, min(heights[i], maxRowHeight))
	}
	w.put(1, r0, 1, r0+len(rows)-1, label, w.style(stLabel, "LRTB"))
	w.row += len(rows)
}

// balance breaks s with "\n" into as many lines as it needs at width ems,
// of about equal length, following the wrapper's line-breaking rules.
func balance(s string, width float64) string {
	n := len(wrap(s, width))
	if n < 2 {
		return s
	}
	total := 0.0
	for _, t := range tokens(s) {
		total += t.em
	}
	for w := math.Ceil(total / float64(n)); w <= width; w++ {
		if lines := wrap(s, w); len(lines) <= n {
			return strings.Join(lines, "\n")
		}
	}
	return s
}

// Styles of the admission printout, by kind and the sides that carry a
// border (any of "LRTB"), created on first use.
type styleKind int

const (
	stAnnex styleKind = iota
	stTitle
	stLabel
	stValue
	stValueTop
	stRight
	stBox
	stNote
	stLetterTitle
	stLetter
	stLetterHead
	stLetterSign
)

type styleKey struct {
	kind  styleKind
	sides string
}

func (w *sheetWriter) style(kind styleKind, sides string) int {
	k := styleKey{kind, sides}
	if id, ok := w.styles[k]; ok {
		return id
	}
	align := func(h, v string, indent int) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: v, Indent: indent, WrapText: true}
	}
	var s excelize.Style
	switch kind {
	case stAnnex:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("left", "center", 0)}
	case stTitle:
		s = excelize.Style{Font: font(formTitleSize, true, ""), Alignment: align("center", "center", 0)}
	case stLabel:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("center", "center", 0)}
	case stValue:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("left", "center", 1), NumFmt: 49}
	case stValueTop:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("left", "top", 1), NumFmt: 49}
	case stRight:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("right", "center", 2)}
	case stBox:
		s = excelize.Style{Font: font(formBodySize, false, ""), Alignment: align("left", "center", 1)}
	case stNote:
		s = excelize.Style{Font: font(formNoteSize, false, ""), Alignment: align("left", "top", 0)}
	case stLetterTitle:
		s = excelize.Style{Font: font(formTitleSize, true, ""), Alignment: align("center", "center", 0)}
	case stLetter:
		s = excelize.Style{Font: font(letterSize, false, ""), Alignment: align("left", "top", 0), NumFmt: 49}
	case stLetterHead:
		s = excelize.Style{Font: font(letterSize, true, ""), Alignment: align("left", "center", 0)}
	case stLetterSign:
		s = excelize.Style{Font: font(letterSize, false, ""), Alignment: align("right", "center", 2)}
	}
	for _, side := range sides {
		t := map[rune]string{'L': "left", 'R': "right", 'T': "top", 'B': "bottom"}[side]
		s.Border = append(s.Border, excelize.Border{Type: t, Color: "000000", Style: 1})
	}
	id, err := w.f.NewStyle(&s)
	if err != nil {
		w.set(func() error { return err })
		return 0
	}
	w.styles[k] = id
	return id
}
