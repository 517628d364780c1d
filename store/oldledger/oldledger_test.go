package oldledger

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"taizhang/store"
	"taizhang/store/certindex"
)

// person ID numbers of the messy sheet, valid ones with an 18th digit that
// is not X (so that they can be stored as numbers).
func digitsID(t testing.TB, birth string, seq int) string {
	for i := 0; i < 20; i++ {
		id := idNumber("140403", birth, seq+i)
		if !strings.HasSuffix(id, "X") && !strings.HasSuffix(id, "000") {
			return id
		}
	}
	t.Fatal("no ID number")
	return ""
}

// messy is a workbook as offices keep them: a title merged over the
// table, a blank row, a header of two rows with merged cells, trailing
// spaces and full-width digits, ID numbers as text, as numbers (whole, and
// cut by Excel) and in the old 15 digits, dates as Excel serial numbers
// and as text in several forms, a type written three ways, a notes sheet
// without a header, and a second year on a sheet of its own.
type messy struct {
	path                    string
	zhang, li, wang, zhou   string // ID numbers imported
	recent                  string // imported with a date 12 days before today
	damagedFloat, sciText   string
	legacy15                string
	wantValid, wantRejected int
	wantRejections          []string // line: reason substring, in order
}

func writeMessy(t *testing.T, dir string) messy {
	t.Helper()
	m := messy{
		zhang: digitsID(t, "19800101", 11), li: digitsID(t, "19851212", 21), zhou: digitsID(t, "19700707", 31),
		recent: digitsID(t, "19950505", 41), legacy15: "140403900101123",
	}
	m.wang = "140403199001011234" // what legacy15 becomes is checked through the store
	f := excelize.NewFile()
	defer f.Close()
	s1 := "2019年台账"
	if err := f.SetSheetName("Sheet1", s1); err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	merge := func(sheet, a, b string) {
		t.Helper()
		if err := f.MergeCell(sheet, a, b); err != nil {
			t.Fatal(err)
		}
	}
	set(s1, "A1", "英雄南路社区证明开具登记台账")
	merge(s1, "A1", "I1")
	set(s1, "A2", "（2019年1月—2019年12月）")
	merge(s1, "A2", "I2")
	// Row 3 blank; the header in rows 4 and 5.
	for col, name := range map[string]string{"A": "序号", "B": "姓  名", "C": "公民身份号码", "F": "开具日期", "G": "经办人 ", "H": "证明编号", "I": "备注"} {
		set(s1, col+"4", name)
		merge(s1, col+"4", col+"5")
	}
	set(s1, "D4", "证明")
	merge(s1, "D4", "E4")
	set(s1, "D5", "类型")
	set(s1, "E5", "用途")
	serial := time.Date(2019, 3, 5, 0, 0, 0, 0, time.UTC)
	var zhangNumber int64
	fmt.Sscan(m.li, &zhangNumber)
	rows := [][]any{
		// 6: the date an Excel date (a serial number), the name with trailing spaces
		{1, "张三  ", m.zhang, "居住证明", "办理社保", serial, "王丽", "2019-001", ""},
		// 7: the ID number stored as a number with all its digits, the date 2019.3.5
		{2, "李四", zhangNumber, "在本社区居住的证明", "子女上学", "2019.3.5", "王丽", "2019-002", "补开"},
		nil, // 8: blank
		// 9: an old 15-digit number, the type in pinyin initials, 2019年3月5日
		{3, "王五", m.legacy15, "jzzm", "办理低保", "2019年3月5日", "王丽", "2019-003", ""},
		// 10: a number Excel cut to 15 digits (stored as a float)
		{4, "赵六", float64(140403199001011000), "居住证明", "办理社保", "2019-03-06", "王丽", "2019-004", ""},
		// 11: what Excel shows of such a number, typed or pasted as text
		{5, "钱七", "1.40403E+17", "居住证明", "办理社保", "2019-03-06", "王丽", "2019-005", ""},
		// 12: a certificate not on the list
		{6, "孙八", idNumber("140403", "19750303", 61), "无犯罪证明", "出国", "2019-03-07", "王丽", "2019-006", ""},
		// 13: full-width digits, a type with a trailing space
		{7, "周九", wideDigits(m.zhou), "居住证明 ", "办理社保", "2019/3/8", "王丽", "2019-007", ""},
		// 14: a date in the future
		{8, "吴十", idNumber("140403", "19600606", 71), "死亡证明", "办理丧葬", "2027-01-01", "王丽", "2019-008", ""},
		// 15: row 6 again
		{1, "张三", m.zhang, "居住证明", "办理社保", serial, "王丽", "2019-001", ""},
		// 16: row 6's ID number under another name
		{9, "张叁", m.zhang, "经济困难证明", "申请救助", "2019-03-09", "王丽", "2019-009", ""},
		nil,
		// 18: under the table, not a record
		{"制表人：王丽", nil, nil, nil, nil, nil, nil, nil, "共 9 份"},
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, 6+i)
			set(s1, cell, v)
		}
	}
	if _, err := f.NewSheet("填表说明"); err != nil {
		t.Fatal(err)
	}
	set("填表说明", "A1", "本表由社区工作人员填写，每月底交街道。")
	s3 := "近期"
	if _, err := f.NewSheet(s3); err != nil {
		t.Fatal(err)
	}
	for j, v := range []string{"姓名", "身份证号", "证明事项", "事由", "日期"} {
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		set(s3, cell, v)
	}
	for i, r := range [][]any{
		{"郑十一", m.recent, "居住证明", "办理社保", today.AddDate(0, 0, -12).Format("2006-01-02")},
		{"冯十二", idNumber("140403", "19660606", 81), "计生证明", "办理奖励", "2020-05-06"},
	} {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, 2+i)
			set(s3, cell, v)
		}
	}
	m.path = filepath.Join(dir, "旧台账.xlsx")
	if err := f.SaveAs(m.path); err != nil {
		t.Fatal(err)
	}
	m.wantValid = 5 // rows 6, 7, 9, 13 and 郑十一
	m.wantRejections = []string{
		"2019年台账:10:末三位是 000",
		"2019年台账:11:科学计数法",
		"2019年台账:12:不是附件4的12类证明之一",
		"2019年台账:14:晚于今天",
		"2019年台账:15:与工作表“2019年台账”第 6 行完全相同",
		"2019年台账:16:“张三”，这一行是“张叁”",
		"近期:3:可能是附件4的第9项",
	}
	m.wantRejected = len(m.wantRejections)
	return m
}

func wideDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			r += '０' - '0'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestMessyWorkbook(t *testing.T) {
	dir := t.TempDir()
	db, op := newLedger(t, dir, store.Options{})
	m := writeMessy(t, dir)
	before := stateOf(t, db)

	rep, err := Import(db, m.path, options(t, false))
	if err != nil {
		t.Fatal(err)
	}
	checkMessyReport(t, m, rep, false)
	if after := stateOf(t, db); after != before {
		t.Fatal("a dry run changed the ledger")
	}

	rep, err = Import(db, m.path, options(t, true))
	if err != nil {
		t.Fatal(err)
	}
	checkMessyReport(t, m, rep, true)
	if _, err := db.Check(); err != nil {
		t.Fatalf("the ledger does not check after the import: %v", err)
	}
	if n := db.CertCount(); n != m.wantValid {
		t.Fatalf("the ledger holds %d certificates, want %d", n, m.wantValid)
	}

	// The import left the search index beside the ledger: the next open
	// reads it, and it finds the imported rows.
	ix, err := certindex.Open(db)
	if err != nil || ix.LoadError() != nil {
		t.Fatalf("the search index was not kept by the import: %v %v", err, ix.LoadError())
	}
	if ix.Len() != m.wantValid || len(ix.Find("李四")) == 0 {
		t.Errorf("the kept index holds %d certificates (want %d) and finds %v for 李四", ix.Len(), m.wantValid, ix.Find("李四"))
	}

	// The old serial is kept in its own namespace; the ledger's own serials
	// start over at 2026-0001.
	c, err := db.CertificateBySerial("旧2019-002")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Imported || c.IDNumber != m.li || c.Name != "李四" || c.IssueDate != "2019-03-05" || c.TypeNo != 3 || c.Note != "补开" || c.OperatorName != "王丽" {
		t.Errorf("imported certificate: %+v", c)
	}
	wang, err := db.CertificateBySerial("旧2019-003")
	if err != nil {
		t.Fatal(err)
	}
	if len(wang.IDNumber) != 18 || wang.IDNumber[:6] != "140403" || wang.IDNumber[6:14] != "19900101" || wang.Sex != "男" {
		t.Errorf("the 15-digit number is stored as %q (%s)", wang.IDNumber, wang.Sex)
	}
	rows, err := db.MonthRows(2019, 3)
	if err != nil || len(rows) != 4 {
		t.Fatalf("March 2019 lists %d certificates (%v), want 4", len(rows), err)
	}
	for _, r := range rows {
		if !r.Imported() {
			t.Errorf("row %+v is not marked imported", r)
		}
	}
	// The person index and the 30-day duplicate check see the imports.
	if name, _, ok, _ := db.PersonName(m.zhou); !ok || name != "周九" {
		t.Errorf("the person index gives %q for 周九's number", name)
	}
	cat, _ := lists(t)
	in := store.CertInput{TypeNo: 3, Name: "郑十一", IDNumber: m.recent, Address: "潞州区英雄南路1号", Purpose: "办理社保", Copies: 1}
	if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); !errors.As(err, new(*store.DuplicateError)) {
		t.Errorf("issuing what was imported 12 days ago gives %v, want the duplicate warning", err)
	}
	fresh, err := db.IssueCertificate(op, in, cat, store.IssueOptions{AcceptDuplicate: true})
	if err != nil || fresh.Serial != "2026-0001" {
		t.Errorf("the first certificate the ledger issues is %q (%v), want 2026-0001", fresh.Serial, err)
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func checkMessyReport(t *testing.T, m messy, rep Report, applied bool) {
	t.Helper()
	if rep.Applied != applied || rep.Valid != m.wantValid || rep.Rejected != m.wantRejected || rep.Already != 0 {
		t.Errorf("report: applied %v, valid %d, rejected %d, already %d; want %v, %d, %d, 0\n%s",
			rep.Applied, rep.Valid, rep.Rejected, rep.Already, applied, m.wantValid, m.wantRejected, rep)
	}
	if rep.Rows != m.wantValid+m.wantRejected {
		t.Errorf("%d rows read, want %d", rep.Rows, m.wantValid+m.wantRejected)
	}
	if n := rep.ByType["居民在社区居住证明"]; n != 5 {
		t.Errorf("居住证明 counted %d times, want 5 (written three ways): %v", n, rep.ByType)
	}
	if rep.ByYear[2019] != 4 || rep.ByYear[2026] != 1 {
		t.Errorf("per year: %v", rep.ByYear)
	}
	if rep.NotRecords != 1 {
		t.Errorf("%d rows that are not records, want 1 (the signature line)", rep.NotRecords)
	}
	if rep.Legacy15 != 1 {
		t.Errorf("%d old 15-digit numbers, want 1", rep.Legacy15)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0] != "填表说明" {
		t.Errorf("skipped sheets: %v", rep.Skipped)
	}
	var got []string
	for _, x := range rep.Rejections {
		got = append(got, fmt.Sprintf("%s:%d:%s", x.Sheet, x.Line, x.Reason))
	}
	for i, want := range m.wantRejections {
		sheetLine := want[:strings.LastIndex(want, ":")+1]
		if i >= len(got) || !strings.HasPrefix(got[i], sheetLine) || !strings.Contains(got[i], want[len(sheetLine):]) {
			t.Errorf("rejection %d: want %q, have\n%s", i, want, strings.Join(got, "\n"))
			break
		}
	}
	if rep.RejectedFile != RejectedPath(m.path) {
		t.Errorf("rejected rows written to %q", rep.RejectedFile)
	}
	text := rep.String()
	for _, want := range []string{"读到 12 行", "不能导入 7 行", "5 份  居民在社区居住证明", "2019 年 4 份", "15 位老身份证号", "第 16 行"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
}

// stateOf is the ledger's event count and head hash.
func stateOf(t *testing.T, db *store.DB) string {
	t.Helper()
	n, head, err := db.VerifyChain()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%d %s %d", n, head, st.Size())
}

// Once every row is read, an import says so (done == total) before it
// writes the file, which on an old PC's disk takes seconds: the screen
// then says it is writing rather than standing at 99%.
func TestProgressReachesTheEndBeforeTheCommit(t *testing.T) {
	dir := t.TempDir()
	db, _ := newLedger(t, dir, store.Options{})
	m := writeMessy(t, dir)
	opt := options(t, true)
	endBeforeCommit := false
	opt.Progress = func(done, total int) {
		if done == total && db.CertCount() == 0 {
			endBeforeCommit = true
		}
	}
	if _, err := Import(db, m.path, opt); err != nil {
		t.Fatal(err)
	}
	if !endBeforeCommit || db.CertCount() != m.wantValid {
		t.Fatalf("progress reached its end before the commit: %v; %d certificates", endBeforeCommit, db.CertCount())
	}
}
