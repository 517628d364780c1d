package oldledger

import (
	"fmt"
	"strings"
	"unicode"

	"taizhang/store/fold"
)

// column is a kind of column an old ledger has.
type column int

const (
	colName column = iota
	colID
	colType
	colPurpose
	colDate
	colOperator
	colSerial
	colAddress
	colNote
	nColumns
)

// columnNames are the names the 导入 section of the README lists, as a
// worker would look for them.
var columnNames = [nColumns]string{"姓名", "身份证号", "证明类型", "用途", "日期", "经办人", "编号", "住址", "备注"}

// required are the columns without which no row can be imported.
var required = []column{colName, colID, colType, colDate}

// kindOf reads a header cell: which column it names, or -1. Spaces,
// full-width forms, marks such as * and ：, and a remark in brackets
// (身份证号（18位）) are ignored.
func kindOf(cell string) column {
	h := headerText(cell)
	if h == "" {
		return -1
	}
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(h, s) {
				return true
			}
		}
		return false
	}
	is := func(names ...string) bool {
		for _, s := range names {
			if h == s {
				return true
			}
		}
		return false
	}
	switch {
	case has("经办", "办理人", "开具人", "出具人"):
		return colOperator
	case has("身份证", "证件号", "身份号码", "证件编号"):
		return colID
	case has("出生"): // 出生日期 is not the date of the certificate
		return -1
	case has("证明类型", "证明事项", "证明名称", "证明种类", "证明内容") || is("类型", "事项", "证明", "类别", "种类"):
		return colType
	case has("用途", "事由"):
		return colPurpose
	case has("日期", "时间") || is("开具日", "出具日"):
		return colDate
	case has("编号", "文号", "证明号", "流水号"):
		return colSerial
	case has("住址", "地址", "住所"):
		return colAddress
	case has("备注", "说明"):
		return colNote
	case has("姓名") || is("名字", "申请人", "当事人", "居民", "办事人"):
		return colName
	}
	return -1
}

// headerText is a header cell reduced to what names it.
func headerText(cell string) string {
	s := fold.Width(cell)
	if i := strings.IndexAny(s, "(（["); i > 0 {
		s = s[:i]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s)
}

// layout is where each column is in a table: cols[k] is the cell index of
// column k, -1 when the table has none.
type layout struct {
	cols  [nColumns]int
	width int // cells of the header
	line  int // the header's (last) row
	head  []string
}

func (l layout) cell(cells []string, k column) string {
	if i := l.cols[k]; i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

// headerRows is how far down a table its header may be.
const headerRows = 30

// readHeader reads k kinds from a header row: the cell index of each
// column found, how many.
func readHeader(cells []string) ([nColumns]int, int) {
	var cols [nColumns]int
	for i := range cols {
		cols[i] = -1
	}
	n := 0
	for i, c := range cells {
		if k := kindOf(c); k >= 0 && cols[k] < 0 {
			cols[k] = i
			n++
		}
	}
	return cols, n
}

// isHeader reports a row that names at least three columns, 姓名 and 身份证号
// among them: the header, or a header repeated on a printed page.
func isHeader(cells []string) bool {
	cols, n := readHeader(cells)
	return n >= 3 && cols[colName] >= 0 && cols[colID] >= 0
}

// findHeader reads the first rows of a table for its header. A header of
// two rows (证明 over 类型 and 用途, or 姓名 over a blank cell merged with
// it) is read as one: a column the header row leaves blank takes the name
// from the row above, and a row below that names columns but holds no
// data completes it. It returns the layout and whether a header was
// found; the table is left at the last header row.
func findHeader(t table) (layout, bool, error) {
	var above []string
	for n := 0; n < headerRows && t.next(); n++ {
		cells, line := t.row()
		if blank(cells) {
			continue
		}
		if !isHeader(cells) {
			above = append(above[:0], cells...)
			continue
		}
		l := layout{line: line, head: append([]string(nil), cells...)}
		l.cols, _ = readHeader(cells)
		l.width = len(cells)
		fillFrom(&l, above, false)
		return l, true, nil
	}
	return layout{}, false, t.err()
}

// completeHeader looks at the row after the header: if it names columns
// and holds no ID number, it is the lower row of a two-row header and
// completes the layout (true: it was consumed).
func completeHeader(l *layout, cells []string) bool {
	_, n := readHeader(cells)
	if n == 0 || hasDigits(cells, 6) {
		return false
	}
	fillFrom(l, cells, true)
	return true
}

// fillFrom takes from another header row (above or below) the columns the
// layout lacks, for the cells the header row left unnamed (blank under or
// over a merged cell): the cell names a column joined to the header row's
// cell in the same place (证明 over 类型), or alone.
func fillFrom(l *layout, other []string, below bool) {
	named := map[int]bool{}
	for _, j := range l.cols {
		named[j] = true
	}
	for i, c := range other {
		if named[i] {
			continue
		}
		own := ""
		if i < len(l.head) {
			own = l.head[i]
		}
		joined := c + own
		if below {
			joined = own + c
		}
		for _, name := range []string{joined, c} {
			if k := kindOf(name); k >= 0 && l.cols[k] < 0 {
				l.cols[k], named[i] = i, true
				break
			}
		}
	}
	l.width = max(l.width, len(other))
}

// missing names the required columns the layout lacks.
func (l layout) missing() []string {
	var out []string
	for _, k := range required {
		if l.cols[k] < 0 {
			out = append(out, "“"+columnNames[k]+"”")
		}
	}
	return out
}

// MissingColumnsError: a table's header lacks a column every row needs.
type MissingColumnsError struct {
	Sheet   string
	Line    int
	Missing []string
}

func (e *MissingColumnsError) Error() string {
	return fmt.Sprintf("%s第 %d 行的表头中没有%s一栏。请在表头中写明（%s），再导入。",
		sheetText(e.Sheet), e.Line, strings.Join(e.Missing, "、"), columnHelp)
}

// columnHelp says what the columns may be called.
const columnHelp = "姓名；身份证号、证件号码或公民身份号码；证明类型、证明事项或证明名称；日期、开具日期或出具日期"

func sheetText(s string) string {
	if s == "" {
		return ""
	}
	return "工作表“" + s + "”"
}

// blank reports a row with nothing but spaces.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimFunc(c, unicode.IsSpace) != "" {
			return false
		}
	}
	return true
}

// hasDigits reports a cell with a run of at least n digits.
func hasDigits(cells []string, n int) bool {
	for _, c := range cells {
		run := 0
		for i := 0; i < len(c); i++ {
			if c[i] >= '0' && c[i] <= '9' {
				if run++; run >= n {
					return true
				}
			} else {
				run = 0
			}
		}
	}
	return false
}
