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
		states, rows := tx.Bucket(bucketCertState), tx.Bucket(bucketCertRows)
		for _, id := range ids {
			if states != nil {
				st, err := getCertState(states, id)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if r, ok := decodeRow(id, rows.Get(append([]byte(st.Month), u64(id)...))); ok {
					out[id] = r
					continue
				}
			}
			// A file that keeps whole certificates, or a row that does not
			// decode (a name saved before names were checked).
			c, err := getCert(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[id] = CertRowOf(c)
		}
		return nil
	})
	return out, err
}
