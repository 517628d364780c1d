package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A migration moves the file from version-1 to version. Migrations run in
// order, inside the transaction that opens the file; each has its own test in
// migrations_test.go (a test there fails if one is missing).
type migration struct {
	version uint64
	name    string
	apply   func(tx *bolt.Tx, now time.Time) error
}

var migrations = []migration{
	{1, "meta, profile and operators", migrateV1},
	{2, "event log, certificates and refusals", migrateV2},
	{3, "approval forms (admissions)", migrateV3},
	{4, "profile and operators in the event log", migrateV4},
	{5, "monthly export: checkpoints, exports, signing key, station", migrateV5},
	{6, "privacy: PINs, ID numbers shown", migrateV6},
	{7, "packed events and certificate states (a third of the space)", migrateV7},
}

// CurrentSchema is the version a file has after Open.
func CurrentSchema() uint64 { return migrations[len(migrations)-1].version }

func applyMigrations(tx *bolt.Tx, from uint64, now time.Time) error {
	for _, m := range migrations {
		if m.version <= from {
			continue
		}
		if err := m.apply(tx, now); err != nil {
			return fmt.Errorf("升级数据文件格式到第 %d 版（%s）失败：%w", m.version, m.name, err)
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keySchema, u64(m.version)); err != nil {
			return err
		}
	}
	return nil
}

func createBuckets(tx *bolt.Tx, names ...[]byte) error {
	for _, n := range names {
		if _, err := tx.CreateBucketIfNotExists(n); err != nil {
			return err
		}
	}
	return nil
}

// migrateV1 makes a new ledger: the meta bucket that marks it, the profile
// and the operators.
func migrateV1(tx *bolt.Tx, now time.Time) error {
	if err := createBuckets(tx, bucketMeta, bucketProfile, bucketOperators); err != nil {
		return err
	}
	meta := tx.Bucket(bucketMeta)
	if err := meta.Put(keyApp, appMarker); err != nil {
		return err
	}
	return meta.Put(keyCreated, []byte(now.Format(time.RFC3339)))
}

// migrateV2 adds the event log and the certificate and refusal buckets.
func migrateV2(tx *bolt.Tx, _ time.Time) error {
	return createBuckets(tx, bucketEvents, bucketSubjects, bucketCerts, bucketCertRows,
		bucketCertSerials, bucketCertPerson, bucketSerials, bucketRefusals)
}

// migrateV3 adds the approval forms (admissions).
func migrateV3(tx *bolt.Tx, _ time.Time) error {
	return createBuckets(tx, bucketAdmissions)
}

// migrateV4 records the profile and operators a file already has as events,
// so that from now on every change to them is in the log and replaying the
// log rebuilds them. The events carry the stored bytes as they are, and the
// clock check is skipped: opening a file must not depend on the PC clock.
func migrateV4(tx *bolt.Tx, now time.Time) error {
	var by Operator
	if id := fromU64(tx.Bucket(bucketMeta).Get(keyLastOperator)); id != 0 {
		by, _ = getOperator(tx, id)
	}
	type stored struct {
		id  uint64
		raw []byte
	}
	var ops []stored
	err := tx.Bucket(bucketOperators).ForEach(func(k, v []byte) error {
		ops = append(ops, stored{fromU64(k), append([]byte(nil), v...)})
		return nil
	})
	if err != nil {
		return err
	}
	// Until now meta/newest was the last event's time, which a clock set
	// back could lower; from now on it is the newest of them all.
	err = forEachEvent(tx, func(ev Event, _ []byte) error { return raiseNewest(tx, ev.Time) })
	if err != nil {
		return err
	}
	for _, o := range ops {
		if _, err := chainEvent(tx, by, now, EvOperatorAdd, o.id, json.RawMessage(o.raw)); err != nil {
			return err
		}
	}
	if v := tx.Bucket(bucketProfile).Get(keyProfile); v != nil {
		_, err := chainEvent(tx, by, now, EvProfile, 0, json.RawMessage(append([]byte(nil), v...)))
		return err
	}
	return nil
}

