package store

import (
	"fmt"
	"strings"
	"time"

	"taizhang/store/creditcode"
)

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
					return a, &FieldError{f.label, dateMsg(v)}
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
		return nil, &FieldError{dateLabel, dateMsg(date)}
	}
	date = d.Format(time.DateOnly)
	if err := notFuture(dateLabel, date, now); err != nil {
		return nil, err
	}
	if notBefore != "" && date < notBefore {
		nb, _ := parseDate(notBefore)
		return nil, &FieldError{dateLabel, fmt.Sprintf("%s早于%s（%s），请核对。", ChineseDate(d), notBeforeWhat, ChineseDate(nb))}
	}
	return &Opinion{Text: text, Date: date}, nil
}

// notFuture refuses a stored date (2006-01-02) after today; text that is
// not such a date passes (the caller checks the form).
func notFuture(label, date string, now time.Time) error {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil || date <= now.Format(time.DateOnly) {
		return nil
	}
	return &FieldError{label, fmt.Sprintf("%s晚于今天（%s），请核对；如电脑日期不对，请先校正电脑时间。", ChineseDate(d), ChineseDate(now))}
}
