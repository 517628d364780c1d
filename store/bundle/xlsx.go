package bundle

import (
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"taizhang/store"
	"taizhang/store/printout"
)

// summarySheet is the workbook's first sheet.
const summarySheet = "汇总"

// writeWorkbook writes 台账.xlsx: the 汇总 sheet, then one sheet per
// register with every field, the header row repeated on each printed page,
// A4 landscape, ID numbers as text.
func writeWorkbook(w io.Writer, m Manifest, regs []register, created time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), summarySheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    m.Community + " " + store.ChineseMonthOf(m.Month) + " 台账",
		Creator:  "台账 taizhang " + m.Program,
		Created:  created.Format(time.RFC3339),
		Modified: created.Format(time.RFC3339),
		Language: "zh-CN",
	}); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	summary := register{name: summarySheet, cols: []column{{"项目", 24, false}, {"内容", 48, false}}, rows: summaryRows(m)}
	if err := writeSheet(f, summary, st, m, false); err != nil {
		return err
	}
	for _, r := range regs {
		if _, err := f.NewSheet(r.name); err != nil {
			return err
		}
		if err := writeSheet(f, r, st, m, true); err != nil {
			return err
		}
	}
	// 汇总 is the first sheet and so the one shown; SetActiveSheet is not
	// called, as it would parse every streamed sheet again.
	return f.Write(w)
}

// styles of the workbook; inert is text's for a cell store.FormulaLike
// reports (see printout.InertStyle).
type styles struct{ head, text, id, inert int }

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	if s.head, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Border:    border,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	}); err != nil {
		return s, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{Border: border}); err != nil {
		return s, err
	}
	// Number format 49 is "@" (text): the cell stays text when edited, so
	// Excel never turns an ID number into 1.40403E+17.
	if s.id, err = f.NewStyle(&excelize.Style{Border: border, NumFmt: 49}); err != nil {
		return s, err
	}
	s.inert, err = printout.InertStyle(f, s.text)
	return s, err
}

// writeSheet streams one register into its sheet. Page setup goes first:
// the stream writer copies the sheet's settings when it starts.
func writeSheet(f *excelize.File, r register, st styles, m Manifest, header bool) error {
	sh := r.name
	titleRows := 0
	if header {
		titleRows = 1
	}
	if err := printout.TableSheet(f, sh, m.Community+" "+store.ChineseMonthOf(m.Month)+" "+r.name, titleRows); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for i, c := range r.cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	row := 1
	if header {
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		cells := make([]any, len(r.cols))
		for i, c := range r.cols {
			cells[i] = excelize.Cell{StyleID: st.head, Value: c.head}
		}
		if err := sw.SetRow("A1", cells); err != nil {
			return err
		}
		row++
	}
	cells := make([]any, len(r.cols))
	for _, vals := range r.rows {
		cells = cells[:len(vals)]
		for i, v := range vals {
			style := st.text
			switch t, _ := v.(string); {
			case r.cols[i].id:
				style = st.id
			case store.FormulaLike(t):
				style = st.inert
			}
			cells[i] = excelize.Cell{StyleID: style, Value: v}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
		row++
	}
	return sw.Flush()
}

// headerText escapes & for a page header, where it starts a code.
