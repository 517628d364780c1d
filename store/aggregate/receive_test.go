package aggregate_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
	"taizhang/store/bundle"
)

func TestMain(m *testing.M) {
	store.RunGuardIfChild()
	if os.Getenv(envChildDB) != "" {
		os.Exit(runChild())
	}
	code := m.Run()
	aggtest.Cleanup()
	os.Exit(code)
}

// receive takes in dirs and fails the test on an error of the file.
func receive(t *testing.T, db *aggregate.DB, opt aggregate.ReceiveOptions, dirs ...string) []aggregate.Outcome {
	t.Helper()
	found, bad, err := aggregate.FindBundles(dirs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := db.Receive(found, opt)
	if err != nil {
		t.Fatal(err)
	}
	return append(bad, out...)
}

func statuses(out []aggregate.Outcome) map[aggregate.Status]int {
	n := map[aggregate.Status]int{}
	for _, o := range out {
		n[o.Status]++
	}
	return n
}

func mustCheck(t *testing.T, db *aggregate.DB) aggregate.CheckReport {
	t.Helper()
	rep, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The whole stick: a dry run adds nothing; --apply takes every bundle in;
// the 汇总 is what the communities' own ledgers count, month by month.
func TestReceiveStickMatchesOwnCounts(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	dry := receive(t, db, f.Options(false), f.Stick)
	if n := statuses(dry); n[aggregate.WouldAdd] != 12 || len(dry) != 12 {
		t.Fatalf("dry run: %v", n)
	}
	if s, _ := db.Sources(); len(s) != 0 {
		t.Fatalf("the dry run added %d sources", len(s))
	}
	out := receive(t, db, f.Options(true), f.Stick)
	if n := statuses(out); n[aggregate.Added] != 12 {
		for _, o := range out {
			t.Log(o.Dir, o.Status, o.Err)
		}
		t.Fatalf("apply: %v", n)
	}
	rep := mustCheck(t, db)
	if rep.Sources != 3 || rep.Bundles != 12 {
		t.Errorf("check: %+v", rep)
	}
	// Per community (its windows summed) and month.
	want := map[string]aggtest.Own{}
	for _, l := range f.Ledgers {
		own := aggtest.OwnCounts(t, l.Path)
		if want[l.Profile.Community] == nil {
			want[l.Profile.Community] = aggtest.Own{}
		}
		for m, c := range own {
			w := want[l.Profile.Community]
			if w[m] == nil {
				w[m] = &aggregate.Count{Valid: map[string]int{}, Voided: map[string]int{}, Refusals: map[string]int{}}
			}
			add(w[m].Valid, c.Valid)
			add(w[m].Voided, c.Voided)
			add(w[m].Refusals, c.Refusals)
		}
	}
	certs := 0
	for _, m := range aggtest.Months {
		sum, err := db.Summary(aggregate.MonthPeriod(m))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range sum.Lines {
			w := want[l.Community][m]
			if w == nil {
				w = &aggregate.Count{}
			}
			if !same(l.Valid, w.Valid) || !same(l.Voided, w.Voided) || !same(l.Refusals, w.Refusals) {
				t.Errorf("%s %s: valid %v voided %v refusals %v; the ledgers say %v %v %v", l.Community, m, l.Valid, l.Voided, l.Refusals, w.Valid, w.Voided, w.Refusals)
			}
			certs += l.ValidTotal() + l.VoidedTotal()
		}
	}
	if certs != rep.Certificates || certs == 0 {
		t.Errorf("the months hold %d certificates, the file %d", certs, rep.Certificates)
	}
	year, err := db.Summary(aggregate.Period{From: "2026-01", To: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	if year.Total.ValidTotal()+year.Total.VoidedTotal() != certs || len(year.Lines) != 2 || year.Lines[0].Stations != 2 {
		t.Errorf("year: %d certificates, %d lines", year.Total.ValidTotal()+year.Total.VoidedTotal(), len(year.Lines))
	}
	if len(year.Total.InForce) != 1 || year.Total.InForce[0].Item != "垃圾分类入户宣传" {
		t.Errorf("admissions in force: %+v", year.Total.InForce)
	}
	if oct, _ := db.Summary(aggregate.MonthPeriod("2026-10")); len(oct.Total.InForce) != 0 {
		t.Errorf("in force in October, before its term: %+v", oct.Total.InForce)
	}
}

func add(to, from map[string]int) {
	for k, n := range from {
		to[k] += n
	}
}

func same(a, b map[string]int) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

// The same bundles again, and a re-export of a month received, add
// nothing and say so.
func TestReceiveTwiceAddsNothing(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	receive(t, db, f.Options(true), f.Stick)
	before := mustCheck(t, db)
	for _, apply := range []bool{false, true} {
		out := receive(t, db, f.Options(apply), f.Stick, f.ReExport)
		if n := statuses(out); n[aggregate.AlreadyReceived] != 13 {
			t.Fatalf("apply %v: %v", apply, n)
		}
		for _, o := range out {
			if o.Earlier == nil || o.Earlier.Month != o.Manifest.Month {
				t.Errorf("%s: no earlier bundle named: %+v", o.Dir, o.Earlier)
			}
		}
	}
	if after := mustCheck(t, db); after != before {
		t.Errorf("receiving again changed the file: %+v -> %+v", before, after)
	}
}

// Bundles given together in any order are taken in chain order; given
// alone out of order, a bundle is refused naming the missing months.
func TestReceiveOrder(t *testing.T) {
	f := aggtest.Build(t)
	l := f.Ledgers[1] // unencrypted, a record in every month
	db, _ := aggtest.NewAggregate(t)
	reversed := []string{l.Bundles["2026-11"], l.Bundles["2026-10"], l.Bundles["2026-09"], l.Bundles["2026-08"]}
	out := receive(t, db, f.Options(true), reversed...)
	for i, o := range out {
		if o.Status != aggregate.Added || o.Manifest.Month != aggtest.Months[i] {
			t.Errorf("bundle %d: %s %v %v", i, o.Manifest.Month, o.Status, o.Err)
		}
	}

	db2, _ := aggtest.NewAggregate(t)
	refusedFor(t, db2, f, aggregate.Gap, []string{"第一次收到", "2026年9月以前的导出包还没有收到"}, l.Bundles["2026-09"])
	receive(t, db2, f.Options(true), l.Bundles["2026-08"])
	refusedFor(t, db2, f, aggregate.Gap, []string{"缺少 2026年9月、2026年10月 的导出包"}, l.Bundles["2026-11"])
	out = receive(t, db2, f.Options(true), l.Bundles["2026-09"])
	if out[0].Status != aggregate.Added {
		t.Fatalf("September after August: %v %v", out[0].Status, out[0].Err)
	}
	mustCheck(t, db2)
}

// refusedFor receives one bundle alone and wants it refused for reason,
// with words in the message and nothing added.
func refusedFor(t *testing.T, db *aggregate.DB, f *aggtest.Fixture, reason aggregate.Reason, words []string, dir string) {
	t.Helper()
	before := mustCheck(t, db)
	for _, apply := range []bool{false, true} {
		out := receive(t, db, f.Options(apply), dir)
		var r *aggregate.RefusedError
		if len(out) != 1 || out[0].Status != aggregate.Refused || !errors.As(out[0].Err, &r) || r.Reason != reason {
			t.Fatalf("%s (apply %v): %+v", dir, apply, out)
		}
		for _, w := range words {
			if !strings.Contains(r.Error(), w) {
				t.Errorf("the message lacks %q: %s", w, r.Error())
			}
		}
	}
	if after := mustCheck(t, db); after != before {
		t.Errorf("a refused bundle changed the file: %+v -> %+v", before, after)
	}
}

// A changed byte in any file, a bundle without its manifest, the wrong
// identity: refused with Verify's reason.
func TestReceiveRefusesWhatDoesNotVerify(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	l := f.Ledgers[0]
	receive(t, db, f.Options(true), l.Bundles["2026-08"], l.Bundles["2026-09"])
	next := l.Bundles["2026-10"]
	for _, name := range []string{bundle.LedgerFile + bundle.AgeSuffix, bundle.WorkbookFile + bundle.AgeSuffix, "证明.csv.age"} {
		dir := aggtest.CopyBundle(t, next)
		flipByte(t, filepath.Join(dir, name))
		refusedFor(t, db, f, aggregate.NotVerified, []string{"核验未通过", name, "与清单不符"}, dir)
	}
	dir := aggtest.CopyBundle(t, next)
	if err := os.Remove(filepath.Join(dir, bundle.ManifestFile)); err != nil {
		t.Fatal(err)
	}
	refusedFor(t, db, f, aggregate.Incomplete, []string{"没有 MANIFEST.json"}, dir)

	out := receive(t, db, aggregate.ReceiveOptions{Apply: true}, next)
	if out[0].Status != aggregate.Refused || !errors.Is(out[0].Err, bundle.ErrNeedIdentity) {
		t.Errorf("without the identity: %v %v", out[0].Status, out[0].Err)
	}
	// The untouched bundle still goes in.
	if out := receive(t, db, f.Options(true), next); out[0].Status != aggregate.Added {
		t.Errorf("the bundle itself: %v %v", out[0].Status, out[0].Err)
	}
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A bundle for a window received before, signed by another key, is
// refused; with --accept-key and its fingerprint it is taken as the
// window's new chain, and the change recorded.
func TestReceiveForeignKey(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	l := f.Ledgers[0]
	receive(t, db, f.Options(true), l.Bundles["2026-08"])
	refusedFor(t, db, f, aggregate.ForeignKey, []string{"英雄南路社区", "--accept-key", "冒充"}, f.Impostor)
	opt := f.Options(true)
	opt.AcceptKey = "0000-1111-2222-3333"
	if out := receive(t, db, opt, f.Impostor); out[0].Status != aggregate.Refused {
		t.Fatalf("another fingerprint accepted: %v", out[0].Status)
	}
	out := receive(t, db, f.Options(false), f.Impostor)
	fp := out[0].Manifest.Fingerprint
	opt.AcceptKey = strings.ToLower(strings.ReplaceAll(fp, "-", " "))
	out = receive(t, db, opt, f.Impostor)
	if out[0].Status != aggregate.Added || !out[0].NewSource || out[0].Source.Accepted == nil || out[0].Source.Accepted.Typed != opt.AcceptKey {
		t.Fatalf("accepted key: %+v", out[0])
	}
	srcs, _ := db.Sources()
	if len(srcs) != 2 || srcs[0].Replaced != srcs[1].ID {
		t.Errorf("the old source is not marked replaced: %+v", srcs)
	}
	mustCheck(t, db)
	// The old key's chain still continues.
	if out := receive(t, db, f.Options(true), l.Bundles["2026-09"]); out[0].Status != aggregate.Added {
		t.Errorf("the old window's next month: %v %v", out[0].Status, out[0].Err)
	}
}

// Each side refuses the other's file.
func TestFilesOfTheOtherKindRefused(t *testing.T) {
	f := aggtest.Build(t)
	agg, path := aggtest.NewAggregate(t)
	agg.Close()
	var ae *store.AggregateFileError
	if _, err := store.Open(path, store.Options{}); !errors.As(err, &ae) || !strings.Contains(err.Error(), "汇总文件") {
		t.Errorf("the desk opened an aggregate file: %v", err)
	}
	var ne *aggregate.NotAggregateError
	if _, err := aggregate.Open(f.Ledgers[0].Path, aggregate.Options{ReadOnly: true}); !errors.As(err, &ne) || !ne.Ledger || !strings.Contains(err.Error(), "社区的台账") {
		t.Errorf("a ledger opened as an aggregate: %v", err)
	}
	if _, err := aggregate.Create(f.Ledgers[0].Path, aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{}); err == nil {
		t.Error("Create wrote over a ledger")
	}
}

// Check finds a derived part of the file changed outside the program.
func TestCheckCatchesEdits(t *testing.T) {
	f := aggtest.Build(t)
	for name, edit := range map[string]func(tx *bolt.Tx) error{
		"a count": func(tx *bolt.Tx) error {
			k, _ := tx.Bucket([]byte("counts")).Cursor().First()
			return tx.Bucket([]byte("counts")).Put(k, []byte(`{"valid":{"居民在社区居住证明":999}}`))
		},
		"a month total": func(tx *bolt.Tx) error {
			k, _ := tx.Bucket([]byte("totals")).Cursor().Last()
			return tx.Bucket([]byte("totals")).Put(k, []byte{0, 0, 0, 0, 0, 1, 0, 9})
		},
		"the month index": func(tx *bolt.Tx) error {
			k, _ := tx.Bucket([]byte("cert_months")).Cursor().First()
			return tx.Bucket([]byte("cert_months")).Delete(k)
		},
		"a certificate": func(tx *bolt.Tx) error {
			k, _ := tx.Bucket([]byte("certs")).Cursor().First()
			return tx.Bucket([]byte("certs")).Delete(k)
		},
		"a bundle": func(tx *bolt.Tx) error {
			k, _ := tx.Bucket([]byte("bundles")).Cursor().First()
			return tx.Bucket([]byte("bundles")).Delete(k)
		},
	} {
		db, path := aggtest.NewAggregate(t)
		receive(t, db, f.Options(true), f.Stick)
		mustCheck(t, db)
		db.Close()
		b, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Update(edit); err != nil {
			t.Fatal(err)
		}
		b.Close()
		db, err = aggregate.Open(path, aggregate.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var ce *aggregate.CheckError
		if _, err := db.Check(); !errors.As(err, &ce) {
			t.Errorf("%s changed: %v", name, err)
		}
		db.Close()
	}
}
