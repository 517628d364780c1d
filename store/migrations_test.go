package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
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
	4: testMigrateV4,
	5: testMigrateV5,
	6: testMigrateV6,
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

// oldEvent writes an event the way schema 2 and 3 did (no clock check, no
// issuer on certificates).
func oldEvent(t *testing.T, tx *bolt.Tx, op Operator, kind string, subject uint64, data any) {
	t.Helper()
	if _, err := chainEvent(tx, op, testNow, kind, subject, data); err != nil {
		t.Fatal(err)
	}
}

// fileWithOldRecords is a file at schema 3 as that version left it: a
// profile and operators written straight into their buckets, certificates,
// a refusal and an admission in the event log.
func fileWithOldRecords(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	op := Operator{ID: 1, Name: "王丽", Added: testNow}
	step := func(v uint64, fill func(tx *bolt.Tx)) {
		err := b.Update(func(tx *bolt.Tx) error {
			if err := migrations[v-1].apply(tx, testNow); err != nil {
				return err
			}
			fill(tx)
			return tx.Bucket(bucketMeta).Put(keySchema, u64(v))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	step(1, func(tx *bolt.Tx) {
		p := testProfile()
		p.CountyName = "潞州区"
		putJSON(tx.Bucket(bucketProfile), keyProfile, p)
		ops := tx.Bucket(bucketOperators)
		ops.NextSequence()
		putJSON(ops, u64(1), op)
		ops.NextSequence()
		putJSON(ops, u64(2), Operator{ID: 2, Name: "刘洋", Retired: true, Added: testNow})
		tx.Bucket(bucketMeta).Put(keyLastOperator, u64(1))
	})
	step(2, func(tx *bolt.Tx) {
		for i, name := range []string{"张三", "李四"} {
			id, _ := tx.Bucket(bucketCerts).NextSequence()
			c := Certificate{ID: id, Serial: "2026-000" + strconv.Itoa(i+1), Year: 2026, No: i + 1, TypeNo: 3, TypeName: "居住证明",
				Name: name, IDNumber: validID("1404031990010112" + strconv.Itoa(i)), Purpose: "入学", Copies: 1,
				IssueDate: "2026-11-29", Issued: testNow, OperatorID: 1, OperatorName: "王丽", Status: Valid}
			oldEvent(t, tx, op, EvCertIssue, id, c)
		}
		oldEvent(t, tx, op, EvCertVoid, 2, voidData{Reason: "打印错误"})
		id, _ := tx.Bucket(bucketRefusals).NextSequence()
		oldEvent(t, tx, op, EvRefusal, id, Refusal{ID: id, Date: "2026-11-29", Requester: "某局", RequesterKind: "单位", Item: "创卫台账", Reason: DepartmentsDuty, Created: testNow, OperatorID: 1, OperatorName: "王丽"})
	})
	step(3, func(tx *bolt.Tx) {
		a := fullAdmission(t)
		id, _ := tx.Bucket(bucketAdmissions).NextSequence()
		a.ID, a.Status, a.Created, a.Updated = id, AdmDraft, testNow, testNow
		oldEvent(t, tx, op, EvAdmissionSave, id, a)
		oldEvent(t, tx, op, EvAdmissionStatus, id, admissionStatusData{To: AdmSubmitted})
	})
	b.Close()
	return path
}

func testMigrateV4(t *testing.T) {
	path := fileWithOldRecords(t)
	db, err := Open(path, Options{Now: func() time.Time { return testNow.AddDate(0, 0, 1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var kinds []string
	db.Events(func(ev Event) error { kinds = append(kinds, ev.Kind); return nil })
	tail := strings.Join(kinds[len(kinds)-4:], " ")
	if tail != "operator.add operator.add profile.set profile.set" { // the last by migration 5
		t.Errorf("events written by the migration: %s", tail)
	}
	ops, _ := db.Operators()
	p, _ := db.Profile()
	if len(ops) != 2 || !ops[1].Retired || p.Community != testProfile().Community || db.LastOperator() != 1 {
		t.Errorf("state after migration: %+v %+v", ops, p)
	}
}

// A file with certificates, refusals and admissions goes from schema 1 to
// the newest, and check proves the result.
func TestOldFileUpgradesAndChecks(t *testing.T) {
	path := fileWithOldRecords(t)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, _ := db.SchemaVersion(); v != CurrentSchema() {
		t.Fatalf("schema %d", v)
	}
	rep, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Certificates != 2 || rep.Refusals != 1 || rep.Admissions != 1 || rep.Operators != 2 {
		t.Errorf("report %+v", rep)
	}
	// An old certificate prints under the profile; a new one keeps its issuer.
	c, _ := db.CertificateBySerial("2026-0001")
	if c.Issuer != nil || c.FullSerial(Profile{SerialPrefix: "新"}) != "新2026-0001" {
		t.Errorf("old certificate %+v", c)
	}
}

func testMigrateV5(t *testing.T) {
	path := fileWithOldRecords(t)
	db, err := Open(path, Options{Now: func() time.Time { return testNow.AddDate(0, 0, 1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, _ := db.Profile()
	s, err := db.Signer()
	if err != nil || p.Station != 1 || p.SigningKey != s.PublicText() {
		t.Fatalf("profile after migration 5: %+v, signer %v", p, err)
	}
	// The month index covers the old events and those of the migrations.
	n, _, _ := db.VerifyChain()
	db.bolt.View(func(tx *bolt.Tx) error {
		total := 0
		tx.Bucket(bucketCheckpoints).ForEach(func(k, v []byte) error {
			var cp checkpoint
			json.Unmarshal(v, &cp)
			total += cp.Events
			return nil
		})
		if uint64(total) != n {
			t.Errorf("checkpoints count %d events, the log has %d", total, n)
		}
		return nil
	})
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}
