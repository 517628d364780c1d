package store

import (
	"bytes"
	"encoding/json"
	"regexp"
	"time"

	"taizhang/store/idcard"

	bolt "go.etcd.io/bbolt"
)

// RecordIDShown records that the operator at the desk showed certificate
// id's whole ID number (an event about the certificate, in its history).
// The screen shows the number only once this is saved.
func (db *DB) RecordIDShown(op Operator, id uint64) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if _, err := getCert(tx, id); err != nil {
			return err
		}
		_, err := db.appendEvent(tx, op, db.now(), EvIDShown, id, struct{}{})
		return err
	})
}

// idNumbers finds what looks like a whole ID number in a message.
var idNumbers = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)

// maskIDs masks every ID number in a text that may reach a screen (a
// check's finding quotes stored values).
func maskIDs(s string) string { return idNumbers.ReplaceAllStringFunc(s, idcard.Mask) }

// DefaultRetentionYears is how old a record must be, unless the profile
// says otherwise, before 设置 lists it for review.
const DefaultRetentionYears = 10

// MaxRetentionYears bounds Profile.RetentionYears.
const MaxRetentionYears = 100

// RetentionYearsOr is the profile's review age in years.
func (p Profile) RetentionYearsOr() int {
	if p.RetentionYears <= 0 {
		return DefaultRetentionYears
	}
	return p.RetentionYears
}

// RetentionCutoff is the first day that is not yet old enough for review:
// records dated before it are listed.
func RetentionCutoff(today time.Time, years int) time.Time {
	t := today.In(Beijing)
	return time.Date(t.Year()-years, t.Month(), t.Day(), 0, 0, 0, 0, Beijing)
}

// OldRecords lists the certificates (as ledger rows) and refusals dated
// before cutoff, oldest first: what 设置 shows for review. Nothing is
// ever deleted; the list is for the committee to decide what to do with
// paper copies and whether to ask for an archive.
func (db *DB) OldRecords(cutoff time.Time) ([]CertRow, []Refusal, error) {
	date := cutoff.In(Beijing).Format(time.DateOnly)
	month := []byte(cutoff.In(Beijing).Format("200601"))
	var certs []CertRow
	var refusals []Refusal
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCertRows).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k[:6], month) <= 0; k, v = c.Next() {
			if r, ok := decodeRow(fromU64(k[6:]), v); ok && r.IssueDate < date {
				certs = append(certs, r)
			}
		}
		c = tx.Bucket(bucketRefusals).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k[:6], month) <= 0; k, v = c.Next() {
			var r Refusal
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.Date < date {
				refusals = append(refusals, r)
			}
		}
		return nil
	})
	return certs, refusals, err
}
