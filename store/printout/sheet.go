package printout

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"taizhang/store"
)

// The one XLSX page writer behind every printout (certificates, approval
// forms and their letters): the workbook, the A4 page, the columns, rows of
// wrapped text, the print area and saving beside the ledger.

// Margins in inches: 2 cm left and right, 2.5 cm top and bottom.
const (
	marginSide = 2 / 2.54
	marginEdge = 2.5 / 2.54
	marginHF   = 1 / 2.54
)

// newBook is an empty workbook with the named sheets, the first one shown.
func newBook(sheets ...string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), sheets[0]); err != nil {
		f.Close()
		return nil, err
	}
	for _, sh := range sheets[1:] {
		if _, err := f.NewSheet(sh); err != nil {
			f.Close()
			return nil, err
		}
	}
	if len(sheets) > 1 {
		f.SetActiveSheet(0)
	}
	return f, nil
}

// font is 宋体 at size points with the GB2312 character set, which Excel,
// WPS and LibreOffice all map to a Song face; color "" is automatic.
func font(size float64, bold bool, color string) *excelize.Font {
	gb2312 := 134
	return &excelize.Font{Family: "宋体", Size: size, Bold: bold, Color: color, Charset: &gb2312}
}

// sheetWriter lays out one sheet of given column widths row by row; the
// first error sticks.
type sheetWriter struct {
	f      *excelize.File
	sheet  string
	widths []float64
	row    int
	styles map[any]int // styles made on first use, by the printout's own key
	err    error
}

func newSheetWriter(f *excelize.File, sheet string, widths ...float64) *sheetWriter {
	return &sheetWriter{f: f, sheet: sheet, widths: widths, row: 1, styles: map[any]int{}}
}

func (w *sheetWriter) set(fn func() error) {
	if w.err == nil {
		w.err = fn()
	}
}

// page sets A4 portrait, the margins, one page wide and fitHeight pages tall
// (0: as many as needed), the column widths, no grid.
func (w *sheetWriter) page(fitHeight int) error {
	f, sh := w.f, w.sheet
	a4, portrait, one := 9, "portrait", 1
	if err := f.SetPageLayout(sh, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &portrait, FitToWidth: &one, FitToHeight: &fitHeight,
	}); err != nil {
		return err
	}
	yes, no := true, false
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return err
	}
	side, edge, hf := marginSide, marginEdge, marginHF
	if err := f.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &hf, Footer: &hf, Horizontally: &yes,
	}); err != nil {
		return err
	}
	// Runs of equal widths are set as one range (B:H on the certificate).
	for i := 0; i < len(w.widths); {
		j := i + 1
		for j < len(w.widths) && w.widths[j] == w.widths[i] {
			j++
		}
		a, _ := excelize.ColumnNumberToName(i + 1)
		b, _ := excelize.ColumnNumberToName(j)
		if err := f.SetColWidth(sh, a, b, w.widths[i]); err != nil {
			return err
		}
		i = j
	}
	return f.SetSheetView(sh, 0, &excelize.ViewOptions{ShowGridLines: &no})
}

// printArea ends the sheet: the print area is every column down to the last
// row written.
func (w *sheetWriter) printArea() error {
	last, _ := excelize.ColumnNumberToName(len(w.widths))
	return w.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("'%s'!$A$1:$%s$%d", w.sheet, last, w.row-1),
		Scope:    w.sheet,
	})
}

// em is how many ems of text in a font of size points fit in columns
// from..to, leaving room for the cell padding and one em of slack. Widths are
// in Excel's character units (one unit is about 7 pixels of the default
// 11-point font at 96 dpi).
func (w *sheetWriter) em(from, to int, size float64) float64 {
	pt := 0.0
	for i := from; i <= to; i++ {
		pt += w.widths[i-1] * 7 * 0.75 // units → pixels → points
	}
	return (pt-6)/size - 1
}

// lines is how many lines s takes in columns from..to; "\n" starts a line.
func (w *sheetWriter) lines(s string, from, to int, size float64) int {
	return lineCount(s, w.em(from, to, size))
}

// lineCount is how many lines s takes width ems wide; "\n" starts a line.
func lineCount(s string, width float64) int {
	n := 0
	for _, para := range strings.Split(s, "\n") {
		n += len(wrap(para, width))
	}
	return n
}

