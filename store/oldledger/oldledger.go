// Package oldledger reads an office's old certificate ledger (an Excel
// sheet, or a CSV that WPS or Excel saved) and imports it into the ledger
// as historical certificates (导入旧台账).
//
// It streams the file row by row: an XLSX through excelize's Rows
// iterator, a CSV through encoding/csv, in UTF-8 (with or without BOM) or
// GB18030 (detected by validity). The header row is found by the column
// names offices use (姓名, 身份证号/证件号码/公民身份号码, 证明类型/证明事项/
// 证明名称, 用途/事由, 日期/开具日期/出具日期, 经办人, 编号/证明编号, 住址,
// 备注), below any title rows. Each row's type is judged by the same
// judge as 准入核查 (store/deskcheck) against the 12 certificates of
// 附件4, and every field by the store's rules; a row that fails is
// rejected with its line and reason, never guessed at.
package oldledger

import (
	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/deskcheck"
)

// Options tune Import; the zero value is a dry run.
type Options struct {
	// Apply imports the valid rows; without it nothing in the ledger
	// changes and the report says what would be imported.
	Apply bool
	// Operator is who imports (recorded on every event); zero means the
	// operator chosen at the desk last time.
	Operator store.Operator
	// Progress, if set, is called now and then with the rows read so far
	// and the rows the file holds (an estimate until the end).
	Progress func(done, total int)
	// Catalog and Checker are the lists and the judge; nil loads them.
	Catalog *assets.Catalog
	Checker *deskcheck.Checker
	// Rejected is where the rejected rows are written; empty means
	// FILE.rejected.csv beside the input.
	Rejected string
}

// Rejection is one row refused, with where it was and why.
type Rejection struct {
	Sheet  string   // the worksheet (empty for a CSV)
	Line   int      // the row number as the spreadsheet shows it (1-based)
	Reason string   // Chinese sentence: what is wrong and what to do
	Cells  []string // the row as read
}

// Report is what an import found and did.
type Report struct {
	File     string
	Applied  bool           // the valid rows were imported (Options.Apply)
	Rows     int            // data rows read (blank rows not counted)
	Valid    int            // rows imported, or that would be with Apply
	Already  int            // rows imported by an earlier run: skipped
	Rejected int            // rows refused
	ByType   map[string]int // valid rows per certificate type (附件4 item text)
	ByYear   map[int]int    // valid rows per year of their date
	// Legacy15 counts the valid rows whose ID number had the old 15 digits
	// (stored in their 18-digit form, GB 11643).
	Legacy15 int
	// Skipped names the sheets of a workbook without a header (a cover,
	// notes), which were not read.
	Skipped []string
	// Rejections are the first MaxListed rejected rows (all of them are in
	// RejectedFile).
	Rejections   []Rejection
	RejectedFile string // where the rejected rows were written ("" if none)
}

// MaxListed is how many rejected rows a Report keeps in memory.
const MaxListed = 1000

// Import reads the old ledger at path (.xlsx or .csv) and, with
// opt.Apply, adds its valid rows to db as imported certificates: one
// chained cert.import event each, all or nothing (an error in the middle
// leaves the ledger as it was). Importing the same file again adds nothing.
func Import(db *store.DB, path string, opt Options) (Report, error) {
	return importFile(db, path, opt)
}
