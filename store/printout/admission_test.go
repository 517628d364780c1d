package printout

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"

	"github.com/xuri/excelize/v2"
)

func testAdmission() store.Admission {
	return store.Admission{
		ID: 7, Unit: "长治市民政局", CreditCode: "91350100M000100Y43", UnitLevel: store.UnitCityLevel,
		Scope: store.ScopeThis, Item: "困难群众救助对象入户核查", Kind: store.KindWork,
		Basis: "《社会救助暂行办法》第十一条、《山西省最低生活保障条例》", AppliedOn: "2026-11-29",
		Term: store.TermTemporary, From: "2026-11", To: "2026-12",
		Powers: strings.Repeat("入户核查、邻里走访并出具核查意见的权限；", 6), Funding: "每户核查补助50元，由市民政局按季度拨付",
		LetterContent:   "对辖区内申请救助的家庭开展入户核查。\n核查结果报街道办事处汇总。",
		LetterNecessity: "救助对象动态管理需要社区掌握的实际情况。",
		LetterSchedule:  "2026年11月至12月。\n每月25日前报送当月核查结果。",
		LetterStaffing:  "社区网格员2名。",
		LetterFunding:   "核查补助由市民政局拨付。",
		LetterPowers:    "入户核查、出具核查意见。",
		Status:          store.AdmCity,
		CountyOpinion:   &store.Opinion{Text: "同意，报市社区建设领导小组办公室审批。", Date: "2026-12-05"},
		CityOpinion:     &store.Opinion{Text: "同意准入。", Date: "2026-12-08"},
		Created:         time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
		Updated:         time.Date(2026, 12, 8, 15, 0, 0, 0, time.UTC),
		OperatorName:    "王晓红",
	}
}

// admSheet is one sheet of a saved admission printout, read back.
type admSheet struct {
	f     *excelize.File
	name  string
	cells map[string]string
}

func readAdmSheet(t *testing.T, f *excelize.File, name string) admSheet {
	t.Helper()
	rows, err := f.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	s := admSheet{f: f, name: name, cells: map[string]string{}}
	for r, row := range rows {
		for c, v := range row {
			if v != "" {
				s.cells[cell(c+1, r+1)] = v
			}
		}
	}
	return s
}

// at returns the cell in column col (0: any) holding exactly v; in column
// A, the labels, line breaks are ignored.
func (s admSheet) at(col int, v string) (c, r int) {
	for k, val := range s.cells {
		if val != v && (col != 1 || strings.ReplaceAll(val, "\n", "") != v) {
			continue
		}
		cc, rr, _ := excelize.CellNameToCoordinates(k)
		if col == 0 || cc == col {
			return cc, rr
		}
	}
	return 0, 0
}

func (s admSheet) get(col, row int) string { return s.cells[cell(col, row)] }

func (s admSheet) merged(t *testing.T, from, to string) bool {
	t.Helper()
	ms, err := s.f.GetMergeCells(s.name)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.GetStartAxis() == from && m.GetEndAxis() == to {
			return true
		}
	}
	return false
}

