package oldledger

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"taizhang/store"
	"taizhang/store/storetest"
)

// smallLedger is a CSV of a few rows with a title line, a blank line and
// one row that cannot be imported (a type not on the list).
func smallLedger(t testing.TB) (text string, ids []string) {
	ids = []string{idNumber("140403", "19800101", 1), idNumber("140404", "19810202", 2), idNumber("140405", "19820303", 3)}
	return csvText(
		[]string{"英雄南路社区开具证明登记表"},
		nil,
		[]string{"编号", "姓名", "身份证号", "证明类型", "用途", "开具日期", "经办人", "住址", "备注"},
		[]string{"2020-001", "张三", ids[0], "居住证明", "办理社保", "2020/1/6", "李丽", "潞州区英雄南路1号", ""},
		[]string{"2020-002", "欧阳娜娜", ids[1], "经济困难证明", "申请低保", "2020年2月7日", "李丽", "潞州区英雄南路2号", "低保户"},
		[]string{"2020-003", "王五", ids[2], "无犯罪记录证明", "出国", "2020.3.8", "李丽", "", ""},
	), ids
}

func TestCSVEncodings(t *testing.T) {
	text, ids := smallLedger(t)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ",", "\t"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data string
	}{
		{"UTF-8", text},
		{"UTF-8 with BOM", "\uFEFF" + text},
		{"GB18030", gb},
		{"UTF-16 with tabs (Excel's Unicode text)", utf16},
		{"semicolons", strings.ReplaceAll(text, ",", ";")},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db, _ := newLedger(t, dir, store.Options{})
			path := writeFile(t, dir, "旧台账.csv", []byte(c.data))
			rep, err := Import(db, path, options(t, true))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid != 2 || rep.Rejected != 1 || rep.Rows != 3 {
				t.Fatalf("valid %d, rejected %d, rows %d; want 2, 1, 3\n%s", rep.Valid, rep.Rejected, rep.Rows, rep)
			}
			if x := rep.Rejections[0]; x.Line != 6 || !strings.Contains(x.Reason, "无犯罪记录证明") {
				t.Errorf("rejection: %+v", x)
			}
			c, err := db.CertificateBySerial("旧2020-002")
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != "欧阳娜娜" || c.IDNumber != ids[1] || c.TypeNo != 2 || c.Address != "潞州区英雄南路2号" || c.Purpose != "申请低保" || c.IssueDate != "2020-02-07" {
				t.Errorf("read back: %+v", c)
			}
		})
	}
}

