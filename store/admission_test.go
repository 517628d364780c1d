package store

import (
	"errors"
	"strings"
	"testing"
	"time"

	"taizhang/store/creditcode"
)

// creditCode builds a valid unified social credit code from its first 17
// characters by finding the one check character Check accepts.
func creditCode(t testing.TB, first17 string) string {
	t.Helper()
	for _, c := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		if creditcode.Check(first17+string(c)) == nil {
			return first17 + string(c)
		}
	}
	t.Fatalf("no check character makes %s a valid code", first17)
	return ""
}

// fullAdmission is a complete application of a county-level unit for a
// 临时性 certificate item running 2026-11..2026-12.
func fullAdmission(t testing.TB) Admission {
	return Admission{
		Unit:            "潞州区民政局",
		CreditCode:      creditCode(t, "11140403012345678"),
		UnitLevel:       UnitCountyLevel,
		Scope:           ScopeCounty,
		Item:            "高龄津贴申领生存状况证明",
		Kind:            KindCertificate,
		Basis:           "《山西省老年人权益保障条例》",
		AppliedOn:       "2026-08-10",
		Term:            TermTemporary,
		From:            "2026-11",
		To:              "2026-12",
		Powers:          "无",
		Funding:         "每份证明补助工作经费5元",
		LetterContent:   "请社区为辖区高龄老人出具生存状况证明。",
		LetterNecessity: "年度津贴发放前须核实。",
		LetterSchedule:  "2026年11月至12月。",
		LetterStaffing:  "社区工作者1名。",
		LetterFunding:   "区财政按件拨付。",
		LetterPowers:    "无",
	}
}

func cityAdmission(t testing.TB) Admission {
	a := fullAdmission(t)
	a.Unit, a.UnitLevel, a.Scope = "长治市卫生健康委员会", UnitCityLevel, ScopeCity
	a.CreditCode = creditCode(t, "11140400MB1234567")
	a.Item, a.Kind = "爱国卫生月入户宣传", KindWork
	return a
}

