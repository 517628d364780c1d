package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/store/creditcode"
)

// AdmissionStatus is where an application (准入申请) stands.
//
//	草稿 -> 已报送 -> 县级已签意见 -> 市级已签意见 (市级 units only) -> 已准入 | 不予准入
//	已准入 -> 已到期 (past its end) | 已撤回
//	草稿 | 已报送 | 县级已签意见 | 市级已签意见 -> 已撤回
//
// A 县（市、区）级部门's application is decided from 县级已签意见; a
// 市级部门's needs the city's opinion too and is decided from 市级已签意见.
// 已到期 is never stored: it is derived from the end month (Effective), so
// no event is written when an admission runs out and the log stays free of
// clock-driven writes.
type AdmissionStatus string

const (
	AdmDraft        AdmissionStatus = "草稿"
	AdmSubmitted    AdmissionStatus = "已报送"
	AdmCounty       AdmissionStatus = "县级已签意见"
	AdmCity         AdmissionStatus = "市级已签意见"
	AdmApproved     AdmissionStatus = "已准入"
	AdmRejected     AdmissionStatus = "不予准入"
	AdmExpired      AdmissionStatus = "已到期"
	AdmWithdrawn    AdmissionStatus = "已撤回"
	UnitCityLevel                   = "市级部门"
	UnitCountyLevel                 = "县（市、区）级部门"
)

// Admission kinds (申请准入的事项类别).
const (
	KindWork        = "工作事项"
	KindCertificate = "证明事项"
)

// Term types (期限).
const (
	TermTemporary = "临时性"
	TermPhased    = "阶段性"
	TermLong      = "长期"
)

// Scopes of 申请准入社区 (备注1).
const (
	ScopeThis   = "本社区"
	ScopeCounty = "县（市、区）辖区内社区"
	ScopeCity   = "全市社区"
)

// Opinion is a county or city body's signed opinion, as entered here.
type Opinion struct {
	Text      string    `json:"text"`       // the opinion as written on the form
	Date      string    `json:"date"`       // 2006-01-02, the date on the form
	EnteredBy string    `json:"entered_by"` // the operator who typed it in
	Entered   time.Time `json:"entered"`
}

// Admission is one 部门工作进社区准入审批表 with its application letter.
type Admission struct {
	ID         uint64 `json:"id"`
	Unit       string `json:"unit"`        // 申请单位
	CreditCode string `json:"credit_code"` // 统一社会信用代码 (optional; GB 32100)
	UnitLevel  string `json:"unit_level"`  // 市级部门 / 县（市、区）级部门
	Scope      string `json:"scope"`       // 申请准入社区: 本社区 / 县（市、区）辖区内社区 / 全市社区
	Item       string `json:"item"`        // 申请准入事务或工作项目
	Kind       string `json:"kind"`        // 工作事项 / 证明事项
	Basis      string `json:"basis"`       // 申请准入依据
	AppliedOn  string `json:"applied_on"`  // 申请准入时间 2006-01-02
	Term       string `json:"term"`        // 临时性 / 阶段性 / 长期
	From       string `json:"from"`        // 2006-01 (临时性/阶段性, and 长期's start)
	To         string `json:"to"`          // 2006-01 (临时性/阶段性); empty for 长期
	Powers     string `json:"powers"`      // 下放给社区的权限
	Funding    string `json:"funding"`     // 划拨给社区的工作经费及相关保障

	// 申请书: 准入事项的内容、必要性、时间、人员安排、经费保障、赋予社区的权限.
	LetterContent   string `json:"letter_content"`
	LetterNecessity string `json:"letter_necessity"`
	LetterSchedule  string `json:"letter_schedule"`
	LetterStaffing  string `json:"letter_staffing"`
	LetterFunding   string `json:"letter_funding"`
	LetterPowers    string `json:"letter_powers"`

	Status        AdmissionStatus `json:"status"`
	CountyOpinion *Opinion        `json:"county_opinion,omitempty"`
	CityOpinion   *Opinion        `json:"city_opinion,omitempty"`
	Decision      *Opinion        `json:"decision,omitempty"`   // 已准入 / 不予准入, with its note and date
	Withdrawal    *Opinion        `json:"withdrawal,omitempty"` // 已撤回: the reason, dated the day it was entered

	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	OperatorName string    `json:"operator_name"` // who drafted it
}

