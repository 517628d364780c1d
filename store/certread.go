package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// certReader reads whole certificates inside one transaction, reusing its
// cursors and buffers from one to the next.
type certReader struct {
	tx     *bolt.Tx
	states *bolt.Cursor // nil in a file that keeps whole certificates
	events *bolt.Cursor
	// Where the cursors are (0: not yet), and the event's value there: a
	// month's certificates and their events mostly follow each other, and
	// Next is cheaper than Seek.
	stateAt, eventAt uint64
	eventValue       []byte
	key              [8]byte
	later            []uint64
	buf              []byte // an event's JSON (the JSON path)
	dec              certDecoder
}

// init readies r for tx. A reader is declared where it is used: on the
// stack, writing its buffers costs no write barriers while the garbage
// collector runs (a month is read a sixth faster).
func (r *certReader) init(tx *bolt.Tx) {
	r.tx = tx
	if states := tx.Bucket(bucketCertState); states != nil {
		r.states, r.events = states.Cursor(), tx.Bucket(bucketEvents).Cursor()
	}
}

func (r *certReader) keyOf(v uint64) []byte {
	binary.BigEndian.PutUint64(r.key[:], v)
	return r.key[:]
}

// get reads certificate id (ErrNotFound if there is none).
func (r *certReader) get(id uint64) (Certificate, error) {
	if r.states == nil {
		var c Certificate
		v := r.tx.Bucket(bucketCerts).Get(u64(id))
		if v == nil {
			return c, ErrNotFound
		}
		return c, json.Unmarshal(v, &c)
	}
	var k, v []byte
	if r.stateAt != 0 && id == r.stateAt+1 {
		k, v = r.states.Next()
	} else {
		k, v = r.states.Seek(r.keyOf(id))
	}
	r.stateAt = fromU64(k)
	if k == nil || r.stateAt != id {
		return Certificate{}, ErrNotFound
	}
	f, later, ok := stateFields(v, r.later[:0])
	r.later = later
	if !ok {
		return Certificate{}, fmt.Errorf("第 %d 号证明的状态记录已损坏", id)
	}
	return r.materialise(f[0], int(f[2]), later)
}

// materialise puts a certificate together from its events: its issue
// event (seq issue), prints cert.print events, and the other events since.
func (r *certReader) materialise(issue uint64, prints int, later []uint64) (Certificate, error) {
	c, err := r.issued(issue)
	if err != nil {
		return c, err
	}
	c.Prints = prints
	for _, seq := range later {
		ev, err := eventAt(r.tx, seq, &r.buf)
		if err != nil {
			return c, err
		}
		if err := certEvent(&c, ev); err != nil {
			return c, err
		}
	}
	return c, nil
}

// issued is the certificate as its issue event seq has it: decoded from
// the packed value (certDecoder), or else through its JSON.
func (r *certReader) issued(seq uint64) (Certificate, error) {
	if v := r.packedEvent(seq); v != nil {
		if c, ok := r.dec.issue(v); ok {
			return c, nil
		}
	}
	var c Certificate
	ev, err := eventAt(r.tx, seq, &r.buf)
	if err != nil {
		return c, err
	}
	if ev.Kind != EvCertIssue && ev.Kind != EvCertImport {
		return c, fmt.Errorf("第 %d 条事件不是开具证明", seq)
	}
	return c, json.Unmarshal(ev.Data, &c)
}

// packedEvent is the stored value of event seq when eventAt would read it
// without an error of the log's (the event before it is there and packed,
// so its hash reads), else nil.
func (r *certReader) packedEvent(seq uint64) []byte {
	if seq <= 1 || r.events == nil {
		return nil // the first event is the setup's
	}
	at, v := r.eventAt, r.eventValue
	if at == 0 || at >= seq || seq-1-at > 8 {
		at, v = r.cursorAt(r.events.Seek(r.keyOf(seq - 1)))
	}
	for at != 0 && at < seq-1 {
		at, v = r.cursorAt(r.events.Next())
	}
	if at != seq-1 || len(v) <= sha256.Size || v[0] != evPacked {
		return nil
	}
	if at, v = r.cursorAt(r.events.Next()); at != seq {
		return nil
	}
	return v
}

// cursorAt notes where the events' cursor is (0 past the end).
func (r *certReader) cursorAt(k, v []byte) (uint64, []byte) {
	r.eventAt, r.eventValue = fromU64(k), v
	return r.eventAt, v
}

// Certificates calls fn with the certificates ids, whole, in that order,
// read in one transaction (a missing one is ErrNotFound). fn runs inside
// the transaction: it should not take long, and must not write to db.
func (db *DB) Certificates(ids []uint64, fn func(Certificate) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var r certReader
		r.init(tx)
		for _, id := range ids {
			c, err := r.get(id)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}

// MonthCertificates calls fn with every certificate issued in a month,
// whole, oldest first (in the order of their ids, as a register is read),
// in one transaction; fn is as for Certificates.
func (db *DB) MonthCertificates(year int, month time.Month, fn func(Certificate) error) error {
	prefix := []byte(fmt.Sprintf("%04d%02d", year, int(month)))
	return db.bolt.View(func(tx *bolt.Tx) error {
		var r certReader
		r.init(tx)
		cur := tx.Bucket(bucketCertRows).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			c, err := r.get(fromU64(k[len(prefix):]))
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
}
