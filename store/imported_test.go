package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func importInput(name, id, date string) ImportInput {
	d, _ := time.ParseInLocation(time.DateOnly, date, Beijing)
	return ImportInput{TypeNo: 3, Name: name, IDNumber: id, Date: d, Purpose: "办理社保", Serial: "2019-001"}
}

func TestImportInputValidate(t *testing.T) {
	cat := catalog(t)
	today := testNow
	good := importInput("张三", validID("14040319900101123"), "2019-03-05")
	c, err := good.Validate(cat, today)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Imported || c.Serial != "旧2019-001" || c.IssueDate != "2019-03-05" || c.Year != 2019 || c.No != 0 ||
		!c.Issued.Equal(time.Date(2019, 3, 5, 0, 0, 0, 0, Beijing)) || c.TypeName != "居民在社区居住证明" || c.Sex != "男" {
		t.Errorf("validated: %+v", c)
	}
	for _, tc := range []struct {
		change func(*ImportInput)
		field  string
		msg    string
	}{
		{func(in *ImportInput) { in.TypeNo = 13 }, FieldCertType, "12类"},
		{func(in *ImportInput) { in.Name = "" }, FieldName, "必须填写"},
		{func(in *ImportInput) { in.Name = "张3" }, FieldName, "数字"},
		{func(in *ImportInput) { in.IDNumber = "140403199001011230" }, FieldIDNumber, "校验位"},
		{func(in *ImportInput) { in.Date = time.Time{} }, FieldDate, "没有填写"},
		{func(in *ImportInput) { in.Date = today.AddDate(0, 0, 1) }, FieldDate, "晚于今天"},
		{func(in *ImportInput) { in.Date = time.Date(1989, 12, 31, 0, 0, 0, 0, Beijing) }, FieldDate, "早于 1990 年"},
		{func(in *ImportInput) { in.IDNumber = validID("14040320200101123") }, FieldDate, "早于身份证号中的出生日期"},
		{func(in *ImportInput) { in.Address = strings.Repeat("路", 61) }, FieldAddress, "太长"},
		{func(in *ImportInput) { in.Note = "备\u200b注" }, FieldNote, "零宽字符"},
		{func(in *ImportInput) { in.Serial = strings.Repeat("1", 31) }, FieldSerial, "太长"},
	} {
		in := good
		tc.change(&in)
		_, err := in.Validate(cat, today)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("%+v: %v, want %s: …%s…", in, err, tc.field, tc.msg)
		}
	}
	// Columns an old ledger may lack, a 15-digit number.
	in := good
	in.Purpose, in.Serial, in.IDNumber = "", "", "140403900101123"
	if c, err := in.Validate(cat, today); err != nil || c.Serial != "" || len(c.IDNumber) != 18 {
		t.Errorf("without purpose and serial, with 15 digits: %+v %v", c, err)
	}
}