func saveAdmission(t *testing.T, a store.Admission) (*excelize.File, string) {
	t.Helper()
	path, err := SaveAdmission(filepath.Join(t.TempDir(), FolderName), testProfile(), a)
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

func TestAdmissionForm(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	a := testAdmission()
	f, path := saveAdmission(t, a)
	if got := filepath.Base(path); got != "准入审批表_长治市民政局_困难群众救助对象入户核查.xlsx" {
		t.Errorf("file name %q", got)
	}
	again, err := SaveAdmission(filepath.Dir(path), testProfile(), a)
	if err != nil || filepath.Base(again) != "准入审批表_长治市民政局_困难群众救助对象入户核查_2.xlsx" {
		t.Errorf("second save %q (%v)", again, err)
	}
	if got := f.GetSheetList(); !slices.Equal(got, []string{FormSheet, LetterSheet}) {
		t.Fatalf("sheets %v", got)
	}
	s := readAdmSheet(t, f, FormSheet)

	if s.get(1, 1) != "附件5" {
		t.Errorf("annex line %q", s.get(1, 1))
	}
	tc, tr := s.at(0, cat.ApprovalForm.Title)
	if tc != 1 || cat.ApprovalForm.Title != "长治市部门工作进社区准入审批表" {
		t.Fatalf("title %q not in column A: %v", cat.ApprovalForm.Title, s.cells)
	}
	if !s.merged(t, cell(1, tr), cell(formCols, tr)) {
		t.Errorf("title not merged across A:C")
	}
	sid, _ := f.GetCellStyle(FormSheet, cell(1, tr))
	if st, _ := f.GetStyle(sid); st.Font == nil || !st.Font.Bold || st.Font.Family != "宋体" || st.Font.Size < 18 || st.Alignment.Horizontal != "center" {
		t.Errorf("title style %+v", st.Font)
	}

	// Every label in column A, its value merged across B:C on the label's row.
	values := map[string]string{
		"申请单位（盖章）":         "长治市民政局\n统一社会信用代码：91350100M000100Y43",
		"申请准入社区":           "英雄南路社区居民委员会",
		"申请准入事务或工作项目":      "困难群众救助对象入户核查（工作事项）",
		"申请准入依据":           a.Basis,
		"申请准入时间":           "2026年11月29日",
		"下放给社区的权限":         a.Powers,
		"划拨给社区的工作经费及相关保障":  a.Funding,
		"县（市、区）社区建设领导机构意见": "同意，报市社区建设领导小组办公室审批。",
		"长治市社区建设领导小组办公室意见": "同意准入。",
	}
	prev := tr
	for _, fd := range cat.ApprovalForm.Fields {
		_, r := s.at(1, fd.Label)
		if r == 0 {
			t.Errorf("label %q not in column A", fd.Label)
			continue
		}
		if r <= prev {
			t.Errorf("label %q at row %d, not after row %d", fd.Label, r, prev)
		}
		prev = r
		want, ok := values[fd.Label]
		if !ok {
			continue
		}
		if got := s.get(2, r); got != want {
			t.Errorf("%s: value %q, want %q", fd.Label, got, want)
		}
		if !s.merged(t, cell(2, r), cell(formCols, r)) {
			t.Errorf("%s: value not merged across B:C", fd.Label)
		}
		delete(values, fd.Label)
	}
	if len(values) != 0 {
		t.Errorf("labels missing from the catalog's rows: %v", values)
	}

	// A label over several rows is merged down column A.
	_, ur := s.at(1, "申请单位（盖章）")
	if !s.merged(t, cell(1, ur), cell(1, ur+1)) || s.get(2, ur+1) != "（盖章）" {
		t.Errorf("unit block: seal row %q", s.get(2, ur+1))
	}

	// Terms: 临时性 ticked with its months, the others blank.
	terms := map[string]string{
		"☑临时性": "从 2026 年 11 月 到 2026 年 12 月",
		"☐阶段性": "从　　年　　月 到　　年　　月",
		"☐长期":  "从　　年　　月起",
	}
	for box, span := range terms {
		c, r := s.at(2, box)
		if c == 0 {
			t.Errorf("no %s in column B", box)
			continue
		}
		if got := s.get(3, r); got != span {
			t.Errorf("%s: %q, want %q", box, got, span)
		}
	}
	for _, bad := range []string{"☐临时性", "☑阶段性", "☑长期"} {
		if c, _ := s.at(0, bad); c != 0 {
			t.Errorf("%s printed", bad)
		}
	}

	// Opinions: text, seal, date in Chinese form.
	for label, date := range map[string]string{"县（市、区）社区建设领导机构意见": "2026年12月5日", "长治市社区建设领导小组办公室意见": "2026年12月8日"} {
		_, r := s.at(1, label)
		if s.get(2, r+1) != "（盖章）" || s.get(2, r+2) != date {
			t.Errorf("%s: seal %q, date %q, want %q", label, s.get(2, r+1), s.get(2, r+2), date)
		}
		if !s.merged(t, cell(1, r), cell(1, r+2)) {
			t.Errorf("%s: label not merged over its three rows", label)
		}
		id, _ := f.GetCellStyle(FormSheet, cell(2, r+2))
		if st, _ := f.GetStyle(id); st.Alignment == nil || st.Alignment.Horizontal != "right" {
			t.Errorf("%s: date not right-aligned", label)
		}
	}

	// Single-line cells get single-line rows.
	for _, box := range []string{"☑临时性", "☐阶段性"} {
		_, r := s.at(2, box)
		if h, _ := f.GetRowHeight(FormSheet, r); h != rowHeight(1, formBodySize) {
			t.Errorf("%s row %v pt tall, want one line", box, h)
		}
	}

	// Long values wrap and their rows are tall enough.
	_, pr := s.at(1, "下放给社区的权限")
	h, _ := f.GetRowHeight(FormSheet, pr)
	if want := rowHeight(len(wrap(a.Powers, spanEmForm(2, formCols)-1)), formBodySize); h < want || h < 2*lineHeight(formBodySize) {
		t.Errorf("powers row %v pt, want at least %v", h, want)
	}
	id, _ := f.GetCellStyle(FormSheet, cell(2, pr))
	if st, _ := f.GetStyle(id); !st.Alignment.WrapText || st.Font.Size != 12 || st.Font.Family != "宋体" {
		t.Errorf("value style %+v %+v", st.Alignment, st.Font)
	}

	// The labels are the reference's, not the seed's 长沙 nor a shortened 市….
	if c, _ := s.at(1, "市社区建设领导小组办公室意见"); c != 0 {
		t.Error("city opinion row labelled 市社区建设领导小组办公室意见")
	}

	// The notes as the catalog gives them, after the grid, and nothing after
	// them: no footer repeating 备注3.
	nc, nr := s.at(1, "备注：")
	if nc == 0 || nr <= prev {
		t.Errorf("备注 at row %d, grid ends at %d", nr, prev)
	}
	for i, n := range cat.ApprovalForm.Notes {
		want := []string{"1．", "2．", "3．"}[i] + n
		if _, r := s.at(1, want); r != nr+1+i {
			t.Errorf("note %d at row %d, want %d: %q", i+1, r, nr+1+i, want)
		}
	}
	if len(cat.ApprovalForm.Notes) != 3 || !strings.HasSuffix(cat.ApprovalForm.Notes[2], "本表连同申请书一式三份。") {
		t.Errorf("catalog notes %q", cat.ApprovalForm.Notes)
	}
	copies := 0
	for k, v := range s.cells {
		if strings.Contains(v, "一式三份") {
			copies++
		}
		if _, r, _ := excelize.CellNameToCoordinates(k); r > nr+len(cat.ApprovalForm.Notes) {
			t.Errorf("%s after the notes: %q", k, v)
		}
	}
	if copies != 1 {
		t.Errorf("一式三份 printed %d times, want once (备注3)", copies)
	}

	// Page: A4 portrait, one page wide and tall.
	pl, err := f.GetPageLayout(FormSheet)
	if err != nil || *pl.Size != 9 || *pl.Orientation != "portrait" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 1 {
		t.Errorf("form page layout %+v (%v)", pl, err)
	}
	if sp, err := f.GetSheetProps(FormSheet); err != nil || sp.FitToPage == nil || !*sp.FitToPage {
		t.Errorf("form: fit to page not set (%v)", err)
	}
	if pm, err := f.GetPageMargins(FormSheet); err != nil || *pm.Left < 0.7 || *pm.Left > 0.9 {
		t.Errorf("form margins (%v)", err)
	}
	props, err := f.GetDocProps()
	if err != nil || props.Creator != "英雄南路社区居民委员会" || !strings.HasPrefix(props.Title, cat.ApprovalForm.Title) {
		t.Errorf("doc props %+v (%v)", props, err)
	}
	areas := map[string]string{}
	for _, dn := range f.GetDefinedName() {
		areas[dn.Scope] = dn.RefersTo
	}
	if !strings.HasPrefix(areas[FormSheet], "'审批表'!$A$1:$C$") || !strings.HasPrefix(areas[LetterSheet], "'申请书'!$A$1:$A$") {
		t.Errorf("print areas %v", areas)
	}

	// The letter.
	l := readAdmSheet(t, f, LetterSheet)
	if l.get(1, 1) != "关于申请困难群众救助对象入户核查准入社区的申请书" {
		t.Errorf("letter title %q", l.get(1, 1))
	}
	if _, r := l.at(1, "长治市社区建设领导小组办公室："); r == 0 {
		t.Error("letter not addressed to 长治市社区建设领导小组办公室")
	}
	last := 0
	for _, head := range letterHeads {
		_, r := l.at(1, indent+head)
		if r <= last {
			t.Errorf("heading %q at row %d, after %d", head, r, last)
		}
		last = r
	}
	_, h1 := l.at(1, indent+"一、准入事项的内容")
	_, p1 := l.at(1, indent+"对辖区内申请救助的家庭开展入户核查。")
	_, p2 := l.at(1, indent+"核查结果报街道办事处汇总。")
	_, h2 := l.at(1, indent+"二、必要性")
	if !(h1 < p1 && p1+1 == p2 && p2 < h2) {
		t.Errorf("content paragraphs at rows %d, %d between headings %d and %d", p1, p2, h1, h2)
	}
	_, s1 := l.at(1, indent+"每月25日前报送当月核查结果。")
	if s1 == 0 {
		t.Error("second schedule paragraph missing")
	}
	_, ur = l.at(1, "长治市民政局")
	_, dr := l.at(1, "2026年11月29日")
	if ur <= last || dr != ur+1 {
		t.Errorf("unit row %d, date row %d, last heading %d", ur, dr, last)
	}
	for _, r := range []int{ur, dr} {
		id, _ := f.GetCellStyle(LetterSheet, cell(1, r))
		if st, _ := f.GetStyle(id); st.Alignment == nil || st.Alignment.Horizontal != "right" {
			t.Errorf("letter row %d not right-aligned", r)
		}
	}
	pl, err = f.GetPageLayout(LetterSheet)
	if err != nil || *pl.Size != 9 || *pl.Orientation != "portrait" || pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
		t.Errorf("letter page layout %+v (%v)", pl, err)
	}
	if sp, err := f.GetSheetProps(LetterSheet); err != nil || sp.FitToPage == nil || !*sp.FitToPage {
		t.Errorf("letter: fit to page not set (%v)", err)
	}
}