// migrateV5 prepares the monthly export: the month index of the log
// (filled from the events the file has), the record of exports, the
// office's signing key, and station 1 with the signing key in the profile
// (an event, as every profile change is).
func migrateV5(tx *bolt.Tx, now time.Time) error {
	if err := createBuckets(tx, bucketCheckpoints, bucketExports); err != nil {
		return err
	}
	err := forEachEvent(tx, func(ev Event, _ []byte) error { return noteCheckpoint(tx, ev) })
	if err != nil {
		return err
	}
	if err := makeSigningKey(tx); err != nil {
		return err
	}
	p, err := profileTx(tx)
	if err == ErrNoProfile {
		return nil
	} else if err != nil {
		return err
	}
	signer, err := signerTx(tx)
	if err != nil {
		return err
	}
	p.Station, p.SigningKey = p.StationNo(), signer.PublicText()
	var by Operator
	if id := fromU64(tx.Bucket(bucketMeta).Get(keyLastOperator)); id != 0 {
		by, _ = getOperator(tx, id)
	}
	_, err = chainEvent(tx, by, now, EvProfile, 0, p)
	return err
}

// migrateV6 adds the operators' PINs. Files before it have no PIN and no
// cert.id_shown event, so nothing else changes.
func migrateV6(tx *bolt.Tx, _ time.Time) error {
	return createBuckets(tx, bucketPins)
}

// migrateV7 packs every event (pack.go) and replaces the whole
// certificates in certs with their states in cert_state (certstate.go),
// made from the events. Before certs goes, every certificate put together
// from its events must equal the stored one, as check would prove: a file
// changed behind the program's back is not upgraded. The file is then
// marked for compaction, which Open does once the migration is committed
// (bbolt never gives freed pages back to the disk by itself).
func migrateV7(tx *bolt.Tx, _ time.Time) error {
	states, err := tx.CreateBucket(bucketCertState)
	if err != nil {
		return err
	}
	byID := map[uint64]*certState{}
	err = rewriteEvents(tx, func(ev Event) {
		switch {
		case ev.Kind == EvCertIssue:
			var c Certificate
			if json.Unmarshal(ev.Data, &c) == nil {
				byID[ev.Subject] = &certState{Issue: ev.Seq, Month: MonthKey(c.IssueDate)}
			}
		case ev.Kind == EvCertPrint && byID[ev.Subject] != nil:
			byID[ev.Subject].Prints++
		case ev.Kind == EvCertVoid && byID[ev.Subject] != nil:
			// The one kind before schema 7 that changes a certificate
			// besides prints (cert.id_shown changes none).
			byID[ev.Subject].Later = append(byID[ev.Subject].Later, ev.Seq)
		}
	})
	if err != nil {
		return err
	}
	certs := tx.Bucket(bucketCerts)
	if err := states.SetSequence(certs.Sequence()); err != nil {
		return err
	}
	err = certs.ForEach(func(k, v []byte) error {
		id := fromU64(k)
		st := byID[id]
		if st == nil {
			return &CheckError{Register: "证明", Record: fmt.Sprintf("第 %d 号证明", id), Have: string(v)}
		}
		c, err := st.materialise(tx)
		if err != nil {
			return err
		}
		want, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if !bytes.Equal(v, want) {
			e := &CheckError{Register: "证明", Record: fmt.Sprintf("证明 %s（第 %d 号记录）", c.Serial, id)}
			e.Field, e.Have, e.Want = firstFieldDiff(v, want)
			return e
		}
		delete(byID, id)
		return putCertState(states, id, *st)
	})
	if err != nil {
		return err
	}
	for id := range byID {
		return &CheckError{Register: "证明", Record: fmt.Sprintf("第 %d 号证明", id), Want: "存在"}
	}
	if err := tx.DeleteBucket(bucketCerts); err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyCompact, []byte{1})
}

// rewriteEvents stores every event again as the file now stores them
// (storedForm), calling seen with each in order. An event that cannot be
// read is left as it is, for check to report.
func rewriteEvents(tx *bolt.Tx, seen func(Event)) error {
	const batch = 1024
	bk := tx.Bucket(bucketEvents)
	bk.FillPercent = 1
	var after []byte
	prev := genesisDigest
	for {
		type kv struct{ k, v []byte }
		var out []kv
		c := bk.Cursor()
		k, v := c.First()
		if after != nil {
			if k, v = c.Seek(after); bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for n := 0; k != nil && n < batch; k, v = c.Next() {
			n++
			after = append(after[:0:0], k...)
			ev, raw, err := readEvent(nil, v, prev)
			if err != nil {
				prev = ""
				continue
			}
			seen(ev)
			stored := storedForm(tx, raw, prev)
			prev = ev.Hash
			if len(stored) > 0 && len(raw) > 0 && &stored[0] == &raw[0] {
				stored = append([]byte(nil), stored...)
			}
			out = append(out, kv{after, stored})
		}
		for _, e := range out {
			if err := bk.Put(e.k, e.v); err != nil {
				return err
			}
		}
		if k == nil {
			return nil
		}
	}
}
