package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// storedPIN is the record bucket pins holds for id.
func storedPIN(t *testing.T, db *DB, id uint64) pinRecord {
	t.Helper()
	var r pinRecord
	db.bolt.View(func(tx *bolt.Tx) error {
		var ok bool
		if r, _, ok = readPIN(tx, id); !ok {
			t.Fatalf("operator %d has no PIN record", id)
		}
		return nil
	})
	return r
}

func pinEvents(t *testing.T, db *DB, id uint64) []pinData {
	t.Helper()
	h, err := db.History(EvOperatorPIN, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []pinData
	for _, ev := range h {
		if ev.Kind == EvOperatorPIN {
			var d pinData
			json.Unmarshal(ev.Data, &d)
			out = append(out, d)
		}
	}
	return out
}

func mustCheck(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestPINSetCheckChangeClear(t *testing.T) {
	db, op, _ := ledger(t)
	if db.HasPIN(op.ID) || db.CheckPIN(op.ID, "0000") != nil {
		t.Fatal("a new operator has a PIN")
	}
	if err := db.SetPIN(op, op.ID, "", "12a4"); fieldOf(err) != "PIN" {
		t.Errorf("letters in a PIN: %v", err)
	}
	if err := db.SetPIN(op, op.ID, "", "１２３４"); err != nil { // full-width digits, as an input method types them
		t.Fatal(err)
	}
	rec := storedPIN(t, db, op.ID)
	if len(rec.Salt) != 16 || len(rec.Hash) != 32 || rec.Time != 1 || rec.Memory != 64*1024 || rec.Threads != 2 {
		t.Errorf("record %+v", rec)
	}
	var wrong *WrongPINError
	if err := db.CheckPIN(op.ID, "1235"); !errors.As(err, &wrong) {
		t.Errorf("wrong PIN: %v", err)
	}
	if err := db.CheckPIN(op.ID, "1234"); err != nil {
		t.Errorf("right PIN: %v", err)
	}
	mustCheck(t, db)
	// Changing needs the current PIN.
	if err := db.SetPIN(op, op.ID, "9999", "567890"); fieldOf(err) != "当前 PIN" {
		t.Errorf("change with a wrong current PIN: %v", err)
	}
	if err := db.SetPIN(op, op.ID, "1234", "567890"); err != nil {
		t.Fatal(err)
	}
	if db.CheckPIN(op.ID, "1234") == nil || db.CheckPIN(op.ID, "567890") != nil {
		t.Error("the change did not take")
	}
	if again := storedPIN(t, db, op.ID); bytes.Equal(again.Salt, rec.Salt) {
		t.Error("a new PIN reuses the salt")
	}
	mustCheck(t, db)
	// Empty clears it, with the current PIN.
	if err := db.SetPIN(op, op.ID, "567890", ""); err != nil {
		t.Fatal(err)
	}
	if db.HasPIN(op.ID) {
		t.Error("PIN not cleared")
	}
	evs := pinEvents(t, db, op.ID)
	if len(evs) != 3 || !evs[0].Set || !evs[1].Set || evs[2].Set || evs[0].Commit == evs[1].Commit {
		t.Errorf("events %+v", evs)
	}
	mustCheck(t, db)
}

func TestNormalizePIN(t *testing.T) {
	for in, want := range map[string]string{"1234": "1234", " 12 34 ": "1234", "１２３４５": "12345", "12345678": "12345678",
		"123": "", "123456789": "", "12a4": "", "": "", "١٢٣٤": ""} {
		got, err := NormalizePIN(in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("NormalizePIN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// Neither the event log nor a month's bundle ledger.db carries the hash
// or the salt: the events only commit to them.
func TestPINHashNeverLeavesThePC(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	if _, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPIN(op, op.ID, "", "2468"); err != nil {
		t.Fatal(err)
	}
	rec := storedPIN(t, db, op.ID)
	secrets := [][]byte{rec.Hash, rec.Salt, []byte(base64.StdEncoding.EncodeToString(rec.Hash)), []byte(base64.StdEncoding.EncodeToString(rec.Salt))}
	db.Events(func(ev Event) error {
		raw, _ := json.Marshal(ev)
		for _, s := range secrets {
			if bytes.Contains(raw, s) {
				t.Errorf("event %d (%s) carries the PIN hash or salt", ev.Seq, ev.Kind)
			}
		}
		return nil
	})
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	file, err := os.ReadFile(seg.File())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if bytes.Contains(file, s) {
			t.Errorf("the bundle's ledger.db carries %q", s)
		}
	}
	// The segment does carry the PIN event, and checks on its own.
	if !bytes.Contains(file, []byte(`"kind":"operator.pin"`)) {
		t.Error("the segment lacks the operator.pin event: is the test looking at the right file?")
	}
	if _, _, err := CheckSegmentFile(seg.File()); err != nil {
		t.Error(err)
	}
}

// Check proves the stored PIN records against the events: a record
// swapped, removed or added outside the program is found.
func TestCheckProvesPINs(t *testing.T) {
	tamper := map[string]func(t *testing.T, db *DB, id uint64, raw []byte){
		"swapped": func(t *testing.T, db *DB, id uint64, raw []byte) {
			var r pinRecord
			json.Unmarshal(raw, &r)
			other, _ := newPINRecord("0000")
			other.Salt = r.Salt
			b, _ := json.Marshal(other)
			put(t, db, bucketPins, u64(id), b)
		},
		"removed": func(t *testing.T, db *DB, id uint64, _ []byte) { del(t, db, bucketPins, u64(id)) },
		"added":   func(t *testing.T, db *DB, id uint64, raw []byte) { put(t, db, bucketPins, u64(id+1), raw) },
	}
	for name, f := range tamper {
		t.Run(name, func(t *testing.T) {
			db, op, _ := ledger(t)
			if err := db.SetPIN(op, op.ID, "", "1357"); err != nil {
				t.Fatal(err)
			}
			var raw []byte
			db.bolt.View(func(tx *bolt.Tx) error { _, raw, _ = readPIN(tx, op.ID); return nil })
			f(t, db, op.ID, raw)
			var ce *CheckError
			if _, err := db.Check(); !errors.As(err, &ce) || ce.Register != "经办人 PIN" {
				t.Errorf("check: %v", err)
			}
		})
	}
}

func put(t *testing.T, db *DB, bucket, k, v []byte) {
	t.Helper()
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(k, v) }); err != nil {
		t.Fatal(err)
	}
}

func del(t *testing.T, db *DB, bucket, k []byte) {
	t.Helper()
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Delete(k) }); err != nil {
		t.Fatal(err)
	}
}

func TestResetPIN(t *testing.T) {
	db, op, _ := ledger(t)
	if _, err := db.ResetPIN("王丽"); err == nil || !strings.Contains(err.Error(), "没有设置 PIN") {
		t.Errorf("reset without a PIN: %v", err)
	}
	if _, err := db.ResetPIN("张敏"); err == nil || !strings.Contains(err.Error(), "没有名叫“张敏”") {
		t.Errorf("reset of nobody: %v", err)
	}
	if err := db.SetPIN(op, op.ID, "", "8642"); err != nil {
		t.Fatal(err)
	}
	o, err := db.ResetPIN(" 王丽 ")
	if err != nil || o.ID != op.ID || db.HasPIN(op.ID) {
		t.Fatalf("reset: %+v %v", o, err)
	}
	h, _ := db.History(EvOperatorPIN, op.ID)
	last := h[len(h)-1]
	if last.Kind != EvOperatorPIN || last.Operator != "王丽" || last.Describe() != "在本机用命令重置 PIN" {
		t.Errorf("reset event %+v %q", last, last.Describe())
	}
	mustCheck(t, db)
}

func TestRetiredOperatorGetsNoPIN(t *testing.T) {
	db, op, _ := ledger(t)
	o, _ := db.AddOperator(op, "刘洋")
	if _, err := db.SetOperatorRetired(op, o.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPIN(op, o.ID, "", "1234"); err == nil || db.HasPIN(o.ID) {
		t.Errorf("PIN set for a retired operator: %v", err)
	}
}

// How long one PIN check takes (the lock screen's wait after Enter):
//
//	go test ./store -run '^$' -bench PINCheck
func BenchmarkPINCheck(b *testing.B) {
	rec, err := newPINRecord("12345678")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !rec.matches("12345678") {
			b.Fatal("no match")
		}
	}
}
