package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Event kinds. Every change to a record is one event; the record buckets
// are what the events add up to, kept so the screens need not replay.
const (
	EvCertIssue   = "cert.issue"   // Data: Certificate as issued
	EvCertPrint   = "cert.print"   // Data: printData
	EvCertVoid    = "cert.void"    // Data: voidData
	EvRefusal     = "refusal.add"  // Data: Refusal
	EvAdmission   = "admission"    // family of the approval-form events below (for History)
	EvProfile     = "profile.set"  // Data: the whole Profile after the change; subject 0
	EvOperatorAdd = "operator.add" // Data: the new Operator; subject its id
	EvOperatorSet = "operator.set" // Data: the Operator after a rename, retirement or return
	EvExport      = "export.done"  // Data: the ExportRecord (month, n, bundle, manifest hash, segment); subject 0
	// EvIDShown: the worker at the desk showed a certificate's whole ID
	// number (h on its detail); subject the certificate. Data: {}. It
	// changes no register: the event is the record of who looked and when.
	EvIDShown = "cert.id_shown"
	// EvOperatorPIN: an operator's PIN set, changed or cleared; subject the
	// operator. Data: pinData (a commitment to the hash, never the hash).
	EvOperatorPIN = "operator.pin"
	genesisDigest = "0000000000000000000000000000000000000000000000000000000000000000"
)

// Approval-form (准入申请) event kinds; the subject is the admission id.
const (
	// EvAdmissionSave creates or edits a 草稿. Data: the full Admission after the change.
	EvAdmissionSave = "admission.save"
	// EvAdmissionStatus moves an application on. Data: {"to": status, "opinion": Opinion or absent}.
	EvAdmissionStatus = "admission.status"
)

// Event is one entry of the append-only log.
//
// Encoding: the value under key Seq (uint64 BE) in bucket "events" is the
// JSON of Event (a ledger packs it: see eventvalue.go). Hash is hex SHA-256 over Prev's 32 bytes followed by the
// JSON of the event with Hash empty (Go's encoding/json writes struct
// fields in declaration order, so the bytes are canonical). The first
// event's Prev is 64 zeros. Changing, removing or reordering any event
// breaks every hash after it.
type Event struct {
	Seq        uint64          `json:"seq"`
	Time       time.Time       `json:"time"`
	OperatorID uint64          `json:"operator_id"`
	Operator   string          `json:"operator"`
	Kind       string          `json:"kind"`
	Subject    uint64          `json:"subject"` // the record the event is about
	Data       json.RawMessage `json:"data"`
	Prev       string          `json:"prev"`
	Hash       string          `json:"hash,omitempty"`
}

type printData struct {
	Copies int `json:"copies"`
}

type voidData struct {
	Reason     string `json:"reason"`
	ReplacedBy uint64 `json:"replaced_by,omitempty"`
}

// digest computes the event's hash from its fields and Prev.
func (e Event) digest() (string, error) {
	body, err := e.body()
	if err != nil {
		return "", err
	}
	return e.digestOf(body)
}

// body is the JSON of the event with Hash empty: what its hash is over.
func (e Event) body() ([]byte, error) {
	e.Hash = ""
	return json.Marshal(e)
}

// newBody is body for an event chainEvent makes, whose Data json.Marshal
// has just written (compact, valid, HTML-escaped, so that json.Marshal of
// the event would copy it as it is): the envelope is written by hand,
// each member as json.Marshal writes it, which saves encoding the data a
// second time.
func (e Event) newBody() ([]byte, error) {
	tm, err := e.Time.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return e.bodyWithTime(tm), nil
}

// bodyWithTime is newBody with the time as Time.MarshalJSON wrote it.
func (e Event) bodyWithTime(tm []byte) []byte {
	return e.appendBody(make([]byte, 0, 164+len(e.Operator)+len(e.Kind)+len(e.Data)+len(e.Prev)), tm)
}

