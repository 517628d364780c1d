package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"taizhang/assets"
	"taizhang/store/idcard"
)

// DuplicateDays is how far back the duplicate warning looks.
const DuplicateDays = 30

// DuplicateError: the same person got the same type recently.
type DuplicateError struct{ Earlier Certificate }

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s在%d天内已开过同类证明（编号 %s，%s）。确需再开请确认。",
		e.Earlier.Name, DuplicateDays, e.Earlier.Serial, e.Earlier.IssueDate)
}

// PersonNameError: the ledger holds the ID number under another name, so
// the name or the number may be mistyped. The user must confirm before saving.
type PersonNameError struct {
	Name    string      // as typed now
	Earlier Certificate // the newest valid certificate for the number
}

func (e *PersonNameError) Error() string {
	return fmt.Sprintf("身份证号 %s 在台账中登记的姓名是「%s」（编号 %s），这次填的是「%s」。同一身份证号只能是同一人：请核对姓名和身份证号是否有错字。确认无误再保存。",
		idcard.Mask(e.Earlier.IDNumber), e.Earlier.Name, e.Earlier.Serial, e.Name)
}

// IssueOptions are the confirmations a user gave after a warning.
type IssueOptions struct {
	AcceptClock      bool // saving although the clock is behind the newest record
	AcceptDuplicate  bool // saving although a like certificate was issued recently
	AcceptPersonName bool // saving although the ID number is on record under another name
}

// CertInput is what the worker typed.
type CertInput struct {
	TypeNo      int // 附件4 item number, or 0 with AdmissionID
	AdmissionID uint64
	TypeName    string // for an admission type: the admitted item
	Name        string
	IDNumber    string
	Address     string
	Purpose     string
	Recipient   string
	Verified    string
	Copies      int
}

// Field labels of the certificate form, used in FieldErrors.
const (
	FieldCertType  = "证明类型"
	FieldName      = "姓名"
	FieldIDNumber  = "身份证号"
	FieldAddress   = "住址"
	FieldPurpose   = "用途"
	FieldRecipient = "需证明单位"
	FieldVerified  = "核实情况"
	FieldCopies    = "份数"
)

// CheckName validates a resident's name (see text.go): 1–30 characters in
// NFC; rare characters (also outside the BMP) and the middle dot of
// transcribed names are kept; invisible characters, digits, signs and emoji
// are refused.
func CheckName(s string) (string, error) {
	s = CleanText(s)
	return s, checkName(FieldName, s, 30, false)
}

// Validate checks the input and returns the certificate it makes (without
// serial, id or times). The first wrong field comes back as a FieldError.
func (in CertInput) Validate(cat *assets.Catalog, today time.Time) (Certificate, error) {
	c := Certificate{TypeNo: in.TypeNo, AdmissionID: in.AdmissionID, Copies: in.Copies}
	switch {
	case in.TypeNo >= 1 && in.TypeNo <= len(cat.List(assets.Certificates).Items):
		c.TypeName = cat.List(assets.Certificates).Items[in.TypeNo-1].Text
	case in.TypeNo == 0 && in.AdmissionID != 0:
		// Checked and replaced by the admission's item when issued (admissionFor).
		c.TypeName = CleanText(in.TypeName)
	default:
		return c, &FieldError{FieldCertType, "请从附件4的12类证明（或已准入的证明事项）中选择。"}
	}
	if _, err := c.setPerson(in.Name, in.IDNumber, today); err != nil {
		return c, err
	}
	texts := []struct {
		label    string
		dst      *string
		v        string
		max      int
		required bool
	}{
		{FieldAddress, &c.Address, in.Address, 60, true}, // every template prints it
		{FieldPurpose, &c.Purpose, in.Purpose, 60, true},
		{FieldRecipient, &c.Recipient, in.Recipient, 40, false},
		{FieldVerified, &c.Verified, in.Verified, 200, false},
	}
	for _, t := range texts {
		*t.dst = CleanText(t.v)
		if err := checkText(t.label, *t.dst, 1, t.max, t.required); err != nil {
			return c, err
		}
	}
	if err := checkFinding(c); err != nil {
		return c, err
	}
	if c.Copies < 1 || c.Copies > 9 {
		return c, &FieldError{FieldCopies, "请填 1 到 9 之间的数字。"}
	}
	return c, nil
}

