package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
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

// ApprovingBodyIn names that body in full for a community of county (the
// profile's 县（市、区）, e.g. 潞州区): 潞州区社区建设工作领导机构, or for a
// 市级部门 长治市社区建设领导小组办公室 as the form's opinion row names it.
// Without a county it is ApprovingBody.
func ApprovingBodyIn(county, unitLevel string) string {
	county = CleanText(county)
	switch {
	case isCityUnit(unitLevel):
		return "长治市社区建设领导小组办公室"
	case county != "":
		return county + "社区建设工作领导机构"
	}
	return ApprovingBody(unitLevel)
}

// ScopeText is 申请准入社区 as shown and printed: the committee's name for
// 本社区, the county's communities by name (潞州区辖区内社区) when the
// profile knows the county.
func ScopeText(p Profile, scope string) string {
	switch scope {
	case ScopeThis:
		if CleanText(p.Community) != "" {
			return p.CommitteeName()
		}
	case ScopeCounty:
		if c := CleanText(p.CountyName); c != "" {
			return c + "辖区内社区"
		}
	}
	return CleanText(scope)
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

// NotYetInForce reports an approved admission whose term has not begun
// today (its From month lies ahead). Like 已到期 it is derived, not stored.
func (a Admission) NotYetInForce(today time.Time) bool {
	if a.Effective(today) != AdmApproved {
		return false
	}
	start, _, ok := a.monthRange(today.Location())
	return ok && today.Before(start)
}

// StatusText is the status as shown today: 未生效（2027年1月起） for an
// approved admission whose term has not begun, otherwise Effective.
func (a Admission) StatusText(today time.Time) string {
	if a.NotYetInForce(today) {
		f, _ := parseMonth(a.From)
		return "未生效（" + ChineseMonth(f) + "起）"
	}
	return string(a.Effective(today))
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

// transition loads an application, lets decide check the move and build its
// status event, appends it and returns the application as it now stands.
func (db *DB) transition(op Operator, id uint64, decide func(a Admission, now time.Time) (admissionStatusData, error)) (Admission, error) {
	if err := needOperator(op); err != nil {
		return Admission{}, err
	}
	now := db.now()
	var out Admission
	err := db.update(func(tx *bolt.Tx) error {
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
		if _, err := db.appendEvent(tx, op, now, EvAdmissionStatus, id, d); err != nil {
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
		if err := notFuture(FieldAdmAppliedOn, a.AppliedOn, now); err != nil {
			return admissionStatusData{}, err
		}
		return admissionStatusData{To: AdmSubmitted}, nil
	})
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
