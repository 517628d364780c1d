package store

import (
	"fmt"
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
	c.IssueDate, c.Year = dateOnly(d), d.Year()
	// Midnight of its date: the 30-day duplicate check reads Issued.
	c.Issued = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Beijing)
	if c.Serial, err = importSerial(in.Serial); err != nil {
		return c, err
	}
	if c.Address, err = importText(FieldAddress, in.Address, 60); err != nil {
		return c, err
	}
	if c.Purpose, err = importText(FieldPurpose, in.Purpose, 60); err != nil {
		return c, err
	}
	if c.OperatorName, err = importText(FieldOperator, in.Operator, 20); err != nil {
		return c, err
	}
	c.Note, err = importText(FieldNote, in.Note, 200)
	return c, err
}

// importText is a text column of an old ledger cleaned and checked as the
// form checks it; it may be empty. Most cells are printable ASCII and CJK
// ideographs without a space, which cleaning leaves as they are and the
// check passes but for the length: one pass over them does.
func importText(label, v string, max int) (string, error) {
	if n, ok := plainText(v); ok {
		if n > max {
			return v, &FieldError{label, TooLong(n, max)}
		}
		return v, nil
	}
	v = CleanText(v)
	return v, checkText(label, v, 1, max, false)
}

// plainText counts the characters of s if each is printable ASCII other
// than a space or a CJK unified ideograph (U+4E00–U+9FFF).
func plainText(s string) (n int, ok bool) {
	for _, r := range s {
		if !(r > 0x20 && r < 0x7F || r >= 0x4E00 && r <= 0x9FFF) {
			return 0, false
		}
		n++
	}
	return n, true
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