// Field labels of the approval form and its letter, used in FieldErrors.
const (
	FieldAdmUnit       = "申请单位"
	FieldAdmCreditCode = "统一社会信用代码"
	FieldAdmUnitLevel  = "单位层级"
	FieldAdmScope      = "申请准入社区"
	FieldAdmItem       = "申请准入事务或工作项目"
	FieldAdmKind       = "事项类别"
	FieldAdmBasis      = "申请准入依据"
	FieldAdmAppliedOn  = "申请准入时间"
	FieldAdmTerm       = "期限"
	FieldAdmFrom       = "起始年月"
	FieldAdmTo         = "截止年月"
	FieldAdmPowers     = "下放给社区的权限"
	FieldAdmFunding    = "划拨给社区的工作经费及相关保障"
	FieldLetterContent = "申请书：事项内容"
	FieldLetterNeed    = "申请书：必要性"
	FieldLetterSched   = "申请书：时间安排"
	FieldLetterStaff   = "申请书：人员安排"
	FieldLetterFunding = "申请书：经费保障"
	FieldLetterPowers  = "申请书：赋予社区的权限"

	FieldCountyOpinion     = "县级意见"
	FieldCountyOpinionDate = "县级意见日期"
	FieldCityOpinion       = "市级意见"
	FieldCityOpinionDate   = "市级意见日期"
	FieldDecisionNote      = "审批意见"
	FieldDecisionDate      = "审批日期"
	FieldWithdrawReason    = "撤回原因"
)

// Opinion levels for RecordOpinion.
const (
	LevelCounty = "县级"
	LevelCity   = "市级"
)

// Actions named in an IllegalTransitionError.
const (
	ActEdit          = "修改"
	ActSubmit        = "报送"
	ActCountyOpinion = "录入县级意见"
	ActCityOpinion   = "录入市级意见"
	ActApprove       = "准入"
	ActReject        = "不予准入"
	ActWithdraw      = "撤回"
)

// Event data of EvAdmissionStatus.
type admissionStatusData struct {
	To      AdmissionStatus `json:"to"`
	Opinion *Opinion        `json:"opinion,omitempty"`
}

// IllegalTransitionError: the action is not allowed from the application's
// current status. UnitLevel (the applying unit's level) makes the message
// specific where the route depends on it.
type IllegalTransitionError struct {
	From      AdmissionStatus
	Action    string
	UnitLevel string
}

func (e *IllegalTransitionError) Error() string {
	head := "申请当前状态为“" + string(e.From) + "”，"
	closed := e.From == AdmRejected || e.From == AdmExpired || e.From == AdmWithdrawn
	switch e.Action {
	case ActEdit:
		if closed {
			return head + "已经办结，不能修改；如需再次申请，请另起草稿。"
		}
		return head + "已报送的申请不能修改；如需修改请撤回后重新起草。"
	case ActSubmit:
		if closed {
			return head + "已经办结，不能再报送；如需再次申请，请另起草稿。"
		}
		return head + "已经报送过，不需要再次报送。"
	case ActCountyOpinion:
		switch {
		case e.From == AdmDraft:
			return head + "不能录入县级意见：申请尚未报送，请先报送。"
		case closed || e.From == AdmApproved:
			return head + "已经办结，不能再录入意见。"
		}
		return head + "县级意见已经录入，不能重复录入。"
	case ActCityOpinion:
		switch {
		case !isCityUnit(e.UnitLevel):
			return "县（市、区）级部门的申请由县（市、区）社区建设工作领导机构审批，不需要录入市级意见；县级意见录入后即可作出审批决定。"
		case e.From == AdmDraft:
			return head + "不能录入市级意见：申请尚未报送，请先报送。"
		case e.From == AdmSubmitted:
			return head + "不能录入市级意见：县级意见尚未录入，请先录入县级意见。"
		case closed || e.From == AdmApproved:
			return head + "已经办结，不能再录入意见。"
		}
		return head + "市级意见已经录入，不能重复录入。"
	case ActApprove, ActReject:
		verb := "不能直接准入"
		if e.Action == ActReject {
			verb = "不能直接作出不予准入决定"
		}
		switch {
		case e.From == AdmDraft:
			return head + verb + "：申请尚未报送。请先报送，并录入审批机构的意见。"
		case e.From == AdmSubmitted:
			return head + verb + "：县级意见尚未录入。请先录入县（市、区）社区建设工作领导机构的意见。"
		case e.From == AdmCounty:
			return head + verb + "：市级部门的申请须经市社区建设领导小组办公室同意，请先录入市级意见。"
		}
		return head + "已经办结，不能再作审批决定。"
	case ActWithdraw:
		return head + "已经办结，不能撤回。"
	}
	return head + "不能" + e.Action + "。"
}

