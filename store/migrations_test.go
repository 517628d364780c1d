package store

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

type boltTx = bolt.Tx

// migrationTests has one test per migration: it builds a file at version-1,
// runs the migration and checks the result. TestEveryMigrationTested fails
// when a migration is added without one.
var migrationTests = map[uint64]func(t *testing.T){
	1: testMigrateV1,
	2: testMigrateV2,
	3: testMigrateV3,
}

func TestEveryMigrationTested(t *testing.T) {
	for i, m := range migrations {
		if m.version != uint64(i+1) {
			t.Errorf("migration %d has version %d: versions must be consecutive from 1", i, m.version)
		}
		if migrationTests[m.version] == nil {
			t.Errorf("migration %d (%s) has no test in migrationTests", m.version, m.name)
		}
	}
}

func TestMigrations(t *testing.T) {
	for v, f := range migrationTests {
		t.Run(migrations[v-1].name, f)
	}
}

// rawFileAt makes a bbolt file with migrations 1..v applied by themselves
// (0: a bare bbolt file).
func rawFileAt(t *testing.T, v uint64) *bolt.DB {
	t.Helper()
	b, err := bolt.Open(filepath.Join(t.TempDir(), "m.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	err = b.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:v] {
			if err := m.apply(tx, testNow); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testMigrateV1(t *testing.T) {
	b := rawFileAt(t, 1)
	b.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketProfile, bucketOperators} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		m := tx.Bucket(bucketMeta)
		if !bytes.Equal(m.Get(keyApp), appMarker) {
			t.Error("no app marker")
		}
		if _, err := time.Parse(time.RFC3339, string(m.Get(keyCreated))); err != nil {
			t.Errorf("created: %v", err)
		}
		return nil
	})
}

func TestOpenUpgradesOldFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		if err := migrations[0].apply(tx, testNow); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(1))
	})
	b.Close()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(); v != CurrentSchema() {
		t.Errorf("schema %d after open, want %d", v, CurrentSchema())
	}
}

func testMigrateV2(t *testing.T) {
	b := rawFileAt(t, 2)
	b.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketEvents, bucketSubjects, bucketCerts, bucketCertRows, bucketCertSerials, bucketCertPerson, bucketSerials, bucketRefusals} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
}

func testMigrateV3(t *testing.T) {
	b := rawFileAt(t, 3)
	b.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketAdmissions)
		if bk == nil {
			t.Fatal("bucket admissions missing")
		}
		if n := bk.Stats().KeyN; n != 0 {
			t.Errorf("admissions holds %d keys after the migration, want 0", n)
		}
		if tx.Bucket(bucketEvents) == nil {
			t.Error("earlier buckets lost")
		}
		return nil
	})
}
