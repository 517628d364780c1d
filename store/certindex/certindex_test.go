package certindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"
	"taizhang/store/search"
)

// today is the clock of the test ledgers.
var today = time.Date(2026, 12, 2, 9, 0, 0, 0, store.Beijing)

// newLedger is an empty ledger at dir/taizhang.db with its profile and an
// operator.
func newLedger(t testing.TB, dir string) (*store.DB, store.Operator) {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, "taizhang.db"), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, op, err := db.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403", SerialPrefix: "英南证"}, "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	return db, op
}

const (
	surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐单曾解仇区朴查盖乐欧阳长孙"
	given    = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰文华红玉萍建国志林海燕鹏辉玲飞婷有才𠮷"
)

// person is a random resident: a name of 2–4 characters (surnames with
// overrides among them) and a valid ID number.
func person(rng *rand.Rand) (string, string) {
	sur, giv := []rune(surnames), []rune(given)
	name := []rune{sur[rng.IntN(len(sur))]}
	for k := 1 + rng.IntN(3); k > 0; k-- {
		name = append(name, giv[rng.IntN(len(giv))])
	}
	first := fmt.Sprintf("140403%04d%02d%02d%03d", 1940+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000))
	return string(name), first + string(idcard.CheckDigit(first))
}

// importOld imports n certificates of random people, types and dates
// (2019 to 2026) as an old ledger's rows; feed, if not nil, gets each as
// the import adds it.
func importOld(t testing.TB, db *store.DB, op store.Operator, rng *rand.Rand, n int, feed func(store.CertRow)) {
	t.Helper()
	run := importRows(t, db, op, rng, n, feed)
	defer run.Abort()
	if _, err := run.Commit(); err != nil {
		t.Fatal(err)
	}
}

// importRows adds n old certificates to an import run, not committed.
func importRows(t testing.TB, db *store.DB, op store.Operator, rng *rand.Rand, n int, feed func(store.CertRow)) *store.ImportRun {
	t.Helper()
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.BeginImport(op)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name, id := person(rng)
		in := store.ImportInput{TypeNo: 1 + rng.IntN(12), Name: name, IDNumber: id, Purpose: "办理社保",
			Date:   time.Date(2019+rng.IntN(7), time.Month(1+rng.IntN(11)), 1+rng.IntN(28), 0, 0, 0, 0, store.Beijing),
			Serial: fmt.Sprintf("%d-%03d", 2019+i/500, i%500)}
		c, err := in.Validate(cat, today)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		if c, err = run.Add(run.Prepare(c)); err != nil {
			t.Fatal(err)
		}
		if feed != nil {
			feed(store.CertRowOf(c))
		}
	}
	return run
}

