package store

import (
	"encoding/json"
	"strconv"
	"time"
)

// certJSON is json.Marshal of a certificate, written by hand for the one
// an import makes (no issuer, never voided): an import encodes 100,000 of
// them, and reflection was a third of encoding an event. Any other
// certificate, and any time json.Marshal would not write as RFC 3339 in
// Beijing time, goes to json.Marshal; TestCertJSONIsMarshal and
// FuzzCertJSON compare the two.
func certJSON(c *Certificate) ([]byte, error) {
	if c.Issuer != nil || !c.VoidedAt.IsZero() || !plainTime(c.Issued) {
		return json.Marshal(c)
	}
	b := make([]byte, 0, 512)
	b = strconv.AppendUint(append(b, `{"id":`...), c.ID, 10)
	b = appendJSONString(append(b, `,"serial":`...), c.Serial)
	b = strconv.AppendInt(append(b, `,"year":`...), int64(c.Year), 10)
	b = strconv.AppendInt(append(b, `,"no":`...), int64(c.No), 10)
	b = strconv.AppendInt(append(b, `,"type_no":`...), int64(c.TypeNo), 10)
	b = appendJSONString(append(b, `,"type_name":`...), c.TypeName)
	if c.AdmissionID != 0 {
		b = strconv.AppendUint(append(b, `,"admission_id":`...), c.AdmissionID, 10)
	}
	for _, f := range [...]struct{ key, v string }{
		{`,"name":`, c.Name}, {`,"id_number":`, c.IDNumber}, {`,"sex":`, c.Sex}, {`,"birth":`, c.Birth},
		{`,"address":`, c.Address}, {`,"purpose":`, c.Purpose}, {`,"recipient":`, c.Recipient}, {`,"verified":`, c.Verified},
	} {
		b = appendJSONString(append(b, f.key...), f.v)
	}
	b = strconv.AppendInt(append(b, `,"copies":`...), int64(c.Copies), 10)
	b = appendJSONString(append(b, `,"issue_date":`...), c.IssueDate)
	b = append(c.Issued.AppendFormat(append(b, `,"issued":"`...), time.RFC3339Nano), '"')
	b = strconv.AppendUint(append(b, `,"operator_id":`...), c.OperatorID, 10)
	b = appendJSONString(append(b, `,"operator_name":`...), c.OperatorName)
	if c.Prints != 0 {
		b = strconv.AppendInt(append(b, `,"prints":`...), int64(c.Prints), 10)
	}
	b = appendJSONString(append(b, `,"status":`...), string(c.Status))
	if c.VoidReason != "" {
		b = appendJSONString(append(b, `,"void_reason":`...), c.VoidReason)
	}
	if c.VoidedBy != "" {
		b = appendJSONString(append(b, `,"voided_by":`...), c.VoidedBy)
	}
	if c.Replaces != 0 {
		b = strconv.AppendUint(append(b, `,"replaces":`...), c.Replaces, 10)
	}
	if c.ReplacedBy != 0 {
		b = strconv.AppendUint(append(b, `,"replaced_by":`...), c.ReplacedBy, 10)
	}
	if c.Imported {
		b = append(b, `,"imported":true`...)
	}
	if c.Note != "" {
		b = appendJSONString(append(b, `,"note":`...), c.Note)
	}
	return append(b, '}'), nil
}

// plainTime says whether json.Marshal writes t as t.AppendFormat with
// RFC3339Nano does: a year of four digits and a zone of whole minutes.
func plainTime(t time.Time) bool {
	_, off := t.Zone()
	return t.Year() >= 0 && t.Year() <= 9999 && off%60 == 0 && off > -24*3600 && off < 24*3600
}