func fieldOf(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func TestValidateAdmissionFields(t *testing.T) {
	good := fullAdmission(t)
	if err := ValidateAdmission(good); err != nil {
		t.Fatalf("complete application refused: %v", err)
	}
	valid := creditCode(t, "12140403MB1234567")
	wrong := valid[:17] + "0"
	if wrong == valid {
		wrong = valid[:17] + "1"
	}
	cases := []struct {
		name  string
		field string // "" means valid
		edit  func(*Admission)
	}{
		{"no unit", FieldAdmUnit, func(a *Admission) { a.Unit = " " }},
		{"unit with zero-width space", FieldAdmUnit, func(a *Admission) { a.Unit = "潞州区\u200b民政局" }},
		{"credit code optional", "", func(a *Admission) { a.CreditCode = "" }},
		{"credit code valid", "", func(a *Admission) { a.CreditCode = valid }},
		{"credit code lower case, spaced", "", func(a *Admission) { a.CreditCode = " " + strings.ToLower(valid[:9]) + " " + strings.ToLower(valid[9:]) }},
		{"credit code check char", FieldAdmCreditCode, func(a *Admission) { a.CreditCode = wrong }},
		{"credit code short", FieldAdmCreditCode, func(a *Admission) { a.CreditCode = valid[:17] }},
		{"credit code letter O", FieldAdmCreditCode, func(a *Admission) { a.CreditCode = "O" + valid[1:] }},
		{"no unit level", FieldAdmUnitLevel, func(a *Admission) { a.UnitLevel = "" }},
		{"bad unit level", FieldAdmUnitLevel, func(a *Admission) { a.UnitLevel = "省级部门" }},
		{"no scope", FieldAdmScope, func(a *Admission) { a.Scope = "" }},
		{"county unit, whole city", FieldAdmScope, func(a *Admission) { a.Scope = ScopeCity }},
		{"no item", FieldAdmItem, func(a *Admission) { a.Item = "" }},
		{"no kind", FieldAdmKind, func(a *Admission) { a.Kind = "" }},
		{"no basis", FieldAdmBasis, func(a *Admission) { a.Basis = "" }},
		{"no applied on", FieldAdmAppliedOn, func(a *Admission) { a.AppliedOn = "" }},
		{"applied on not real", FieldAdmAppliedOn, func(a *Admission) { a.AppliedOn = "2026-02-30" }},
		{"applied on Chinese", "", func(a *Admission) { a.AppliedOn = "2026年11月20日" }},
		{"no term", FieldAdmTerm, func(a *Admission) { a.Term = "" }},
		{"temporary without from", FieldAdmFrom, func(a *Admission) { a.From = "" }},
		{"phased without to", FieldAdmTo, func(a *Admission) { a.Term, a.To = TermPhased, "" }},
		{"bad from", FieldAdmFrom, func(a *Admission) { a.From = "2026-13" }},
		{"to before from", FieldAdmTo, func(a *Admission) { a.From, a.To = "2026-12", "2026-3" }},
		{"same month", "", func(a *Admission) { a.From, a.To = "2026年12月", "202612" }},
		{"long with to", FieldAdmTo, func(a *Admission) { a.Term = TermLong }},
		{"long without to", "", func(a *Admission) { a.Term, a.To = TermLong, "" }},
		{"long without from", FieldAdmFrom, func(a *Admission) { a.Term, a.From, a.To = TermLong, "", "" }},
		{"no powers", FieldAdmPowers, func(a *Admission) { a.Powers = "" }},
		{"no funding", FieldAdmFunding, func(a *Admission) { a.Funding = "" }},
		{"funding 无", "", func(a *Admission) { a.Funding = "无" }},
		{"letter content", FieldLetterContent, func(a *Admission) { a.LetterContent = "" }},
		{"letter necessity", FieldLetterNeed, func(a *Admission) { a.LetterNecessity = "" }},
		{"letter schedule", FieldLetterSched, func(a *Admission) { a.LetterSchedule = "" }},
		{"letter staffing", FieldLetterStaff, func(a *Admission) { a.LetterStaffing = "" }},
		{"letter funding", FieldLetterFunding, func(a *Admission) { a.LetterFunding = "" }},
		{"letter powers", FieldLetterPowers, func(a *Admission) { a.LetterPowers = "" }},
		{"letter too long", FieldLetterContent, func(a *Admission) { a.LetterContent = strings.Repeat("字", 2001) }},
	}
	for _, c := range cases {
		a := fullAdmission(t)
		c.edit(&a)
		err := ValidateAdmission(a)
		if got := fieldOf(err); got != c.field || (c.field == "" && err != nil) {
			t.Errorf("%s: field %q (%v), want %q", c.name, got, err, c.field)
		}
		if err != nil && !strings.HasSuffix(err.Error(), "。") {
			t.Errorf("%s: message is not a sentence: %q", c.name, err)
		}
	}
}

func TestAdmissionWarnings(t *testing.T) {
	a := fullAdmission(t)
	if w := a.Warnings(); len(w) != 1 || !strings.Contains(w[0], "权随责走") {
		t.Errorf("powers 无: %v", w)
	}
	a.Funding = "无"
	if w := a.Warnings(); len(w) != 2 {
		t.Errorf("both 无: %v", w)
	}
}

func TestMonthAndDateNormalisation(t *testing.T) {
	months := map[string]string{
		"2026-03": "2026-03", "2026-3": "2026-03", "2026年3月": "2026-03", "202603": "2026-03",
		" 2026 年 3 月 ": "2026-03", "2026/3": "2026-03", "2026.12": "2026-12", "２０２６年３月": "2026-03",
	}
	for in, want := range months {
		if got, ok := NormalizeMonth(in); !ok || got != want {
			t.Errorf("month %q: %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"2026-13", "2026-0", "26-3", "2026", "2026-03-05", "三月", "1999-12"} {
		if got, ok := NormalizeMonth(in); ok {
			t.Errorf("month %q accepted as %q", in, got)
		}
	}
	dates := map[string]string{
		"2026-03-05": "2026-03-05", "2026-3-5": "2026-03-05", "2026年3月5日": "2026-03-05",
		"20260305": "2026-03-05", "2026/3/5": "2026-03-05", "2028-2-29": "2028-02-29",
	}
	for in, want := range dates {
		if got, ok := NormalizeDate(in); !ok || got != want {
			t.Errorf("date %q: %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"2026-02-29", "2026-4-31", "2026-3", "2026-3-5-1", "3/5/2026", ""} {
		if got, ok := NormalizeDate(in); ok {
			t.Errorf("date %q accepted as %q", in, got)
		}
	}
}

func TestSaveAdmissionDraft(t *testing.T) {
	db, op, _ := ledger(t)
	// An incomplete draft is fine; what can be read is normalised.
	d, err := db.SaveAdmissionDraft(op, Admission{Item: "  创卫 入户\u3000调查 ", From: "2026年3月", AppliedOn: "2026-3-5", To: "明年"})
	if err != nil {
		t.Fatal(err)
	}
	if d.ID == 0 || d.Status != AdmDraft || d.Item != "创卫 入户 调查" || d.From != "2026-03" || d.AppliedOn != "2026-03-05" || d.To != "明年" || d.OperatorName != "王丽" {
		t.Errorf("draft %+v", d)
	}
	// Update it.
	d.Unit = "潞州区卫健局"
	d2, err := db.SaveAdmissionDraft(op, d)
	if err != nil || d2.ID != d.ID || d2.Unit != "潞州区卫健局" || !d2.Created.Equal(d.Created) {
		t.Errorf("update: %+v %v", d2, err)
	}
	got, _ := db.Admission(d.ID)
	if got.Unit != "潞州区卫健局" || got.Item != d.Item {
		t.Errorf("read back %+v", got)
	}
	// A wrong credit code is refused even in a draft; an empty draft too.
	if _, err := db.SaveAdmissionDraft(op, Admission{Item: "某事项", CreditCode: "123"}); fieldOf(err) != FieldAdmCreditCode {
		t.Errorf("bad credit code: %v", err)
	}
	if _, err := db.SaveAdmissionDraft(op, Admission{Unit: " \u3000"}); fieldOf(err) != FieldAdmUnit {
		t.Errorf("empty draft: %v", err)
	}
	if _, err := db.SaveAdmissionDraft(Operator{}, d); fieldOf(err) != "经办人" {
		t.Errorf("no operator: %v", err)
	}
	if _, err := db.SaveAdmissionDraft(op, Admission{ID: 99, Item: "某事项"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}
	list, _ := db.Admissions()
	if len(list) != 1 {
		t.Errorf("%d admissions, want 1", len(list))
	}
	// An incomplete draft cannot be submitted.
	if _, err := db.SubmitAdmission(op, d.ID); fieldOf(err) == "" {
		t.Errorf("incomplete submitted: %v", err)
	}
	if a, _ := db.Admission(d.ID); a.Status != AdmDraft {
		t.Errorf("status %s after refused submit", a.Status)
	}
}

// step is one action on an application in the transition tests.
type step struct {
	name string
	do   func(db *DB, op Operator, id uint64) (Admission, error)
}

var (
	stSubmit = step{"报送", func(db *DB, op Operator, id uint64) (Admission, error) { return db.SubmitAdmission(op, id) }}
	stCounty = step{"县级意见", func(db *DB, op Operator, id uint64) (Admission, error) {
		return db.RecordOpinion(op, id, LevelCounty, "同意", "2026-11-25")
	}}
	stCity = step{"市级意见", func(db *DB, op Operator, id uint64) (Admission, error) {
		return db.RecordOpinion(op, id, LevelCity, "同意准入", "2026年11月27日")
	}}
	stApprove = step{"准入", func(db *DB, op Operator, id uint64) (Admission, error) {
		return db.DecideAdmission(op, id, true, "", "2026-11-28")
	}}
	stReject = step{"不予准入", func(db *DB, op Operator, id uint64) (Admission, error) {
		return db.DecideAdmission(op, id, false, "属于部门职责", "2026-11-28")
	}}
	stWithdraw = step{"撤回", func(db *DB, op Operator, id uint64) (Admission, error) {
		return db.WithdrawAdmission(op, id, "申请单位撤回")
	}}
	stEdit = step{"修改", func(db *DB, op Operator, id uint64) (Admission, error) {
		a, _ := db.Admission(id)
		a.Basis = "新的依据文件"
		return db.SaveAdmissionDraft(op, a)
	}}
)

// drafted saves a complete draft.
func drafted(t *testing.T, db *DB, op Operator, a Admission) Admission {
	t.Helper()
	d, err := db.SaveAdmissionDraft(op, a)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestLegalTransitions(t *testing.T) {
	cases := []struct {
		name  string
		city  bool
		steps []step
		want  []AdmissionStatus
	}{
		{"county unit approved", false, []step{stSubmit, stCounty, stApprove}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmApproved}},
		{"county unit rejected", false, []step{stSubmit, stCounty, stReject}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmRejected}},
		{"city unit approved", true, []step{stSubmit, stCounty, stCity, stApprove}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmCity, AdmApproved}},
		{"city unit rejected", true, []step{stSubmit, stCounty, stCity, stReject}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmCity, AdmRejected}},
		{"edit draft", false, []step{stEdit, stSubmit}, []AdmissionStatus{AdmDraft, AdmSubmitted}},
		{"withdraw draft", false, []step{stWithdraw}, []AdmissionStatus{AdmWithdrawn}},
		{"withdraw submitted", false, []step{stSubmit, stWithdraw}, []AdmissionStatus{AdmSubmitted, AdmWithdrawn}},
		{"withdraw after county", true, []step{stSubmit, stCounty, stWithdraw}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmWithdrawn}},
		{"withdraw after city", true, []step{stSubmit, stCounty, stCity, stWithdraw}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmCity, AdmWithdrawn}},
		{"withdraw approved", false, []step{stSubmit, stCounty, stApprove, stWithdraw}, []AdmissionStatus{AdmSubmitted, AdmCounty, AdmApproved, AdmWithdrawn}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, op, _ := ledger(t)
			in := fullAdmission(t)
			if c.city {
				in = cityAdmission(t)
			}
			a := drafted(t, db, op, in)
			for i, s := range c.steps {
				got, err := s.do(db, op, a.ID)
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				if got.Status != c.want[i] {
					t.Fatalf("after %s: %s, want %s", s.name, got.Status, c.want[i])
				}
			}
			got, _ := db.Admission(a.ID)
			switch got.Status {
			case AdmApproved:
				if got.Decision == nil || got.Decision.Date != "2026-11-28" || got.Decision.EnteredBy != "王丽" {
					t.Errorf("decision %+v", got.Decision)
				}
			case AdmRejected:
				if got.Decision == nil || got.Decision.Text != "属于部门职责" {
					t.Errorf("decision %+v", got.Decision)
				}
			case AdmWithdrawn:
				if got.Withdrawal == nil || got.Withdrawal.Text != "申请单位撤回" || got.Withdrawal.Date != "2026-11-29" {
					t.Errorf("withdrawal %+v", got.Withdrawal)
				}
			}
			if c.city && len(c.steps) > 2 && (got.CountyOpinion == nil || got.CountyOpinion.Text != "同意") {
				t.Errorf("county opinion %+v", got.CountyOpinion)
			}
			if c.city && len(c.steps) > 3 && (got.CityOpinion == nil || got.CityOpinion.Date != "2026-11-27") {
				t.Errorf("city opinion %+v", got.CityOpinion)
			}
		})
	}
}