func isCityUnit(level string) bool { return level == UnitCityLevel || level == LevelCity }

// ApprovingBody is the body that must agree to a unit's application (备注2):
// the city's office for 市级部门, the county's for 县（市、区）级部门.
func ApprovingBody(unitLevel string) string {
	if isCityUnit(unitLevel) {
		return "市社区建设领导小组办公室"
	}
	return "县（市、区）社区建设工作领导机构"
}

// Redraft returns a copy of a to start a new application from (after a
// withdrawal or a refusal): no id, status, opinions or stamps.
func (a Admission) Redraft() Admission {
	a.ID, a.Status = 0, ""
	a.CountyOpinion, a.CityOpinion, a.Decision, a.Withdrawal = nil, nil, nil, nil
	a.Created, a.Updated, a.OperatorName = time.Time{}, time.Time{}, ""
	return a
}

// monthRange is the first day of the From month and the first day after the
// To month (zero for 长期 or an unreadable To), in loc.
func (a Admission) monthRange(loc *time.Location) (start, end time.Time, ok bool) {
	f, okF := parseMonth(a.From)
	if !okF {
		return start, end, false
	}
	start = time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, loc)
	if a.Term == TermLong {
		return start, end, true
	}
	t, okT := parseMonth(a.To)
	if !okT {
		return start, end, false
	}
	end = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
	return start, end, true
}

// Effective is the status as of today: an 已准入 临时性 or 阶段性 admission
// whose To month has ended is 已到期; otherwise Status. 已到期 is derived,
// never stored, so no event is needed when an admission runs out.
func (a Admission) Effective(today time.Time) AdmissionStatus {
	if a.Status != AdmApproved || a.Term == TermLong {
		return a.Status
	}
	if _, end, ok := a.monthRange(today.Location()); ok && !end.IsZero() && !today.Before(end) {
		return AdmExpired
	}
	return a.Status
}

// InForce reports whether the admission is approved and today lies within
// its term: from the first day of the From month to the last day of the To
// month (长期: from the From month on, with no end).
func (a Admission) InForce(today time.Time) bool {
	if a.Effective(today) != AdmApproved {
		return false
	}
	start, end, ok := a.monthRange(today.Location())
	if !ok || today.Before(start) {
		return false
	}
	return end.IsZero() || today.Before(end)
}

// Until says how long the admission runs: "2027年6月底" or "长期" (empty when
// the end month is not filled in yet).
func (a Admission) Until() string {
	if a.Term == TermLong {
		return TermLong
	}
	t, ok := parseMonth(a.To)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d年%d月底", t.Year(), int(t.Month()))
}

var (
	monthRE    = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)
	monthRE6   = regexp.MustCompile(`^(\d{4})(\d{2})$`)
	dateRE     = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	dateRE8    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	fullDigits = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9", "－", "-", "／", "/", "．", ".")
)

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseMonth reads a year and month typed as 2026-03, 2026-3, 2026年3月,
// 2026/3, 2026.3 or 202603 (full-width digits too), years 2000–2099.
func parseMonth(s string) (time.Time, bool) {
	s = fullDigits.Replace(strings.TrimSpace(s))
	m := monthRE.FindStringSubmatch(s)
	if m == nil {
		m = monthRE6.FindStringSubmatch(s)
	}
	if m == nil {
		return time.Time{}, false
	}
	y, mo := atoi(m[1]), atoi(m[2])
	if y < 2000 || y > 2099 || mo < 1 || mo > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC), true
}

