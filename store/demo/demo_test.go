package demo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"
)

// end is the last day of the test data: a Friday afternoon.
var end = time.Date(2026, 11, 27, 16, 0, 0, 0, store.Beijing)

func open(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestFill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	var calls, last int
	sum, err := Fill(path, Options{Records: 300, Months: 3, Seed: 7, End: end}, func(done, total int) {
		calls++
		if done != last+1 || total != 300 {
			t.Fatalf("progress(%d, %d) after %d", done, total, last)
		}
		last = done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 300 {
		t.Errorf("progress called %d times, want 300", calls)
	}
	if sum.Certificates != 300 || sum.Refusals != 15 || sum.Operators != 2 || sum.Appended {
		t.Errorf("summary %+v", sum)
	}
	if sum.Voided < 9 || sum.Corrected < 2 || sum.Voided <= sum.Corrected || sum.Reprinted < 25 || sum.Prints != 300+sum.Reprinted {
		t.Errorf("summary %+v: want ~3%% voids, ~1%% corrections, ~10%% reprints", sum)
	}
	if sum.From.Before(end.AddDate(0, -3, 0)) || sum.To.After(end) {
		t.Errorf("records from %v to %v, want within 3 months up to %v", sum.From, sum.To, end)
	}

	db := open(t, path)
	p, err := db.Profile()
	if err != nil || p.Community != Community {
		t.Fatalf("profile %+v, %v", p, err)
	}
	if n, _, err := db.VerifyChain(); err != nil || n == 0 {
		t.Fatalf("chain: %d events, %v", n, err)
	}
	if n := db.CertCount(); n != 300 {
		t.Fatalf("%d certificates, want 300", n)
	}

	var certs []store.Certificate
	if err := db.AllRows(func(r store.CertRow) {
		c, err := db.Certificate(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}); err != nil {
		t.Fatal(err)
	}
	types := map[int]bool{}
	serials := map[int][]int{}
	voided, corrected, reprinted, prints := 0, 0, 0, 0
	nonBMP, twoReading, compound := "", "", ""
	for _, c := range certs {
		types[c.TypeNo] = true
		serials[c.Year] = append(serials[c.Year], c.No)
		if _, err := idcard.Parse(c.IDNumber, end); err != nil {
			t.Errorf("%s %s: %v", c.Serial, c.IDNumber, err)
		}
		if _, err := store.CheckName(c.Name); err != nil {
			t.Errorf("%s name %q: %v", c.Serial, c.Name, err)
		}
		if c.Copies < 1 || c.Copies > 3 || c.Purpose == "" || c.Recipient == "" || c.Verified == "" || !strings.HasPrefix(c.Address, "潞州区") {
			t.Errorf("%s: implausible %+v", c.Serial, c)
		}
		for _, r := range c.Name {
			if r > 0xFFFF {
				nonBMP = c.Name
			}
		}
		for _, s := range TwoReadingSurnames {
			if strings.HasPrefix(c.Name, s) {
				twoReading = c.Name
			}
		}
		for _, s := range CompoundSurnames {
			if strings.HasPrefix(c.Name, s) {
				compound = c.Name
			}
		}
		if c.Status == store.Voided {
			voided++
			if c.VoidReason == "" {
				t.Errorf("%s voided without reason", c.Serial)
			}
		}
		if c.Prints < 1 || c.Prints > 2 {
			t.Errorf("%s printed %d times", c.Serial, c.Prints)
		}
		prints += c.Prints
		if c.Prints == 2 {
			reprinted++
		}
		if c.Replaces != 0 {
			corrected++
			old, err := db.Certificate(c.Replaces)
			if err != nil {
				t.Fatal(err)
			}
			if old.Status != store.Voided || old.ReplacedBy != c.ID || old.IDNumber != c.IDNumber || old.TypeNo != c.TypeNo {
				t.Errorf("correction %s of %s: old %+v", c.Serial, old.Serial, old)
			}
			if old.Name == c.Name && old.Address == c.Address && old.Copies == c.Copies {
				t.Errorf("correction %s corrects nothing in %s", c.Serial, old.Serial)
			}
		}
		issued := c.Issued
		if wd := issued.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%s issued on %v", c.Serial, wd)
		}
		if h := issued.Hour()*60 + issued.Minute(); h < 8*60+30 || h >= 17*60+30 || h >= 12*60 && h < 14*60+30 {
			t.Errorf("%s issued at %s, outside office hours", c.Serial, issued.Format("15:04"))
		}
	}
	for no := 1; no <= 12; no++ {
		if !types[no] {
			t.Errorf("no certificate of type %d", no)
		}
	}
	if voided != sum.Voided || corrected != sum.Corrected || reprinted != sum.Reprinted || prints != sum.Prints {
		t.Errorf("file has %d voided, %d corrections, %d reprinted, %d prints; summary %+v", voided, corrected, reprinted, prints, sum)
	}
	if corrected == 0 || voided == 0 {
		t.Error("want some voided and some corrected certificates")
	}
	if nonBMP == "" || twoReading == "" || compound == "" {
		t.Errorf("want names with a non-BMP character (%q), a two-reading surname (%q) and a compound surname (%q)", nonBMP, twoReading, compound)
	}
	for year, nos := range serials {
		slices.Sort(nos)
		for i, no := range nos {
			if no != i+1 {
				t.Fatalf("serials of %d not consecutive: %v", year, nos)
			}
		}
	}

	reasons := map[store.RefusalReason]int{}
	kinds := map[string]int{}
	refusals := 0
	if err := db.AllRefusals(func(r store.Refusal) {
		refusals++
		reasons[r.Reason]++
		kinds[r.RequesterKind]++
		if utf8.RuneCountInString(r.Item) < 2 || r.Requester == "" || r.OperatorName == "" {
			t.Errorf("implausible refusal %+v", r)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if refusals != sum.Refusals {
		t.Errorf("%d refusals in the file, summary says %d", refusals, sum.Refusals)
	}
	for _, r := range store.RefusalReasons {
		if reasons[r] == 0 {
			t.Errorf("no refusal with reason %s", r)
		}
	}
	if kinds["居民"] == 0 || kinds["单位"] == 0 {
		t.Errorf("refusals by kind %v, want residents and units", kinds)
	}

	ops, _ := db.Operators()
	if len(ops) != 2 {
		t.Errorf("operators %+v", ops)
	}
	var prev time.Time
	byOp := map[string]int{}
	if err := db.Events(func(ev store.Event) error {
		if ev.Time.Before(prev) {
			t.Fatalf("event %d at %v before the previous one at %v", ev.Seq, ev.Time, prev)
		}
		prev = ev.Time
		byOp[ev.Operator]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(byOp) != 2 {
		t.Errorf("events by operator %v, want both operators at work", byOp)
	}
}

func TestFillIsRepeatable(t *testing.T) {
	names := func() []string {
		path := filepath.Join(t.TempDir(), "demo.db")
		if _, err := Fill(path, Options{Records: 60, Months: 2, Seed: 3, End: end}, nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		_ = open(t, path).AllRows(func(r store.CertRow) { out = append(out, r.Serial+r.Name+r.IDNumber) })
		return out
	}
	if a, b := names(), names(); !slices.Equal(a, b) {
		t.Errorf("same seed, different data:\n%v\n%v", a, b)
	}
}

func TestFillAppendsToDemoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	first, err := Fill(path, Options{Records: 80, Months: 2, Seed: 1, End: end.AddDate(0, -1, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Fill(path, Options{Records: 40, Months: 2, Seed: 2, End: end}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Appended || !second.From.After(first.To) {
		t.Errorf("second fill %+v should come after the first (%v)", second, first.To)
	}
	db := open(t, path)
	if n := db.CertCount(); n != 120 {
		t.Errorf("%d certificates, want 120", n)
	}
	if ops, _ := db.Operators(); len(ops) != 2 {
		t.Errorf("operators %+v, want the same two", ops)
	}
	if _, _, err := db.VerifyChain(); err != nil {
		t.Error(err)
	}
	// Nothing left before the end: a third run has no room.
	db.Close()
	if _, err := Fill(path, Options{Records: 10, Months: 1, End: second.To}, nil); err == nil || !strings.Contains(err.Error(), "换一个新文件名") {
		t.Errorf("fill after the newest record: %v", err)
	}
}

// realLedger makes a ledger of a real community with one certificate, or
// with none when issue is false.
func realLedger(t *testing.T, issue bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "real.db")
	db, err := store.Open(path, store.Options{Now: func() time.Time { return end }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, op, err := db.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}, "李敏", false)
	if err != nil {
		t.Fatal(err)
	}
	if issue {
		cat, _ := assets.LoadCatalog()
		first17 := "14040219800101123"
		in := store.CertInput{TypeNo: 3, Name: "张伟", IDNumber: first17 + string(idcard.CheckDigit(first17)), Address: "潞州区英雄南路12号", Purpose: "办理子女入学", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestFillRefusesRealLedger(t *testing.T) {
	path := realLedger(t, true)
	_, err := Fill(path, Options{Records: 20, Months: 1, End: end}, nil)
	if !errors.Is(err, ErrNotDemo) {
		t.Fatalf("err = %v, want ErrNotDemo", err)
	}
	db := open(t, path)
	if n := db.CertCount(); n != 1 {
		t.Errorf("%d certificates after the refused fill, want 1", n)
	}
	if ops, _ := db.Operators(); len(ops) != 1 {
		t.Errorf("operators %+v after the refused fill", ops)
	}
}

func TestFillRefusesEmptyRealLedger(t *testing.T) {
	path := realLedger(t, false)
	if _, err := Fill(path, Options{Records: 20, Months: 1, End: end}, nil); !errors.Is(err, ErrNotDemo) {
		t.Fatalf("err = %v, want ErrNotDemo: a real community's ledger takes no demo records", err)
	}
	if n := open(t, path).CertCount(); n != 0 {
		t.Errorf("%d certificates written", n)
	}
}

func TestFillRefusesImplausibleDensity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	_, err := Fill(path, Options{Records: 100000, Months: 1, End: end}, nil)
	if err == nil || !strings.Contains(err.Error(), "--months") {
		t.Errorf("err = %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused fill left a file behind: %v", err)
	}
	for _, o := range []Options{{Records: 0, Months: 1}, {Records: 1, Months: 0}} {
		if _, err := Fill(filepath.Join(t.TempDir(), "d.db"), o, nil); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// BenchmarkIssueCertificate measures one IssueCertificate call, the unit of
// a fill (one bbolt transaction and fsync each).
//
//	go test -run XXX -bench IssueCertificate ./store/demo/
func BenchmarkIssueCertificate(b *testing.B) {
	cat, _ := assets.LoadCatalog()
	now := end
	db, err := store.Open(filepath.Join(b.TempDir(), "b.db"), store.Options{Now: func() time.Time { now = now.Add(time.Second); return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, op, err := db.Setup(Profile(), Operators[0], false)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		first17 := fmt.Sprintf("1404021980%02d%02d%03d", 1+i/28000%12, 1+i/1000%28, i%1000)
		in := store.CertInput{TypeNo: 3, Name: "张伟", IDNumber: first17 + string(idcard.CheckDigit(first17)),
			Address: "潞州区英雄南路12号3单元501室", Purpose: "办理子女入学", Recipient: "长治市潞州区教育局", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{AcceptDuplicate: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFill measures a whole fill of 1,000 certificates and reports
// the file's bytes a certificate.
func BenchmarkFill(b *testing.B) {
	for i := range b.N {
		path := filepath.Join(b.TempDir(), fmt.Sprint(i, ".db"))
		if _, err := Fill(path, Options{Records: 1000, Months: 12, End: end}, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db := open(b, path)
		s, err := db.Space()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(s.PerCertificate(), "B/cert")
		b.StartTimer()
	}
}

// A demo ledger, written one transaction per working day as Fill does,
// takes at most 1.2 KB a certificate, everything included but the space
// bbolt grows the file ahead by (at most growStep, 1 MB, which a small
// file like this one would be dominated by). The full-size figure:
//
//	taizhang demo --db /tmp/d.db --records 20000 --months 12; ls -l /tmp/d.db
func TestBytesPerCertificate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	if _, err := Fill(path, Options{Records: 3000, Months: 12, End: end}, nil); err != nil {
		t.Fatal(err)
	}
	db := open(t, path)
	s, err := db.Space()
	if err != nil {
		t.Fatal(err)
	}
	if per := float64(s.Used) / float64(s.Certificates); s.Certificates != 3000 || per > 1200 {
		t.Errorf("%.0f bytes a certificate:\n%s", per, s)
	}
}