// checkFinding requires 核实情况 for a type whose template marks it a
// finding: such a certificate prints what the worker checked and nothing else.
func checkFinding(c Certificate) error {
	tpl, err := assets.CertTemplates()
	if err != nil {
		return err
	}
	t, ok := tpl[c.TypeNo]
	if !ok || !t.Finding || c.Verified != "" {
		return nil
	}
	return &FieldError{FieldVerified, fmt.Sprintf("%s必须填写核实情况：请%s。", t.Short, t.Hint)}
}

// IssueCertificate validates and saves a certificate, allocating its serial
// in the same transaction. A clock behind the newest record, an ID number
// on record under another name or a like certificate in the last 30 days
// stops the save with ClockBehindError, PersonNameError or DuplicateError
// unless opt accepts it.
func (db *DB) IssueCertificate(op Operator, in CertInput, cat *assets.Catalog, opt IssueOptions) (Certificate, error) {
	return db.issue(op, in, cat, opt, 0)
}

// CorrectCertificate voids old (reason 更正) and issues its correction, linked
// both ways, in one transaction.
func (db *DB) CorrectCertificate(op Operator, old uint64, in CertInput, cat *assets.Catalog, opt IssueOptions) (Certificate, error) {
	return db.issue(op, in, cat, opt, old)
}

func (db *DB) issue(op Operator, in CertInput, cat *assets.Catalog, opt IssueOptions, replaces uint64) (c Certificate, err error) {
	err = db.update(func(tx *bolt.Tx) error {
		c, err = db.issueTx(tx, op, in, cat, opt, replaces)
		return err
	})
	return c, err
}

func (db *DB) issueTx(tx *bolt.Tx, op Operator, in CertInput, cat *assets.Catalog, opt IssueOptions, replaces uint64) (Certificate, error) {
	db = db.accepting(opt.AcceptClock)
	now := db.now()
	c, err := in.Validate(cat, now)
	if err != nil {
		return c, err
	}
	if op.ID == 0 {
		return c, &FieldError{"经办人", "请先选择经办人。"}
	}
	err = func() error {
		if err := db.checkClock(tx, now); err != nil {
			return err
		}
		if replaces != 0 {
			old, err := getCert(tx, replaces)
			if err != nil {
				return err
			}
			if old.Status == Voided {
				return fmt.Errorf("证明 %s 已作废，不能再更正。请直接开具新证明。", old.Serial)
			}
		}
		if c.TypeNo == 0 && c.AdmissionID != 0 {
			a, err := admissionFor(tx, c.AdmissionID, now)
			if err != nil {
				return err
			}
			c.TypeName = a.Item
		}
		if !opt.AcceptPersonName {
			if other, ok := findOtherName(tx, c, replaces); ok {
				return &PersonNameError{Name: c.Name, Earlier: other}
			}
		}
		if !opt.AcceptDuplicate {
			if dup, ok := findDuplicate(tx, c, now, replaces); ok {
				return &DuplicateError{Earlier: dup}
			}
		}
		p, err := profileTx(tx)
		if err != nil {
			return err
		}
		id, err := nextCertID(tx)
		if err != nil {
			return err
		}
		year := now.Year()
		last := fromU64(tx.Bucket(bucketSerials).Get([]byte(strconv.Itoa(year))))
		c.ID, c.Year, c.No = id, year, int(last)+1
		c.Serial = SerialText(year, p.StationNo(), c.No)
		c.IssueDate = now.Format(time.DateOnly)
		c.Issued, c.OperatorID, c.OperatorName = now, op.ID, op.Name
		c.Status, c.Replaces = Valid, replaces
		iss := IssuerOf(p)
		c.Issuer = &iss
		if _, err := db.appendEvent(tx, op, now, EvCertIssue, id, c); err != nil {
			return err
		}
		if replaces != 0 {
			_, err := db.appendEvent(tx, op, now, EvCertVoid, replaces, voidData{Reason: correctedTo(c.Serial), ReplacedBy: id})
			return err
		}
		return nil
	}()
	return c, err
}

