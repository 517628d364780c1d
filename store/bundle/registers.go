package bundle

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"taizhang/store"
	"taizhang/store/idcard"
)

// A register is one of the three registers as the people's files show it
// (a sheet of 台账.xlsx and a CSV file): its columns and its rows, one per
// record the segment touched, each cell a string or an int.
type register struct {
	name string // sheet name and CSV file name: 证明, 拒绝, 准入
	cols []column
	rows [][]any
}

type column struct {
	head  string
	width float64 // in Excel character units
	id    bool    // an ID number: kept as text
}

// CSV file names, one per register.
var csvFiles = [...]string{"证明.csv", "拒绝.csv", "准入.csv"}

// registers lays out the segment's records; with mask the ID numbers are
// masked (140403********1238).
func registers(seg store.Segment, mask bool) []register {
	return []register{certRegister(seg, mask), refusalRegister(seg), admissionRegister(seg)}
}

func certRegister(seg store.Segment, mask bool) register {
	r := register{name: "证明", cols: []column{
		{"编号", 16, false}, {"签发日期", 11, false}, {"类型序号", 8, false}, {"证明类型", 30, false},
		{"准入申请记录号", 8, false}, {store.FieldName, 10, false}, {store.FieldIDNumber, 20, true},
		{"性别", 5, false}, {"出生日期", 11, false}, {store.FieldAddress, 30, false},
		{store.FieldPurpose, 20, false}, {store.FieldRecipient, 20, false}, {store.FieldVerified, 30, false},
		{store.FieldCopies, 5, false}, {"打印次数", 8, false}, {"状态", 6, false}, {"作废原因", 20, false},
		{"作废时间", 16, false}, {"作废经办人", 10, false}, {"更正的证明", 16, false}, {"更正后的证明", 16, false},
		{"出具单位", 24, false}, {"经办人", 10, false}, {"保存时间", 16, false}, {"记录号", 8, false},
		{"来源", 10, false}, {store.FieldNote, 20, false},
	}}
	p := seg.Profile
	serials := make(map[uint64]string, len(seg.Certificates))
	for _, c := range seg.Certificates {
		serials[c.ID] = c.FullSerial(p)
	}
	serial := func(id uint64) string {
		if id == 0 {
			return ""
		}
		if s, ok := serials[id]; ok {
			return s
		}
		return fmt.Sprintf("第 %d 号记录", id)
	}
	for _, c := range seg.Certificates {
		id := c.IDNumber
		if mask {
			id = idcard.Mask(id)
		}
		r.rows = append(r.rows, []any{
			c.FullSerial(p), c.IssueDate, blankZero(c.TypeNo), c.TypeName, blankZero(int(c.AdmissionID)), c.Name, id,
			c.Sex, c.Birth, c.Address, c.Purpose, c.Recipient, c.Verified,
			c.Copies, c.Prints, string(c.Status), c.VoidReason,
			stamp(c.VoidedAt), c.VoidedBy, serial(c.Replaces), serial(c.ReplacedBy),
			c.IssuedBy(p).Committee, c.OperatorName, stamp(c.Issued), int(c.ID),
			source(c), c.Note,
		})
	}
	return r
}

// source says where a certificate came from: blank for one issued in the
// ledger, 导入旧台账 for one taken from the office's old ledger.
func source(c store.Certificate) string {
	if c.Imported {
		return "导入旧台账"
	}
	return ""
}

func refusalRegister(seg store.Segment) register {
	r := register{name: "拒绝", cols: []column{
		{"日期", 11, false}, {"请求方", 20, false}, {"请求方类别", 8, false}, {"请求事项", 30, false},
		{"拒绝理由", 14, false}, {"说明", 30, false}, {"经办人", 10, false}, {"登记时间", 16, false}, {"记录号", 8, false},
	}}
	for _, f := range seg.Refusals {
		r.rows = append(r.rows, []any{
			f.Date, f.Requester, f.RequesterKind, f.Item, string(f.Reason), f.Detail, f.OperatorName, stamp(f.Created), int(f.ID),
		})
	}
	return r
}

