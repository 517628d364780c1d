package printout

import (
	"github.com/xuri/excelize/v2"
)

// An XLSX cell written as a string is never a formula, whatever it starts
// with; but Excel and WPS would turn "=1+1" into one as soon as a worker
// edits the cell, or when the sheet is saved as CSV and opened again. A cell
// whose text store.FormulaLike reports gets InertStyle: the text format "@"
// and the quote prefix, the mark Excel itself sets on a cell typed as
// '=1+1. The cell shows and keeps the text exactly as the ledger holds it.

// textFormat is Excel's built-in number format 49, "@".
const textFormat = 49

// InertStyle makes a style that looks like base and keeps its cell's text
// as text.
func InertStyle(f *excelize.File, base int) (int, error) {
	st, err := f.GetStyle(base)
	if err != nil {
		return 0, err
	}
	st.NumFmt = textFormat
	id, err := f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	// excelize has no field for the quote prefix: set it on a copy of the
	// cell format, appended, so that a style NewStyle shares is unchanged.
	xfs := f.Styles.CellXfs
	xf := xfs.Xf[id]
	on := true
	xf.QuotePrefix = &on
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	return len(xfs.Xf) - 1, nil
}

// Inert reports whether the cell of a style keeps its text as text (for
// tests of every writer).
func Inert(f *excelize.File, style int) bool {
	st, err := f.GetStyle(style)
	if err != nil || st.NumFmt != textFormat {
		return false
	}
	xf := f.Styles.CellXfs.Xf[style]
	return xf.QuotePrefix != nil && *xf.QuotePrefix
}