func TestIllegalTransitions(t *testing.T) {
	cases := []struct {
		name   string
		city   bool
		before []step
		try    step
		from   AdmissionStatus
		says   string
	}{
		{"approve draft", false, nil, stApprove, AdmDraft, "尚未报送"},
		{"county opinion on draft", false, nil, stCounty, AdmDraft, "请先报送"},
		{"decide from 已报送", false, []step{stSubmit}, stApprove, AdmSubmitted, "不能直接准入：县级意见尚未录入"},
		{"reject from 已报送", false, []step{stSubmit}, stReject, AdmSubmitted, "县级意见尚未录入"},
		{"city opinion for a county unit", false, []step{stSubmit, stCounty}, stCity, AdmCounty, "不需要录入市级意见"},
		{"city opinion before county", true, []step{stSubmit}, stCity, AdmSubmitted, "请先录入县级意见"},
		{"city unit decided without city", true, []step{stSubmit, stCounty}, stApprove, AdmCounty, "请先录入市级意见"},
		{"county opinion twice", false, []step{stSubmit, stCounty}, stCounty, AdmCounty, "不能重复录入"},
		{"submit twice", false, []step{stSubmit}, stSubmit, AdmSubmitted, "不需要再次报送"},
		{"edit after submit", false, []step{stSubmit}, stEdit, AdmSubmitted, "已报送的申请不能修改；如需修改请撤回后重新起草。"},
		{"edit after approval", false, []step{stSubmit, stCounty, stApprove}, stEdit, AdmApproved, "请撤回后重新起草"},
		{"approve twice", false, []step{stSubmit, stCounty, stApprove}, stApprove, AdmApproved, "已经办结"},
		{"withdraw after rejection", false, []step{stSubmit, stCounty, stReject}, stWithdraw, AdmRejected, "不能撤回"},
		{"withdraw twice", false, []step{stWithdraw}, stWithdraw, AdmWithdrawn, "不能撤回"},
		{"edit withdrawn", false, []step{stWithdraw}, stEdit, AdmWithdrawn, "另起草稿"},
		{"submit withdrawn", false, []step{stWithdraw}, stSubmit, AdmWithdrawn, "不能再报送"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, op, _ := ledger(t)
			in := fullAdmission(t)
			if c.city {
				in = cityAdmission(t)
			}
			a := drafted(t, db, op, in)
			for _, s := range c.before {
				if _, err := s.do(db, op, a.ID); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			n, _, _ := db.VerifyChain()
			_, err := c.try.do(db, op, a.ID)
			var it *IllegalTransitionError
			if !errors.As(err, &it) || it.From != c.from {
				t.Fatalf("err = %v, want IllegalTransitionError from %s", err, c.from)
			}
			if !strings.Contains(err.Error(), c.says) || !strings.HasSuffix(err.Error(), "。") {
				t.Errorf("message %q should say %q", err, c.says)
			}
			if n2, _, _ := db.VerifyChain(); n2 != n {
				t.Errorf("a refused action wrote %d events", n2-n)
			}
			if got, _ := db.Admission(a.ID); got.Status != c.from {
				t.Errorf("status %s, want %s", got.Status, c.from)
			}
		})
	}
}

