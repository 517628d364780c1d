package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// writeSegment writes month's ledger.db (and records the export).
func writeSegment(t *testing.T, db *DB, op Operator, month string) string {
	t.Helper()
	seg, err := db.SegmentFor(month)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := copySegment(seg, path); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordExport(op, seg, month, "hash-"+month); err != nil {
		t.Fatal(err)
	}
	return path
}

// The receiving office's reading of a segment gives what the full check
// gives: range, hashes, profile, counts and records.
func TestReadSegmentFileAgreesWithCheck(t *testing.T) {
	db, op, _ := monthsLedger(t)
	for _, m := range []string{"2026-08", "2026-09", "2026-10", "2026-11"} {
		path := writeSegment(t, db, op, m)
		_, want, err := CheckSegmentFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var certs []uint64
		var refusals, admissions int
		got, err := ReadSegmentFile(path, SegmentVisit{
			Certificate: func(h CertHead, raw []byte) error {
				certs = append(certs, h.ID)
				if !bytes.Contains(raw, []byte(`"serial":"`+h.Serial+`"`)) {
					t.Errorf("%s: the bytes of %s are not its record", m, h.Serial)
				}
				return nil
			},
			Refusal:   func(Refusal, []byte) error { refusals++; return nil },
			Admission: func(Admission, []byte) error { admissions++; return nil },
		})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if got.Month != want.Month || got.First != want.First || got.Last != want.Last || got.Prev != want.Prev ||
			got.Head != want.Head || got.Profile != want.Profile || !reflect.DeepEqual(got.Counts(), want.Counts()) {
			t.Errorf("%s: read %+v %+v, checked %+v %+v", m, got, got.Counts(), want, want.Counts())
		}
		fastPath(t, path)
		var wantCerts []uint64
		for _, c := range want.Certificates {
			wantCerts = append(wantCerts, c.ID)
		}
		if !reflect.DeepEqual(certs, wantCerts) || refusals != len(want.Refusals) || admissions != len(want.Admissions) {
			t.Errorf("%s: visited %v %d %d, the segment holds %v %d %d", m, certs, refusals, admissions, wantCerts, len(want.Refusals), len(want.Admissions))
		}
	}
}

// A changed, re-encoded or missing event is caught, on the fast path and
// the long way.
func TestReadSegmentFileCatchesEventEdits(t *testing.T) {
	db, op, _ := monthsLedger(t)
	writeSegment(t, db, op, "2026-09")
	path := writeSegment(t, db, op, "2026-10")
	for name, edit := range map[string]func(tx *bolt.Tx) error{
		"a byte of an event": func(tx *bolt.Tx) error {
			bk := tx.Bucket(bucketEvents)
			k := firstKey(tx, bucketEvents)
			v := append([]byte(nil), bk.Get(k)...)
			i := bytes.Index(v, []byte(`"operator":"`)) + len(`"operator":"`)
			copy(v[i:], "赵")
			return bk.Put(k, v)
		},
		"an event re-encoded": func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketEvents), firstKey(tx, bucketEvents), "operator", "某人")
		},
		"an event removed": func(tx *bolt.Tx) error {
			return tx.Bucket(bucketEvents).Delete(firstKey(tx, bucketEvents))
		},
	} {
		edited := filepath.Join(t.TempDir(), "ledger.db")
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(edited, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		b, err := bolt.Open(edited, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Update(edit); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b.Close()
		_, err = ReadSegmentFile(edited, SegmentVisit{})
		var che *ChainError
		if !errors.As(err, &che) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// fastPath: every event of the file is read from its bytes without
// decoding it.
func fastPath(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_ = b.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
			ev, ok := parseStoredHead(v)
			if !ok || ev.Seq != fromU64(k) || ev.Kind == "" {
				t.Errorf("event %d is read the long way: %s", fromU64(k), v)
			}
			return nil
		})
	})
}

func TestTypeNameOf(t *testing.T) {
	for _, name := range []string{"居民在社区居住证明", `高龄津贴"生存"证明\\附件`, "<a&b>", ""} {
		raw, _ := json.Marshal(Certificate{ID: 7, TypeName: name, Name: "type_name", Issuer: &Issuer{Committee: `"type_name":"x"`}})
		if got, ok := typeNameOf(raw); !ok || got != name {
			t.Errorf("%q: got %q %v from %s", name, got, ok, raw)
		}
	}
	if _, ok := typeNameOf([]byte(`{"id":1,"type_name":"cut`)); ok {
		t.Error("a cut-off name read")
	}
}
