package oldledger

import (
	"errors"
	"fmt"
	"hash/maphash"
	"runtime/debug"
	"strings"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/certindex"
	"taizhang/store/deskcheck"
	"taizhang/store/idcard"
)

// importer is one run over a file.
type importer struct {
	db      *store.DB
	opt     Options
	cat     *assets.Catalog
	judge   *deskcheck.Checker
	today   time.Time
	rep     *Report
	run     *store.ImportRun // nil in a dry run
	w       *writer          // adds to run
	index   *certindex.Index // what w gives the rows to, or nil
	out     *rejectedFile
	types   map[string]typeVerdict
	sheets  []string // the tables read so far; the last is being read
	l       layout
	ledger  bool // the ledger held certificates before the run
	seed    maphash.Seed
	seen    map[fingerprint]where // rows of the file and of earlier imports
	serials map[string]fingerprint
	names   map[string]person // ID number -> the name first seen for it
	damaged int               // ID numbers Excel cut
	suspect []pending         // valid numbers ending in 000, decided at the end
	done    int               // rows read, for progress
	total   int
}

// typeVerdict is what the judge made of one type text.
type typeVerdict struct {
	no     int
	reason string
}

// fingerprint identifies an imported row: old serial, date, type, name and
// ID number (two 64-bit hashes).
type fingerprint [2]uint64

// where is a row of the file (line > 0) or of the ledger (line 0): its
// sheet by number (importer.sheets), eight bytes in maps of every row.
type where struct {
	sheet, line uint32
}

func (im *importer) whereText(w where) string {
	if w.line == 0 {
		return "以前导入的记录"
	}
	return sheetText(im.sheets[w.sheet]) + fmt.Sprintf("第 %d 行", w.line)
}

// person is the name an ID number was first seen with.
type person struct {
	name   string
	at     where
	serial string // for a name from the ledger
}

// pending is a row held until the end of the file.
type pending struct {
	c     store.Certificate
	at    where
	cells []string
}

func importFile(db *store.DB, path string, opt Options) (Report, error) {
	rep := Report{File: path, ByType: map[string]int{}, ByYear: map[int]int{}}
	im := &importer{db: db, opt: opt, cat: opt.Catalog, judge: opt.Checker, today: db.Now(), rep: &rep,
		types: map[string]typeVerdict{}, seed: maphash.MakeSeed(), seen: map[fingerprint]where{},
		serials: map[string]fingerprint{}, names: map[string]person{}}
	if im.cat == nil {
		cat, err := assets.LoadCatalog()
		if err != nil {
			return rep, err
		}
		im.cat = cat
	}
	if im.judge == nil {
		im.judge = deskcheck.New(im.cat)
	}
	b, err := openBook(path)
	if err != nil {
		return rep, err
	}
	defer b.close()
	im.total = b.rows
	if err := im.loadLedger(); err != nil {
		return rep, err
	}
	im.out = newRejectedFile(opt.Rejected, path)
	defer im.out.abandon()
	if opt.Apply {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(min(importHeap, debug.SetMemoryLimit(-1))))
		op, err := im.operator(opt.Operator)
		if err != nil {
			return rep, err
		}
		if im.run, err = db.BeginImport(op); err != nil {
			return rep, err
		}
		defer im.run.Abort() // nothing once committed
		im.index = newIndex(db)
		im.w = newWriter(im.run, im.index, min(b.rows, maxExpected))
		defer im.w.close()
	}
	err = im.readBook(b)
	if err == nil {
		err = im.decideSuspects()
	}
	if im.w != nil {
		if werr := im.w.close(); err == nil {
			err = werr
		}
	}
	if err != nil {
		return rep, err
	}
	if rep.RejectedFile, err = im.out.finish(); err != nil {
		rep.RejectedFileError = err.Error()
	}
	if im.run != nil {
		// Every row is read: what is left is writing the file.
		im.progress(true)
		im.seen, im.names, im.serials = nil, nil, nil
		if err := im.commit(); err != nil {
			return rep, err
		}
		rep.Applied = true
	}
	im.progress(true)
	return rep, nil
}

// importHeap bounds the Go heap while rows are applied, so that an import
// of 100,000 rows stays within 200 MB on an office PC of 2 GB (the
// collector works harder as the heap nears it; a lower limit the user set
// with GOMEMLIMIT stays).
const importHeap = 150 << 20