func TestOpinionAndDecisionChecks(t *testing.T) {
	db, op, _ := ledger(t)
	a := drafted(t, db, op, cityAdmission(t))
	if _, err := db.SubmitAdmission(op, a.ID); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		level, text, date, field string
	}{
		{LevelCounty, "", "2026-11-25", FieldCountyOpinion},
		{LevelCounty, "同意", "", FieldCountyOpinionDate},
		{LevelCounty, "同意", "2026-11-31", FieldCountyOpinionDate},
		{LevelCounty, "同意", "2026-08-09", FieldCountyOpinionDate}, // before AppliedOn
		{LevelCounty, "同意", "2026-12-01", FieldCountyOpinionDate}, // after today
	}
	for _, b := range bad {
		if _, err := db.RecordOpinion(op, a.ID, b.level, b.text, b.date); fieldOf(err) != b.field {
			t.Errorf("%s %q %q: %v, want field %s", b.level, b.text, b.date, err, b.field)
		}
	}
	if _, err := db.RecordOpinion(op, a.ID, "省级", "同意", "2026-11-25"); err == nil {
		t.Error("unknown level accepted")
	}
	if _, err := db.RecordOpinion(op, a.ID, LevelCounty, "同意", "2026年11月25日"); err != nil {
		t.Fatal(err)
	}
	// The city cannot sign before the county.
	if _, err := db.RecordOpinion(op, a.ID, LevelCity, "同意", "2026-11-24"); fieldOf(err) != FieldCityOpinionDate || !strings.Contains(err.Error(), "县级意见日期") {
		t.Errorf("city before county: %v", err)
	}
	if _, err := db.RecordOpinion(op, a.ID, LevelCity, "同意", "2026-11-26"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideAdmission(op, a.ID, false, "", "2026-11-28"); fieldOf(err) != FieldDecisionNote {
		t.Errorf("reject without reason: %v", err)
	}
	if _, err := db.DecideAdmission(op, a.ID, true, "", "2026-11-25"); fieldOf(err) != FieldDecisionDate {
		t.Errorf("decided before the city's opinion: %v", err)
	}
	if _, err := db.WithdrawAdmission(op, a.ID, ""); fieldOf(err) != FieldWithdrawReason {
		t.Errorf("withdraw without reason: %v", err)
	}
	got, err := db.DecideAdmission(op, a.ID, true, "同意准入", "2026-11-29")
	if err != nil || got.Status != AdmApproved || got.Decision.Text != "同意准入" {
		t.Errorf("approve: %+v %v", got, err)
	}
}