// appendBody appends bodyWithTime's body to b.
func (e Event) appendBody(b, tm []byte) []byte {
	data := []byte(e.Data)
	if data == nil {
		data = []byte("null")
	}
	b = strconv.AppendUint(append(b, `{"seq":`...), e.Seq, 10)
	b = append(append(append(b, `,"time":`...), tm...), `,"operator_id":`...)
	b = strconv.AppendUint(b, e.OperatorID, 10)
	b = appendJSONString(append(b, `,"operator":`...), e.Operator)
	b = appendJSONString(append(b, `,"kind":`...), e.Kind)
	b = strconv.AppendUint(append(b, `,"subject":`...), e.Subject, 10)
	b = append(append(append(b, `,"data":`...), data...), `,"prev":`...)
	return append(appendJSONString(b, e.Prev), '}')
}

// appendJSONString appends s as json.Marshal writes a string: quoted as it
// is when nothing in it is escaped (valid UTF-8 without control
// characters, " \ < > & or U+2028, U+2029), else by json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	if writesPlain(s) {
		return append(append(append(b, '"'), s...), '"')
	}
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// writesPlain says whether json.Marshal writes s between quotes as it is:
// valid UTF-8 without control characters, " \ < > & or U+2028, U+2029.
func writesPlain(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

func (e Event) digestOf(body []byte) (string, error) {
	prev, err := hex.DecodeString(e.Prev)
	if err != nil || len(prev) != sha256.Size {
		return "", fmt.Errorf("事件 %d 的前序哈希无效", e.Seq)
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// withHash is the event's canonical JSON: its body with "hash" as the last
// member (what json.Marshal writes with Hash set, and what verifyStored
// expects).
func (e Event) withHash(body []byte) []byte {
	out := make([]byte, 0, len(body)+len(`,"hash":""`)+len(e.Hash))
	out = append(out, body[:len(body)-1]...)
	return append(append(append(out, `,"hash":"`...), e.Hash...), `"}`...)
}

// appendEvent checks the clock (see checkClock) and chains a new event onto
// the log inside tx, applying it to the record buckets. Every change a
// worker makes goes through here.
func (db *DB) appendEvent(tx *bolt.Tx, op Operator, now time.Time, kind string, subject uint64, data any) (Event, error) {
	if err := db.checkClock(tx, now); err != nil {
		return Event{}, err
	}
	return chainEvent(tx, op, now, kind, subject, data)
}

// chainEvent appends an event without the clock check: for the migration
// that records the state a file already had.
func chainEvent(tx *bolt.Tx, op Operator, now time.Time, kind string, subject uint64, data any) (Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Event{}, err
	}
	bk := tx.Bucket(bucketEvents)
	bk.FillPercent = 1 // never rewritten: pages are written once, full
	prev := genesisDigest
	if k, v := bk.Cursor().Last(); k != nil {
		if prev, err = storedHash(v); err != nil {
			return Event{}, err
		}
	}
	seq, err := bk.NextSequence()
	if err != nil {
		return Event{}, err
	}
	ev := Event{Seq: seq, Time: now, OperatorID: op.ID, Operator: op.Name, Kind: kind, Subject: subject, Data: raw, Prev: prev}
	body, err := ev.newBody()
	if err != nil {
		return Event{}, err
	}
	if ev.Hash, err = ev.digestOf(body); err != nil {
		return Event{}, err
	}
	if err := bk.Put(u64(seq), storedForm(tx, ev.withHash(body), prev)); err != nil {
		return Event{}, err
	}
	if err := indexEvent(tx, ev); err != nil {
		return Event{}, err
	}
	if err := raiseNewest(tx, now); err != nil {
		return Event{}, err
	}
	return ev, applyNew(tx, ev, data)
}

// applyNew is applyEvent for an event just made from data: a certificate
// issued is filed from the value at hand rather than decoded
// again from the event (decoding was a third of an import's time). It is
// the same certificate: check replays the events through applyEvent,
// which decodes them, and finds the same buckets.
func applyNew(tx *bolt.Tx, ev Event, data any) error {
	if ev.Kind == EvCertIssue || ev.Kind == EvCertImport {
		if c, ok := data.(Certificate); ok {
			return applyCert(tx, ev, c)
		}
	}
	return applyEvent(tx, ev)
}

// indexEvent files an event under its record (subjects) and its month
// (checkpoints). Like applyEvent it is run again by check, so both indexes
// are derived from the log.
func indexEvent(tx *bolt.Tx, ev Event) error {
	if err := appendOnly(tx, bucketSubjects).Put(subjectKey(ev.Kind, ev.Subject, ev.Seq), nil); err != nil {
		return err
	}
	return noteCheckpoint(tx, ev)
}

func subjectKey(kind string, subject, seq uint64) []byte {
	return appendSubjectKey(make([]byte, 0, 17), kind, subject, seq)
}

// appendSubjectKey appends subjectKey's key to dst.
func appendSubjectKey(dst []byte, kind string, subject, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(append(dst, subjectGroup(kind)), subject), seq)
}

// ChainError says where the event log stops adding up.
type ChainError struct {
	Seq    uint64
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("台账记录在第 %d 条事件处校验失败：%s。数据文件可能被改动过，请保留该文件并联系上级核查。", e.Seq, e.Reason)
}

// VerifyChain walks the whole log and checks every hash and link. It
// returns the number of events and the last hash.
func (db *DB) VerifyChain() (n uint64, head string, err error) {
	var chain chainWalker
	err = db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEvents).ForEach(chain.check)
	})
	return chain.n, chain.headHash(), err
}

