package store

import (
	"errors"
	"strings"
	"testing"
	"time"
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
		if c, err = run.Add(c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return run, out
}

// After an import the file's head is what bbolt writes (the guard checks
// it), whichever meta page the copy's last commit fell on; the events
// replay; the history says what happened.
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
