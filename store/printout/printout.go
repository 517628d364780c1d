// Package printout writes printable files for issued records: an A4 XLSX page
// per certificate (证明) that Excel, WPS and LibreOffice print as it is, and
// the helpers to save it beside the ledger and open it with the desktop's
// spreadsheet program.
//
// The copy count (份数) is not written as a print setting: excelize does not
// expose pageSetup@copies, and spreadsheet programs differ in whether they
// honour it. The page says "本证明共 N 份" in its footer line instead, and the
// worker sets the count in the print dialog.
package printout

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"taizhang/assets"
	"taizhang/store"

	"github.com/xuri/excelize/v2"
)

// SheetName is the name of the one sheet of a certificate printout.
const SheetName = "证明"

// FolderName is the folder beside the data file that printouts go into.
const FolderName = "打印"

// The text block is eight columns, about 16 cm together: a wider first
// column for the labels of the detail table, seven equal ones after it.
// Widths are in Excel's character units (the stored value; one unit is about
// 7 pixels of the default 11-point font at 96 dpi).
const (
	cols       = 8
	lastCol    = "H"
	firstWidth = 13.5
	otherWidth = 10.4
)

// certWidths are the widths of the certificate's cols columns.
func certWidths() []float64 {
	ws := []float64{firstWidth}
	for len(ws) < cols {
		ws = append(ws, otherWidth)
	}
	return ws
}

// spanEm is how many ems of text in a font of size points fit in columns
// from..to of the certificate (sheetWriter.em).
func spanEm(from, to int, size float64) float64 {
	return (&sheetWriter{widths: certWidths()}).em(from, to, size)
}

// Font sizes in points: 二号 title, 四号 body, 小四 serial, 五号 small print.
const (
	titleSize = 22
	bodySize  = 14
	serialPt  = 12
	smallSize = 10.5
)

// sealSpace is the height left blank for the committee's seal, about 4 cm.
const sealSpace = 113

// indent opens a paragraph: two full-width spaces, as Chinese documents do.
const indent = "　　"

// Closing is the sentence after the body.
const Closing = indent + "特此证明。"

// VoidedError refuses to print a voided certificate.
type VoidedError struct{ Serial string }

func (e *VoidedError) Error() string {
	return "证明 " + e.Serial + " 已作废，不能再打印。如需出具，请新开一份证明。"
}

// DateError is an issue date that is not 2006-01-02.
type DateError struct{ Date string }

func (e *DateError) Error() string {
	return "签发日期“" + e.Date + "”不是有效的日期（应为 2026-01-05 这样的格式），无法打印。"
}

// Title is the heading printed on c: the template's short name, or for a
// type issued under an admission the type's own name.
func Title(c store.Certificate, t assets.CertTemplate) string {
	if t.No != 0 {
		return t.Short
	}
	name := store.CleanText(c.TypeName)
	if name == "" {
		return t.Short
	}
	if !strings.HasSuffix(name, "证明") && !strings.HasSuffix(name, "意见") {
		name += "证明"
	}
	return name
}

// Body is the certificate's paragraph: the template executed on c's fields,
// without the leading indent.
func Body(p store.Profile, c store.Certificate, t assets.CertTemplate) (string, error) {
	typeName := c.TypeName
	if t.No == 0 {
		typeName = Title(c, t)
	}
	return t.Render(assets.CertFields{
		Name:      store.CleanText(c.Name),
		Sex:       store.CleanText(c.Sex),
		IDNumber:  strings.TrimSpace(c.IDNumber),
		Address:   trimSentence(c.Address),
		Purpose:   trimSentence(c.Purpose),
		Recipient: trimSentence(c.Recipient),
		Verified:  trimSentence(c.Verified),
		Committee: c.IssuedBy(p).Committee,
		TypeName:  typeName,
	})
}

// trimSentence drops white space and the punctuation a worker may type at
// the end of a field: the template adds its own.
func trimSentence(s string) string {
	return strings.TrimRight(store.CleanText(s), "。.；;，,、：: ")
}

