package store

import (
	"regexp"
	"time"
)

// Status of a certificate.
type Status string

const (
	Valid  Status = "有效"
	Voided Status = "作废"
)

// Certificate is one issued 证明. It is never deleted: a mistake is voided
// with a reason, and a correction is a new certificate linked both ways.
type Certificate struct {
	ID       uint64 `json:"id"`
	Serial   string `json:"serial"` // 2026-0001, per community per year
	Year     int    `json:"year"`
	No       int    `json:"no"`        // the 0001 part
	TypeNo   int    `json:"type_no"`   // 附件4 item number; 0 when issued under an admission
	TypeName string `json:"type_name"` // the item's full text, as on the list when issued
	// AdmissionID is the approved admission (准入) a non-listed type was
	// issued under; the reference stays after the admission ends.
	AdmissionID uint64 `json:"admission_id,omitempty"`

	Name      string `json:"name"`       // 姓名, as typed (rare characters kept)
	IDNumber  string `json:"id_number"`  // 身份证号, normalised 18 characters
	Sex       string `json:"sex"`        // 男/女, derived from the ID number
	Birth     string `json:"birth"`      // 2006-01-02, derived from the ID number
	Address   string `json:"address"`    // 住址
	Purpose   string `json:"purpose"`    // 用途
	Recipient string `json:"recipient"`  // 需证明单位
	Verified  string `json:"verified"`   // 核实情况
	Copies    int    `json:"copies"`     // 份数 1–9
	IssueDate string `json:"issue_date"` // 签发日期 2006-01-02

	Issued       time.Time `json:"issued"` // when it was saved
	OperatorID   uint64    `json:"operator_id"`
	OperatorName string    `json:"operator_name"`

	Prints int `json:"prints,omitempty"` // how many times a printout was made

	// Issuer is the committee as the profile named it when the certificate
	// was issued, so a reprint prints what was issued. Absent on
	// certificates issued before schema 4.
	Issuer *Issuer `json:"issuer,omitempty"`

	Status     Status    `json:"status"`
	VoidReason string    `json:"void_reason,omitempty"`
	VoidedAt   time.Time `json:"voided_at,omitzero"`
	VoidedBy   string    `json:"voided_by,omitempty"`
	Replaces   uint64    `json:"replaces,omitempty"`    // the voided certificate this one corrects
	ReplacedBy uint64    `json:"replaced_by,omitempty"` // the certificate that corrects this one

	// Imported marks a certificate taken from the office's old ledger
	// (导入旧台账, imported.go): its Serial is the old one behind
	// ImportedPrefix (or empty), Issued is its date at midnight, and Note
	// is the old sheet's 备注.
	Imported bool   `json:"imported,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Issuer is what a certificate prints about the committee that issued it.
type Issuer struct {
	Committee string `json:"committee"`        // 社区居民委员会 full name, above the date
	Prefix    string `json:"prefix,omitempty"` // serial prefix, before 2026-0001
	Phone     string `json:"phone,omitempty"`  // 联系电话 in the footer
}

// IssuerOf is the profile's issuer (for a certificate being issued now).
func IssuerOf(p Profile) Issuer {
	return Issuer{Committee: p.CommitteeName(), Prefix: p.SerialPrefix, Phone: p.Phone}
}

// IssuedBy is the issuer the certificate was issued under; for one issued
// before schema 4, which did not keep it, the profile p as it is now.
func (c Certificate) IssuedBy(p Profile) Issuer {
	if c.Issuer != nil {
		return *c.Issuer
	}
	return IssuerOf(p)
}

// FullSerial is the serial as printed: prefix + 2026-0001; an imported
// certificate's is its old serial as stored (旧 + the old ledger's).
func (c Certificate) FullSerial(p Profile) string {
	if c.Imported {
		return c.Serial
	}
	return c.IssuedBy(p).Prefix + c.Serial
}

// correctedTo is the void reason a correction writes: 已更正为 2026-0003.
func correctedTo(serial string) string { return "已更正为 " + serial }

// oldCorrection is how files written before it read: 更正：由 2026-0003 取代.
var oldCorrection = regexp.MustCompile(`^更正：由 (\S+) 取代$`)

// voidReasonText is a void reason as shown; an old file's correction reads
// as a new one's (the event keeps what was written).
func voidReasonText(reason string) string {
	if m := oldCorrection.FindStringSubmatch(reason); m != nil {
		return correctedTo(m[1])
	}
	return reason
}

// VoidReasonText is the reason the certificate was voided, as shown.
func (c Certificate) VoidReasonText() string { return voidReasonText(c.VoidReason) }

// RefusalReason is why a request was refused.
type RefusalReason string

const (
	NotOnList       RefusalReason = "不在清单内"
	DepartmentsDuty RefusalReason = "属于部门职责"
	Incomplete      RefusalReason = "材料不全"
	Unverifiable    RefusalReason = "无法核实"
	OtherReason     RefusalReason = "其他"
)

// RefusalReasons in the order the form offers them.
var RefusalReasons = []RefusalReason{NotOnList, DepartmentsDuty, Incomplete, Unverifiable, OtherReason}

// Refusal is one refused request (拒绝出具登记).
type Refusal struct {
	ID            uint64        `json:"id"`
	Date          string        `json:"date"`           // 2006-01-02
	Requester     string        `json:"requester"`      // 请求方
	RequesterKind string        `json:"requester_kind"` // 居民 or 单位
	Item          string        `json:"item"`           // 请求事项
	Reason        RefusalReason `json:"reason"`
	Detail        string        `json:"detail,omitempty"` // free text; required for 其他
	Created       time.Time     `json:"created"`
	OperatorID    uint64        `json:"operator_id"`
	OperatorName  string        `json:"operator_name"`
}
