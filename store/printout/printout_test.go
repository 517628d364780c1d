package printout

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"

	"github.com/xuri/excelize/v2"
)

const testID = "14040319900307122X" // valid, check digit X, female

func testProfile() store.Profile {
	return store.Profile{
		Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403", CountyName: "潞州区",
		SerialPrefix: "长英南", Phone: "0355-2021234",
	}
}

func testCert() store.Certificate {
	return store.Certificate{
		ID: 1, Serial: "2026-0001", Year: 2026, No: 1, TypeNo: 3, TypeName: "居民在社区居住证明",
		Name: "𠮷丽娜", IDNumber: testID, Sex: "女", Birth: "1990-03-07",
		Address: "长治市潞州区英雄南路12号院3单元201室", Purpose: "办理子女入学手续。",
		Recipient: "长治市潞州区教育局", Verified: "自2019年3月起在此居住至今",
		Copies: 2, IssueDate: "2026-11-29", Issued: time.Date(2026, 11, 29, 9, 30, 0, 0, store.Beijing),
		OperatorName: "王晓红", Status: store.Valid,
	}
}

func template(t *testing.T, no int) assets.CertTemplate {
	t.Helper()
	m, err := assets.CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	return m[no]
}

// sheetText returns every non-empty cell value by its cell name.
func sheetText(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for r, row := range rows {
		for c, v := range row {
			if v != "" {
				out[cell(c+1, r+1)] = v
			}
		}
	}
	return out
}

// find returns the cell whose value satisfies ok.
func find(cells map[string]string, ok func(string) bool) (string, string) {
	for k, v := range cells {
		if ok(v) {
			return k, v
		}
	}
	return "", ""
}

func saveAndOpen(t *testing.T, c store.Certificate, tp assets.CertTemplate) (*excelize.File, string) {
	t.Helper()
	path, err := SaveCertificate(filepath.Join(t.TempDir(), FolderName), testProfile(), c, tp)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, path
}