// issue issues n certificates today; the first is voided and corrected.
func issue(t testing.TB, db *store.DB, op store.Operator, rng *rand.Rand, n int) {
	t.Helper()
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		name, id := person(rng)
		in := store.CertInput{TypeNo: 1 + rng.IntN(12), Name: name, IDNumber: id, Address: "潞州区英雄南路12号",
			Purpose: "办理入学", Verified: "经查验户口簿，情况属实", Copies: 1}
		c, err := db.IssueCertificate(op, in, cat, store.IssueOptions{AcceptPersonName: true, AcceptDuplicate: true})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			in.Name += "明"
			if _, err := db.CorrectCertificate(op, c.ID, in, cat, store.IssueOptions{AcceptPersonName: true, AcceptDuplicate: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// queries are what workers type: names, their pinyin (whole, initials,
// with a rare reading), ID digits, serials as printed, types.
func queries(db *store.DB, rng *rand.Rand) []string {
	qs := []string{"zhangw", "zs", "shan", "oy", "wangf", "死亡", "居住", "准入", "2026-0001", "英南证2026-0002",
		"20260003", "旧2019-001", "1234", "x", "z", "𠮷", "有才", "zhangyoucai", "140403"}
	var rows []store.CertRow
	db.CertRowsSince(0, store.LogMark{}, func(r store.CertRow) { rows = append(rows, r) })
	for range 40 {
		if len(rows) == 0 {
			break
		}
		r := rows[rng.IntN(len(rows))]
		name := []rune(r.Name)
		qs = append(qs, string(name[:1+rng.IntN(len(name))]), r.IDNumber[len(r.IDNumber)-4-rng.IntN(3):], r.Serial)
		var py strings.Builder
		for _, c := range name {
			if rs := search.DefaultPinyin().Readings(c); len(rs) > 0 {
				py.WriteString(rs[0][:1+rng.IntN(len(rs[0]))])
			}
		}
		qs = append(qs, py.String())
	}
	return qs
}

// reference is the search as the 证明 screen ran it before the index was
// kept: every row in the ledger's month order into a new index, the hits
// newest first within a rank.
func reference(t testing.TB, db *store.DB) func(q string) []uint64 {
	types, _ := assets.CertTemplates()
	ix := search.New(nil)
	if err := db.AllRows(func(r store.CertRow) {
		ix.Add(r.ID, search.Field{Text: r.Name, Kind: search.Name}, search.Field{Text: r.IDNumber, Kind: search.Digits},
			search.Field{Text: r.Serial, Kind: search.Code}, search.Field{Text: assets.ShortName(types, r.TypeNo), Kind: search.Tag})
	}); err != nil {
		t.Fatal(err)
	}
	return func(q string) []uint64 {
		hits := ix.Search(q, 0)
		search.NewestFirst(hits)
		ids := make([]uint64, len(hits))
		for i, h := range hits {
			ids[i] = h.ID
		}
		return ids
	}
}

// findsAsBefore fails unless x finds for every query what the screen
// found before, in the same order.
func findsAsBefore(t *testing.T, what string, db *store.DB, x *Index, qs []string) {
	t.Helper()
	ref := reference(t, db)
	if n := db.CertCount(); x.Len() != n {
		t.Fatalf("%s: %d certificates in the index, %d in the ledger", what, x.Len(), n)
	}
	for _, q := range qs {
		if got, want := x.Find(q), ref(q); !slices.Equal(got, want) {
			t.Fatalf("%s: %q finds %v, the ledger %v", what, q, got, want)
		}
	}
}

func open(t *testing.T, db *store.DB, wantLoaded bool) *Index {
	t.Helper()
	x, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.LoadError(); (err == nil) != wantLoaded {
		t.Fatalf("loaded: %v, want %v", err, wantLoaded)
	}
	return x
}

// The index built, written, read back (in a new index, as a program
// starting does) and caught up with certificates issued and imported
// since finds what the screen found: old imported months in their place
// among the newest first. Written again, it is read again.
func TestSnapshotFindsAsBuilt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dir := t.TempDir()
	db, op := newLedger(t, dir)
	issue(t, db, op, rng, 5)
	importOld(t, db, op, rng, 300, nil)
	qs := queries(db, rng)

	x := open(t, db, false)
	if !errors.Is(x.LoadError(), ErrNoSnapshot) || !x.NeedsSave() {
		t.Fatalf("built: %v, needs save %v", x.LoadError(), x.NeedsSave())
	}
	findsAsBefore(t, "built", db, x, qs)
	if err := x.Save(db); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(SnapshotPath(db.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v", st.Mode())
	}
	if x.NeedsSave() {
		t.Error("needs saving right after a save")
	}
	left := SnapshotPath(db.Path()) + ".12345" // a save killed halfway
	if err := os.WriteFile(left, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := x.Save(db); err != nil {
		t.Fatal(err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("beside the ledger after a save: %v", es)
	}
	findsAsBefore(t, "read back", db, open(t, db, true), qs)

	issue(t, db, op, rng, 3)
	importOld(t, db, op, rng, 40, nil) // old months, added last
	y := open(t, db, true)
	findsAsBefore(t, "caught up", db, y, append(qs, queries(db, rng)...))
	if y.NeedsSave() {
		t.Error("a few certificates since make the snapshot worth writing")
	}
	if err := y.Save(db); err != nil {
		t.Fatal(err)
	}
	findsAsBefore(t, "written again", db, open(t, db, true), qs)
}

// CatchUp adds what was saved since, once; the ledger's own order of
// events (a void changes nothing the index holds) is of no concern.
func TestCatchUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	db, op := newLedger(t, t.TempDir())
	x := open(t, db, false)
	if x.Len() != 0 {
		t.Fatalf("%d certificates in an empty ledger", x.Len())
	}
	issue(t, db, op, rng, 4)
	for _, want := range []int{5, 0} {
		if n, err := x.CatchUp(db); err != nil || n != want {
			t.Fatalf("caught up %d (%v), want %d", n, err, want)
		}
	}
	if _, err := db.VoidCertificate(op, 2, "姓名写错"); err != nil {
		t.Fatal(err)
	}
	if n, err := x.CatchUp(db); err != nil || n != 0 {
		t.Fatalf("a void added %d (%v)", n, err)
	}
	findsAsBefore(t, "caught up", db, x, queries(db, rng))
}

// A snapshot that does not belong to the ledger beside it is not used:
// another ledger's, one of this ledger made later than the copy put back
// (even when the copy has since had as many events, others), one made by
// another version. The index is built from the ledger instead.
func TestSnapshotOfAnotherLedger(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dirA, dirB := t.TempDir(), t.TempDir()
	a, opA := newLedger(t, dirA)
	b, opB := newLedger(t, dirB)
	issue(t, a, opA, rng, 6)
	issue(t, b, opB, rng, 6)
	xa := open(t, a, false)
	if err := xa.Save(a); err != nil {
		t.Fatal(err)
	}
	snapA, err := os.ReadFile(SnapshotPath(a.Path()))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(SnapshotPath(b.Path()), snapA, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := load(b, true); !errors.Is(err, store.ErrOtherLedger) {
		t.Errorf("another ledger's snapshot: %v", err)
	}
	findsAsBefore(t, "another ledger's", b, open(t, b, false), queries(b, rng))

	// An older copy of a, put back after the snapshot was made.
	var copyA bytes.Buffer
	if _, err := a.WriteSnapshot(&copyA); err != nil {
		t.Fatal(err)
	}
	issue(t, a, opA, rng, 2)
	if err := open(t, a, true).Save(a); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := os.WriteFile(filepath.Join(dirA, "taizhang.db"), copyA.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err = store.Open(filepath.Join(dirA, "taizhang.db"), store.Options{Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := load(a, true); !errors.Is(err, store.ErrOtherLedger) {
		t.Errorf("the snapshot of a later state: %v", err)
	}
	issue(t, a, opA, rng, 2) // as many events as when the snapshot was made, other ones
	if _, err := load(a, true); !errors.Is(err, store.ErrOtherLedger) {
		t.Errorf("the snapshot of a later state: %v", err)
	}
	findsAsBefore(t, "an older copy put back", a, open(t, a, false), queries(a, rng))

	// Made by another version (its fingerprint).
	x := open(t, b, false)
	if err := x.Save(b); err != nil {
		t.Fatal(err)
	}
	damage(t, b, func(s []byte) { s[20] ^= 1 })
	if _, err := load(b, true); err == nil || !strings.Contains(err.Error(), "another version") {
		t.Errorf("another version's snapshot: %v", err)
	}
}

// damage changes the snapshot beside db.
func damage(t *testing.T, db *store.DB, change func([]byte)) {
	t.Helper()
	path := SnapshotPath(db.Path())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	change(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A damaged snapshot is refused and the index built: at once when its
// offsets or counts do not add up, after the first search (Settle) when
// only its checksum tells; LoadError says why.
func TestDamagedSnapshot(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	db, op := newLedger(t, t.TempDir())
	issue(t, db, op, rng, 10)
	qs := queries(db, rng)
	for name, change := range map[string]func([]byte) []byte{
		"a bit of the index":  func(b []byte) []byte { b[len(b)-40] ^= 4; return b },
		"a certificate's id":  func(b []byte) []byte { b[headerSize+48] ^= 1; return b }, // the checksum alone tells
		"its highest id":      func(b []byte) []byte { b[40] ^= 1; return b },
		"its count":           func(b []byte) []byte { b[88]++; return b },
		"cut short":           func(b []byte) []byte { return b[:len(b)-3] },
		"cut to the header":   func(b []byte) []byte { return b[:headerSize] },
		"empty":               func(b []byte) []byte { return nil },
		"not a snapshot":      func(b []byte) []byte { return []byte("TZSI and some more bytes") },
		"a checksum that fit": func(b []byte) []byte { return resum(b[:len(b)-1]) },
	} {
		if x, err := Open(db); err != nil || x.Save(db) != nil {
			t.Fatal(err)
		}
		path := SnapshotPath(db.Path())
		good, _ := os.ReadFile(path)
		if err := os.WriteFile(path, change(bytes.Clone(good)), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := load(db, true); err == nil {
			t.Errorf("%s: the damaged snapshot was read", name)
		}
		x, err := Open(db)
		if err != nil {
			t.Fatal(err)
		}
		if name == "a certificate's id" && x.LoadError() != nil {
			t.Errorf("%s: refused before the checksum was checked: %v", name, x.LoadError())
		}
		if err := x.Settle(db); err != nil {
			t.Fatal(err)
		}
		if x.LoadError() == nil {
			t.Errorf("%s: the damaged snapshot was used", name)
		}
		findsAsBefore(t, name, db, x, qs)
	}
}

// resum sets the checksum of a snapshot's bytes to fit them.
func resum(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[96:], checksum(b))
	return b
}

// A ledger opened read-only gets no snapshot.
func TestReadOnlyWritesNothing(t *testing.T) {
	dir := t.TempDir()
	db, op := newLedger(t, dir)
	issue(t, db, op, rand.New(rand.NewPCG(9, 9)), 2)
	db.Close()
	ro, err := store.Open(filepath.Join(dir, "taizhang.db"), store.Options{ReadOnly: true, Now: func() time.Time { return today }})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	x := open(t, ro, false)
	if err := x.Save(ro); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(SnapshotPath(ro.Path())); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a read-only ledger got a snapshot: %v", err)
	}
}

// An import feeds the builder its rows as they are added; after the
// commit the snapshot it writes is read back whole.
func TestBuilderDuringImport(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	db, op := newLedger(t, t.TempDir())
	issue(t, db, op, rng, 3)
	b, err := NewBuilder(db)
	if err != nil {
		t.Fatal(err)
	}
	importOld(t, db, op, rng, 200, b.Add)
	if err := b.Save(db); err != nil {
		t.Fatal(err)
	}
	x := open(t, db, true)
	if x.NeedsSave() {
		t.Error("the builder's snapshot is not caught up")
	}
	findsAsBefore(t, "built during the import", db, x, queries(db, rng))
}

// The snapshot a builder writes while its import commits (SaveAhead) is
// the one Save would write after: it records the import's last event, and
// the next open reads it and finds every certificate. If the import does
// not go in, nothing is left behind.
func TestSaveAheadDuringImport(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	db, op := newLedger(t, t.TempDir())
	issue(t, db, op, rng, 3)
	path := SnapshotPath(db.Path())

	b, err := NewBuilder(db)
	if err != nil {
		t.Fatal(err)
	}
	run := importRows(t, db, op, rng, 50, b.Add)
	install, err := b.SaveAhead(db.Path(), run.Head())
	if err != nil {
		t.Fatal(err)
	}
	run.Abort()
	if err := install(false); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(path + "*"); len(left) > 0 {
		t.Fatalf("an import that did not go in left %v", left)
	}

	if b, err = NewBuilder(db); err != nil {
		t.Fatal(err)
	}
	run = importRows(t, db, op, rng, 200, b.Add)
	head := run.Head()
	if install, err = b.SaveAhead(db.Path(), head); err != nil {
		t.Fatal(err)
	}
	if _, err := run.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := install(true); err != nil {
		t.Fatal(err)
	}
	snap, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	now, _, err := db.CertRowsSince(0, store.LogMark{}, func(store.CertRow) {})
	if seq := binary.LittleEndian.Uint64(snap[48:]); err != nil || seq != head.Seq || now != head {
		t.Errorf("the snapshot records event %d; the import ended at %+v, the ledger at %+v (%v)", seq, head, now, err)
	}
	x := open(t, db, true)
	if x.NeedsSave() {
		t.Error("the snapshot saved ahead is not caught up")
	}
	findsAsBefore(t, "saved ahead of the commit", db, x, queries(db, rng))
}