// put writes s into the block c1:r1..c2:r2, merged when it is more than one
// cell, and styles every cell of it; text a spreadsheet would take for a
// formula gets the inert variant of the style.
func (w *sheetWriter) put(c1, r1, c2, r2 int, s string, style int) {
	if store.FormulaLike(s) {
		style = w.inert(style)
	}
	a, b := cell(c1, r1), cell(c2, r2)
	if a != b {
		w.set(func() error { return w.f.MergeCell(w.sheet, a, b) })
	}
	w.set(func() error { return w.f.SetCellStyle(w.sheet, a, b, style) })
	if s != "" {
		w.set(func() error { return w.f.SetCellStr(w.sheet, a, s) })
	}
}

// inertKey keys the inert variant of a style in sheetWriter.styles.
type inertKey struct{ base int }

func (w *sheetWriter) inert(style int) int {
	k := inertKey{style}
	if id, ok := w.styles[k]; ok {
		return id
	}
	id, err := InertStyle(w.f, style)
	if err != nil {
		w.set(func() error { return err })
		return style
	}
	w.styles[k] = id
	return id
}

func (w *sheetWriter) height(row int, h float64) {
	w.set(func() error { return w.f.SetRowHeight(w.sheet, row, h) })
}

// textHeight is the height of a row that holds s across the sheet in a font
// of size points, each line spacing times the font's.
func (w *sheetWriter) textHeight(s string, size, spacing float64) float64 {
	return min(float64(w.lines(s, 1, len(w.widths), size))*lineHeight(size)*spacing+rowPad, maxRowHeight)
}

// line writes s merged across the sheet into the next row, h points tall.
func (w *sheetWriter) line(s string, style int, h float64) {
	w.put(1, w.row, len(w.widths), w.row, s, style)
	w.height(w.row, h)
	w.row++
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// SaveError is a printout that could not be written.
type SaveError struct {
	Dir string
	Err error
}

func (e *SaveError) Error() string {
	const kept = "台账中的记录不受影响。"
	switch store.DiskFaultOf(e.Err) {
	case store.DiskFull:
		return "磁盘已满，无法在“" + e.Dir + "”中保存打印文件。请清理磁盘（删除不需要的文件、清空回收站）后再打印；" + kept
	case store.DiskReadOnly:
		return "文件夹“" + e.Dir + "”是只读的或没有写入权限，无法保存打印文件。请管理员给这个文件夹写入权限后再打印；" + kept
	}
	return "无法在“" + e.Dir + "”中保存打印文件：" + e.Err.Error() + "。请检查该文件夹是否可写、磁盘是否已满。"
}

func (e *SaveError) Unwrap() error { return e.Err }

// saveNew writes f into dir as base.xlsx, or base_2.xlsx, base_3.xlsx … if
// that name is taken; an existing file is never touched.
func saveNew(dir, base string, f *excelize.File) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", &SaveError{Dir: dir, Err: err}
	}
	for n := 1; n <= 999; n++ {
		name := base
		if n > 1 {
			name += "_" + strconv.Itoa(n)
		}
		path := filepath.Join(dir, name+".xlsx")
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", &SaveError{Dir: dir, Err: err}
		}
		err = f.Write(fh)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", &SaveError{Dir: dir, Err: err}
		}
		return path, nil
	}
	return "", &SaveError{Dir: dir, Err: errors.New("同名文件太多")}
}

// TableSheet sets a sheet up to print a wide table (the registers of a
// monthly bundle, the receiving office's report): A4 landscape, one page
// wide and as many tall as needed, the title centred in the page header,
// 第 N 页，共 M 页 in the footer, and the top titleRows rows repeated on
// every page (0: none). A stream writer copies these settings when it
// starts, so call it first.
func TableSheet(f *excelize.File, sheet, title string, titleRows int) error {
	a4, landscape, one, any := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&C" + strings.ReplaceAll(title, "&", "&&"), OddFooter: "&C第 &P 页，共 &N 页",
	}); err != nil {
		return err
	}
	if titleRows == 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, titleRows), Scope: sheet,
	})
}