// spanEmForm is the width of columns from..to of the form in ems of its body.
func spanEmForm(from, to int) float64 {
	w := newSheetWriter(nil, FormSheet, formLabelWidth, formBoxWidth, formRestWidth)
	return w.em(from, to, formBodySize)
}

func TestAdmissionDraftLongTerm(t *testing.T) {
	a := store.Admission{
		Unit: "潞州区退役军人事务局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeCounty,
		Item: "退役军人信息采集", Kind: store.KindCertificate, Term: store.TermLong, From: "2027-1",
		LetterContent: "采集辖区退役军人基本信息。", Status: store.AdmDraft,
	}
	f, path := saveAdmission(t, a)
	if got := filepath.Base(path); got != "准入审批表_潞州区退役军人事务局_退役军人信息采集.xlsx" {
		t.Errorf("file name %q", got)
	}
	s := readAdmSheet(t, f, FormSheet)
	if _, r := s.at(2, "潞州区辖区内社区"); r == 0 {
		t.Error("county scope not named after the county")
	}
	if _, r := s.at(2, "退役军人信息采集（证明事项）"); r == 0 {
		t.Error("item with its kind missing")
	}
	for box, span := range map[string]string{
		"☐临时性": "从　　年　　月 到　　年　　月",
		"☐阶段性": "从　　年　　月 到　　年　　月",
		"☑长期":  "从 2027 年 1 月起",
	} {
		_, r := s.at(2, box)
		if r == 0 || s.get(3, r) != span {
			t.Errorf("%s: %q, want %q", box, s.get(3, r), span)
		}
	}
	_, tr := s.at(1, "申请准入时间")
	if v := s.get(2, tr); v != "" {
		t.Errorf("empty 申请准入时间 printed as %q", v)
	}
	for _, label := range []string{"县（市、区）社区建设领导机构意见", "长治市社区建设领导小组办公室意见"} {
		_, r := s.at(1, label)
		if r == 0 {
			t.Fatalf("no %s", label)
		}
		if s.get(2, r) != "" || s.get(2, r+1) != "（盖章）" || s.get(2, r+2) != blankDate {
			t.Errorf("%s: %q / %q / %q", label, s.get(2, r), s.get(2, r+1), s.get(2, r+2))
		}
	}
	l := readAdmSheet(t, f, LetterSheet)
	if _, r := l.at(1, "潞州区社区建设工作领导机构："); r == 0 {
		t.Error("letter not addressed to the county's own body")
	}
	for _, head := range letterHeads {
		if _, r := l.at(1, indent+head); r == 0 {
			t.Errorf("heading %q missing from a draft", head)
		}
	}
	if _, r := l.at(1, blankDate); r == 0 {
		t.Error("letter date not left blank")
	}
}