func TestRejectedFile(t *testing.T) {
	dir := t.TempDir()
	db, _ := newLedger(t, dir, store.Options{})
	good := idNumber("140403", "19800101", 1)
	path := writeFile(t, dir, "旧台账.csv", []byte(csvText(
		[]string{"姓名", "身份证号", "证明类型", "日期", "备注"},
		[]string{"张三", good, "居住证明", "2020-01-06", ""},
		[]string{"李四", "1.40403E+17", "居住证明", "2020-01-07", "=1+2"},
		[]string{"王五", idNumber("140403", "19800101", 2)[:17] + "0", "居住证明", "2020-01-08", "@备注"},
		[]string{"赵六", good[:17] + "X", "居住证明", "2020-01-09", ""},
	)))
	rep, err := Import(db, path, options(t, false))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid != 1 || rep.Rejected != 3 {
		t.Fatalf("valid %d, rejected %d\n%s", rep.Valid, rep.Rejected, rep)
	}
	raw, err := os.ReadFile(rep.RejectedFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) || !bytes.Contains(raw, []byte("\r\n")) {
		t.Errorf("the file is not UTF-8 with BOM and CRLF: %q", raw[:min(40, len(raw))])
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || strings.Join(recs[0][3:], ",") != "姓名,身份证号,证明类型,日期,备注" || recs[0][1] != "行号" {
		t.Fatalf("the file starts with the header of the table: %q", recs)
	}
	want := []struct{ line, reason, id, note string }{
		{"3", "科学计数法", "1.40403E+17", "'=1+2"},
		{"4", "校验位", "\t" + idNumber("140403", "19800101", 2)[:17] + "0", "'@备注"},
		{"5", "校验位", good[:17] + "X", ""},
	}
	for i, w := range want {
		rec := recs[i+1]
		if rec[1] != w.line || !strings.Contains(rec[2], w.reason) || rec[4] != w.id || rec[7] != w.note {
			t.Errorf("rejected row %d: %q; want line %s, a reason with %q, ID cell %q, note %q", i, rec, w.line, w.reason, w.id, w.note)
		}
	}

	// Corrected in place, the file imports: the header is found after the
	// columns the file adds in front, and the rows are read as they are.
	fixed := strings.Replace(string(raw), ",1.40403E+17,", ","+idNumber("140403", "19800101", 3)+",", 1)
	fixedPath := writeFile(t, dir, "改正.csv", []byte(fixed))
	rep, err = Import(db, fixedPath, options(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid != 1 || rep.Rejected != 2 {
		t.Errorf("the corrected file: valid %d, rejected %d\n%s", rep.Valid, rep.Rejected, rep)
	}

	// A run without rejected rows removes the file an earlier run wrote.
	clean := writeFile(t, dir, "干净.csv", []byte(csvText([]string{"姓名", "身份证号", "证明类型", "日期"}, []string{"孙八", idNumber("140403", "19800101", 4), "居住证明", "2020-01-06"})))
	stale := writeFile(t, dir, "干净.rejected.csv", []byte("old"))
	if rep, err = Import(db, clean, options(t, false)); err != nil || rep.RejectedFile != "" {
		t.Fatalf("%v %q", err, rep.RejectedFile)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("the stale rejected-rows file is still there")
	}
}

func TestImportTwiceAddsNothing(t *testing.T) {
	dir := t.TempDir()
	db, _ := newLedger(t, dir, store.Options{})
	text, _ := smallLedger(t)
	path := writeFile(t, dir, "旧台账.csv", []byte(text))
	first, err := Import(db, path, options(t, true))
	if err != nil || first.Valid != 2 {
		t.Fatalf("%v\n%s", err, first)
	}
	before := stateOf(t, db)
	for _, apply := range []bool{false, true} {
		again, err := Import(db, path, options(t, apply))
		if err != nil {
			t.Fatal(err)
		}
		if again.Valid != 0 || again.Already != 2 || again.Rejected != 1 {
			t.Errorf("apply %v: valid %d, already %d, rejected %d; want 0, 2, 1", apply, again.Valid, again.Already, again.Rejected)
		}
		if !strings.Contains(again.String(), "这个文件以前已经导入过，这次没有新增任何记录") {
			t.Errorf("the report does not say the file was imported before:\n%s", again)
		}
		if after := stateOf(t, db); after != before {
			t.Errorf("apply %v: the second import changed the ledger: %s, was %s", apply, after, before)
		}
	}
	// One row more: only it is added.
	more := text + csvText([]string{"2020-004", "赵六", idNumber("140403", "19830404", 4), "社保证明", "办理社保", "2020-04-09", "李丽", "", ""})
	writeFile(t, dir, "旧台账.csv", []byte(more))
	rep, err := Import(db, path, options(t, true))
	if err != nil || rep.Valid != 1 || rep.Already != 2 {
		t.Fatalf("%v: valid %d, already %d\n%s", err, rep.Valid, rep.Already, rep)
	}
	if n := db.CertCount(); n != 3 {
		t.Errorf("%d certificates, want 3", n)
	}
}

// An old serial is kept behind 旧, apart from the ledger's own: an old
// ledger that numbered as the program does (2026-0001) collides with
// nothing; the same old serial twice, or under another person, is refused.
func TestOldSerials(t *testing.T) {
	dir := t.TempDir()
	db, op := newLedger(t, dir, store.Options{})
	cat, _ := lists(t)
	issued, err := db.IssueCertificate(op, store.CertInput{TypeNo: 3, Name: "李丽", IDNumber: idNumber("140403", "19790101", 9),
		Address: "潞州区英雄南路1号", Purpose: "办理社保", Copies: 1}, cat, store.IssueOptions{})
	if err != nil || issued.Serial != "2026-0001" {
		t.Fatal(issued.Serial, err)
	}
	a, b := idNumber("140403", "19800101", 1), idNumber("140403", "19800101", 2)
	path := writeFile(t, dir, "旧台账.csv", []byte(csvText(
		[]string{"编号", "姓名", "身份证号", "证明类型", "日期"},
		[]string{"2026-0001", "张三", a, "居住证明", "2026-01-05"},
		[]string{"2026-0001", "李四", b, "居住证明", "2026-01-06"},
		[]string{"", "王五", idNumber("140403", "19800101", 3), "居住证明", "2026-01-07"},
		[]string{"２０２６－０００２", "李丽", idNumber("140403", "19790101", 9), "居住证明", "2026-01-08"},
		[]string{"2026-0003", "李莉", idNumber("140403", "19790101", 9), "居住证明", "2026-01-09"},
	)))
	rep, err := Import(db, path, options(t, true))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Valid != 3 || rep.Rejected != 2 {
		t.Fatalf("valid %d, rejected %d\n%s", rep.Valid, rep.Rejected, rep)
	}
	if !strings.Contains(rep.Rejections[0].Reason, "已被第 2 行使用") {
		t.Errorf("the repeated serial: %s", rep.Rejections[0].Reason)
	}
	if !strings.Contains(rep.Rejections[1].Reason, "台账中（编号 2026-0001）登记的姓名是“李丽”") {
		t.Errorf("the name the ledger holds: %s", rep.Rejections[1].Reason)
	}
	own, err := db.CertificateBySerial("2026-0001")
	if err != nil || own.ID != issued.ID {
		t.Errorf("2026-0001 is %+v (%v)", own, err)
	}
	old, err := db.CertificateBySerial("旧2026-0001")
	if err != nil || old.Name != "张三" {
		t.Errorf("旧2026-0001 is %+v (%v)", old, err)
	}
	if _, err := db.CertificateBySerial("旧2026-0002"); err != nil {
		t.Errorf("a full-width old serial is not kept folded: %v", err)
	}
	next, err := db.IssueCertificate(op, store.CertInput{TypeNo: 3, Name: "李丽", IDNumber: idNumber("140403", "19790101", 9),
		Address: "潞州区英雄南路1号", Purpose: "办理公积金", Copies: 1}, cat, store.IssueOptions{AcceptDuplicate: true})
	if err != nil || next.Serial != "2026-0002" {
		t.Errorf("the ledger's next serial is %q (%v), want 2026-0002", next.Serial, err)
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
	var serials []string
	db.ImportedRows(func(r store.CertRow) { serials = append(serials, r.Serial) })
	if strings.Join(serials, " ") != "旧2026-0001  旧2026-0002" {
		t.Errorf("imported rows: %q", serials)
	}
}

// A valid number that ends in 000 is what Excel makes of a cut number: it
// is imported from a file without damage, refused from one with.
func TestSuspectNumbers(t *testing.T) {
	var zeros string
	for seq := 0; seq < 1000 && zeros == ""; seq += 100 {
		for _, birth := range []string{"19800101", "19800102", "19800103", "19800104", "19800105", "19800106", "19800107", "19800108", "19800109", "19800110", "19800111"} {
			if id := idNumber("140403", birth, seq); strings.HasSuffix(id, "000") {
				zeros = id
				break
			}
		}
	}
	if zeros == "" {
		t.Fatal("no valid number ending in 000")
	}
	head := []string{"姓名", "身份证号", "证明类型", "日期"}
	row := []string{"张三", zeros, "居住证明", "2020-01-06"}
	for _, c := range []struct {
		name  string
		rows  [][]string
		valid int
	}{
		{"clean", [][]string{head, row}, 1},
		{"damaged", [][]string{head, row, {"李四", "1.40403E+17", "居住证明", "2020-01-07"}}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db, _ := newLedger(t, dir, store.Options{})
			rep, err := Import(db, writeFile(t, dir, "a.csv", []byte(csvText(c.rows...))), options(t, true))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Valid != c.valid || db.CertCount() != c.valid {
				t.Errorf("valid %d, in the ledger %d, want %d\n%s", rep.Valid, db.CertCount(), c.valid, rep)
			}
			if c.valid == 0 && !strings.Contains(rep.String(), "无法确认是否完整") {
				t.Errorf("the suspect number is not named:\n%s", rep)
			}
		})
	}
}

// An import that fails in the middle leaves the ledger as it was: a disk
// that fills up, and an error while the rows are written.
func TestImportAllOrNothing(t *testing.T) {
	var b strings.Builder
	b.WriteString("姓名,身份证号,证明类型,用途,日期\n")
	for i := 0; i < 6000; i++ {
		birth := fmt.Sprintf("198%d0%d01", i/1000%10, 1+i/1000%9)
		b.WriteString(strings.Join([]string{"张三", idNumber("140403", birth, i), "居住证明", "办理社保", "2020-01-06"}, ","))
		b.WriteString("\n")
	}
	for _, c := range []struct {
		name string
		opt  store.Options
		fail func() func()
	}{
		{"disk full", store.Options{MaxSize: 1 << 20}, nil},
		{"failing write", store.Options{}, func() func() {
			failAfter = 3000
			return func() { failAfter = 0 }
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			db, _ := newLedger(t, dir, c.opt)
			before := storetest.StateOf(t, db.Path())
			if c.fail != nil {
				defer c.fail()()
			}
			path := writeFile(t, dir, "大.csv", []byte(b.String()))
			rep, err := Import(db, path, options(t, true))
			if err == nil {
				t.Fatalf("the import did not fail: %s", rep)
			}
			t.Log(err)
			if after := storetest.StateOf(t, db.Path()); after != before {
				t.Errorf("the ledger changed: %v, was %v", after, before)
			}
			if _, err := db.Check(); err != nil {
				t.Error(err)
			}
			if n := db.CertCount(); n != 0 {
				t.Errorf("%d certificates after a failed import", n)
			}
			left, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, f := range left {
				if base := filepath.Base(f); base != "taizhang.db" && base != "大.csv" {
					t.Errorf("left behind: %s", base)
				}
			}
		})
	}
}
