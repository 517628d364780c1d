package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// monthsLedger has records in September, October and November 2026, a
// certificate of September voided in October and one corrected in
// November, and an approval form through two months.
func monthsLedger(t *testing.T) (*DB, Operator, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 8, 20, 9, 0, 0, 0, Beijing)}
	db, err := Open(filepath.Join(t.TempDir(), "m.db"), Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog(t)
	at := func(m time.Month, d int) { clk.set(time.Date(2026, m, d, 9, 0, 0, 0, Beijing)) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at(time.September, 3)
	a, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	must(err)
	must(second(db.AddRefusal(op, RefusalInput{Requester: "某局", RequesterKind: "单位", Item: "创卫台账", Reason: DepartmentsDuty})))
	adm, err := db.SaveAdmissionDraft(op, fullAdmission(t))
	must(err)
	at(time.October, 10)
	must(second(db.VoidCertificate(op, a.ID, "打印错误")))
	b, err := db.IssueCertificate(op, input("李四", validID("14040319850202234"), 1), cat, IssueOptions{})
	must(err)
	must(second(db.SubmitAdmission(op, adm.ID)))
	at(time.November, 20)
	must(second(db.CorrectCertificate(op, b.ID, input("李四", validID("14040319850202234"), 1), cat, IssueOptions{})))
	must(second(db.RecordPrint(op, b.ID+1, 2)))
	return db, op, clk
}

func exportMonth(t *testing.T, db *DB, op Operator, month string) (Segment, CheckReport) {
	t.Helper()
	seg, err := db.SegmentFor(month)
	if err != nil {
		t.Fatalf("segment %s: %v", month, err)
	}
	defer seg.Close()
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := copySegment(seg, path); err != nil {
		t.Fatal(err)
	}
	rep, got, err := CheckSegmentFile(path)
	if err != nil {
		t.Fatalf("check %s: %v", month, err)
	}
	if got.First != seg.First || got.Last != seg.Last || got.Head != seg.Head || got.Prev != seg.Prev || got.Month != seg.Month {
		t.Errorf("checked %+v, built %+v", got, seg)
	}
	if _, err := db.RecordExport(op, seg, "140403_英雄南路社区_"+month+"_1", "hash-"+month); err != nil {
		t.Fatal(err)
	}
	return seg, rep
}

func TestSegmentsJoinIntoTheWholeChain(t *testing.T) {
	db, op, _ := monthsLedger(t)
	var prevLast uint64
	prevHead := genesisDigest
	if _, err := db.SegmentFor("2026-07"); err == nil {
		t.Error("a month before the ledger began exported")
	}
	for _, m := range []string{"2026-08", "2026-09", "2026-10", "2026-11"} {
		seg, _ := exportMonth(t, db, op, m)
		if seg.Last == 0 { // an empty month still exports
			if seg.Prev != prevHead || seg.Head != prevHead {
				t.Errorf("%s: empty segment %+v", m, seg)
			}
			continue
		}
		if seg.First != prevLast+1 || seg.Prev != prevHead {
			t.Errorf("%s starts at %d after %s, previous ended at %d", m, seg.First, seg.Prev, prevLast)
		}
		prevLast, prevHead = seg.Last, seg.Head
	}
	// The November segment carries the exports of August to October (made
	// in November); November's own export waits for the next bundle.
	n, head, _ := db.VerifyChain()
	exports, _ := db.Exports()
	if len(exports) != 4 || prevLast != n-1 {
		t.Errorf("%d exports, chain %d events, last segment ends at %d (%s)", len(exports), n, prevLast, head)
	}
}

func TestSegmentCountsAndRecords(t *testing.T) {
	db, op, _ := monthsLedger(t)
	exportMonth(t, db, op, "2026-09")
	seg, _ := exportMonth(t, db, op, "2026-10")
	c := seg.Counts()
	if c.Certificates != 1 || c.Voided != 1 || c.Refusals != 0 || c.Admissions != 1 || c.ByType["居民身份证明"]+c.ByType[seg.Certificates[1].TypeName] == 0 {
		t.Errorf("October counts %+v", c)
	}
	// The voided September certificate travels with October, voided.
	if len(seg.Certificates) != 2 || seg.Certificates[0].Status != Voided {
		t.Errorf("October records %+v", seg.Certificates)
	}
}

func TestSegmentRules(t *testing.T) {
	db, op, clk := monthsLedger(t)
	exportMonth(t, db, op, "2026-10") // September comes along
	if _, err := db.SegmentFor("2026-09"); err == nil {
		t.Error("September exported on its own after October")
	}
	again, err := db.SegmentFor("2026-10")
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if again.N != 2 || again.Late == 0 {
		t.Errorf("re-export %+v", again)
	}
	if _, err := db.SegmentFor("2027-01"); err == nil {
		t.Error("a month to come exported")
	}
	// A late event (clock set back into October) goes into the November bundle.
	clk.set(time.Date(2026, 10, 30, 9, 0, 0, 0, Beijing))
	if _, err := db.AcceptClockBehind().AddRefusal(op, RefusalInput{Requester: "王五", RequesterKind: "居民", Item: "无犯罪记录证明", Reason: NotOnList}); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2026, 12, 1, 9, 0, 0, 0, Beijing))
	nov, _ := exportMonth(t, db, op, "2026-11")
	if nov.Late != 1 || nov.Counts().Refusals != 1 { // the refusal dated 30 October
		t.Errorf("November %+v counts %+v", nov, nov.Counts())
	}
}