func TestCertificateSheet(t *testing.T) {
	if _, err := idcard.Parse(testID, time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("test ID number invalid: %v", err)
	}
	c := testCert()
	f, path := saveAndOpen(t, c, template(t, 3))
	if got := filepath.Base(path); got != "2026-0001_居住证明_𠮷丽娜.xlsx" {
		t.Errorf("file name %q", got)
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o700) {
		t.Errorf("print folder: %v %v", info.Mode(), err)
	}
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != SheetName {
		t.Errorf("sheets %v", sheets)
	}
	cells := sheetText(t, f)

	if cells["A1"] != "居住证明" {
		t.Errorf("title %q", cells["A1"])
	}
	if _, v := find(cells, func(s string) bool { return strings.HasPrefix(s, "编号：") }); v != "编号：长英南2026-0001" {
		t.Errorf("serial %q", v)
	}
	if _, v := find(cells, func(s string) bool { return s == "长治市潞州区教育局：" }); v == "" {
		t.Error("no salutation to the receiving unit")
	}
	bodyCell, body := find(cells, func(s string) bool { return strings.Contains(s, "兹证明") })
	if !strings.HasPrefix(body, "　　兹证明𠮷丽娜") {
		t.Errorf("body does not open with the indent and the name: %q", body)
	}
	for _, want := range []string{c.Name, testID, "性别：女", c.Address, "用于办理子女入学手续。", "系我社区居民。自2019年3月起在此居住至今。"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q: %q", want, body)
		}
	}
	if strings.Contains(body, "。。") {
		t.Errorf("doubled full stop: %q", body)
	}
	if _, v := find(cells, func(s string) bool { return s == Closing }); v == "" {
		t.Error("no 特此证明")
	}
	committee, _ := find(cells, func(s string) bool { return s == "英雄南路社区居民委员会" })
	date, _ := find(cells, func(s string) bool { return s == "2026年11月29日" })
	if committee == "" || date == "" {
		t.Fatalf("committee %q / date %q missing: %v", committee, date, cells)
	}
	rowOf := func(cellName string) int { _, r, _ := excelize.CellNameToCoordinates(cellName); return r }
	_, bodyRow, _ := excelize.CellNameToCoordinates(bodyCell)
	if !(bodyRow < rowOf(committee) && rowOf(committee)+1 == rowOf(date)) {
		t.Errorf("order: body row %d, committee %s, date %s", bodyRow, committee, date)
	}
	for _, cn := range []string{committee, date} {
		id, _ := f.GetCellStyle(SheetName, cn)
		st, _ := f.GetStyle(id)
		if st.Alignment == nil || st.Alignment.Horizontal != "right" {
			t.Errorf("%s not right-aligned", cn)
		}
	}
	if _, v := find(cells, func(s string) bool { return strings.HasPrefix(s, "经办人：") }); v != "经办人：王晓红　　联系电话：0355-2021234　　本证明共 2 份　　涂改无效" {
		t.Errorf("footer %q", v)
	}

	// The ID number stands alone in a text cell formatted "@".
	idCell, _ := find(cells, func(s string) bool { return s == testID })
	if idCell == "" {
		t.Fatal("no cell holds the ID number alone")
	}
	typ, err := f.GetCellType(SheetName, idCell)
	if err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
		t.Errorf("ID cell %s type %v (%v)", idCell, typ, err)
	}
	if v, _ := f.GetCellValue(SheetName, idCell); len(v) != 18 || v != testID {
		t.Errorf("ID cell value %q", v)
	}
	if sid, _ := f.GetCellStyle(SheetName, idCell); true {
		st, _ := f.GetStyle(sid)
		if st == nil || st.NumFmt != 49 {
			t.Errorf("ID cell number format %+v, want 49 (@)", st)
		}
	}
	if _, v := find(cells, func(s string) bool { return s == "𠮷丽娜" }); v == "" {
		t.Error("name not in the detail table")
	}

	// Page: A4 portrait, one page wide and tall.
	pl, err := f.GetPageLayout(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if *pl.Size != 9 || *pl.Orientation != "portrait" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 1 {
		t.Errorf("page layout %d %s %v %v", *pl.Size, *pl.Orientation, pl.FitToWidth, pl.FitToHeight)
	}
	sp, err := f.GetSheetProps(SheetName)
	if err != nil || sp.FitToPage == nil || !*sp.FitToPage {
		t.Errorf("fit to page not set: %v", err)
	}
	pm, err := f.GetPageMargins(SheetName)
	if err != nil || *pm.Left < 0.7 || *pm.Left > 0.9 || *pm.Top < 0.9 || *pm.Top > 1.1 {
		t.Errorf("margins %v %v (%v)", *pm.Left, *pm.Top, err)
	}

	// The body is merged across the block, wrapped and tall enough.
	merges, err := f.GetMergeCells(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range merges {
		if m.GetStartAxis() == bodyCell && m.GetEndAxis() == cell(cols, bodyRow) {
			found = true
		}
	}
	if !found {
		t.Errorf("body %s not merged across A:%s: %v", bodyCell, lastCol, merges)
	}
	sid, _ := f.GetCellStyle(SheetName, bodyCell)
	if st, _ := f.GetStyle(sid); st.Alignment == nil || !st.Alignment.WrapText || st.Alignment.Vertical != "top" || st.Font == nil || st.Font.Family != "宋体" || st.Font.Size != 14 {
		t.Errorf("body style %+v %+v", st.Alignment, st.Font)
	}
	h, _ := f.GetRowHeight(SheetName, bodyRow)
	if want := float64(len(wrap(body, spanEm(1, cols, bodySize))))*lineHeight(bodySize) + rowPad; h < want || h < 3*lineHeight(bodySize) {
		t.Errorf("body row height %v, want %v", h, want)
	}
	tid, _ := f.GetCellStyle(SheetName, "A1")
	if st, _ := f.GetStyle(tid); st.Font == nil || st.Font.Size != 22 || !st.Font.Bold || st.Alignment.Horizontal != "center" {
		t.Errorf("title style %+v", st.Font)
	}

	props, err := f.GetDocProps()
	if err != nil || props.Creator != "英雄南路社区居民委员会" || props.Title != "居住证明 长英南2026-0001" {
		t.Errorf("doc props %+v (%v)", props, err)
	}
	if dn := f.GetDefinedName(); len(dn) != 1 || dn[0].Name != "_xlnm.Print_Area" || !strings.HasPrefix(dn[0].RefersTo, "'证明'!$A$1:$H$") {
		t.Errorf("print area %+v", dn)
	}
}

func TestChineseDateUnpadded(t *testing.T) {
	c := testCert()
	c.IssueDate = "2026-01-05"
	f, err := Certificate(testProfile(), c, template(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if cn, _ := find(sheetText(t, f), func(s string) bool { return s == "2026年1月5日" }); cn == "" {
		t.Error("date not printed as 2026年1月5日")
	}
}

func TestRefused(t *testing.T) {
	c := testCert()
	c.Status = store.Voided
	var ve *VoidedError
	if _, err := Certificate(testProfile(), c, template(t, 3)); !errors.As(err, &ve) || !strings.Contains(err.Error(), "长英南2026-0001") {
		t.Errorf("voided certificate: %v", err)
	}
	c = testCert()
	c.IssueDate = "2026/11/29"
	var de *DateError
	if _, err := Certificate(testProfile(), c, template(t, 3)); !errors.As(err, &de) {
		t.Errorf("bad date: %v", err)
	}
}

func TestReprintNewName(t *testing.T) {
	dir := t.TempDir()
	c := testCert()
	var paths []string
	for range 3 {
		p, err := SaveCertificate(dir, testProfile(), c, template(t, 3))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(p))
	}
	want := []string{"2026-0001_居住证明_𠮷丽娜.xlsx", "2026-0001_居住证明_𠮷丽娜_2.xlsx", "2026-0001_居住证明_𠮷丽娜_3.xlsx"}
	for i := range want {
		if paths[i] != want[i] {
			t.Errorf("print %d saved as %q, want %q", i+1, paths[i], want[i])
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{`a\b/c:d*e?f"g<h>i|j`, "abcdefghij"},
		{"王\x00五\t六\u200b七\r\n", "王五 六七"},
		{"  ..李四.. ", "李四"},
		{"住所（经营场所）证明", "住所（经营场所）证明"},
		{"𠮷", "𠮷"},
		{strings.Repeat("长", 50), strings.Repeat("长", 40)},
	}
	for _, tt := range tests {
		if got := SafeName(tt.in); got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	c := testCert()
	c.Name = `赵/六:"?`
	if got := FileBase(c, "居住证明"); got != "2026-0001_居住证明_赵六" {
		t.Errorf("FileBase %q", got)
	}
	c.Name = "<>"
	if got := FileBase(c, "居住证明"); got != "2026-0001_居住证明" {
		t.Errorf("FileBase without a usable name %q", got)
	}
}

func TestEveryTemplatePrints(t *testing.T) {
	m, err := assets.CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for no, tp := range m {
		c := testCert()
		c.TypeNo = no
		if no == 0 {
			c.TypeName, c.AdmissionID = "老年人优待", 7
		}
		f, err := Certificate(testProfile(), c, tp)
		if err != nil {
			t.Errorf("type %d: %v", no, err)
			continue
		}
		cells := sheetText(t, f)
		want := tp.Short
		if no == 0 {
			want = "老年人优待证明"
		}
		if cells["A1"] != want {
			t.Errorf("type %d title %q, want %q", no, cells["A1"], want)
		}
		_, body := find(cells, func(s string) bool { return strings.HasPrefix(s, indent) && strings.Contains(s, testID) })
		if body == "" || strings.Contains(body, "<no value>") {
			t.Errorf("type %d body %q", no, body)
		}
		if no == 0 && !strings.Contains(body, "出具老年人优待证明") {
			t.Errorf("generic body %q", body)
		}
		f.Close()
	}
}

func TestLongBodySplitsRows(t *testing.T) {
	c := testCert()
	c.Verified = strings.Repeat("该居民长期在本社区居住，邻里关系和睦，积极参加社区活动", 30)
	f, err := Certificate(testProfile(), c, template(t, 3))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(SheetName)
	var body strings.Builder
	n := 0
	for i, r := range rows {
		if len(r) > 0 && (strings.Contains(r[0], "该居民长期") || strings.Contains(r[0], "兹证明")) {
			body.WriteString(r[0])
			n++
			if h, _ := f.GetRowHeight(SheetName, i+1); h > maxRowHeight {
				t.Errorf("row %d is %v pt tall", i+1, h)
			}
		}
	}
	if n < 2 {
		t.Fatalf("long body in %d rows", n)
	}
	if !strings.Contains(body.String(), c.Verified) || !strings.HasSuffix(body.String(), "此证明用于办理子女入学手续。") {
		t.Errorf("body lost text across rows: %q", body.String())
	}
}

func TestWrap(t *testing.T) {
	// An ID number is never split, and a comma never starts a line.
	s := "兹证明张三（身份证号：" + testID + "），住长治市。"
	for width := 8.0; width <= 30; width++ {
		for _, line := range wrap(s, width) {
			if strings.HasPrefix(line, "，") || strings.HasPrefix(line, "）") || strings.HasPrefix(line, "。") {
				t.Errorf("width %v: line starts with a sign: %q", width, line)
			}
		}
		if got := strings.Join(wrap(s, width), ""); got != s {
			t.Errorf("width %v: wrap lost text: %q", width, got)
		}
		if width >= 12 && !strings.Contains(strings.Join(wrap(s, width), "\n"), testID) {
			t.Errorf("width %v: ID number split", width)
		}
	}
	if n := len(wrap(strings.Repeat("字", 62), 31)); n != 2 {
		t.Errorf("62 characters at 31 a line: %d lines", n)
	}
	if n := len(wrap("", 31)); n != 1 {
		t.Errorf("empty text: %d lines", n)
	}
}

func TestPrintDir(t *testing.T) {
	got := PrintDir(filepath.Join("data", "taizhang.db"))
	if got != filepath.Join("data", "打印") {
		t.Errorf("PrintDir = %q", got)
	}
}

func TestOpen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("opener tests use a stand-in xdg-open")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a b.xlsx")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var oe *OpenError

	if err := Open(filepath.Join(dir, "missing.xlsx")); !errors.As(err, &oe) {
		t.Errorf("missing file: %v", err)
	}

	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	if err := Open(file); !errors.As(err, &oe) || !oe.NoDesktop || !strings.Contains(err.Error(), "手动打开") {
		t.Errorf("no desktop: %v", err)
	}

	t.Setenv("DISPLAY", ":0")
	t.Setenv("PATH", t.TempDir())
	if err := Open(file); !errors.As(err, &oe) || err.Error() != "没有找到打开文件的程序（xdg-open），请到打印文件夹中手动打开："+file {
		t.Errorf("no opener: %v", err)
	}

	bin := t.TempDir()
	got := filepath.Join(dir, "opened")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > '" + got + "'\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	if err := Open(file); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(got); err == nil && len(b) > 0 {
			if string(b) != file {
				t.Errorf("opener got %q, want %q", b, file)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("opener was not run")
}
