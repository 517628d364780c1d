package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/assets"
	"taizhang/store/fold"
)

// 导入旧台账: the certificates of an office's old ledger, added as
// historical records (store/oldledger reads the file).
//
// An imported certificate is one cert.import event (Data: the
// Certificate, Imported set), applied as cert.issue is, to the same
// buckets: certs, cert_rows under the month of its date, cert_person, and
// cert_serials when it has an old serial. So the ledger list, search, the
// person index and the 30-day duplicate check see it. It takes no number
// of the ledger's own (serials/ is untouched): its serial is the old one
// behind ImportedPrefix, a namespace the ledger's 2026-0001 serials never
// enter, or empty when the old row had none.
//
// The events are dated when the import ran, so they travel in the monthly
// bundle of that month (counted as 导入, not as issued); the bundles of
// past months are not made again.
//
// An import is all or nothing: it runs in batches on a copy of the file
// (ImportRun), which replaces the file in one rename when every batch is
// in. A failure or a crash before that leaves the ledger as it was.

// EvCertImport: a certificate of the old ledger, imported. Data: the
// Certificate; subject its id.
const EvCertImport = "cert.import"

// ImportedPrefix begins the serial of an imported certificate: 旧2019-035.
const ImportedPrefix = "旧"

// Labels of the old ledger's columns that the certificate form has not.
const (
	FieldDate     = "日期"
	FieldSerial   = "编号"
	FieldOperator = "经办人"
	FieldNote     = "备注"
)

// EarliestImport is the earliest date an imported row may carry: an
// earlier one is a typing slip (or a number Excel took for a date).
var EarliestImport = time.Date(1990, 1, 1, 0, 0, 0, 0, Beijing)

// ImportInput is one row of an old ledger, as read.
type ImportInput struct {
	TypeNo   int // 附件4 item, as the desk judge read the row's type
	Name     string
	IDNumber string
	Date     time.Time // zero when the row has none
	Address  string
	Purpose  string
	Operator string // 经办人 as the old ledger wrote it
	Serial   string // 编号 in the old ledger
	Note     string // 备注
}

// Validate checks the row by the rules of the certificate form (names,
// ID numbers, the characters and lengths of every text) and returns the
// certificate it makes, without id. Type, name, ID number and date are
// required; the other columns an old ledger may lack. The first wrong
// field comes back as a FieldError.
func (in ImportInput) Validate(cat *assets.Catalog, today time.Time) (Certificate, error) {
	c := Certificate{TypeNo: in.TypeNo, Status: Valid, Imported: true}
	items := cat.List(assets.Certificates).Items
	if in.TypeNo < 1 || in.TypeNo > len(items) {
		return c, &FieldError{FieldCertType, "不是附件4的12类证明之一。"}
	}
	c.TypeName = items[in.TypeNo-1].Text
	id, err := c.setPerson(in.Name, in.IDNumber, today)
	if err != nil {
		return c, err
	}
	if err := checkImportDate(in.Date, id.Birth, today); err != nil {
		return c, err
	}
	d := in.Date
	c.IssueDate, c.Year = d.Format(time.DateOnly), d.Year()
	// Midnight of its date: the 30-day duplicate check reads Issued.
	c.Issued = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Beijing)
	if c.Serial, err = importSerial(in.Serial); err != nil {
		return c, err
	}
	texts := []struct {
		label string
		dst   *string
		v     string
		max   int
	}{
		{FieldAddress, &c.Address, in.Address, 60},
		{FieldPurpose, &c.Purpose, in.Purpose, 60},
		{FieldOperator, &c.OperatorName, in.Operator, 20},
		{FieldNote, &c.Note, in.Note, 200},
	}
	for _, t := range texts {
		*t.dst = CleanText(t.v)
		if err := checkText(t.label, *t.dst, 1, t.max, false); err != nil {
			return c, err
		}
	}
	return c, nil
}

func checkImportDate(d, birth, today time.Time) error {
	y, m, day := today.Date()
	switch {
	case d.IsZero():
		return &FieldError{FieldDate, "没有填写。"}
	case d.After(time.Date(y, m, day, 23, 59, 59, 0, d.Location())):
		return &FieldError{FieldDate, fmt.Sprintf("%s 晚于今天，请核对。", ChineseDate(d))}
	case d.Before(EarliestImport):
		return &FieldError{FieldDate, fmt.Sprintf("%s 早于 %d 年，可能是录错了，请核对。", ChineseDate(d), EarliestImport.Year())}
	case !birth.IsZero() && d.Before(time.Date(birth.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, d.Location())):
		return &FieldError{FieldDate, fmt.Sprintf("%s 早于身份证号中的出生日期，日期或身份证号有误，请核对。", ChineseDate(d))}
	}
	return nil
}