func TestSegmentFileCatchesEdits(t *testing.T) {
	db, op, _ := monthsLedger(t)
	exportMonth(t, db, op, "2026-10")
	seg, err := db.SegmentFor("2026-11") // carries earlier events of the corrected certificate
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if len(seg.Certificates) != 2 {
		t.Fatalf("November records %+v", seg.Certificates)
	}
	for name, edit := range map[string]func(tx *bolt.Tx) error{
		"a record": func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketCerts), firstKey(tx, bucketCerts), "name", "赵六")
		},
		"a base event": func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketBaseEvents), firstKey(tx, bucketBaseEvents), "operator", "某人")
		},
		"an event": func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketEvents), firstKey(tx, bucketEvents), "operator", "某人")
		},
	} {
		path := filepath.Join(t.TempDir(), "ledger.db")
		if err := copySegment(seg, path); err != nil {
			t.Fatal(err)
		}
		b, _ := bolt.Open(path, 0o600, nil)
		if err := b.Update(edit); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b.Close()
		_, _, err := CheckSegmentFile(path)
		var ce *CheckError
		var che *ChainError
		if !errors.As(err, &ce) && !errors.As(err, &che) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
}

func firstKey(tx *bolt.Tx, bucket []byte) []byte {
	k, _ := tx.Bucket(bucket).Cursor().First()
	return append([]byte(nil), k...)
}

func TestStationInSerials(t *testing.T) {
	db, op, _ := ledger(t)
	p, _ := db.Profile()
	p.Station = 2
	if _, err := db.SaveProfile(op, p, true); err != nil {
		t.Fatal(err)
	}
	c, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), catalog(t), IssueOptions{})
	if err != nil || c.Serial != "2026-2-0001" {
		t.Errorf("station 2 issued %q: %v", c.Serial, err)
	}
	if got, _ := db.CertificateBySerial("2026-2-0001"); got.ID != c.ID {
		t.Error("not found by its serial")
	}
	p.Station = 100
	var fe *FieldError
	if _, err := db.SaveProfile(op, p, true); !errors.As(err, &fe) || fe.Field != "窗口号" {
		t.Errorf("station 100: %v", err)
	}
}

func TestSignerAndFingerprint(t *testing.T) {
	db, _, _ := ledger(t)
	s, err := db.Signer()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Profile()
	pub, err := ParsePublicKey(p.SigningKey)
	if err != nil || !pub.Equal(s.Public) {
		t.Fatalf("profile key %q: %v", p.SigningKey, err)
	}
	fp := Fingerprint(pub)
	if len(fp) != 19 || strings.Count(fp, "-") != 3 || fp != strings.ToUpper(fp) {
		t.Errorf("fingerprint %q", fp)
	}
	other, _, _ := ledger(t)
	if s2, _ := other.Signer(); Fingerprint(s2.Public) == fp {
		t.Error("two ledgers share a signing key")
	}
}

// copySegment writes the segment's ledger.db to path, as the bundle does.
func copySegment(seg Segment, path string) error {
	b, err := os.ReadFile(seg.File())
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
