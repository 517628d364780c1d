package store

import (
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
