package store

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 29, 9, 30, 0, 0, Beijing)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "t.db"), Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func testProfile() Profile {
	return Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403", SerialPrefix: "英南证", Phone: "0355-2021234"}
}

func TestOpenCreatesFileWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "taizhang.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if v, _ := db.SchemaVersion(); v != CurrentSchema() {
		t.Errorf("schema %d, want %d", v, CurrentSchema())
	}
}

// The file's head is examined before bbolt sees it (the full set of damage
// is in damage_test.go).
func TestOpenRefusesEmptyAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]byte{
		"empty.db": {},
		"text.db":  []byte("这不是数据库，只是一段文字。this is not a database at all......"),
		"short.db": []byte("abc"),
	}
	for name, content := range cases {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path, Options{})
		if !errors.As(err, new(*DamagedError)) {
			t.Errorf("%s: err = %v, want DamagedError", name, err)
			continue
		}
		after, _ := os.ReadFile(path)
		if string(after) != string(content) {
			t.Errorf("%s: file was changed", name)
		}
	}
	if _, err := Open(dir, Options{}); err == nil {
		t.Error("a folder was opened as a ledger")
	}
}

func TestOpenRefusesOtherBboltFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Make it look like another program's bbolt file: drop our marker.
	if err := db.bolt.Update(func(tx *boltTx) error { return tx.DeleteBucket(bucketMeta) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path, Options{})
	var nl *NotLedgerError
	if !errors.As(err, &nl) {
		t.Fatalf("err = %v, want NotLedgerError", err)
	}
}

func TestOpenLockedFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = Open(path, Options{})
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want LockedError", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to give up, want < 2s", d)
	}
	if le.Path != path {
		t.Errorf("message names %q", le.Path)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, _ := Open(path, Options{})
	db.bolt.Update(func(tx *boltTx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(CurrentSchema()+1)) })
	db.Close()
	_, err := Open(path, Options{})
	var ns *NewerSchemaError
	if !errors.As(err, &ns) {
		t.Fatalf("err = %v, want NewerSchemaError", err)
	}
}

func TestProfileValidation(t *testing.T) {
	ok := testProfile()
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if ok.CountyName != "潞州区" {
		t.Errorf("county name %q", ok.CountyName)
	}
	bad := []struct {
		field string
		edit  func(*Profile)
	}{
		{"社区名称", func(p *Profile) { p.Community = "" }},
		{"社区名称", func(p *Profile) { p.Community = "英雄\u200b南路" }},
		{"所属街道办事处", func(p *Profile) { p.Street = "街" }},
		{"县（市、区）", func(p *Profile) { p.CountyCode = "140402" }}, // legacy: not selectable
		{"证明编号前缀", func(p *Profile) { p.SerialPrefix = "英 南" }},
		{"联系电话", func(p *Profile) { p.Phone = "电话123" }},
		{"联系电话", func(p *Profile) { p.Phone = "123" }},
	}
	for _, c := range bad {
		p := testProfile()
		c.edit(&p)
		p = p.Normalize()
		err := p.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: err = %v", c.field, err)
		}
	}
	p := Profile{Community: "  英雄南路社区\u3000", Phone: " 138 1234 5678 "}.Normalize()
	if p.Community != "英雄南路社区" || p.Phone != "13812345678" {
		t.Errorf("normalise: %+v", p)
	}
	if testProfile().CommitteeName() != "英雄南路社区居民委员会" {
		t.Error(testProfile().CommitteeName())
	}
}

func TestSetupAndForce(t *testing.T) {
	db := openTemp(t)
	if _, err := db.Profile(); !errors.Is(err, ErrNoProfile) {
		t.Fatalf("fresh file has profile: %v", err)
	}
	p, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	if op.Name != "王丽" || db.LastOperator() != op.ID || p.CountyName != "潞州区" {
		t.Errorf("setup: %+v %+v", p, op)
	}
	other := testProfile()
	other.Community = "太行东街社区"
	var pe *ProfileExistsError
	if _, _, err := db.Setup(other, "王丽", false); !errors.As(err, &pe) {
		t.Fatalf("overwrite without force: %v", err)
	}
	if _, _, err := db.Setup(other, "王丽", true); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Profile()
	ops, _ := db.Operators()
	if got.Community != "太行东街社区" || len(ops) != 1 {
		t.Errorf("after force: %+v, %d operators", got, len(ops))
	}
}

func TestOperators(t *testing.T) {
	db := openTemp(t)
	a, err := db.AddOperator(Operator{}, "张敏")
	if err != nil {
		t.Fatal(err)
	}
	var fe *FieldError
	if _, err := db.AddOperator(Operator{}, " 张敏 "); !errors.As(err, &fe) {
		t.Errorf("duplicate name accepted: %v", err)
	}
	if _, err := db.AddOperator(Operator{}, ""); !errors.As(err, &fe) {
		t.Errorf("empty name accepted: %v", err)
	}
	b, _ := db.AddOperator(Operator{}, "𠮷祥")
	if b.Name != "𠮷祥" || b.ID != a.ID+1 {
		t.Errorf("second operator %+v", b)
	}
	if _, err := db.RenameOperator(a, b.ID, "张敏"); !errors.As(err, &fe) {
		t.Errorf("rename onto existing name: %v", err)
	}
	if _, err := db.SetOperatorRetired(a, a.ID, true); err != nil {
		t.Fatal(err)
	}
	// A retired name may be taken again.
	if _, err := db.RenameOperator(a, b.ID, "张敏"); err != nil {
		t.Errorf("rename onto retired name: %v", err)
	}
	ops, _ := db.Operators()
	if len(ops) != 2 || !ops[0].Retired {
		t.Errorf("operators %+v", ops)
	}
	if _, err := db.RenameOperator(a, 99, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestChineseDate(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC): "2026年11月29日",
		time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC):   "2026年1月5日",
	}
	for in, want := range cases {
		if got := ChineseDate(in); got != want {
			t.Errorf("%v: %s, want %s", in, got, want)
		}
	}
	if ChineseWeekday(time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)) != "星期日" {
		t.Error("weekday")
	}
}

func TestCleanLines(t *testing.T) {
	in := "\n\n  第一段　\r\n\n\n 第二段  有空格 \n\n"
	if got := CleanLines(in); got != "第一段\n\n第二段 有空格" {
		t.Errorf("%q", got)
	}
}

func TestChineseDateOf(t *testing.T) {
	if got := ChineseDateOf("2026-03-05"); got != "2026年3月5日" {
		t.Error(got)
	}
	if got := ChineseDateOf("不是日期"); got != "不是日期" {
		t.Error(got)
	}
}

func TestChineseMonthOf(t *testing.T) {
	if got := ChineseMonthOf("2027-01"); got != "2027年1月" {
		t.Error(got)
	}
}

// dateOnly writes what Format(time.DateOnly) writes, in every zone and at
// the ends of the years it writes itself.
func TestDateOnly(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	zones := []*time.Location{time.UTC, Beijing, time.FixedZone("西", -11*3600)}
	for range 20000 {
		at := time.Unix(r.Int64N(400*365*86400)-100*365*86400, 0).In(zones[r.IntN(len(zones))])
		if got, want := dateOnly(at), at.Format(time.DateOnly); got != want {
			t.Fatalf("%v: %s, want %s", at, got, want)
		}
	}
	for _, at := range []time.Time{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 0, 0, 0, Beijing),
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if got, want := dateOnly(at), at.Format(time.DateOnly); got != want {
			t.Errorf("%v: %s, want %s", at, got, want)
		}
	}
}
