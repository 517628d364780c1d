package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
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

// Redraft returns a copy of a to start a new application from (after a
// withdrawal or a refusal): no id, status, opinions or stamps.
func (a Admission) Redraft() Admission {
	a.ID, a.Status = 0, ""
	a.CountyOpinion, a.CityOpinion, a.Decision, a.Withdrawal = nil, nil, nil, nil
	a.Created, a.Updated, a.OperatorName = time.Time{}, time.Time{}, ""
	return a
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
	err = db.update(func(tx *bolt.Tx) error {
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
		_, err := db.appendEvent(tx, op, now, EvAdmissionSave, a.ID, a)
		return err
	})
	return a, err
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