// parseDate reads a real date typed as 2026-03-05, 2026-3-5, 2026年3月5日,
// 2026/3/5, 2026.3.5 or 20260305 (full-width digits too), years 2000–2099.
func parseDate(s string) (time.Time, bool) {
	s = fullDigits.Replace(strings.TrimSpace(s))
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		m = dateRE8.FindStringSubmatch(s)
	}
	if m == nil {
		return time.Time{}, false
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if y < 2000 || y > 2099 || t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// NormalizeMonth turns a typed year and month into "2006-01".
func NormalizeMonth(s string) (string, bool) {
	t, ok := parseMonth(s)
	if !ok {
		return s, false
	}
	return t.Format("2006-01"), true
}

// NormalizeDate turns a typed date into "2006-01-02".
func NormalizeDate(s string) (string, bool) {
	t, ok := parseDate(s)
	if !ok {
		return s, false
	}
	return t.Format(time.DateOnly), true
}

const (
	msgMonth = "请按“2026-03”或“2026年3月”的格式填写年月。"
	msgDate  = "请填写真实的日期，例如 2026-03-05 或 2026年3月5日。"
)

// admissionField is one field of the form as checked by cleanAdmission.
type admissionField struct {
	label    string
	v        *string
	min, max int
	choices  []string // a fixed choice; min/max unused
	kind     byte     // 't' text, 'l' lines (letter), 'c' credit code, 'd' date, 'm' month, 's' choice
	needed   func(Admission) bool
}

func (a *Admission) fields() []admissionField {
	always := func(Admission) bool { return true }
	return []admissionField{
		{FieldAdmUnit, &a.Unit, 2, 50, nil, 't', always},
		{FieldAdmCreditCode, &a.CreditCode, 0, 0, nil, 'c', func(Admission) bool { return false }},
		{FieldAdmUnitLevel, &a.UnitLevel, 0, 0, []string{UnitCityLevel, UnitCountyLevel}, 's', always},
		{FieldAdmScope, &a.Scope, 0, 0, []string{ScopeThis, ScopeCounty, ScopeCity}, 's', always},
		{FieldAdmItem, &a.Item, 2, 100, nil, 't', always},
		{FieldAdmKind, &a.Kind, 0, 0, []string{KindWork, KindCertificate}, 's', always},
		{FieldAdmBasis, &a.Basis, 2, 300, nil, 't', always},
		{FieldAdmAppliedOn, &a.AppliedOn, 0, 0, nil, 'd', always},
		{FieldAdmTerm, &a.Term, 0, 0, []string{TermTemporary, TermPhased, TermLong}, 's', always},
		{FieldAdmFrom, &a.From, 0, 0, nil, 'm', always},
		{FieldAdmTo, &a.To, 0, 0, nil, 'm', func(a Admission) bool { return a.Term != TermLong }},
		{FieldAdmPowers, &a.Powers, 1, 300, nil, 't', always},
		{FieldAdmFunding, &a.Funding, 1, 300, nil, 't', always},
		{FieldLetterContent, &a.LetterContent, 2, 2000, nil, 'l', always},
		{FieldLetterNeed, &a.LetterNecessity, 2, 2000, nil, 'l', always},
		{FieldLetterSched, &a.LetterSchedule, 2, 2000, nil, 'l', always},
		{FieldLetterStaff, &a.LetterStaffing, 1, 2000, nil, 'l', always},
		{FieldLetterFunding, &a.LetterFunding, 1, 2000, nil, 'l', always},
		{FieldLetterPowers, &a.LetterPowers, 1, 2000, nil, 'l', always},
	}
}

// choiceMsg says what to pick for a choice field.
func choiceMsg(choices []string) string {
	return "请从“" + strings.Join(choices, "”“") + "”中选择。"
}

// cleanAdmission tidies what was typed and checks it field by field in form
// order. With complete false (a draft) empty fields pass and a date or month
// that cannot be read is kept as typed; with complete true every required
// field must be filled and readable, and the term must add up.
func cleanAdmission(in Admission, complete bool) (Admission, error) {
	a := in
	for _, f := range a.fields() {
		v := CleanText(*f.v)
		switch f.kind {
		case 'l':
			v = CleanLines(*f.v)
		case 'c':
			v = creditcode.Normalize(v)
		case 'd':
			v, _ = NormalizeDate(v)
		case 'm':
			v, _ = NormalizeMonth(v)
		}
		*f.v = v
	}
	for _, f := range a.fields() {
		v := *f.v
		if v == "" {
			if complete && f.needed(a) {
				return a, &FieldError{f.label, requiredMsg(f, a)}
			}
			continue
		}
		switch f.kind {
		case 't':
			if err := checkText(f.label, v, f.min, f.max, true); err != nil {
				return a, err
			}
		case 'l':
			if err := checkText(f.label, strings.ReplaceAll(v, "\n", ""), f.min, f.max, true); err != nil {
				return a, err
			}
		case 'c':
			if err := creditcode.Check(v); err != nil {
				return a, &FieldError{f.label, strings.TrimSuffix(err.Error(), "。") + "。不知道代码可以不填。"}
			}
		case 's':
			ok := false
			for _, c := range f.choices {
				ok = ok || v == c
			}
			if !ok {
				return a, &FieldError{f.label, choiceMsg(f.choices)}
			}
		case 'd', 'm':
			if err := checkText(f.label, v, 1, 20, true); err != nil {
				return a, err
			}
			if complete {
				if _, ok := parseDate(v); f.kind == 'd' && !ok {
					return a, &FieldError{f.label, msgDate}
				}
				if _, ok := parseMonth(v); f.kind == 'm' && !ok {
					return a, &FieldError{f.label, msgMonth}
				}
			}
		}
		if !complete {
			continue
		}
		// Cross-checks, where the form reaches them.
		switch f.label {
		case FieldAdmScope:
			if a.UnitLevel == UnitCountyLevel && a.Scope == ScopeCity {
				return a, &FieldError{f.label, "县（市、区）级部门只能申请进入本县（市、区）的社区，请改选“本社区”或“县（市、区）辖区内社区”；全市社区须由市级部门申请。"}
			}
		case FieldAdmTo:
			if a.Term == TermLong {
				return a, &FieldError{f.label, "期限为“长期”时不填截止年月，请清空。"}
			}
			if a.To < a.From {
				from, _ := parseMonth(a.From)
				to, _ := parseMonth(a.To)
				return a, &FieldError{f.label, fmt.Sprintf("截止年月（%s）早于起始年月（%s），请核对。", ChineseMonth(to), ChineseMonth(from))}
			}
		}
	}
	return a, nil
}

func requiredMsg(f admissionField, a Admission) string {
	switch {
	case f.choices != nil:
		return "必须选择。" + choiceMsg(f.choices)
	case f.label == FieldAdmFrom:
		return "期限为“" + a.Term + "”时必须填写起始年月，例如 2026-03。"
	case f.label == FieldAdmTo:
		return "期限为“" + a.Term + "”时必须填写截止年月，例如 2026-12。"
	case f.label == FieldAdmPowers || f.label == FieldAdmFunding:
		return "必须填写；没有的请填“无”。"
	case f.kind == 'd':
		return "必须填写，例如 2026-03-05。"
	}
	return "必须填写。"
}

// ValidateAdmission checks that an application is complete and consistent
// enough to submit. The first problem, in form order, comes back as a
// *FieldError whose Field is the form's label. The credit code is optional
// but checked when present; 下放给社区的权限 and 划拨给社区的工作经费及相关保障
// are required but may be "无" (Warnings points that out).
func ValidateAdmission(a Admission) error {
	_, err := cleanAdmission(a, true)
	return err
}

// Warnings lists what the policy's 权随责走、费随事转 principle would question
// in an otherwise valid application: no powers or no funding coming with the
// work. They do not stop a submission.
func (a Admission) Warnings() []string {
	var out []string
	none := func(s string) bool {
		switch strings.TrimSpace(s) {
		case "", "无", "没有", "暂无", "/", "-", "—":
			return true
		}
		return false
	}
	if none(a.Powers) {
		out = append(out, "未下放任何权限给社区：按“权随责走”的原则，请与申请单位协商明确赋予社区的权限。")
	}
	if none(a.Funding) {
		out = append(out, "未划拨工作经费或相关保障：按“费随事转”的原则，请与申请单位协商经费保障或实行购买服务。")
	}
	return out
}

func getAdmission(tx *bolt.Tx, id uint64) (Admission, error) {
	var a Admission
	v := tx.Bucket(bucketAdmissions).Get(u64(id))
	if v == nil {
		return a, ErrNotFound
	}
	return a, json.Unmarshal(v, &a)
}

func needOperator(op Operator) error {
	if op.ID == 0 {
		return &FieldError{"经办人", "请先选择经办人。"}
	}
	return nil
}

// SaveAdmissionDraft creates (a.ID 0) or updates a 草稿. An incomplete draft
// is fine: text is tidied and held to its length, a credit code is checked
// if filled in, dates and months are normalised when they can be read. A
// draft must have something in it. Only a 草稿 can be edited.
func (db *DB) SaveAdmissionDraft(op Operator, a Admission) (Admission, error) {
	if err := needOperator(op); err != nil {
		return a, err
	}
	a, err := cleanAdmission(a, false)
	if err != nil {
		return a, err
	}
	empty := true
	for _, f := range a.fields() {
		empty = empty && *f.v == ""
	}
	if empty {
		return a, &FieldError{FieldAdmUnit, "草稿是空的，请至少填写一项再保存。"}
	}
	now := db.now()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if a.ID == 0 {
			id, err := tx.Bucket(bucketAdmissions).NextSequence()
			if err != nil {
				return err
			}
			a.ID, a.Created, a.OperatorName = id, now, op.Name
		} else {
			old, err := getAdmission(tx, a.ID)
			if err != nil {
				return err
			}
			if old.Status != AdmDraft {
				return &IllegalTransitionError{From: old.Effective(now), Action: ActEdit, UnitLevel: old.UnitLevel}
			}
			a.Created, a.OperatorName = old.Created, old.OperatorName
		}
		a.Status, a.Updated = AdmDraft, now
		a.CountyOpinion, a.CityOpinion, a.Decision, a.Withdrawal = nil, nil, nil, nil
		_, err := appendEvent(tx, op, now, EvAdmissionSave, a.ID, a)
		return err
	})
	return a, err
}

