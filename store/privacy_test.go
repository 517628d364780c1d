package store

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Showing an ID number is one event in the certificate's history; it
// changes the certificate in nothing, check replays it, and a month's
// segment that carries it checks on its own.
func TestIDShownIsAnEvent(t *testing.T) {
	db, op, _ := ledger(t)
	c, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), catalog(t), IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.Certificate(c.ID)
	if err := db.RecordIDShown(op, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordIDShown(op, c.ID+1); !errors.Is(err, ErrNotFound) {
		t.Errorf("shown for no certificate: %v", err)
	}
	after, _ := db.Certificate(c.ID)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("the certificate changed:\n%+v\n%+v", before, after)
	}
	h, _ := db.History(EvCertIssue, c.ID)
	last := h[len(h)-1]
	if len(h) != 2 || last.Kind != EvIDShown || last.Operator != "王丽" || last.Describe() != "查看完整身份证号" {
		t.Errorf("history %+v", h)
	}
	mustCheck(t, db)
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	if _, _, err := CheckSegmentFile(seg.File()); err != nil {
		t.Error(err)
	}
}

// A check that finds a register changed quotes stored values; an ID
// number among them is masked, also where the value is cut short.
func TestCheckMessageMasksIDNumbers(t *testing.T) {
	db, op, _ := ledger(t)
	id := validID("14040319900101123")
	c, err := db.IssueCertificate(op, input("张三", id, 3), catalog(t), IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key := monthKey(c.IssueDate, c.ID)
	var row []byte
	db.bolt.View(func(tx *bolt.Tx) error { row = append(row, tx.Bucket(bucketCertRows).Get(key)...); return nil })
	put(t, db, bucketCertRows, key, []byte(strings.Replace(string(row), "张三", "张四", 1)))
	_, err = db.Check()
	if err == nil {
		t.Fatal("check passed a changed row")
	}
	msg := err.Error()
	if strings.Contains(msg, id[6:14]) || !strings.Contains(msg, "张四") {
		t.Errorf("message shows the birth date digits of the ID number, or not the change: %s", msg)
	}
}

func TestPersonNameErrorMasksTheNumber(t *testing.T) {
	e := &PersonNameError{Name: "张四", Earlier: Certificate{Name: "张三", IDNumber: validID("14040319900101123"), Serial: "2026-0001"}}
	if msg := e.Error(); strings.Contains(msg, "19900101") || !strings.Contains(msg, "140403********") {
		t.Errorf("message %s", msg)
	}
}

// 设置 lists the records dated before the cutoff, certificates and
// refusals, whatever their state.
func TestOldRecords(t *testing.T) {
	clk := &clock{t: time.Date(2015, 3, 1, 9, 0, 0, 0, Beijing)}
	db, err := Open(filepath.Join(t.TempDir(), "old.db"), Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	cat := catalog(t)
	issueOn := func(y int, m time.Month, d int, name string) Certificate {
		clk.set(time.Date(y, m, d, 9, 0, 0, 0, Beijing))
		c, err := db.IssueCertificate(op, input(name, validID("14040319900101123"), 3), cat, IssueOptions{AcceptDuplicate: true, AcceptPersonName: true})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := issueOn(2015, 3, 2, "张一")
	if _, err := db.VoidCertificate(op, old.ID, "写错"); err != nil {
		t.Fatal(err)
	}
	issueOn(2016, 11, 28, "张二")
	if _, err := db.AddRefusal(op, RefusalInput{Requester: "某局", RequesterKind: "单位", Item: "创卫台账", Reason: DepartmentsDuty}); err != nil {
		t.Fatal(err)
	}
	issueOn(2016, 11, 29, "张三") // exactly ten years before 2026-11-29: not yet
	issueOn(2020, 1, 1, "张四")
	cutoff := RetentionCutoff(time.Date(2026, 11, 29, 23, 0, 0, 0, Beijing), 10)
	if cutoff.Format(time.DateOnly) != "2016-11-29" {
		t.Fatalf("cutoff %v", cutoff)
	}
	certs, refusals, err := db.OldRecords(cutoff)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range certs {
		names = append(names, r.Name)
	}
	if strings.Join(names, " ") != "张一 张二" || !certs[0].Voided || len(refusals) != 1 || refusals[0].Date != "2016-11-28" {
		t.Errorf("old records: %v %+v", names, refusals)
	}
	if n := db.CertCount(); n != 4 {
		t.Errorf("listing changed the ledger: %d certificates", n)
	}
}

func TestRetentionYearsInProfile(t *testing.T) {
	db, op, _ := ledger(t)
	p, _ := db.Profile()
	if p.RetentionYearsOr() != DefaultRetentionYears {
		t.Errorf("default %d", p.RetentionYearsOr())
	}
	p.RetentionYears = 101
	if _, err := db.SaveProfile(op, p, true); fieldOf(err) != "复核年限" {
		t.Errorf("101 years: %v", err)
	}
	p.RetentionYears = 30
	if _, err := db.SaveProfile(op, p, true); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Profile(); p.RetentionYearsOr() != 30 {
		t.Errorf("saved %+v", p)
	}
	mustCheck(t, db)
}

func testMigrateV6(t *testing.T) {
	b := rawFileAt(t, 6)
	b.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketPins) == nil {
			t.Error("bucket pins missing")
		}
		return nil
	})
	// A file of version 5 with records gets the bucket and still checks.
	path := fileWithOldRecords(t)
	db, err := Open(path, Options{Now: func() time.Time { return testNow.AddDate(0, 0, 1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if pins, err := db.PINs(); err != nil || len(pins) != 0 {
		t.Errorf("pins %v %v", pins, err)
	}
	mustCheck(t, db)
}

// The data file and its new folder are the user's alone (0600, 0700); a
// file others could read is narrowed when opened; check's scratch file and
// a bundle's segment in the temp folder are 0600 too.
func TestFileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps the file in the user's profile; modes do not apply")
	}
	mode := func(path string) os.FileMode {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	dir := filepath.Join(t.TempDir(), "taizhang")
	path := filepath.Join(dir, "taizhang.db")
	db, err := Open(path, Options{Now: (&clock{t: testNow}).now})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Setup(testProfile(), "王丽", false); err != nil {
		t.Fatal(err)
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("folder %v", m)
	}
	if m := mode(path); m != 0o600 {
		t.Errorf("file %v", m)
	}
	scratch, cleanup, err := openScratch(derivedBuckets)
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(scratch.Path()); m != 0o600 {
		t.Errorf("check's scratch file %v", m)
	}
	cleanup()
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(seg.File()); m != 0o600 {
		t.Errorf("segment %v", m)
	}
	seg.Close()
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if m := mode(path); m != 0o644 {
		t.Errorf("a read-only open changed the mode to %v", m)
	}
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if m := mode(path); m != 0o600 {
		t.Errorf("a file others could read stays %v after open", m)
	}
}
