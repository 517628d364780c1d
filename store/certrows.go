package store

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// CertRows reads the list rows of the certificates ids in one transaction,
// from the rows the ledger list shows (cert_rows, found through each
// certificate's state) rather than by putting each certificate together
// from its events: the rows of a search's hits cost a few microseconds each
// instead of two JSON decodes. An id that is not on record is left out.
func (db *DB) CertRows(ids []uint64) (map[uint64]CertRow, error) {
	out := make(map[uint64]CertRow, len(ids))
	err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			r, ok, err := rowOf(tx, id)
			if err != nil {
				return err
			}
			if ok {
				out[id] = r
			}
		}
		return nil
	})
	return out, err
}

// rowOf is the list row of certificate id (ok false if it is not on
// record).
func rowOf(tx *bolt.Tx, id uint64) (CertRow, bool, error) {
	if states := tx.Bucket(bucketCertState); states != nil {
		st, err := getCertState(states, id)
		if errors.Is(err, ErrNotFound) {
			return CertRow{}, false, nil
		}
		if err != nil {
			return CertRow{}, false, err
		}
		if r, ok := decodeRow(id, tx.Bucket(bucketCertRows).Get(append([]byte(st.Month), u64(id)...))); ok {
			return r, true, nil
		}
	}
	// A file that keeps whole certificates, or a row that does not decode
	// (a name saved before names were checked).
	c, err := getCert(tx, id)
	if errors.Is(err, ErrNotFound) {
		return CertRow{}, false, nil
	}
	return CertRowOf(c), err == nil, err
}

// LogMark names one event of the ledger's log by its seq and hash (hex);
// the zero LogMark is the end of an empty log. A cache built from the
// ledger (store/certindex) keeps the mark of the log's last event: a
// ledger that still holds that event is the same ledger, grown since.
type LogMark struct {
	Seq  uint64
	Hash string
}

// ErrOtherLedger: the ledger does not hold the event a LogMark names, so
// it is not the ledger (or a later state of it) that the mark was taken
// from: another office's, or an older copy put back.
var ErrOtherLedger = errors.New("台账不是记下这一条事件的那本（或是它更早的副本）")

// CertRowsSince calls fn with the list row of every certificate whose id is
// above after, in one read transaction with the ledger's last event (head)
// and its highest certificate id (last): what a cache of the rows needs to
// catch up. since is the last event the cache saw: unless the log still
// holds it, fn is not called and the error is ErrOtherLedger. Up to an
// eighth of the ledger's rows are read one by one and come in the order of
// their ids; more (a build, a catch-up after an import) are read as the
// month rows lie, in the ledger's month order.
func (db *DB) CertRowsSince(after uint64, since LogMark, fn func(CertRow)) (head LogMark, last uint64, err error) {
	err = db.bolt.View(func(tx *bolt.Tx) error {
		events, recs := tx.Bucket(bucketEvents), certRecords(tx)
		if since.Seq > 0 {
			var v []byte
			if events != nil {
				v = events.Get(u64(since.Seq))
			}
			if h, err := storedHash(v); v == nil || err != nil || h != since.Hash {
				return ErrOtherLedger
			}
		}
		if events != nil {
			if k, v := events.Cursor().Last(); k != nil {
				h, err := storedHash(v)
				if err != nil {
					return &ChainError{fromU64(k), "内容无法解析"}
				}
				head = LogMark{fromU64(k), h}
			}
		}
		if recs == nil {
			return nil
		}
		last = recs.Sequence()
		if last <= after {
			return nil
		}
		if after > 0 && last-after <= last/8 {
			c := recs.Cursor()
			for k, _ := c.Seek(u64(after + 1)); k != nil; k, _ = c.Next() {
				r, ok, err := rowOf(tx, fromU64(k))
				if err != nil {
					return err
				}
				if ok {
					fn(r)
				}
			}
			return nil
		}
		return tx.Bucket(bucketCertRows).ForEach(func(k, v []byte) error {
			id := fromU64(k[6:])
			if id <= after {
				return nil
			}
			r, ok := decodeRow(id, v)
			if !ok {
				var err error
				if r, ok, err = rowOf(tx, id); err != nil {
					return err
				}
			}
			if ok {
				fn(r)
			}
			return nil
		})
	})
	return head, last, err
}