func TestAdmissionExpiry(t *testing.T) {
	db, op, clk := ledger(t)
	a := drafted(t, db, op, fullAdmission(t)) // 临时性 2026-11..2026-12
	for _, s := range []step{stSubmit, stCounty, stApprove} {
		if _, err := s.do(db, op, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	a, _ = db.Admission(a.ID)
	if a.Until() != "2026年12月底" {
		t.Errorf("until %q", a.Until())
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, Beijing) }
	checks := []struct {
		today   time.Time
		status  AdmissionStatus
		inForce bool
		text    string // as shown
	}{
		{day(2026, 10, 31), AdmApproved, false, "未生效（2026年11月起）"}, // not begun
		{day(2026, 11, 1), AdmApproved, true, "已准入"},
		{day(2026, 12, 31), AdmApproved, true, "已准入"},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, Beijing), AdmExpired, false, "已到期"},
	}
	for _, c := range checks {
		if st, in := a.Effective(c.today), a.InForce(c.today); st != c.status || in != c.inForce {
			t.Errorf("%s: %s %v, want %s %v", c.today.Format(time.DateOnly), st, in, c.status, c.inForce)
		}
		if got := a.StatusText(c.today); got != c.text {
			t.Errorf("%s: shown as %q, want %q", c.today.Format(time.DateOnly), got, c.text)
		}
	}
	// Only an approved admission is 未生效 before its term.
	for _, st := range []AdmissionStatus{AdmDraft, AdmSubmitted, AdmCounty, AdmRejected, AdmWithdrawn} {
		b := a
		b.Status = st
		if got := b.StatusText(day(2026, 10, 31)); got != string(st) {
			t.Errorf("%s before its term shown as %q", st, got)
		}
	}
	n, _, _ := db.VerifyChain()
	clk.set(time.Date(2027, 1, 1, 8, 0, 0, 0, Beijing))
	got, _ := db.Admission(a.ID)
	list, _ := db.Admissions()
	inForce, _ := db.AdmissionsInForce(db.Now())
	if got.Status != AdmExpired || len(list) != 1 || list[0].Status != AdmExpired || len(inForce) != 0 {
		t.Errorf("after the end: %s, list %+v, in force %d", got.Status, list, len(inForce))
	}
	if n2, _, _ := db.VerifyChain(); n2 != n {
		t.Error("reading wrote events")
	}
	if _, err := db.WithdrawAdmission(op, a.ID, "不再需要"); !errors.As(err, new(*IllegalTransitionError)) {
		t.Errorf("withdraw expired: %v", err)
	}

	// 长期: no end.
	long := fullAdmission(t)
	long.Term, long.To, long.Item = TermLong, "", "长期事项"
	l := Admission(long)
	l.Status = AdmApproved
	if l.Until() != "长期" || !l.InForce(day(2040, 1, 1)) || l.Effective(day(2040, 1, 1)) != AdmApproved || l.InForce(day(2026, 10, 1)) {
		t.Error("长期 admission")
	}
	if ApprovingBody(UnitCityLevel) != "市社区建设领导小组办公室" || ApprovingBody(UnitCountyLevel) != "县（市、区）社区建设工作领导机构" {
		t.Error("approving body")
	}
	for _, c := range []struct{ county, level, want string }{
		{"潞州区", UnitCountyLevel, "潞州区社区建设工作领导机构"},
		{"襄垣县", UnitCountyLevel, "襄垣县社区建设工作领导机构"},
		{"潞州区", UnitCityLevel, "长治市社区建设领导小组办公室"},
		{"", UnitCountyLevel, "县（市、区）社区建设工作领导机构"},
	} {
		if got := ApprovingBodyIn(c.county, c.level); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.county, c.level, got, c.want)
		}
	}
	p := Profile{Community: "英雄南路社区", CountyName: "潞州区"}
	if ScopeText(p, ScopeThis) != "英雄南路社区居民委员会" || ScopeText(p, ScopeCounty) != "潞州区辖区内社区" || ScopeText(p, ScopeCity) != "全市社区" || ScopeText(Profile{}, ScopeThis) != "本社区" {
		t.Error("scope text")
	}
}