// maxExpected bounds the rows the search index makes room for at the
// start: a workbook's sheets may claim far more rows than they have.
const maxExpected = 1 << 20

// newIndex opens the 证明 screen's search index kept beside the ledger,
// to be given the imported rows as the writer adds them and written when
// they are committed, so that the next start reads it rather than
// building it. A cache: a failure to read or write it is not the
// import's (nil: none).
func newIndex(db *store.DB) *certindex.Index {
	x, err := certindex.NewBuilder(db)
	if err != nil {
		return nil
	}
	return x
}

// commit puts the run's file in place of the ledger, while the search
// index, which has every row by now, is written beside it; the index goes
// in place only if the rows do.
func (im *importer) commit() error {
	saved := make(chan func(ok bool) error, 1)
	if im.index == nil || im.db.ReadOnly() {
		saved <- nil
	} else {
		// What the saving needs of db is taken now: Commit replaces
		// db's file meanwhile.
		path, head := im.db.Path(), im.run.Head()
		go func() {
			install, err := im.index.SaveAhead(path, head)
			if err != nil {
				install = nil
			}
			saved <- install
		}()
	}
	_, err := im.run.Commit()
	if install := <-saved; install != nil {
		_ = install(err == nil)
	}
	return err
}

// operator is who imports: the one given, or the one at the desk last.
func (im *importer) operator(op store.Operator) (store.Operator, error) {
	if op.ID != 0 {
		return op, nil
	}
	id := im.db.LastOperator()
	if id == 0 {
		return op, errors.New("还没有选择经办人：请先在“设置”中添加并选择经办人，再导入。")
	}
	return im.db.Operator(id)
}

// loadLedger reads what the ledger already holds that the rows are
// checked against: the rows of earlier imports (by fingerprint and old
// serial) and whether it has certificates at all.
func (im *importer) loadLedger() error {
	im.ledger = im.db.CertCount() > 0
	if !im.ledger {
		return nil
	}
	return im.db.ImportedRows(func(r store.CertRow) {
		f := im.fingerprint(r.Serial, r.IssueDate, r.TypeNo, r.Name, r.IDNumber)
		im.seen[f] = where{}
		if r.Serial != "" {
			im.serials[r.Serial] = f
		}
	})
}

func (im *importer) fingerprint(serial, date string, typeNo int, name, id string) fingerprint {
	var h maphash.Hash
	h.SetSeed(im.seed)
	for _, s := range []string{serial, date, name, id} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	h.WriteByte(byte(typeNo))
	a := h.Sum64()
	h.WriteByte(0xA5)
	return fingerprint{a, h.Sum64()}
}

// readBook reads every table that has a header; a workbook's sheets
// without one (a cover, notes) are skipped and named in the report.
func (im *importer) readBook(b *book) error {
	found := false
	for i, name := range b.names {
		t, err := b.open(i)
		if err != nil {
			return &FormatError{im.rep.File, err.Error()}
		}
		ok, err := im.readTable(t, name)
		if cerr := t.close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		found = found || ok
		if !ok && b.isXLSX {
			im.rep.Skipped = append(im.rep.Skipped, name)
		}
	}
	if !found {
		return &NoHeaderError{File: im.rep.File}
	}
	return nil
}

// NoHeaderError: no table of the file has a header the importer knows.
type NoHeaderError struct{ File string }

func (e *NoHeaderError) Error() string {
	return fmt.Sprintf("在 %s 的前 %d 行中没有找到表头。表头要有这几栏：%s（经办人、编号、住址、用途、备注可有可无）。", e.File, headerRows, columnHelp)
}

func (im *importer) readTable(t table, sheet string) (bool, error) {
	l, ok, err := findHeader(t)
	if err != nil {
		return false, &FormatError{im.rep.File, err.Error()}
	}
	if !ok {
		return false, nil
	}
	im.sheets, im.l = append(im.sheets, sheet), l
	first := true
	for t.next() {
		cells, line := t.row()
		im.done++
		if im.done%1024 == 0 {
			im.progress(false)
		}
		if blank(cells) || im.repeatedHeader(cells) {
			continue
		}
		if im.notRecord(cells) {
			im.rep.NotRecords++
			continue
		}
		if first {
			first = false
			if completeHeader(&im.l, cells) {
				continue
			}
		}
		if m := im.l.missing(); len(m) > 0 {
			return true, &MissingColumnsError{Sheet: sheet, Line: im.l.line, Missing: m}
		}
		if err := im.row(cells, line); err != nil {
			return true, err
		}
	}
	if err := t.err(); err != nil {
		return true, &FormatError{im.rep.File, err.Error()}
	}
	if m := im.l.missing(); len(m) > 0 {
		return true, &MissingColumnsError{Sheet: sheet, Line: im.l.line, Missing: m}
	}
	return true, nil
}

