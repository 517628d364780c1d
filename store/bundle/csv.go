package bundle

import (
	"bufio"
	"encoding/csv"
	"io"

	"taizhang/store"
)

// bom starts every CSV file so that Excel reads it as UTF-8.
const bom = "\uFEFF"

// writeCSV writes a register as CSV: UTF-8 with a byte-order mark, CRLF
// line ends, a header row, and every cell that a spreadsheet would take
// for a formula neutralised.
func writeCSV(w io.Writer, r register) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	rec := make([]string, len(r.cols))
	for i, c := range r.cols {
		rec[i] = c.head
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range r.rows {
		for i, v := range row {
			rec[i] = Neutralise(cellText(v))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// Neutralise puts an apostrophe before a cell that starts with = + - @ (or
// a tab or carriage return, which some spreadsheets skip before them), so
// that a spreadsheet opening the CSV shows the text instead of running it
// as a formula (CSV injection). A resident can type such text into a
// free-text field.
func Neutralise(s string) string {
	if store.FormulaLike(s) {
		return "'" + s
	}
	return s
}
