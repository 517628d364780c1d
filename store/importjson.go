package store

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"sync"
	"time"
)

// An import encodes 100,000 certificates: its events are written by hand
// rather than by reflection, in both the forms an event has — the JSON its
// hash is over and the packed form it is stored in (encodeImport). One
// walk over the fields (walkCert) writes both; TestImportCodecs and
// FuzzImportCodecs prove them equal to json.Marshal and packJSON.

// certSink receives a certificate's members in the order and with the
// omissions of its json tags.
type certSink interface {
	key(m member)
	str(s string)
	uint(v uint64)
	int(v int)
	time(t time.Time)
	bool(v bool)
}

// member is a member's name and its code in the packed form (every member
// an import writes has one): looked up once, not per event.
type member struct {
	name string
	code byte
}

func newMember(name string) member {
	code, ok := packedCode[name]
	if !ok {
		panic("store: no packed code for member " + name)
	}
	return member{name, code}
}

// The members an import event has.
var (
	mAddress      = newMember("address")
	mAdmissionID  = newMember("admission_id")
	mBirth        = newMember("birth")
	mCopies       = newMember("copies")
	mData         = newMember("data")
	mID           = newMember("id")
	mIDNumber     = newMember("id_number")
	mImported     = newMember("imported")
	mIssueDate    = newMember("issue_date")
	mIssued       = newMember("issued")
	mKind         = newMember("kind")
	mName         = newMember("name")
	mNo           = newMember("no")
	mNote         = newMember("note")
	mOperator     = newMember("operator")
	mOperatorID   = newMember("operator_id")
	mOperatorName = newMember("operator_name")
	mPrints       = newMember("prints")
	mPurpose      = newMember("purpose")
	mRecipient    = newMember("recipient")
	mReplacedBy   = newMember("replaced_by")
	mReplaces     = newMember("replaces")
	mSeq          = newMember("seq")
	mSerial       = newMember("serial")
	mSex          = newMember("sex")
	mStatus       = newMember("status")
	mSubject      = newMember("subject")
	mTime         = newMember("time")
	mTypeName     = newMember("type_name")
	mTypeNo       = newMember("type_no")
	mVerified     = newMember("verified")
	mVoidReason   = newMember("void_reason")
	mVoidedBy     = newMember("voided_by")
	mYear         = newMember("year")
)

// handWritable says whether walkCert covers c: no issuer, never voided,
// and a time json.Marshal writes as RFC 3339 (a four-digit year, a zone
// of whole minutes).
func handWritable(c *Certificate) bool {
	_, off := c.Issued.Zone()
	y := c.Issued.Year()
	return c.Issuer == nil && c.VoidedAt.IsZero() && y >= 0 && y <= 9999 && off%60 == 0 && off > -24*3600 && off < 24*3600
}

func walkCert(c *Certificate, s certSink) {
	text := func(k member, v string) { s.key(k); s.str(v) }
	num := func(k member, v int) { s.key(k); s.int(v) }
	id := func(k member, v uint64) { s.key(k); s.uint(v) }
	// omitempty members
	someText := func(k member, v string) {
		if v != "" {
			text(k, v)
		}
	}
	someID := func(k member, v uint64) {
		if v != 0 {
			id(k, v)
		}
	}
	id(mID, c.ID)
	text(mSerial, c.Serial)
	num(mYear, c.Year)
	num(mNo, c.No)
	num(mTypeNo, c.TypeNo)
	text(mTypeName, c.TypeName)
	someID(mAdmissionID, c.AdmissionID)
	text(mName, c.Name)
	text(mIDNumber, c.IDNumber)
	text(mSex, c.Sex)
	text(mBirth, c.Birth)
	text(mAddress, c.Address)
	text(mPurpose, c.Purpose)
	text(mRecipient, c.Recipient)
	text(mVerified, c.Verified)
	num(mCopies, c.Copies)
	text(mIssueDate, c.IssueDate)
	s.key(mIssued)
	s.time(c.Issued)
	id(mOperatorID, c.OperatorID)
	text(mOperatorName, c.OperatorName)
	if c.Prints != 0 {
		num(mPrints, c.Prints)
	}
	text(mStatus, string(c.Status))
	someText(mVoidReason, c.VoidReason)
	someText(mVoidedBy, c.VoidedBy)
	someID(mReplaces, c.Replaces)
	someID(mReplacedBy, c.ReplacedBy)
	if c.Imported {
		s.key(mImported)
		s.bool(true)
	}
	someText(mNote, c.Note)
}

// jsonSink writes members as json.Marshal does.
type jsonSink struct{ b []byte }

func (j *jsonSink) key(m member) {
	if j.b[len(j.b)-1] != '{' {
		j.b = append(j.b, ',')
	}
	j.b = append(append(append(j.b, '"'), m.name...), `":`...)
}
func (j *jsonSink) str(s string)  { j.b = appendJSONString(j.b, s) }
func (j *jsonSink) uint(v uint64) { j.b = strconv.AppendUint(j.b, v, 10) }
func (j *jsonSink) int(v int)     { j.b = strconv.AppendInt(j.b, int64(v), 10) }
func (j *jsonSink) bool(v bool)   { j.b = strconv.AppendBool(j.b, v) }
func (j *jsonSink) time(t time.Time) {
	j.b = append(t.AppendFormat(append(j.b, '"'), time.RFC3339Nano), '"')
}