// nextCertID allocates the id of a new certificate.
func nextCertID(tx *bolt.Tx) (uint64, error) { return certRecords(tx).NextSequence() }

// SerialText is a serial as stored and printed: 2026-0001 for station 1,
// 2026-2-0001 for station 2 — year, window, number, in the order a worker
// reads them aloud, and the plain form unchanged for single-PC offices.
func SerialText(year, station, no int) string {
	if station <= 1 {
		return fmt.Sprintf("%d-%04d", year, no)
	}
	return fmt.Sprintf("%d-%d-%04d", year, station, no)
}

// VoidCertificate marks a certificate 作废 with a reason. It stays listed.
func (db *DB) VoidCertificate(op Operator, id uint64, reason string) (Certificate, error) {
	var c Certificate
	err := db.update(func(tx *bolt.Tx) (err error) {
		c, err = db.voidTx(tx, op, id, reason)
		return err
	})
	return c, err
}

func (db *DB) voidTx(tx *bolt.Tx, op Operator, id uint64, reason string) (Certificate, error) {
	reason = CleanText(reason)
	if err := checkText("作废原因", reason, 2, 100, true); err != nil {
		return Certificate{}, err
	}
	old, err := getCert(tx, id)
	if err != nil {
		return old, err
	}
	if old.Status == Voided {
		return old, fmt.Errorf("证明 %s 已经作废。", old.Serial)
	}
	if _, err := db.appendEvent(tx, op, db.now(), EvCertVoid, id, voidData{Reason: reason}); err != nil {
		return old, err
	}
	return getCert(tx, id)
}

// RecordPrint counts a printout (first print or reprint) of copies copies.
func (db *DB) RecordPrint(op Operator, id uint64, copies int) (Certificate, error) {
	var c Certificate
	err := db.update(func(tx *bolt.Tx) (err error) {
		c, err = db.printTx(tx, op, id, copies)
		return err
	})
	return c, err
}

func (db *DB) printTx(tx *bolt.Tx, op Operator, id uint64, copies int) (Certificate, error) {
	if _, err := getCert(tx, id); err != nil {
		return Certificate{}, err
	}
	if _, err := db.appendEvent(tx, op, db.now(), EvCertPrint, id, printData{Copies: copies}); err != nil {
		return Certificate{}, err
	}
	return getCert(tx, id)
}

// Certificate reads one certificate.
func (db *DB) Certificate(id uint64) (Certificate, error) {
	var c Certificate
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getCert(tx, id)
		return err
	})
	return c, err
}

// CertificateBySerial finds a certificate by its serial (2026-0001).
func (db *DB) CertificateBySerial(serial string) (Certificate, error) {
	var id uint64
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		id = fromU64(tx.Bucket(bucketCertSerials).Get([]byte(serial)))
		return nil
	})
	if id == 0 {
		return Certificate{}, ErrNotFound
	}
	return db.Certificate(id)
}

func getCert(tx *bolt.Tx, id uint64) (Certificate, error) {
	var r certReader
	r.init(tx)
	return r.get(id)
}

// findDuplicate looks for a valid certificate of the same type for the same
// ID number issued within DuplicateDays.
func findDuplicate(tx *bolt.Tx, c Certificate, now time.Time, except uint64) (Certificate, bool) {
	since := now.AddDate(0, 0, -DuplicateDays)
	return lastPersonCert(tx, c.IDNumber, except, func(old Certificate) bool {
		return old.TypeNo == c.TypeNo && old.AdmissionID == c.AdmissionID && !old.Issued.Before(since)
	})
}