func TestAdmissionEvents(t *testing.T) {
	db, op, _ := ledger(t)
	a := drafted(t, db, op, cityAdmission(t))
	other := drafted(t, db, op, fullAdmission(t))
	for _, s := range []step{stEdit, stSubmit, stCounty, stCity, stApprove, stWithdraw} {
		if _, err := s.do(db, op, a.ID); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	n, _, err := db.VerifyChain()
	if err != nil || n != setupEvents+8 {
		t.Fatalf("chain: %d %v", n, err)
	}
	h, err := db.History(EvAdmissionSave, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, ev := range h {
		if ev.Subject != a.ID || ev.Operator != "王丽" {
			t.Errorf("event %+v", ev)
		}
		said = append(said, ev.Describe())
	}
	want := []string{"保存草稿", "保存草稿", "报送", "录入县级意见：同意", "录入市级意见：同意准入", "准入", "撤回：申请单位撤回"}
	if strings.Join(said, "|") != strings.Join(want, "|") {
		t.Errorf("history %v, want %v", said, want)
	}
	if h2, _ := db.History(EvAdmission, other.ID); len(h2) != 1 {
		t.Errorf("other's history %d events", len(h2))
	}
	list, _ := db.Admissions()
	if len(list) != 2 || list[0].ID != other.ID {
		t.Errorf("newest first: %+v", list)
	}
	// The withdrawal keeps the approval it ended.
	got, _ := db.Admission(a.ID)
	if got.Decision == nil || got.Withdrawal == nil || got.Basis != "新的依据文件" {
		t.Errorf("record %+v", got)
	}
	re := got.Redraft()
	if re.ID != 0 || re.Status != "" || re.Decision != nil || re.Item != got.Item {
		t.Errorf("redraft %+v", re)
	}
}

func TestCertificatesUnderAdmission(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	cert := drafted(t, db, op, fullAdmission(t)) // 证明事项, 2026-11..2026-12
	work := drafted(t, db, op, cityAdmission(t)) // 工作事项
	for _, s := range []step{stSubmit, stCounty, stApprove} {
		if _, err := s.do(db, op, cert.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []step{stSubmit, stCounty, stCity, stApprove} {
		if _, err := s.do(db, op, work.ID); err != nil {
			t.Fatal(err)
		}
	}
	under := func(name, id17 string, adm uint64) CertInput {
		in := input(name, validID(id17), 0)
		in.AdmissionID = adm
		return in
	}
	c, err := db.IssueCertificate(op, under("张三", "14040319300101123", cert.ID), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.AdmissionID != cert.ID || c.TypeNo != 0 || c.TypeName != "高龄津贴申领生存状况证明" || c.Serial != "2026-0001" {
		t.Errorf("issued %+v", c)
	}
	// A typed type name is replaced by the admission's item.
	in := under("李四", "14040319310202123", cert.ID)
	in.TypeName = "随便写的"
	if c2, err := db.IssueCertificate(op, in, cat, IssueOptions{}); err != nil || c2.TypeName != "高龄津贴申领生存状况证明" {
		t.Errorf("type name %q %v", c2.TypeName, err)
	}
	refused := []struct {
		name string
		adm  uint64
		says string
	}{
		{"work item", work.ID, "是工作事项"},
		{"unknown", 99, "找不到"},
	}
	for _, r := range refused {
		_, err := db.IssueCertificate(op, under("王五", "14040319320303123", r.adm), cat, IssueOptions{})
		if fieldOf(err) != FieldCertType || !strings.Contains(err.Error(), r.says) {
			t.Errorf("%s: %v", r.name, err)
		}
	}
	pending := drafted(t, db, op, fullAdmission(t))
	if _, err := db.IssueCertificate(op, under("王五", "14040319320303123", pending.ID), cat, IssueOptions{}); fieldOf(err) != FieldCertType || !strings.Contains(err.Error(), "尚未批准") {
		t.Errorf("draft admission: %v", err)
	}

	// After the end month the admission is spent; old certificates keep it.
	clk.set(time.Date(2027, 1, 1, 8, 0, 0, 0, Beijing))
	_, err = db.IssueCertificate(op, under("王五", "14040319320303123", cert.ID), cat, IssueOptions{})
	want := "准入事项“高龄津贴申领生存状况证明”已到期（准入期限至2026年12月底），不能再据此出具证明。"
	if fieldOf(err) != FieldCertType || !strings.Contains(err.Error(), want) {
		t.Errorf("after expiry: %v", err)
	}
	old, err := db.Certificate(c.ID)
	if err != nil || old.AdmissionID != cert.ID || old.TypeName != c.TypeName || old.Status != Valid {
		t.Errorf("old certificate %+v %v", old, err)
	}
	if db.CertCount() != 2 {
		t.Errorf("%d certificates", db.CertCount())
	}
	// Withdrawn: refused too.
	clk.set(time.Date(2027, 1, 2, 8, 0, 0, 0, Beijing))
	long := fullAdmission(t)
	long.Term, long.To, long.Item, long.AppliedOn = TermLong, "", "独生子女父母光荣证申领证明", "2027-01-02"
	la := drafted(t, db, op, long)
	db.SubmitAdmission(op, la.ID)
	db.RecordOpinion(op, la.ID, LevelCounty, "同意", "2027-01-02")
	if _, err := db.DecideAdmission(op, la.ID, true, "", "2027-01-02"); err != nil {
		t.Fatal(err)
	}
	if c3, err := db.IssueCertificate(op, under("赵六", "14040319500505123", la.ID), cat, IssueOptions{}); err != nil || c3.Serial != "2027-0001" {
		t.Errorf("长期 admission: %+v %v", c3, err)
	}
	db.WithdrawAdmission(op, la.ID, "政策调整")
	if _, err := db.IssueCertificate(op, under("孙七", "14040319600606123", la.ID), cat, IssueOptions{}); fieldOf(err) != FieldCertType || !strings.Contains(err.Error(), "已撤回") {
		t.Errorf("withdrawn: %v", err)
	}
	if _, _, err := db.VerifyChain(); err != nil {
		t.Error(err)
	}
}
