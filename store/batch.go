package store

import (
	bolt "go.etcd.io/bbolt"

	"taizhang/assets"
)

// Batch makes several changes in one transaction, so one disk sync instead
// of one per record: for generating demo data and building benchmark files.
// Each method runs the same checks and writes the same events as the DB
// method of the same name. If fn returns an error nothing is written.
type Batch struct {
	db *DB
	tx *bolt.Tx
}

// Batch runs fn in one write transaction.
func (db *DB) Batch(fn func(*Batch) error) error {
	return db.update(func(tx *bolt.Tx) error { return fn(&Batch{db, tx}) })
}

// IssueCertificate is DB.IssueCertificate inside the batch.
func (b *Batch) IssueCertificate(op Operator, in CertInput, cat *assets.Catalog, opt IssueOptions) (Certificate, error) {
	return b.db.issueTx(b.tx, op, in, cat, opt, 0)
}

// CorrectCertificate is DB.CorrectCertificate inside the batch.
func (b *Batch) CorrectCertificate(op Operator, old uint64, in CertInput, cat *assets.Catalog, opt IssueOptions) (Certificate, error) {
	return b.db.issueTx(b.tx, op, in, cat, opt, old)
}

// VoidCertificate is DB.VoidCertificate inside the batch.
func (b *Batch) VoidCertificate(op Operator, id uint64, reason string) (Certificate, error) {
	return b.db.voidTx(b.tx, op, id, reason)
}

// RecordPrint is DB.RecordPrint inside the batch.
func (b *Batch) RecordPrint(op Operator, id uint64, copies int) (Certificate, error) {
	return b.db.printTx(b.tx, op, id, copies)
}

// AddRefusal is DB.AddRefusal inside the batch.
func (b *Batch) AddRefusal(op Operator, in RefusalInput) (Refusal, error) {
	return b.db.refuseTx(b.tx, op, in)
}