// packSink writes members as packer.pack writes their JSON; ok turns false
// at a string that JSON escapes (packJSON keeps the escapes) or a number
// packJSON would not store as an integer.
//
// The texts it hands the packer are kept in text, which only grows: the
// packer keeps them to refer back to, and a text copied for each would be
// most of an import's allocations.
type packSink struct {
	p    packer
	ok   bool
	text []byte
}

func (k *packSink) key(m member) { k.p.out = append(k.p.out, m.code) }
func (k *packSink) str(s string) {
	if !writesPlain(s) {
		k.ok = false
		return
	}
	k.plain(s)
}

// plain packs s, which JSON writes as it is, and returns its copy in text.
func (k *packSink) plain(s string) []byte {
	at := len(k.text)
	k.text = append(k.text, s...)
	t := k.text[at:len(k.text):len(k.text)]
	k.p.str(t, false)
	return t
}
func (k *packSink) uint(v uint64) {
	if v >= 1e19 { // 20 digits: packJSON keeps the text
		k.ok = false
		return
	}
	k.p.out = binary.AppendUvarint(append(k.p.out, pkInt), v)
}
func (k *packSink) int(v int) {
	if v < 0 {
		k.p.out = binary.AppendUvarint(append(k.p.out, pkNeg), uint64(-int64(v)))
		return
	}
	k.uint(uint64(v))
}
func (k *packSink) bool(v bool) {
	tag := byte(pkFalse)
	if v {
		tag = pkTrue
	}
	k.p.out = append(k.p.out, tag)
}
func (k *packSink) time(t time.Time) []byte {
	at := len(k.text)
	k.text = t.AppendFormat(k.text, time.RFC3339Nano)
	s := k.text[at:len(k.text):len(k.text)]
	k.p.str(s, false)
	return s
}

// bothSink writes the JSON and the packed form in one walk.
type bothSink struct {
	j jsonSink
	k packSink
}

func (b *bothSink) key(m member) { b.j.key(m); b.k.key(m) }
func (b *bothSink) str(s string) {
	if !writesPlain(s) {
		b.j.str(s)
		b.k.ok = false
		return
	}
	b.j.b = append(append(append(b.j.b, '"'), s...), '"')
	b.k.plain(s)
}
func (b *bothSink) uint(v uint64) { b.j.uint(v); b.k.uint(v) }
func (b *bothSink) int(v int)     { b.j.int(v); b.k.int(v) }
func (b *bothSink) bool(v bool)   { b.j.bool(v); b.k.bool(v) }
func (b *bothSink) time(t time.Time) {
	b.j.b = append(append(append(b.j.b, '"'), b.k.time(t)...), '"')
}

// importHead is the packed form of the members that every event of an
// import has alike (time, operator_id, operator, kind), made once a run,
// and the strings among them that the packer may refer back to. The
// members before them (seq) leave the packer nothing to refer to, so an
// event's packing goes on from them as if it had packed them itself.
type importHead struct {
	packed []byte
	seen   [][]byte
	ok     bool
}

func newImportHead(ev Event) *importHead {
	k := packSink{ok: true}
	k.packHead(ev)
	return &importHead{packed: k.p.out, seen: k.p.seen, ok: k.ok}
}

// packHead packs the members every event of an import has alike.
func (k *packSink) packHead(ev Event) {
	k.key(mTime)
	k.time(ev.Time)
	k.key(mOperatorID)
	k.uint(ev.OperatorID)
	k.key(mOperator)
	k.str(ev.Operator)
	k.key(mKind)
	k.str(ev.Kind)
}

// importScratch is an encoder's working memory, for one event at a time:
// the certificate's JSON, the texts the packer refers back to, and the
// packed form and the body of the event, which Encode copies out. Kept
// from row to row, it spares an import four allocations a row.
type importScratch struct {
	json, text, packed, body []byte
	seen                     [][]byte
}

var importScratches = sync.Pool{New: func() any { return new(importScratch) }}

// encodeImport writes the data of ev, an import event of c: its JSON
// (json.Marshal(c)), and its stored form appended to dst — packJSON of the
// event's closed head (its canonical JSON up to prev, then "}"; see
// eventvalue.go). packed is nil when the hand-written packing does not
// cover c; data comes from json.Marshal when the hand-written JSON does
// not. The JSON is in sc (nil: fresh memory) and valid until its next
// use. head, if not nil, is newImportHead of an event like ev.
func encodeImport(dst []byte, ev Event, c *Certificate, sc *importScratch, head *importHead) (data, packed []byte, err error) {
	if !handWritable(c) {
		data, err = json.Marshal(c)
		return data, nil, err
	}
	if sc == nil {
		sc = new(importScratch)
	}
	b := bothSink{j: jsonSink{b: append(sc.json[:0], '{')},
		k: packSink{p: packer{out: append(dst, pkObj), seen: sc.seen[:0]}, ok: true, text: sc.text[:0]}}
	defer func() { sc.json, sc.text, sc.seen = b.j.b[:0], b.k.text[:0], b.k.p.seen[:0] }()
	k := &b.k
	k.key(mSeq)
	k.uint(ev.Seq)
	if head == nil {
		k.packHead(ev)
	} else {
		k.p.out = append(k.p.out, head.packed...)
		k.p.seen = append(k.p.seen, head.seen...)
		k.ok = k.ok && head.ok
	}
	k.key(mSubject)
	k.uint(ev.Subject)
	k.key(mData)
	k.p.out = append(k.p.out, pkObj)
	walkCert(c, &b)
	data = append(b.j.b, '}')
	if !k.ok {
		return data, nil, nil
	}
	return data, append(k.p.out, pkEndObj, pkEndObj), nil
}
