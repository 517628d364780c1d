package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
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
	7: testMigrateV7,
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

// fileAtV6 is a busy ledger (busyLedger's records) written by the schema 6
// code paths: plain JSON events and whole certificates in certs. Its clock
// has nanoseconds, as a PC's has.
func fileAtV6(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v6.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:6] {
			if err := m.apply(tx, testNow); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(6))
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: testNow.Add(123456789)}
	db := &DB{bolt: b, path: path, now: beijingClock(clk.now)}
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	fillBusy(t, db, op)
	db.Close()
	return path
}

// v6Contents reads what a schema 6 file holds: its events' bytes and its
// certificates' records.
func v6Contents(t *testing.T, path string) (events, certs map[uint64]string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	events, certs = map[uint64]string{}, map[uint64]string{}
	b.View(func(tx *bolt.Tx) error {
		tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error { events[fromU64(k)] = string(v); return nil })
		tx.Bucket(bucketCerts).ForEach(func(k, v []byte) error { certs[fromU64(k)] = string(v); return nil })
		return nil
	})
	return events, certs
}

func testMigrateV7(t *testing.T) {
	path := fileAtV6(t)
	events, certs := v6Contents(t, path)
	if len(certs) != 3 || events[1][0] != '{' {
		t.Fatalf("fixture: %d certificates, first event %.20q", len(certs), events[1])
	}
	before, _ := os.Stat(path)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every event is packed and unpacks to the bytes it was stored as.
	db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketCerts) != nil || tx.Bucket(bucketMeta).Get(keyCompact) != nil {
			t.Error("certs or the compaction mark left after the migration")
		}
		n := 0
		tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
			n++
			prev, _ := hashBefore(tx.Bucket(bucketEvents), fromU64(k))
			raw, err := eventJSON(nil, v, prev)
			if v[0] != evPacked || err != nil || string(raw) != events[fromU64(k)] {
				t.Errorf("event %d: %.30q unpacks to %s, was %s", fromU64(k), v, raw, events[fromU64(k)])
			}
			return nil
		})
		if n != len(events) {
			t.Errorf("%d events after, %d before", n, len(events))
		}
		return nil
	})
	// Every certificate reads as it was stored.
	for id, want := range certs {
		c, err := db.Certificate(id)
		got, _ := json.Marshal(c)
		if err != nil || string(got) != want {
			t.Errorf("certificate %d: %v\n%s\nwas %s", id, err, got, want)
		}
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
	// The file was compacted: smaller, and nothing left beside it.
	after, _ := os.Stat(path)
	if after.Size() >= before.Size() {
		t.Errorf("file %d bytes after the migration, %d before", after.Size(), before.Size())
	}
	if _, err := os.Stat(compactName(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("compaction copy left: %v", err)
	}
	// New records go on in the new form.
	op, _ := db.Operator(db.LastOperator())
	c, err := db.IssueCertificate(op, input("赵六", validID("14040319900101123"), 1), catalog(t), IssueOptions{AcceptDuplicate: true, AcceptPersonName: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Certificate(c.ID); got.Serial != c.Serial || got.Name != "赵六" {
		t.Errorf("new certificate reads %+v", got)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}

// A schema 6 file whose certificate record was changed behind the
// program's back is not upgraded: Open says which and leaves the file.
func TestMigrateV7RefusesAnEditedCertificate(t *testing.T) {
	path := fileAtV6(t)
	b, _ := bolt.Open(path, 0o600, nil)
	b.Update(func(tx *bolt.Tx) error { return editJSON(tx.Bucket(bucketCerts), u64(1), "name", "赵六") })
	b.Close()
	before, _ := os.ReadFile(path)
	_, err := Open(path, Options{})
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Field != "姓名（name）" || !strings.Contains(err.Error(), "赵六") {
		t.Fatalf("open of an edited file: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused migration changed the file")
	}
}