// chainWalker checks events one after another: each must parse, follow the
// previous one in sequence and link, and match its own hash.
type chainWalker struct {
	n    uint64
	head string
	buf  []byte // reused for unpacking
}

func (w *chainWalker) headHash() string {
	if w.head == "" {
		return genesisDigest
	}
	return w.head
}

func (w *chainWalker) next(k, v []byte) (Event, error) {
	ev, raw, err := readEvent(&w.buf, v, w.headHash())
	if err != nil {
		return ev, &ChainError{fromU64(k), "内容无法解析"}
	}
	return ev, w.follow(k, raw, ev)
}

// check is next for a walk that needs no events: a packed event is not
// decoded, as its stored form gives what the chain needs (its seq first in
// its JSON, its hash at its end).
func (w *chainWalker) check(k, v []byte) error {
	if len(v) == 0 || v[0] != evPacked {
		_, err := w.next(k, v)
		return err
	}
	prev := w.headHash()
	raw, err := eventJSON(&w.buf, v, prev)
	seq, ok := numberAfter(raw, `{"seq":`)
	if err != nil || !ok {
		return &ChainError{fromU64(k), "内容无法解析"}
	}
	hash, _ := storedHash(v)
	return w.follow(k, raw, Event{Seq: seq, Prev: prev, Hash: hash})
}

// follow checks that ev, stored under key k as the canonical JSON v, comes next in
// the chain (sequence, link, its own hash) and moves the head to it.
func (w *chainWalker) follow(k, v []byte, ev Event) error {
	w.n++
	if ev.Seq != fromU64(k) || ev.Seq != w.n {
		return &ChainError{fromU64(k), "序号不连续"}
	}
	if ev.Prev != w.headHash() {
		return &ChainError{ev.Seq, "与前一条事件的链接不符"}
	}
	if err := ev.verifyStored(v); err != nil {
		return err
	}
	w.head = ev.Hash
	return nil
}

// verifyStored checks an event's hash against the bytes it was read from.
// appendEvent stores exactly the JSON it hashed with "hash" added as the
// last member, so the hashed body is the stored bytes without it; hashing
// those saves encoding the event again (a bulk check reads every event).
// Bytes not in that form are hashed the long way.
func (ev Event) verifyStored(stored []byte) error {
	d, err := ev.storedDigest(stored)
	if err != nil {
		return &ChainError{ev.Seq, err.Error()}
	}
	if d != ev.Hash {
		return &ChainError{ev.Seq, "内容与哈希不符"}
	}
	return nil
}