func admissionRegister(seg store.Segment) register {
	r := register{name: "准入", cols: []column{
		{store.FieldAdmUnit, 24, false}, {store.FieldAdmCreditCode, 20, false}, {store.FieldAdmUnitLevel, 14, false},
		{store.FieldAdmScope, 16, false}, {store.FieldAdmItem, 30, false}, {store.FieldAdmKind, 10, false},
		{store.FieldAdmBasis, 30, false}, {store.FieldAdmAppliedOn, 12, false}, {store.FieldAdmTerm, 8, false},
		{store.FieldAdmFrom, 9, false}, {store.FieldAdmTo, 9, false}, {store.FieldAdmPowers, 24, false},
		{store.FieldAdmFunding, 24, false}, {store.FieldLetterContent, 30, false}, {store.FieldLetterNeed, 30, false},
		{store.FieldLetterSched, 24, false}, {store.FieldLetterStaff, 24, false}, {store.FieldLetterFunding, 24, false},
		{store.FieldLetterPowers, 24, false}, {"状态（月末）", 12, false},
		{store.FieldCountyOpinion, 24, false}, {store.FieldCountyOpinionDate, 11, false},
		{store.FieldCityOpinion, 24, false}, {store.FieldCityOpinionDate, 11, false},
		{store.FieldDecisionNote, 24, false}, {store.FieldDecisionDate, 11, false},
		{store.FieldWithdrawReason, 24, false}, {"撤回日期", 11, false},
		{"起草人", 10, false}, {"创建时间", 16, false}, {"更新时间", 16, false}, {"记录号", 8, false},
	}}
	end := monthEnd(seg.Month)
	for _, a := range seg.Admissions {
		row := []any{
			a.Unit, a.CreditCode, a.UnitLevel, a.Scope, a.Item, a.Kind, a.Basis, a.AppliedOn, a.Term, a.From, a.To,
			a.Powers, a.Funding, a.LetterContent, a.LetterNecessity, a.LetterSchedule, a.LetterStaffing,
			a.LetterFunding, a.LetterPowers, string(a.Effective(end)),
		}
		for _, o := range []*store.Opinion{a.CountyOpinion, a.CityOpinion, a.Decision, a.Withdrawal} {
			if o == nil {
				row = append(row, "", "")
			} else {
				row = append(row, o.Text, o.Date)
			}
		}
		r.rows = append(r.rows, append(row, a.OperatorName, stamp(a.Created), stamp(a.Updated), int(a.ID)))
	}
	return r
}

// monthEnd is the last moment of a month (2026-11), Beijing time: the
// admissions' status is shown as it stood then, so the files do not depend
// on the day of the export.
func monthEnd(month string) time.Time {
	t, err := time.ParseInLocation("2006-01", month, store.Beijing)
	if err != nil {
		return time.Time{}
	}
	return t.AddDate(0, 1, 0).Add(-time.Second)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return store.StampText(t)
}

func blankZero(n int) any {
	if n == 0 {
		return ""
	}
	return n
}

func cellText(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// summaryRows is the 汇总 sheet: what the bundle is, the counts, and the
// certificates issued per type, most first.
func summaryRows(m Manifest) [][]any {
	p := func(label string, v any) []any { return []any{label, v} }
	month := store.ChineseMonthOf(m.Month)
	c := m.Counts
	rows := [][]any{
		p("社区", m.Community),
		p("县（市、区）", m.CountyName+" "+m.CountyCode),
		p("窗口号", m.Station),
		p("月份", month),
		p("本月第几次导出", m.N),
		p("导出包", m.Bundle),
		p("导出时间", createdText(m.Created)),
		p("事件", eventRange(m)),
		{},
		{"项目", "数量"},
		p("出具证明", c.Certificates),
		p("作废证明", c.Voided),
		p("打印", c.Prints),
		p("拒绝出具", c.Refusals),
		p("准入申请（有变动的）", c.Admissions),
		p("事件", c.Events),
		p("其中属于以前月份的事件", c.Late),
	}
	if c.Imported > 0 {
		rows = append(rows, p("导入旧台账的证明（以前的记录）", c.Imported))
	}
	rows = append(rows, []any{}, []any{"证明类型", "出具份数"})
	types := make([]string, 0, len(c.ByType))
	for t := range c.ByType {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		if c.ByType[types[i]] != c.ByType[types[j]] {
			return c.ByType[types[i]] > c.ByType[types[j]]
		}
		return types[i] < types[j]
	})
	for _, t := range types {
		rows = append(rows, p(t, c.ByType[t]))
	}
	if len(types) == 0 {
		rows = append(rows, p("（本月没有出具证明）", ""))
	}
	return rows
}

func eventRange(m Manifest) string {
	if m.First == 0 {
		return "本月没有事件"
	}
	return fmt.Sprintf("第 %d 条至第 %d 条", m.First, m.Last)
}