// notRecord reports a row without name, ID number or type: a total, a
// signature line or a note under the table, not a certificate.
func (im *importer) notRecord(cells []string) bool {
	for _, k := range []column{colName, colID, colType} {
		if trim(im.l.cell(cells, k)) != "" {
			return false
		}
	}
	return true
}

// repeatedHeader reports the header again (a sheet printed with its
// header on every page); a row with digits where the ID number goes is
// data, which saves reading every row as a header.
func (im *importer) repeatedHeader(cells []string) bool {
	if hasDigits([]string{im.l.cell(cells, colID)}, 1) {
		return false
	}
	return isHeader(cells)
}

func (im *importer) progress(end bool) {
	if im.opt.Progress == nil {
		return
	}
	total := max(im.total, im.done)
	if end {
		total = im.done
	}
	im.opt.Progress(im.done, total)
}

// row checks one data row and imports it (or, in a dry run, counts it).
func (im *importer) row(cells []string, line int) error {
	im.rep.Rows++
	at := where{uint32(len(im.sheets) - 1), uint32(line)}
	get := func(k column) string { return trim(im.l.cell(cells, k)) }
	reject := func(reason string) error { return im.reject(at, cells, reason) }

	idText, idKind, reason := readID(get(colID))
	if idKind == idDamaged {
		im.damaged++
		return reject(reason)
	}
	typeText := get(colType)
	tv := im.typeOf(typeText)
	date, reason := parseDate(get(colDate))
	if reason != "" {
		return reject(reason)
	}
	in := store.ImportInput{
		TypeNo: tv.no, Name: get(colName), IDNumber: idText, Date: date,
		Address: get(colAddress), Purpose: get(colPurpose), Operator: get(colOperator),
		Serial: get(colSerial), Note: get(colNote),
	}
	if tv.no == 0 {
		return reject(tv.reason)
	}
	c, err := in.Validate(im.cat, im.today)
	if err != nil {
		var fe *store.FieldError
		if errors.As(err, &fe) && fe.Field == store.FieldIDNumber {
			return reject(err.Error() + "。" + floatHint(idText))
		}
		return reject(err.Error())
	}
	if reason := im.checkAgainst(c, at); reason != "" {
		if reason == alreadyImported {
			im.rep.Already++
			return nil
		}
		return reject(reason)
	}
	if idKind == idSuspect {
		im.suspect = append(im.suspect, pending{c, at, append([]string(nil), cells...)})
		return nil
	}
	return im.accept(c, len(strings.TrimSpace(idText)) == 15)
}

// alreadyImported marks a row an earlier import added (not a rejection).
const alreadyImported = "\x00already"

// checkAgainst checks a valid row against the rows before it and the
// ledger: the same row again (skipped when an earlier import added it,
// refused when the file repeats it), an old serial used twice, and one ID
// number under two names. It notes the row for the rows after it.
func (im *importer) checkAgainst(c store.Certificate, at where) string {
	f := im.fingerprint(c.Serial, c.IssueDate, c.TypeNo, c.Name, c.IDNumber)
	if w, ok := im.seen[f]; ok {
		if w.line == 0 {
			return alreadyImported
		}
		return fmt.Sprintf("与%s完全相同（编号、日期、证明类型、姓名、身份证号都一样），不重复导入。", im.whereText(w))
	}
	if c.Serial != "" {
		if _, ok := im.serials[c.Serial]; ok {
			return fmt.Sprintf("编号“%s”已被%s使用，同一编号不能是两份证明。请核对编号。", strings.TrimPrefix(c.Serial, store.ImportedPrefix), im.serialUser(c.Serial))
		}
	}
	if msg := im.checkName(c, at); msg != "" {
		return msg
	}
	im.seen[f] = at
	if c.Serial != "" {
		im.serials[c.Serial] = f
	}
	return ""
}