func (ev Event) storedDigest(stored []byte) (string, error) {
	suffix := `,"hash":"` + ev.Hash + `"}`
	if len(ev.Hash) != 64 || !bytes.HasSuffix(stored, []byte(suffix)) {
		return ev.digest()
	}
	prev, err := hex.DecodeString(ev.Prev)
	if err != nil || len(prev) != sha256.Size {
		return "", fmt.Errorf("事件 %d 的前序哈希无效", ev.Seq)
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(stored[:len(stored)-len(suffix)])
	h.Write([]byte("}"))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Events calls fn for every event in order.
func (db *DB) Events(fn func(Event) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return forEachEvent(tx, func(ev Event, _ []byte) error { return fn(ev) })
	})
}

// subjectGroup is the first byte of a key in bucket "subjects": which kind
// of record an event is about.
func subjectGroup(kind string) byte {
	switch {
	case strings.HasPrefix(kind, "cert."):
		return 'c'
	case strings.HasPrefix(kind, "refusal."):
		return 'r'
	case strings.HasPrefix(kind, "profile."):
		return 'p'
	case strings.HasPrefix(kind, "operator."):
		return 'o'
	case strings.HasPrefix(kind, "export."):
		return 'e'
	default:
		return 'a'
	}
}

// History lists the events about one record, oldest first. kind is any
// event kind of that record's family (EvCertIssue for a certificate).
func (db *DB) History(kind string, id uint64) ([]Event, error) {
	var out []Event
	prefix := append([]byte{subjectGroup(kind)}, u64(id)...)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSubjects).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			ev, err := eventAt(tx, fromU64(k[len(prefix):]), nil)
			if err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// Describe says in a few Chinese words what the event did.
func (e Event) Describe() string {
	switch e.Kind {
	case EvCertIssue:
		var c Certificate
		_ = json.Unmarshal(e.Data, &c)
		if c.Replaces != 0 {
			return "开具（更正）" + c.Serial
		}
		return "开具 " + c.Serial
	case EvCertImport:
		var c Certificate
		_ = json.Unmarshal(e.Data, &c)
		if c.Serial == "" {
			return "导入旧台账（原表无编号）"
		}
		return "导入旧台账 " + c.Serial
	case EvCertPrint:
		var d printData
		_ = json.Unmarshal(e.Data, &d)
		return fmt.Sprintf("打印 %d 份", d.Copies)
	case EvCertVoid:
		var d voidData
		_ = json.Unmarshal(e.Data, &d)
		return "作废：" + voidReasonText(d.Reason)
	case EvRefusal:
		return "拒绝出具登记"
	case EvIDShown:
		return "查看完整身份证号"
	case EvOperatorPIN:
		var d pinData
		_ = json.Unmarshal(e.Data, &d)
		switch {
		case d.Set:
			return "设置 PIN"
		case d.Reset:
			return "在本机用命令重置 PIN"
		}
		return "取消 PIN"
	case EvExport:
		var r ExportRecord
		_ = json.Unmarshal(e.Data, &r)
		return fmt.Sprintf("导出 %s 台账（第 %d 次）：%s", ChineseMonthOf(r.Month), r.N, r.Bundle)
	case EvProfile:
		var p Profile
		_ = json.Unmarshal(e.Data, &p)
		return "社区信息：" + p.Community
	case EvOperatorAdd, EvOperatorSet:
		var o Operator
		_ = json.Unmarshal(e.Data, &o)
		verb := "添加经办人 "
		if e.Kind == EvOperatorSet {
			verb = "经办人改为 "
			if o.Retired {
				verb = "经办人停用 "
			}
		}
		return verb + o.Name
	case EvAdmissionSave:
		return "保存草稿"
	case EvAdmissionStatus:
		var d admissionStatusData
		_ = json.Unmarshal(e.Data, &d)
		text := ""
		if d.Opinion != nil && d.Opinion.Text != "" {
			text = "：" + d.Opinion.Text
		}
		switch d.To {
		case AdmSubmitted:
			return "报送"
		case AdmCounty:
			return "录入县级意见" + text
		case AdmCity:
			return "录入市级意见" + text
		case AdmApproved:
			return "准入" + text
		case AdmRejected:
			return "不予准入" + text
		case AdmWithdrawn:
			return "撤回" + text
		}
		return "状态改为" + string(d.To)
	}
	return e.Kind
}