// importSerial is the stored serial of an old one: ImportedPrefix + the
// old serial (full-width forms folded, spaces dropped), "" for none.
func importSerial(old string) (string, error) {
	s := CleanText(fold.Width(old))
	if s == "" {
		return "", nil
	}
	if err := checkText(FieldSerial, s, 1, 30, false); err != nil {
		return "", err
	}
	return ImportedPrefix + strings.ReplaceAll(s, " ", ""), nil
}

// Imported reports a row of a certificate taken from the old ledger: its
// serial is empty or an old one (a serial of the ledger's own begins with
// its year).
func (r CertRow) Imported() bool {
	return r.Serial == "" || len(r.Serial) >= len(ImportedPrefix) && r.Serial[:len(ImportedPrefix)] == ImportedPrefix
}

// ImportRun is an import in progress: Add the certificates, then Commit.
// It writes to a copy of the ledger, so until Commit the ledger is
// untouched (and the ledger must not be written meanwhile: Commit refuses
// to replace a file that changed since the run began). Abort, or a
// failure, throws the copy away.
type ImportRun struct {
	live, work *DB
	tx         *bolt.Tx
	op         Operator
	now        time.Time
	head       []byte // the live ledger's last event when the run began
	firstID    uint64 // the id of the first certificate added
	prepared   uint64 // certificates prepared (Prepare's own count)
	inTx       int    // certificates in the open transaction
	batch      int    // certificates per transaction
	n          int
}

// Batches start small and double: bbolt splits a bucket's pages only when
// a transaction commits, so the first batch into an empty bucket sorts
// into one large node; later ones spread over the pages the earlier made.
const (
	firstImportBatch = 2048
	maxImportBatch   = 8192
)

// importName is the working copy beside the ledger at path; a copy left
// by a killed import is removed by the next one.
func importName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".导入中")
}

// BeginImport starts an import by op: the clock is checked once (an
// import's events all carry the time it began) and the ledger is copied
// beside itself.
func (db *DB) BeginImport(op Operator) (*ImportRun, error) {
	if op.ID == 0 {
		return nil, &FieldError{"经办人", "请先选择经办人。"}
	}
	if db.clockAccepted {
		// Its events carry the time the import began: a clock behind the
		// newest record is set right first, not confirmed.
		return nil, errors.New("导入旧台账前请先校正电脑的日期和时间。")
	}
	r := &ImportRun{live: db, op: op, now: db.now(), batch: firstImportBatch}
	tmp := importName(db.path)
	_ = os.Remove(tmp)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if err := db.checkClock(tx, r.now); err != nil {
			return err
		}
		r.head = lastEventValue(tx)
		return writeCopy(tx, tmp)
	})
	if err != nil {
		os.Remove(tmp)
		return nil, SaveError(db.path, err)
	}
	// The copy is synced once, when it is whole (Commit).
	opts := *db.opts
	opts.ReadOnly, opts.NoSync = false, true
	b, err := bolt.Open(tmp, 0o600, &opts)
	if err != nil {
		os.Remove(tmp)
		return nil, SaveError(db.path, err)
	}
	b.AllocSize = growStep
	now := r.now
	r.work = &DB{bolt: b, opts: &opts, path: tmp, now: func() time.Time { return now }}
	err = b.View(func(tx *bolt.Tx) error {
		r.firstID = certRecords(tx).Sequence() + 1
		return nil
	})
	if err != nil {
		r.Abort()
		return nil, SaveError(db.path, err)
	}
	return r, nil
}

func lastEventValue(tx *bolt.Tx) []byte {
	k, v := tx.Bucket(bucketEvents).Cursor().Last()
	return append(append([]byte(nil), k...), v...)
}