func TestAdmissionBlankForm(t *testing.T) {
	f, err := Admission(store.Profile{}, store.Admission{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := AdmissionFileBase(store.Admission{Unit: `a/b:c`, Item: " ."}); got != "准入审批表_abc" {
		t.Errorf("file base %q", got)
	}
}

func TestBalanceLabels(t *testing.T) {
	width := newSheetWriter(nil, FormSheet, formLabelWidth).em(1, 1, formBodySize)
	for in, want := range map[string]string{
		"申请单位（盖章）":         "申请单位（盖章）",
		"申请准入事务或工作项目":      "申请准入事务\n或工作项目",
		"县（市、区）社区建设领导机构意见": "县（市、区）社区\n建设领导机构意见",
		"长治市社区建设领导小组办公室意见": "长治市社区建设领\n导小组办公室意见",
	} {
		if got := balance(in, width); got != want {
			t.Errorf("balance(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAdmissionLongLetter(t *testing.T) {
	a := testAdmission()
	a.LetterNecessity = strings.Repeat("社区掌握困难家庭的实际情况，能够及时发现和核实变化，", 70)
	f, err := Admission(testProfile(), a)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(LetterSheet)
	var body strings.Builder
	n := 0
	for i, r := range rows {
		if len(r) > 0 && strings.Contains(r[0], "社区掌握困难家庭") {
			body.WriteString(r[0])
			n++
			if h, _ := f.GetRowHeight(LetterSheet, i+1); h > maxRowHeight {
				t.Errorf("row %d is %v pt tall", i+1, h)
			}
		}
	}
	if n < 2 || body.String() != indent+a.LetterNecessity {
		t.Errorf("long paragraph in %d rows, text kept: %v", n, body.String() == indent+a.LetterNecessity)
	}
}
