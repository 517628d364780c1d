package store

import (
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
	err = tx.Bucket(bucketEvents).ForEach(func(_, v []byte) error {
		var ev Event
		if err := json.Unmarshal(v, &ev); err != nil {
			return err
		}
		return raiseNewest(tx, ev.Time)
	})
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
	err := tx.Bucket(bucketEvents).ForEach(func(_, v []byte) error {
		var ev Event
		if err := json.Unmarshal(v, &ev); err != nil {
			return err
		}
		return noteCheckpoint(tx, ev)
	})
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