// transition loads an application, lets decide check the move and build its
// status event, appends it and returns the application as it now stands.
func (db *DB) transition(op Operator, id uint64, decide func(a Admission, now time.Time) (admissionStatusData, error)) (Admission, error) {
	if err := needOperator(op); err != nil {
		return Admission{}, err
	}
	now := db.now()
	var out Admission
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		a, err := getAdmission(tx, id)
		if err != nil {
			return err
		}
		d, err := decide(a, now)
		if err != nil {
			return err
		}
		if d.Opinion != nil {
			d.Opinion.EnteredBy, d.Opinion.Entered = op.Name, now
		}
		if _, err := appendEvent(tx, op, now, EvAdmissionStatus, id, d); err != nil {
			return err
		}
		out, err = getAdmission(tx, id)
		return err
	})
	out.Status = out.Effective(now)
	return out, err
}

// SubmitAdmission moves a complete 草稿 to 已报送 (ValidateAdmission must pass).
func (db *DB) SubmitAdmission(op Operator, id uint64) (Admission, error) {
	return db.transition(op, id, func(a Admission, now time.Time) (admissionStatusData, error) {
		if a.Status != AdmDraft {
			return admissionStatusData{}, &IllegalTransitionError{From: a.Effective(now), Action: ActSubmit, UnitLevel: a.UnitLevel}
		}
		if err := ValidateAdmission(a); err != nil {
			return admissionStatusData{}, err
		}
		return admissionStatusData{To: AdmSubmitted}, nil
	})
}