// Certificate writes an A4 XLSX printout of c for the community p.
func Certificate(p store.Profile, c store.Certificate, t assets.CertTemplate) (*excelize.File, error) {
	if c.Status == store.Voided {
		return nil, &VoidedError{Serial: c.FullSerial(p)}
	}
	issued, err := time.Parse("2006-01-02", strings.TrimSpace(c.IssueDate))
	if err != nil {
		return nil, &DateError{Date: c.IssueDate}
	}
	body, err := Body(p, c, t)
	if err != nil {
		return nil, err
	}

	f, err := newBook(SheetName)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	w := &writer{sw: newSheetWriter(f, SheetName, certWidths()...)}
	if err := w.styles(); err != nil {
		return nil, err
	}
	if err := w.sw.page(1); err != nil {
		return nil, err
	}

	title := Title(c, t)
	w.text(title, w.st.title, titleSize, 1.4, 0)
	w.space(8)
	w.text("编号："+c.FullSerial(p), w.st.serial, serialPt, 1, 0)
	w.space(12)
	if r := trimSentence(c.Recipient); r != "" {
		w.text(r+"：", w.st.para, bodySize, 1, 0)
	}
	for _, para := range strings.Split(body, "\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		pieces, lines := chunks(indent+para, spanEm(1, cols, bodySize), bodySize)
		for j, piece := range pieces {
			w.merged(piece, w.st.para, rowHeight(lines[j], bodySize))
		}
	}
	w.text(Closing, w.st.para, bodySize, 1, 0)
	w.merged("（盖章）", w.st.seal, sealSpace)
	w.text(c.IssuedBy(p).Committee, w.st.sign, bodySize, 1, 0)
	w.text(store.ChineseDate(issued), w.st.sign, bodySize, 1, 0)
	w.space(28)
	w.details(c)
	w.space(6)
	w.text(footer(p, c), w.st.footer, smallSize, 1, 0)
	if w.sw.err != nil {
		return nil, w.sw.err
	}
	if err := w.sw.printArea(); err != nil {
		return nil, err
	}
	props := &excelize.DocProperties{
		Title:       title + " " + c.FullSerial(p),
		Subject:     c.TypeName,
		Creator:     c.IssuedBy(p).Committee,
		Category:    "证明",
		Keywords:    "证明;" + c.FullSerial(p),
		Description: "台账程序生成的证明打印件",
		Language:    "zh-CN",
	}
	if !c.Issued.IsZero() {
		props.Created = c.Issued.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := f.SetDocProps(props); err != nil {
		return nil, err
	}
	ok = true
	return f, nil
}

// footer is the small line at the bottom: who issued it, how to call back,
// how many copies.
func footer(p store.Profile, c store.Certificate) string {
	op := store.CleanText(c.OperatorName)
	if op == "" {
		op = "—"
	}
	parts := []string{"经办人：" + op}
	if phone := c.IssuedBy(p).Phone; phone != "" {
		parts = append(parts, "联系电话："+phone)
	}
	copies := max(c.Copies, 1)
	parts = append(parts, "本证明共 "+strconv.Itoa(copies)+" 份", "涂改无效")
	return strings.Join(parts, "　　")
}

// writer lays the certificate out row by row on its one sheet.
type writer struct {
	sw *sheetWriter
	st struct{ title, serial, para, seal, sign, label, value, id, footer int }
}

func (w *writer) styles() error {
	box := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	defs := []struct {
		id *int
		s  excelize.Style
	}{
		{&w.st.title, excelize.Style{Font: font(titleSize, true, ""),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&w.st.serial, excelize.Style{Font: font(serialPt, false, ""),
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center", WrapText: true}}},
		{&w.st.para, excelize.Style{Font: font(bodySize, false, ""),
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}},
		{&w.st.seal, excelize.Style{Font: font(smallSize, false, "BFBFBF"),
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center", Indent: 5}}},
		{&w.st.sign, excelize.Style{Font: font(bodySize, false, ""),
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center", Indent: 1, WrapText: true}}},
		{&w.st.label, excelize.Style{Font: font(smallSize, false, ""), Border: box,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&w.st.value, excelize.Style{Font: font(smallSize, false, ""), Border: box, NumFmt: 49,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&w.st.id, excelize.Style{Font: font(smallSize, false, ""), Border: box, NumFmt: 49,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}},
		{&w.st.footer, excelize.Style{Font: font(smallSize, false, "595959"),
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := w.sw.f.NewStyle(&d.s)
		if err != nil {
			return err
		}
		*d.id = id
	}
	return nil
}

// span writes s into columns from..to of the current row, merged, styled.
func (w *writer) span(from, to int, s string, style int) {
	w.sw.put(from, w.sw.row, to, w.sw.row, s, style)
}

// merged writes one row across the whole block with the given height.
func (w *writer) merged(s string, style int, height float64) { w.sw.line(s, style, height) }

// height ends the current row at h points.
func (w *writer) height(h float64) {
	w.sw.height(w.sw.row, h)
	w.sw.row++
}

// text writes s across the block, tall enough for its wrapped lines, each
// line spacing times the font's; minHeight is a floor.
func (w *writer) text(s string, style int, size, spacing, minHeight float64) {
	w.merged(s, style, max(w.sw.textHeight(s, size, spacing), minHeight))
}

// space adds an empty row h points tall.
func (w *writer) space(h float64) { w.height(h) }

// details is the small table under the signature that names the person and
// the request once more, with the ID number in a cell of its own as text.
//
//	| 姓名       | name (B:C) | 身份证号 | ID number (E:H) |
//	| 用途       | purpose (B:H)                        |
//	| 需证明单位 | recipient (B:H)                      |
func (w *writer) details(c store.Certificate) {
	lines := func(s string, from, to int) int { return len(wrap(s, spanEm(from, to, smallSize))) }
	rowH := func(n int) float64 { return max(rowHeight(n, smallSize), 22) }

	name := store.CleanText(c.Name)
	w.span(1, 1, "姓名", w.st.label)
	w.span(2, 3, name, w.st.value)
	w.span(4, 4, "身份证号", w.st.label)
	w.span(5, cols, strings.TrimSpace(c.IDNumber), w.st.id)
	w.height(rowH(lines(name, 2, 3)))

	for _, kv := range [][2]string{{"用途", trimSentence(c.Purpose)}, {"需证明单位", trimSentence(c.Recipient)}} {
		v := kv[1]
		if v == "" {
			v = "—"
		}
		w.span(1, 1, kv[0], w.st.label)
		w.span(2, cols, v, w.st.value)
		w.height(rowH(max(lines(v, 2, cols), lines(kv[0], 1, 1))))
	}
}

// SaveCertificate writes the printout of c into dir (created if missing) as
// "2026-0001_居住证明_张三.xlsx" and returns the path. A file of that name is
// never overwritten: a reprint becomes "…_2.xlsx", "…_3.xlsx" and so on.
func SaveCertificate(dir string, p store.Profile, c store.Certificate, t assets.CertTemplate) (string, error) {
	f, err := Certificate(p, c, t)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return saveNew(dir, FileBase(c, Title(c, t)), f)
}

// FileBase is the file name of a printout without extension:
// serial_title_name, each part made safe for every file system.
func FileBase(c store.Certificate, title string) string {
	var parts []string
	for _, s := range []string{c.Serial, title, c.Name} {
		if s = SafeName(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "证明"
	}
	return strings.Join(parts, "_")
}

// maxNamePart caps each part of a file name, in characters, so that the
// whole path stays well inside Windows' 260-character limit.
const maxNamePart = 40

// SafeName removes from s what Windows, macOS or Linux refuse or mangle in a
// file name: \ / : * ? " < > |, control and invisible characters, and the
// dots and spaces Windows drops at the end of a name. Inner white space
// becomes one space; the result is at most 40 characters.
func SafeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case strings.ContainsRune(`\/:*?"<>|`, r), store.Invisible(r):
		default:
			b.WriteRune(r)
		}
	}
	out := store.CleanText(b.String())
	if utf8.RuneCountInString(out) > maxNamePart {
		out = string([]rune(out)[:maxNamePart])
	}
	return strings.TrimRight(strings.TrimLeft(out, ". "), ". ")
}

// PrintDir is the 打印 folder beside the data file.
func PrintDir(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), FolderName)
}