// findOtherName returns the newest valid certificate for the same ID number
// when it names someone else: the name the ledger now holds for the number.
// A voided one does not count (it may have been voided for that very typo),
// and once a new name was confirmed, the next certificate under it is quiet.
func findOtherName(tx *bolt.Tx, c Certificate, except uint64) (Certificate, bool) {
	last, ok := lastPersonCert(tx, c.IDNumber, except, func(Certificate) bool { return true })
	// A name saved before names were kept in NFC may be decomposed.
	return last, ok && CleanText(last.Name) != c.Name
}

// lastPersonCert is the newest valid certificate for the ID number, other
// than except, that match accepts.
func lastPersonCert(tx *bolt.Tx, idNumber string, except uint64, match func(Certificate) bool) (Certificate, bool) {
	cur := tx.Bucket(bucketCertPerson).Cursor()
	prefix := []byte(idNumber)
	var found Certificate
	ok := false
	var r certReader
	r.init(tx)
	for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
		id := fromU64(k[len(prefix):])
		if id == except {
			continue
		}
		old, err := r.get(id)
		if err != nil || old.Status != Valid || !match(old) {
			continue
		}
		found, ok = old, true
	}
	return found, ok
}

func monthKey(date string, id uint64) []byte {
	return append([]byte(MonthKey(date)), u64(id)...)
}

// MonthKey is "YYYYMM" of a stored date or month (2026-11-02, 2026-11), as
// the buckets keyed by month spell it.
func MonthKey(date string) string {
	if len(date) < 7 {
		return "000000"
	}
	return date[:4] + date[5:7]
}

// applyEvent brings the record buckets up to date with one event. It is the
// only code that writes them, so replaying the log rebuilds them.
func applyEvent(tx *bolt.Tx, ev Event) error {
	switch ev.Kind {
	case EvCertIssue, EvCertImport:
		var c Certificate
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return err
		}
		return applyCert(tx, ev, c)
	case EvIDShown:
		return certExists(tx, ev.Subject)
	case EvCertPrint, EvCertVoid:
		return applyCertChange(tx, ev)
	case EvRefusal:
		var r Refusal
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			return err
		}
		bk := appendOnly(tx, bucketRefusals)
		if err := raiseSequence(bk, r.ID); err != nil {
			return err
		}
		return putJSON(bk, monthKey(r.Date, r.ID), r)
	}
	return applyOther(tx, ev)
}

// applyCert files a certificate issued or imported (ev its event): an
// import takes no number (its No is 0), so serials/ is left as it was.
func applyCert(tx *bolt.Tx, ev Event, c Certificate) error {
	if c.No > 0 {
		serials := tx.Bucket(bucketSerials)
		year := []byte(strconv.Itoa(c.Year))
		if uint64(c.No) > fromU64(serials.Get(year)) {
			if err := serials.Put(year, u64(uint64(c.No))); err != nil {
				return err
			}
		}
	}
	if err := putSerial(tx, c); err != nil {
		return err
	}
	// Keys come in any order: full pages would split into a full and
	// a nearly empty one, so this bucket keeps bbolt's half-full pages.
	if err := tx.Bucket(bucketCertPerson).Put(append([]byte(c.IDNumber), u64(c.ID)...), nil); err != nil {
		return err
	}
	if err := raiseSequence(certRecords(tx), c.ID); err != nil {
		return err
	}
	if states := tx.Bucket(bucketCertState); states != nil {
		st := certState{Issue: ev.Seq, Month: MonthKey(c.IssueDate)}
		if err := putCertState(states, c.ID, st); err != nil {
			return err
		}
		return putCertRow(tx, c)
	}
	return putCert(tx, c)
}

