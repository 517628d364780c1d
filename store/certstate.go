package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// certState is a certificate's value in bucket cert_state (schema 6 on):
// where its record is in the event log and what happened to it since. The
// certificate is the data of its cert.issue event with the later events
// applied (materialise), so nothing of it is stored twice.
//
// Encoding: uvarint Issue, uvarint Month (YYYYMM as a number), uvarint
// Prints, then one uvarint per Later seq.
type certState struct {
	Issue  uint64   `json:"issue"`           // seq of the cert.issue event
	Month  string   `json:"month"`           // YYYYMM of the issue date: the cert_rows key
	Prints int      `json:"prints"`          // cert.print events, which only count
	Later  []uint64 `json:"later,omitempty"` // seqs of the other events since (cert.void …)
}

func (s certState) encode() []byte { return s.appendTo(make([]byte, 0, 16+4*len(s.Later))) }

// appendTo appends the encoded state to b.
func (s certState) appendTo(b []byte) []byte {
	m, _ := strconv.ParseUint(s.Month, 10, 64)
	b = binary.AppendUvarint(b, s.Issue)
	b = binary.AppendUvarint(b, m)
	b = binary.AppendUvarint(b, uint64(s.Prints))
	for _, seq := range s.Later {
		b = binary.AppendUvarint(b, seq)
	}
	return b
}

func decodeCertState(b []byte) (certState, bool) {
	f, later, ok := stateFields(b, nil)
	if !ok {
		return certState{}, false
	}
	return certState{Issue: f[0], Month: fmt.Sprintf("%06d", f[1]), Prints: int(f[2]), Later: later}, true
}

// stateFields reads a state's three numbers and its later seqs, appended
// to later.
func stateFields(b []byte, later []uint64) (f [3]uint64, _ []uint64, ok bool) {
	for i := range f {
		if f[i], ok = takeUvarint(&b); !ok {
			return f, later, false
		}
	}
	for len(b) > 0 {
		v, ok := takeUvarint(&b)
		if !ok {
			return f, later, false
		}
		later = append(later, v)
	}
	return f, later, true
}

// stateJSON shows a stored state as JSON (for check's messages).
func stateJSON(b []byte) []byte {
	if b == nil {
		return nil
	}
	s, ok := decodeCertState(b)
	if !ok {
		return b
	}
	j, _ := json.Marshal(s)
	return j
}

// compactLayout says whether tx's file keeps certificates as states and
// packs its events: a ledger from schema 6 on. A bundle's ledger.db keeps
// whole certificates and plain events, as other offices' programs read them.
func compactLayout(tx *bolt.Tx) bool { return tx.Bucket(bucketCertState) != nil }

// certRecords is the bucket with one key per certificate, whose sequence
// gives the next id: cert_state, or certs in a file that keeps whole ones.
func certRecords(tx *bolt.Tx) *bolt.Bucket {
	if b := tx.Bucket(bucketCertState); b != nil {
		return b
	}
	return tx.Bucket(bucketCerts)
}

// certExists says whether certificate id is on record (ErrNotFound if not).
func certExists(tx *bolt.Tx, id uint64) error {
	if certRecords(tx).Get(u64(id)) == nil {
		return ErrNotFound
	}
	return nil
}

func getCertState(states *bolt.Bucket, id uint64) (certState, error) {
	v := states.Get(u64(id))
	if v == nil {
		return certState{}, ErrNotFound
	}
	s, ok := decodeCertState(v)
	if !ok {
		return s, fmt.Errorf("第 %d 号证明的状态记录已损坏", id)
	}
	return s, nil
}

func putCertState(states *bolt.Bucket, id uint64, s certState) error {
	states.FillPercent = appendFill
	return states.Put(u64(id), s.encode())
}

// materialise puts the certificate together from its events.
func (s certState) materialise(tx *bolt.Tx) (Certificate, error) {
	var r certReader
	r.init(tx)
	return r.materialise(s.Issue, s.Prints, s.Later)
}