// checkOpinion tidies an opinion's text and date: the text must be there,
// the date real, not before notBefore (2006-01-02) and not after today.
func checkOpinion(textLabel, dateLabel, text, date string, required bool, notBefore, notBeforeWhat string, now time.Time) (*Opinion, error) {
	text = CleanText(text)
	if err := checkText(textLabel, text, 1, 300, required); err != nil {
		return nil, err
	}
	date = CleanText(date)
	if date == "" {
		return nil, &FieldError{dateLabel, "必须填写，例如 " + now.Format(time.DateOnly) + "。"}
	}
	d, ok := parseDate(date)
	if !ok {
		return nil, &FieldError{dateLabel, msgDate}
	}
	date = d.Format(time.DateOnly)
	if today := now.Format(time.DateOnly); date > today {
		return nil, &FieldError{dateLabel, fmt.Sprintf("%s晚于今天（%s），请核对；如电脑日期不对，请先校正电脑时间。", ChineseDate(d), ChineseDate(now))}
	}
	if notBefore != "" && date < notBefore {
		nb, _ := parseDate(notBefore)
		return nil, &FieldError{dateLabel, fmt.Sprintf("%s早于%s（%s），请核对。", ChineseDate(d), notBeforeWhat, ChineseDate(nb))}
	}
	return &Opinion{Text: text, Date: date}, nil
}

