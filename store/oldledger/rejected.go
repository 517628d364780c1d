package oldledger

import (
	"bufio"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"taizhang/store"
)

// rejectedFile writes the rejected rows beside the input: UTF-8 with a
// BOM and CRLF (Excel and WPS open it as it is), each row with its sheet,
// line and reason before its cells. Each table's header comes first, so
// the file can be corrected and imported again. A cell that a spreadsheet
// would take for a formula is neutralised, and a long number (an ID
// number) is kept as text.
type rejectedFile struct {
	path  string
	f     *os.File
	bw    *bufio.Writer
	w     *csv.Writer
	rec   []string
	heads map[string]bool // sheets whose header is written
	err   error
}

// RejectedPath is where the rejected rows of input go: 旧台账.xlsx →
// 旧台账.rejected.csv beside it.
func RejectedPath(input string) string {
	return strings.TrimSuffix(input, filepath.Ext(input)) + ".rejected.csv"
}

func newRejectedFile(path, input string) *rejectedFile {
	if path == "" {
		path = RejectedPath(input)
	}
	return &rejectedFile{path: path, heads: map[string]bool{}}
}

// write adds a rejected row. A file that cannot be written (the input on
// a write-protected stick) does not stop the import: finish says so.
func (r *rejectedFile) write(sheet string, line int, l layout, cells []string, reason string) {
	if r.err != nil {
		return
	}
	if r.f == nil {
		f, err := os.OpenFile(r.path+".tmp", os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			r.err = err
			return
		}
		r.f, r.bw = f, bufio.NewWriterSize(f, 64<<10)
		r.bw.WriteString("\uFEFF")
		r.w = csv.NewWriter(r.bw)
		r.w.UseCRLF = true
	}
	if !r.heads[sheet] {
		r.heads[sheet] = true
		r.line(sheet, "行号", "不能导入的原因（改正后可以直接导入本文件）", l.head)
	}
	r.line(sheet, strconv.Itoa(line), reason, cells)
}

func (r *rejectedFile) line(sheet, line, reason string, cells []string) {
	r.rec = append(r.rec[:0], cellOut(sheet), line, cellOut(reason))
	for _, c := range cells {
		r.rec = append(r.rec, cellOut(c))
	}
	if err := r.w.Write(r.rec); err != nil && r.err == nil {
		r.err = err
	}
}

// cellOut is a cell as written: neutralised, and a number of 12 digits or
// more led by a tab, which Excel and WPS take as text (they would show an
// ID number as 1.40403E+17 and keep 15 digits of it). Reading the file
// back trims the tab.
func cellOut(s string) string {
	if len(s) >= 12 && allDigits(s) {
		return "\t" + s
	}
	if store.FormulaLike(s) {
		return "'" + s
	}
	return s
}

func (r *rejectedFile) failed() error {
	return errors.New("无法把不能导入的行写到 " + r.path + "（" + r.err.Error() + "），原因只在这里列出")
}

// finish closes the file and puts it in place; with no rejected row it
// removes one an earlier run left, so what is there is always this run's.
func (r *rejectedFile) finish() (string, error) {
	if r.err != nil && r.f == nil {
		return "", r.failed()
	}
	if r.f == nil {
		if err := os.Remove(r.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", errors.New("无法删除上次留下的 " + r.path + "：" + err.Error())
		}
		return "", nil
	}
	r.w.Flush()
	if r.err == nil {
		r.err = r.w.Error()
	}
	if r.err == nil {
		r.err = r.bw.Flush()
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	r.f = nil
	if r.err == nil {
		r.err = os.Rename(r.path+".tmp", r.path)
	}
	if r.err != nil {
		os.Remove(r.path + ".tmp")
		return "", r.failed()
	}
	return r.path, nil
}

// abandon removes a file left unfinished by an error.
func (r *rejectedFile) abandon() {
	if r.f != nil {
		r.f.Close()
		os.Remove(r.path + ".tmp")
		r.f = nil
	}
}