// serialUser says which row holds a serial.
func (im *importer) serialUser(serial string) string {
	f := im.serials[serial]
	if w, ok := im.seen[f]; ok && w.line > 0 {
		return im.whereText(w)
	}
	return "以前导入的另一份证明"
}

// checkName holds one ID number to one person: the name first seen for it
// in the file, or the ledger's.
func (im *importer) checkName(c store.Certificate, at where) string {
	p, ok := im.names[c.IDNumber]
	if !ok && im.ledger {
		name, serial, found, err := im.db.PersonName(c.IDNumber)
		if err == nil && found {
			p, ok = person{name: name, serial: serial}, true
			im.names[c.IDNumber] = p
		}
	}
	if !ok {
		// Copies: the row's texts are cut from the line the CSV reader
		// read, which would be kept whole for as long as the map is.
		im.names[strings.Clone(c.IDNumber)] = person{name: strings.Clone(c.Name), at: at}
		return ""
	}
	if p.name == c.Name {
		return ""
	}
	src := im.whereText(p.at) + "登记"
	if p.at.line == 0 {
		src = "台账中（编号 " + p.serial + "）登记"
	}
	return fmt.Sprintf("身份证号 %s 在%s的姓名是“%s”，这一行是“%s”。同一身份证号只能是同一人：请核对姓名和身份证号。",
		idcard.Mask(c.IDNumber), src, p.name, c.Name)
}

// accept imports a valid row (or counts it in a dry run).
func (im *importer) accept(c store.Certificate, legacy15 bool) error {
	if im.w != nil {
		if err := im.w.add(im.run.Prepare(c)); err != nil {
			return err
		}
	}
	im.rep.Valid++
	im.rep.ByType[c.TypeName]++
	im.rep.ByYear[c.Year]++
	if legacy15 {
		im.rep.Legacy15++
	}
	return nil
}

// decideSuspects imports the valid numbers ending in 000 when no number of
// the file was cut by Excel, and refuses them when one was.
func (im *importer) decideSuspects() error {
	for _, p := range im.suspect {
		var err error
		if im.damaged > 0 {
			err = im.reject(p.at, p.cells, suspectReason)
		} else {
			err = im.accept(p.c, false)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// typeOf judges a type text once per distinct text.
func (im *importer) typeOf(text string) typeVerdict {
	if v, ok := im.types[text]; ok {
		return v
	}
	v := im.judgeType(text)
	im.types[text] = v
	return v
}

func (im *importer) judgeType(text string) typeVerdict {
	q := normaliseType(text)
	if q == "" {
		return typeVerdict{reason: store.FieldCertType + "：没有填写。"}
	}
	item, res := im.judge.CertificateType(q)
	if item != nil {
		return typeVerdict{no: item.No}
	}
	var near []string
	for _, m := range res.Matches {
		if m.List != nil && m.List.ID == assets.Certificates {
			near = append(near, fmt.Sprintf("第%d项“%s”", m.Item.No, m.Item.Text))
		}
	}
	switch {
	case len(near) > 1 && res.Verdict == deskcheck.CanIssue:
		return typeVerdict{reason: fmt.Sprintf("证明类型“%s”可能是附件4的%s，不能确定是哪一项。请在原表中写明，再导入。", text, strings.Join(near, "或"))}
	case len(near) > 0:
		return typeVerdict{reason: fmt.Sprintf("证明类型“%s”不能确定是附件4的哪一项（最接近的是%s）。请在原表中写清楚证明名称，再导入。", text, strings.Join(near, "、"))}
	}
	return typeVerdict{reason: fmt.Sprintf("证明类型“%s”不是附件4的12类证明之一，不能导入。清单以外的证明须经准入审批后在本程序中开具。", text)}
}

// reject notes a refused row in the report and the rejected-rows file.
func (im *importer) reject(at where, cells []string, reason string) error {
	im.rep.Rejected++
	if len(im.rep.Rejections) < MaxListed {
		im.rep.Rejections = append(im.rep.Rejections, Rejection{Sheet: im.sheets[at.sheet], Line: int(at.line), Reason: reason, Cells: append([]string(nil), cells...)})
	}
	im.out.write(im.sheets[at.sheet], int(at.line), im.l, cells, reason)
	return nil
}