// RecordOpinion enters a signed opinion: level 县级 moves 已报送 to
// 县级已签意见; level 市级 moves 县级已签意见 to 市级已签意见 and is only for
// 市级部门. The date must be real, not before the application date (nor the
// county's opinion, for the city's) and not after today.
func (db *DB) RecordOpinion(op Operator, id uint64, level, text, date string) (Admission, error) {
	return db.transition(op, id, func(a Admission, now time.Time) (admissionStatusData, error) {
		switch level {
		case LevelCounty:
			if a.Status != AdmSubmitted {
				return admissionStatusData{}, &IllegalTransitionError{From: a.Effective(now), Action: ActCountyOpinion, UnitLevel: a.UnitLevel}
			}
			o, err := checkOpinion(FieldCountyOpinion, FieldCountyOpinionDate, text, date, true, a.AppliedOn, "申请准入时间", now)
			return admissionStatusData{To: AdmCounty, Opinion: o}, err
		case LevelCity:
			if a.Status != AdmCounty || !isCityUnit(a.UnitLevel) {
				return admissionStatusData{}, &IllegalTransitionError{From: a.Effective(now), Action: ActCityOpinion, UnitLevel: a.UnitLevel}
			}
			nb, what := a.AppliedOn, "申请准入时间"
			if a.CountyOpinion != nil && a.CountyOpinion.Date > nb {
				nb, what = a.CountyOpinion.Date, "县级意见日期"
			}
			o, err := checkOpinion(FieldCityOpinion, FieldCityOpinionDate, text, date, true, nb, what, now)
			return admissionStatusData{To: AdmCity, Opinion: o}, err
		}
		return admissionStatusData{}, fmt.Errorf("意见级别应为“县级”或“市级”（现为“%s”），请重新选择。", level)
	})
}

// DecideAdmission records the decision: 已准入 (approve) or 不予准入. A
// 县（市、区）级部门's application is decided from 县级已签意见, a 市级部门's
// from 市级已签意见. A refusal needs its reason in note; date is the date of
// the decision, not before the last opinion and not after today.
func (db *DB) DecideAdmission(op Operator, id uint64, approve bool, note, date string) (Admission, error) {
	action, to := ActReject, AdmRejected
	if approve {
		action, to = ActApprove, AdmApproved
	}
	return db.transition(op, id, func(a Admission, now time.Time) (admissionStatusData, error) {
		ready := AdmCounty
		if isCityUnit(a.UnitLevel) {
			ready = AdmCity
		}
		if a.Status != ready {
			return admissionStatusData{}, &IllegalTransitionError{From: a.Effective(now), Action: action, UnitLevel: a.UnitLevel}
		}
		if !approve && CleanText(note) == "" {
			return admissionStatusData{}, &FieldError{FieldDecisionNote, "不予准入时必须写明理由。"}
		}
		last, what := a.CountyOpinion, "县级意见日期"
		if ready == AdmCity {
			last, what = a.CityOpinion, "市级意见日期"
		}
		nb := a.AppliedOn
		if last != nil && last.Date > nb {
			nb = last.Date
		} else {
			what = "申请准入时间"
		}
		o, err := checkOpinion(FieldDecisionNote, FieldDecisionDate, note, date, !approve, nb, what, now)
		return admissionStatusData{To: to, Opinion: o}, err
	})
}

// WithdrawAdmission withdraws an application (or ends an admission early)
// with a reason. Allowed from every status but 不予准入, 已到期 and 已撤回.
// The withdrawal is dated today.
func (db *DB) WithdrawAdmission(op Operator, id uint64, note string) (Admission, error) {
	return db.transition(op, id, func(a Admission, now time.Time) (admissionStatusData, error) {
		switch st := a.Effective(now); st {
		case AdmRejected, AdmExpired, AdmWithdrawn:
			return admissionStatusData{}, &IllegalTransitionError{From: st, Action: ActWithdraw, UnitLevel: a.UnitLevel}
		}
		note = CleanText(note)
		if err := checkText(FieldWithdrawReason, note, 2, 200, true); err != nil {
			return admissionStatusData{}, err
		}
		return admissionStatusData{To: AdmWithdrawn, Opinion: &Opinion{Text: note, Date: now.Format(time.DateOnly)}}, nil
	})
}