// importRows imports certificates through an ImportRun.
func importRows(t *testing.T, db *DB, op Operator, ins ...ImportInput) (*ImportRun, []Certificate) {
	t.Helper()
	run, err := db.BeginImport(op)
	if err != nil {
		t.Fatal(err)
	}
	var out []Certificate
	for _, in := range ins {
		c, err := in.Validate(catalog(t), db.Now())
		if err != nil {
			t.Fatal(err)
		}
		if c, err = run.Add(run.Prepare(c)); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return run, out
}

// After an import the file's head passes the guard whichever meta page
// the copy's last commit fell on (the copy began as tx.WriteTo writes
// one); the events replay; the history says what happened.
func TestImportRunReplacesTheFile(t *testing.T) {
	for extra := 0; extra < 2; extra++ { // moves the commit count by one
		db, op, _ := ledger(t)
		for i := 0; i < extra; i++ {
			if _, err := db.AddOperator(op, "李敏"); err != nil {
				t.Fatal(err)
			}
		}
		run, certs := importRows(t, db, op, importInput("张三", validID("14040319900101123"), "2019-03-05"))
		if n, err := run.Commit(); err != nil || n != 1 {
			t.Fatal(n, err)
		}
		if _, err := ExamineFile(db.Path()); err != nil {
			t.Fatalf("after %d extra commits: %v", extra, err)
		}
		if _, err := db.Check(); err != nil {
			t.Fatal(err)
		}
		hist, err := db.History(EvCertImport, certs[0].ID)
		if err != nil || len(hist) != 1 || hist[0].Describe() != "导入旧台账 旧2019-001" {
			t.Fatalf("history: %v %v", hist, err)
		}
		if c, err := db.CertificateBySerial("旧2019-001"); err != nil || !c.Imported || c.ID != certs[0].ID {
			t.Errorf("read back: %+v %v", c, err)
		}
	}
}

// Until Commit the ledger is untouched, and a ledger written meanwhile is
// not replaced.
func TestImportRunLeavesTheLedgerUntilCommit(t *testing.T) {
	db, op, _ := ledger(t)
	run, _ := importRows(t, db, op, importInput("张三", validID("14040319900101123"), "2019-03-05"))
	if n := db.CertCount(); n != 0 {
		t.Fatalf("%d certificates before the commit", n)
	}
	run.Abort()
	if _, err := run.Commit(); err == nil {
		t.Error("an aborted run committed")
	}

	run, _ = importRows(t, db, op, importInput("张三", validID("14040319900101123"), "2019-03-05"))
	if _, err := db.AddOperator(op, "李敏"); err != nil {
		t.Fatal(err)
	}
	if _, err := run.Commit(); !errors.Is(err, ErrLedgerChanged) {
		t.Fatalf("commit over a changed ledger: %v", err)
	}
	ops, err := db.Operators()
	if err != nil || len(ops) != 2 || db.CertCount() != 0 {
		t.Errorf("the ledger after the refused commit: %v operators (%v), %d certificates", len(ops), err, db.CertCount())
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BeginImport(Operator{}); err == nil {
		t.Error("an import without an operator began")
	}
}

// A checkpoint is written as json.Marshal writes it (files before keep
// theirs, and check compares bytes) and read back from both.
func TestCheckpointEncoding(t *testing.T) {
	for _, cp := range []checkpoint{
		{}, {First: 1, Last: 1, Head: genesisDigest, Events: 1},
		{First: 18446744073709551615, Last: 7, Head: strings.Repeat("ab", 32), Events: 1 << 40},
	} {
		want, err := json.Marshal(cp)
		if err != nil {
			t.Fatal(err)
		}
		if got := cp.encode(); string(got) != string(want) {
			t.Errorf("encode: %s, json.Marshal: %s", got, want)
		}
		var back checkpoint
		if err := back.decode(want); err != nil || back != cp {
			t.Errorf("decode(%s) = %+v, %v", want, back, err)
		}
	}
	var cp checkpoint
	if err := cp.decode([]byte(`{"events":2,"first":3,"head":"x","last":4}`)); err != nil || cp != (checkpoint{First: 3, Last: 4, Head: "x", Events: 2}) {
		t.Errorf("other JSON: %+v %v", cp, err)
	}
	if err := cp.decode([]byte(`{"first":01,"last":2,"head":"","events":1}`)); err == nil {
		t.Error("a number with a leading zero is not JSON")
	}
}

// The envelope chainEvent writes by hand is what json.Marshal writes, for
// any operator name, kind, time and data (the hash is over these bytes).
func TestNewEventBody(t *testing.T) {
	times := []time.Time{testNow, {}, time.Date(2026, 1, 2, 3, 4, 5, 600, time.UTC), time.Date(1999, 12, 31, 23, 59, 59, 999999999, Beijing)}
	names := []string{"王丽", "", `a"b\\c`, "<script>&", "\u2028\u2029", "\x01\x1f", "\xff", "𠮷·阿卜杜"}
	datas := []any{nil, Certificate{Name: "张<三>&", Issued: testNow}, printData{Copies: 2}, json.RawMessage(`{"a":"<&>"}`), "x\u2028"}
	for i, tm := range times {
		for j, name := range names {
			for k, d := range datas {
				raw, err := json.Marshal(d)
				if err != nil {
					t.Fatal(err)
				}
				ev := Event{Seq: uint64(i*100 + j), Time: tm, OperatorID: uint64(k), Operator: name, Kind: names[(j+k)%len(names)], Subject: 18446744073709551615, Data: raw, Prev: genesisDigest}
				want, err := ev.body()
				if err != nil {
					t.Fatal(err)
				}
				got, err := ev.newBody()
				if err != nil || string(got) != string(want) {
					t.Fatalf("newBody:\n%s\njson.Marshal:\n%s (%v)", got, want, err)
				}
			}
		}
	}
	ev := Event{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), Prev: genesisDigest}
	if _, err := ev.newBody(); err == nil {
		t.Error("a time json.Marshal refuses is taken")
	}
}

// CleanText skips NFC for ASCII and CJK unified ideographs: each of them
// is its own NFC form and never combines with what comes before it (a
// boundary before), so no text made of them alone changes; Invisible
// knows none of them is invisible.
func TestNFCInert(t *testing.T) {
	for r := rune(0); r <= 0x9FFF; r++ {
		if r >= 0x80 && r < 0x4E00 {
			continue
		}
		s := string(r)
		p := norm.NFC.PropertiesString(s)
		if !nfcInert(s) || norm.NFC.String(s) != s || !p.BoundaryBefore() || p.CCC() != 0 {
			t.Fatalf("U+%04X is not inert under NFC", r)
		}
		if (r >= 0x20 && r < 0x7F || r >= 0x4E00) && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r)) {
			t.Fatalf("U+%04X is invisible", r)
		}
	}
	for _, s := range []string{"e\u0301", "张\u0301", "한", "\u1100\u1161", "<\u0338"} {
		if nfcInert(s) {
			t.Errorf("%q taken for inert", s)
		}
		if CleanText(s) != norm.NFC.String(s) {
			t.Errorf("CleanText(%q) is not NFC", s)
		}
	}
}

// importText's one pass over plain cells gives what cleaning and checking
// them the long way gives.
func TestImportTextPlainPath(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	parts := []string{"潞州区", "58号", "A", "a-1", " ", "\u3000", "\u200b", "é", "e\u0301", "𠮷", "\x7f", "\xff", "~", "办理社保"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(parts[r.IntN(len(parts))])
		}
		v, max := b.String(), 1+r.IntN(12)
		got, gerr := importText(FieldAddress, v, max)
		want := CleanText(v)
		werr := checkText(FieldAddress, want, 1, max, false)
		if got != want || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Fatalf("%q (max %d): %q %v, want %q %v", v, max, got, gerr, want, werr)
		}
	}
}
