package oldledger

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// table is one sheet of a workbook, or a CSV file: its rows in order.
type table interface {
	// next moves to the next row; false at the end or on an error (err).
	next() bool
	// row is the current row's cells (valid until next) and its number
	// as the spreadsheet shows it.
	row() ([]string, int)
	err() error
	close() error
}

// book is an opened old ledger: its tables and an estimate of its rows.
type book struct {
	names  []string // a workbook's sheet names; one "" for a CSV
	open   func(i int) (table, error)
	rows   int // estimated rows of all tables, for progress
	close  func() error
	isXLSX bool
}

// ErrFormat: the file is neither an Excel workbook nor a CSV.
type FormatError struct {
	Path   string
	Reason string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("无法读取 %s：%s。请在 Excel 或 WPS 中打开它，另存为“Excel 工作簿（*.xlsx）”或“CSV（逗号分隔）”后再导入。", e.Path, e.Reason)
}

// openBook opens path by its content: a zip (xlsx) or text (CSV).
func openBook(path string) (*book, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法打开 %s：%w", path, err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	f.Close()
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return openXLSX(path)
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, &FormatError{path, "这是旧版 Excel 97-2003 工作簿（.xls），本程序读不了"}
	case strings.EqualFold(filepath.Ext(path), ".xlsx"):
		return nil, &FormatError{path, "文件已损坏，或不是 Excel 工作簿"}
	}
	return openCSV(path)
}

// openXLSX opens a workbook; each sheet is read with excelize's row
// iterator, so a large sheet is never held whole.
func openXLSX(path string) (*book, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, &FormatError{path, "文件已损坏，或不是 Excel 工作簿（" + err.Error() + "）"}
	}
	b := &book{names: f.GetSheetList(), close: f.Close, isXLSX: true}
	for _, s := range b.names {
		if dim, err := f.GetSheetDimension(s); err == nil {
			b.rows += dimensionRows(dim)
		}
	}
	b.open = func(i int) (table, error) {
		rows, err := f.Rows(b.names[i])
		if err != nil {
			return nil, err
		}
		return &sheet{rows: rows}, nil
	}
	return b, nil
}

// dimensionRows is the last row of a sheet's dimension (A1:I100001).
func dimensionRows(dim string) int {
	_, end, _ := strings.Cut(dim, ":")
	i := strings.IndexFunc(end, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(end[i:])
	return n
}

// sheet reads a worksheet's rows. Cells come raw (RawCellValue): a date
// is its serial number, a number its stored digits, so that a date and an
// ID number Excel turned into a number are both seen for what they are.
type sheet struct {
	rows  *excelize.Rows
	cells []string
	line  int
	e     error
}

var rawCells = excelize.Options{RawCellValue: true}

func (s *sheet) next() bool {
	if !s.rows.Next() {
		s.e = s.rows.Error()
		return false
	}
	s.line++ // Next steps over missing rows one at a time
	s.cells, s.e = s.rows.Columns(rawCells)
	return s.e == nil
}

func (s *sheet) row() ([]string, int) { return s.cells, s.line }
func (s *sheet) err() error           { return s.e }
func (s *sheet) close() error         { return s.rows.Close() }

// peekSize is how much of a CSV decides its encoding and separator.
const peekSize = 64 << 10

// openCSV opens a CSV: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
// Unicode text), otherwise GB18030 (what WPS and Excel on a Chinese
// Windows save) when the text is not valid UTF-8. The separator is a comma
// unless the head of the file has more tabs (or semicolons) than commas.
func openCSV(path string) (*book, error) {
	lines, err := countLines(path)
	if err != nil {
		return nil, err
	}
	b := &book{names: []string{""}, rows: lines, close: func() error { return nil }}
	b.open = func(int) (table, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("无法打开 %s：%w", path, err)
		}
		br := bufio.NewReaderSize(f, peekSize)
		head, _ := br.Peek(peekSize)
		var r io.Reader = br
		switch {
		case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
			br.Discard(3)
		case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
			r = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
			head = nil // decided below on the decoded text
		case !validUTF8Head(head):
			r = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
			head = nil
		}
		rr := bufio.NewReaderSize(r, peekSize)
		if head == nil {
			head, _ = rr.Peek(peekSize)
		}
		cr := csv.NewReader(rr)
		cr.Comma = separator(head)
		cr.FieldsPerRecord = -1
		cr.LazyQuotes = true
		cr.ReuseRecord = true
		return &csvTable{f: f, r: cr}, nil
	}
	return b, nil
}

// validUTF8Head reports whether the head of a file is UTF-8, allowing a
// character cut at its end.
func validUTF8Head(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

func separator(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i > 0 && len(head) == peekSize {
		head = head[:bytes.LastIndexByte(head, '\n')+1]
	}
	comma, tab, semi := bytes.Count(head, []byte(",")), bytes.Count(head, []byte("\t")), bytes.Count(head, []byte(";"))
	switch {
	case tab > comma && tab >= semi:
		return '\t'
	case semi > comma:
		return ';'
	}
	return ','
}

// countLines counts the lines of a file (for the progress bar).
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("无法打开 %s：%w", path, err)
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if errors.Is(err, io.EOF) {
			return n + 1, nil
		}
		if err != nil {
			return 0, fmt.Errorf("无法读取 %s：%w", path, err)
		}
	}
}

type csvTable struct {
	f    *os.File
	r    *csv.Reader
	rec  []string
	line int
	e    error
}

func (t *csvTable) next() bool {
	rec, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false
	}
	if err != nil {
		t.e = err
		return false
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true
}

func (t *csvTable) row() ([]string, int) { return t.rec, t.line }
func (t *csvTable) err() error           { return t.e }
func (t *csvTable) close() error         { return t.f.Close() }