// applyOther applies the events of the records other than certificates
// and refusals.
func applyOther(tx *bolt.Tx, ev Event) error {
	switch ev.Kind {
	case EvAdmissionSave, EvAdmissionStatus:
		return applyAdmission(tx, ev)
	case EvProfile:
		return tx.Bucket(bucketProfile).Put(keyProfile, ev.Data)
	case EvExport:
		var r ExportRecord
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			return err
		}
		r.Seq, r.Time, r.Operator = ev.Seq, ev.Time, ev.Operator
		return putJSON(appendOnly(tx, bucketExports), u64(ev.Seq), r)
	case EvOperatorPIN: // the record it commits to is proved by check (pin.go)
		return nil
	case EvOperatorAdd, EvOperatorSet:
		var o Operator
		if err := json.Unmarshal(ev.Data, &o); err != nil {
			return err
		}
		bk := tx.Bucket(bucketOperators)
		if err := raiseSequence(bk, o.ID); err != nil {
			return err
		}
		return putJSON(bk, u64(o.ID), o)
	}
	return fmt.Errorf("未知的事件类型 %q", ev.Kind)
}

// raiseSequence keeps a bucket's NextSequence ahead of the ids in it, so a
// replay into an empty bucket gives the same sequence as the live one.
func raiseSequence(bk *bolt.Bucket, id uint64) error {
	if bk.Sequence() >= id {
		return nil
	}
	return bk.SetSequence(id)
}

// certEvent applies an event after the issue to the certificate: when
// the records are replayed, and when a certificate is put together from
// its events (certState.materialise). A new event kind that changes a
// certificate adds its case here.
func certEvent(c *Certificate, ev Event) error {
	switch ev.Kind {
	case EvCertPrint:
		c.Prints++
	case EvCertVoid:
		var d voidData
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		c.Status, c.VoidReason, c.VoidedAt, c.VoidedBy = Voided, d.Reason, ev.Time, ev.Operator
		c.ReplacedBy = d.ReplacedBy
	default:
		return fmt.Errorf("未知的证明事件类型 %q", ev.Kind)
	}
	return nil
}

// applyCertChange applies an event after the issue: to the certificate's
// state and list row in a ledger that keeps states, to its whole record
// in a file that keeps those (a bundle's ledger.db).
func applyCertChange(tx *bolt.Tx, ev Event) error {
	states := tx.Bucket(bucketCertState)
	if states == nil {
		return updateCert(tx, ev.Subject, func(c *Certificate) error { return certEvent(c, ev) })
	}
	st, err := getCertState(states, ev.Subject)
	if err != nil {
		return err
	}
	if ev.Kind == EvCertPrint {
		st.Prints++ // a count: the row does not show it
		return putCertState(states, ev.Subject, st)
	}
	st.Later = append(st.Later, ev.Seq)
	if err := putCertState(states, ev.Subject, st); err != nil {
		return err
	}
	// The row is what the list shows of the certificate; the event acts on
	// it as on the whole record.
	rows := appendOnly(tx, bucketCertRows)
	key := append([]byte(st.Month), u64(ev.Subject)...)
	r, ok := decodeRow(ev.Subject, rows.Get(key))
	if !ok {
		return fmt.Errorf("第 %d 号证明的月目录缺失", ev.Subject)
	}
	c := r.certificate()
	if err := certEvent(&c, ev); err != nil {
		return err
	}
	return rows.Put(key, []byte(CertRowOf(c).encode()))
}

func updateCert(tx *bolt.Tx, id uint64, change func(*Certificate) error) error {
	c, err := getCert(tx, id)
	if err != nil {
		return err
	}
	if err := change(&c); err != nil {
		return err
	}
	return putCert(tx, c)
}

// putCert stores a whole certificate (a file without cert_state) and its row.
func putCert(tx *bolt.Tx, c Certificate) error {
	if err := putJSON(appendOnly(tx, bucketCerts), u64(c.ID), c); err != nil {
		return err
	}
	return putCertRow(tx, c)
}

func putCertRow(tx *bolt.Tx, c Certificate) error {
	return appendOnly(tx, bucketCertRows).Put(monthKey(c.IssueDate, c.ID), []byte(CertRowOf(c).encode()))
}