// Admission reads one application, with Status as of today (Effective).
func (db *DB) Admission(id uint64) (Admission, error) {
	var a Admission
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		a, err = getAdmission(tx, id)
		return err
	})
	if err == nil {
		a.Status = a.Effective(db.now())
	}
	return a, err
}

// Admissions lists every application, newest (highest id) first, with
// Status as of today: an 已准入 one past its end shows as 已到期.
func (db *DB) Admissions() ([]Admission, error) {
	var out []Admission
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAdmissions).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var a Admission
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	now := db.now()
	for i := range out {
		out[i].Status = out[i].Effective(now)
	}
	return out, err
}

// AdmissionsInForce lists the admissions (工作事项 and 证明事项) in force
// today, newest first.
func (db *DB) AdmissionsInForce(today time.Time) ([]Admission, error) {
	all, err := db.Admissions()
	var out []Admission
	for _, a := range all {
		if a.InForce(today) {
			out = append(out, a)
		}
	}
	return out, err
}

// admissionFor loads the admission a certificate is to be issued under and
// checks, inside the issuing transaction, that it is an approved 证明事项 in
// force today. Problems are FieldErrors on 证明类型.
func admissionFor(tx *bolt.Tx, id uint64, today time.Time) (Admission, error) {
	a, err := getAdmission(tx, id)
	if errors.Is(err, ErrNotFound) {
		return a, &FieldError{FieldCertType, fmt.Sprintf("找不到所选的准入事项（编号 %d），请重新选择证明类型。", id)}
	}
	if err != nil {
		return a, err
	}
	fail := func(format string, args ...any) (Admission, error) {
		return a, &FieldError{FieldCertType, fmt.Sprintf(format, args...)}
	}
	if a.Kind != KindCertificate {
		return fail("准入事项“%s”是工作事项，不是证明事项，不能据此出具证明。请按附件4清单选择证明类型，或依法拒绝出具。", a.Item)
	}
	switch st := a.Effective(today); st {
	case AdmApproved:
	case AdmExpired:
		return fail("准入事项“%s”已到期（准入期限至%s），不能再据此出具证明。如仍需出具，请重新申请准入。", a.Item, a.Until())
	case AdmWithdrawn:
		return fail("准入事项“%s”已撤回，不能再据此出具证明。如仍需出具，请重新申请准入。", a.Item)
	case AdmRejected:
		return fail("准入事项“%s”未获准入，不能据此出具证明。请按附件4清单选择证明类型，或依法拒绝出具。", a.Item)
	default:
		return fail("准入事项“%s”尚未批准（当前状态：%s），不能据此出具证明。请待批准后再出具。", a.Item, st)
	}
	if !a.InForce(today) {
		f, _ := parseMonth(a.From)
		return fail("准入事项“%s”自%s起才准入，现在还不能据此出具证明。", a.Item, ChineseMonth(f))
	}
	return a, nil
}

// applyAdmission brings bucket admissions up to date with one admission
// event (called from applyEvent through applyOther).
func applyAdmission(tx *bolt.Tx, ev Event) error {
	bk := tx.Bucket(bucketAdmissions)
	switch ev.Kind {
	case EvAdmissionSave:
		var a Admission
		if err := json.Unmarshal(ev.Data, &a); err != nil {
			return err
		}
		if bk.Sequence() < a.ID { // a replay into an empty bucket keeps ids unique
			if err := bk.SetSequence(a.ID); err != nil {
				return err
			}
		}
		return putJSON(bk, u64(a.ID), a)
	case EvAdmissionStatus:
		var d admissionStatusData
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		a, err := getAdmission(tx, ev.Subject)
		if err != nil {
			return err
		}
		a.Status, a.Updated = d.To, ev.Time
		switch d.To {
		case AdmCounty:
			a.CountyOpinion = d.Opinion
		case AdmCity:
			a.CityOpinion = d.Opinion
		case AdmApproved, AdmRejected:
			a.Decision = d.Opinion
		case AdmWithdrawn:
			a.Withdrawal = d.Opinion
		}
		return putJSON(bk, u64(a.ID), a)
	}
	return fmt.Errorf("未知的事件类型 %q", ev.Kind)
}