func writeCopy(tx *bolt.Tx, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = tx.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Prepared is a certificate ready to be added: its id given and its JSON
// made (by json.Marshal, as chainEvent would; see marshalData).
type Prepared struct {
	c   Certificate
	raw []byte
}

// Prepare gives an imported certificate (as ImportInput.Validate made it)
// the next id and encodes it. It may run on another goroutine than Add
// (while Add stores one, the next is prepared), but the certificates must
// reach Add in the order Prepare saw them.
func (r *ImportRun) Prepare(c Certificate) (Prepared, error) {
	c.ID, c.Imported, c.Status = r.firstID+r.prepared, true, Valid
	raw, err := json.Marshal(c)
	if err != nil {
		return Prepared{}, err
	}
	r.prepared++
	return Prepared{c, raw}, nil
}

// Add appends one prepared certificate as a cert.import event and returns
// it with its id.
func (r *ImportRun) Add(p Prepared) (Certificate, error) {
	c := p.c
	if r.work == nil {
		return c, errors.New("导入已经中止")
	}
	if want := r.firstID + uint64(r.n); c.ID != want {
		return c, r.fail(fmt.Errorf("导入的第 %d 份证明没有按准备的次序添加", r.n+1))
	}
	if r.tx == nil {
		tx, err := r.work.bolt.Begin(true)
		if err != nil {
			return c, r.fail(err)
		}
		r.tx = tx
	}
	if _, err := chainEvent(r.tx, r.op, r.now, EvCertImport, c.ID, p); err != nil {
		return c, r.fail(err)
	}
	r.n++
	if r.inTx++; r.inTx >= r.batch {
		err := r.tx.Commit()
		r.tx, r.inTx, r.batch = nil, 0, min(2*r.batch, maxImportBatch)
		if err != nil {
			return c, r.fail(err)
		}
	}
	return c, nil
}

func (r *ImportRun) fail(err error) error {
	r.Abort()
	return SaveError(r.live.path, err)
}

// Abort throws the copy away; the ledger stays as it was.
func (r *ImportRun) Abort() {
	if r.work == nil {
		return
	}
	if r.tx != nil {
		_ = r.tx.Rollback()
		r.tx = nil
	}
	r.work.bolt.Close()
	os.Remove(r.work.path)
	r.work = nil
}

// ErrLedgerChanged: something wrote to the ledger while an import ran on
// its copy, so the copy cannot replace it.
var ErrLedgerChanged = errors.New("导入期间台账有了新的记录，导入没有生效，台账保持原样。请重新导入一次（已导入过的行不会重复）")

// Commit puts the copy, with every certificate added, in place of the
// ledger file and returns how many were added. db (the ledger BeginImport
// was called on) then reads the new file; nothing else may use it while
// Commit runs.
func (r *ImportRun) Commit() (int, error) {
	if r.work == nil {
		return 0, errors.New("导入已经中止")
	}
	if r.n == 0 { // nothing to add: the file stays as it is
		r.Abort()
		return 0, nil
	}
	if r.tx != nil {
		err := r.tx.Commit()
		r.tx = nil
		if err != nil {
			return 0, r.fail(err)
		}
	}
	if err := r.work.bolt.Sync(); err != nil {
		return 0, r.fail(err)
	}
	tmp := r.work.path
	if err := r.work.bolt.Close(); err != nil {
		return 0, r.fail(err)
	}
	r.work = nil
	if err := r.live.replaceWith(tmp, r.head); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return r.n, nil
}

// replaceWith puts tmp in place of the file if the file still ends with
// the event head it had when the run began, and opens it.
func (db *DB) replaceWith(tmp string, head []byte) error {
	same := false
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		same = bytes.Equal(lastEventValue(tx), head)
		return nil
	}); err != nil {
		return err
	}
	if !same {
		return ErrLedgerChanged
	}
	if err := db.swapIn(tmp); err != nil {
		if db.bolt == nil {
			return fmt.Errorf("导入已经完成，但%w。请退出程序后重新打开", err)
		}
		return SaveError(db.path, err)
	}
	return nil
}

// ImportedRows calls fn with the row of every imported certificate.
func (db *DB) ImportedRows(fn func(CertRow)) error {
	return db.AllRows(func(r CertRow) {
		if r.Imported() {
			fn(r)
		}
	})
}

// PersonName is the name the ledger holds for an ID number: that of its
// newest valid certificate, with the certificate's serial (ok false when
// the number has none).
func (db *DB) PersonName(idNumber string) (name, serial string, ok bool, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		c, found := lastPersonCert(tx, idNumber, 0, func(Certificate) bool { return true })
		name, serial, ok = CleanText(c.Name), c.Serial, found
		return nil
	})
	return name, serial, ok, err
}

// putSerial files a certificate under its serial; an imported one without
// an old serial is found by its date and person only.
func putSerial(tx *bolt.Tx, c Certificate) error {
	if c.Serial == "" {
		return nil
	}
	return appendOnly(tx, bucketCertSerials).Put([]byte(c.Serial), u64(c.ID))
}