// CertRow is a certificate as the ledger list shows it, cheap to read in bulk.
type CertRow struct {
	ID        uint64
	Serial    string
	IssueDate string
	TypeNo    int
	Name      string
	IDNumber  string
	Voided    bool
}

// CertRowOf makes the list row of a certificate.
func CertRowOf(c Certificate) CertRow {
	return CertRow{ID: c.ID, Serial: c.Serial, IssueDate: c.IssueDate, TypeNo: c.TypeNo, Name: c.Name, IDNumber: c.IDNumber, Voided: c.Status == Voided}
}

// certificate is as much of the certificate as the row holds.
func (r CertRow) certificate() Certificate {
	st := Valid
	if r.Voided {
		st = Voided
	}
	return Certificate{ID: r.ID, Serial: r.Serial, IssueDate: r.IssueDate, TypeNo: r.TypeNo, Name: r.Name, IDNumber: r.IDNumber, Status: st}
}

const rowSep = "\x1f"

func (r CertRow) encode() string { return string(r.appendEncoded(nil)) }

// appendEncoded appends the row's stored value to b.
func (r CertRow) appendEncoded(b []byte) []byte {
	for _, f := range [...]string{r.Serial, r.IssueDate, strconv.Itoa(r.TypeNo), r.Name, r.IDNumber} {
		b = append(append(b, f...), rowSep...)
	}
	if r.Voided {
		return append(b, '0')
	}
	return append(b, '1')
}

func decodeRow(id uint64, b []byte) (CertRow, bool) {
	s := string(b)
	var f [6]string
	for i := 0; i < 5; i++ {
		j := strings.Index(s, rowSep)
		if j < 0 {
			return CertRow{}, false
		}
		f[i], s = s[:j], s[j+1:]
	}
	f[5] = s
	n, _ := strconv.Atoi(f[2])
	return CertRow{ID: id, Serial: f[0], IssueDate: f[1], TypeNo: n, Name: f[3], IDNumber: f[4], Voided: f[5] == "0"}, utf8.ValidString(f[3])
}

// MonthRows lists one month's certificates, newest first.
func (db *DB) MonthRows(year int, month time.Month) ([]CertRow, error) {
	prefix := []byte(fmt.Sprintf("%04d%02d", year, int(month)))
	var out []CertRow
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCertRows).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if r, ok := decodeRow(fromU64(k[6:]), v); ok {
				out = append(out, r)
			}
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

// AllRows calls fn for every certificate row, oldest month first.
func (db *DB) AllRows(fn func(CertRow)) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCertRows).ForEach(func(k, v []byte) error {
			if r, ok := decodeRow(fromU64(k[6:]), v); ok {
				fn(r)
			}
			return nil
		})
	})
}

// CertMonths lists the months that have certificates or refusals, newest first.
func (db *DB) CertMonths() ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketCertRows, bucketRefusals} {
			c := tx.Bucket(b).Cursor()
			for k, _ := c.First(); k != nil; {
				m := string(k[:6])
				if !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
				k, _ = c.Seek(append([]byte(m), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
			}
		}
		return nil
	})
	sortDesc(out)
	return out, err
}

func sortDesc(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] > s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// CertCount is how many certificates the ledger holds.
func (db *DB) CertCount() int {
	n := 0
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		n = certRecords(tx).Stats().KeyN
		return nil
	})
	return n
}

// setPerson checks and sets whom a certificate is about: the name, and the
// ID number with the sex and birth date it holds (returned parsed).
func (c *Certificate) setPerson(name, idNumber string, today time.Time) (idcard.ID, error) {
	var err error
	if c.Name, err = CheckName(name); err != nil {
		return idcard.ID{}, err
	}
	id, err := idcard.Parse(idNumber, today)
	if err != nil {
		return id, &FieldError{FieldIDNumber, err.Error()}
	}
	c.IDNumber, c.Sex = id.Number, id.Sex.String()
	if !id.Birth.IsZero() {
		c.Birth = dateOnly(id.Birth)
	}
	return id, nil
}
