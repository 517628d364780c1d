package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// A certificate read straight from its packed cert.issue (or cert.import)
// event: the tokens of the event's "data" object (pack.go) are walked and
// each key's static code picks the field, without unpacking the event to
// JSON and decoding that twice (event, then data). It gives what that JSON
// path gives, to the last byte: anything it does not handle exactly — an
// envelope out of its usual order, a key that is not a static string, a
// key twice, a number that is not a plain integer, a string with escapes
// that will not unescape, damaged bytes — makes it say no, and the caller
// takes the JSON path, which then gives the same certificate or the same
// error as before.

// certField is a member of Certificate's JSON, or of Issuer's.
type certField uint8

const (
	cfNone certField = iota
	cfID
	cfSerial
	cfYear
	cfNo
	cfTypeNo
	cfTypeName
	cfAdmissionID
	cfName
	cfIDNumber
	cfSex
	cfBirth
	cfAddress
	cfPurpose
	cfRecipient
	cfVerified
	cfCopies
	cfIssueDate
	cfIssued
	cfOperatorID
	cfOperatorName
	cfPrints
	cfIssuer
	cfStatus
	cfVoidReason
	cfVoidedAt
	cfVoidedBy
	cfReplaces
	cfReplacedBy
	cfImported
	cfNote
	cfCommittee // Issuer's
	cfPrefix
	cfPhone
	cfCount
)

// certFieldNames are the JSON names of Certificate's and Issuer's members
// (TestCertDecoderKnowsEveryField holds them to the struct tags).
var certFieldNames = [cfCount]string{
	cfID: "id", cfSerial: "serial", cfYear: "year", cfNo: "no", cfTypeNo: "type_no", cfTypeName: "type_name",
	cfAdmissionID: "admission_id", cfName: "name", cfIDNumber: "id_number", cfSex: "sex", cfBirth: "birth",
	cfAddress: "address", cfPurpose: "purpose", cfRecipient: "recipient", cfVerified: "verified", cfCopies: "copies",
	cfIssueDate: "issue_date", cfIssued: "issued", cfOperatorID: "operator_id", cfOperatorName: "operator_name",
	cfPrints: "prints", cfIssuer: "issuer", cfStatus: "status", cfVoidReason: "void_reason", cfVoidedAt: "voided_at",
	cfVoidedBy: "voided_by", cfReplaces: "replaces", cfReplacedBy: "replaced_by", cfImported: "imported", cfNote: "note",
	cfCommittee: "committee", cfPrefix: "prefix", cfPhone: "phone",
}

// certKeys maps a static code to the certificate member it names, issuerKeys
// to the issuer's; any other static key is a member encoding/json ignores.
var certKeys, issuerKeys = func() (c, i [256]certField) {
	for f := cfID; f < cfCount; f++ {
		code, ok := packedCode[certFieldNames[f]]
		if !ok {
			continue // such a key is packed as a string: the JSON path reads it
		}
		if f >= cfCommittee {
			i[code] = f
		} else {
			c[code] = f
		}
	}
	return c, i
}()

// The envelope's members in the order every event is written (Event).
var envelopeKeys = [...]byte{
	packedCode["seq"], packedCode["time"], packedCode["operator_id"], packedCode["operator"],
	packedCode["kind"], packedCode["subject"], packedCode["data"],
}

// certDecoder reads certificates from packed events; its buffers are
// reused from one certificate to the next.
type certDecoder struct {
	src   []byte // the packed JSON (without the leading evPacked and the hash)
	i     int    // next token
	seen  [maxAgain]int32
	nseen int
	depth int

	text  []byte // the texts of this certificate's strings, one Go string at the end
	spans []textSpan
	tmp   []byte // a time's JSON, a string to unescape

	times [16]timeSlot // times parsed, by the value of their token (a hash's top 4 bits)
}

// timeSlot is a time token's value and what Time.UnmarshalJSON made of
// its text: the same for the same token, and dear to make (the text is
// formatted, then parsed). An issue time is the event's time written
// again; an import's events share one time, its certificates' dates recur.
type timeSlot struct {
	s     int64
	ns    uint64
	t     time.Time
	ok    bool
	valid bool
}

// textSpan is a string member whose text is text[a:b].
type textSpan struct {
	f    certField
	a, b int
}

// issue reads the certificate of a stored event value v (an issue or an
// import), or says no.
func (d *certDecoder) issue(v []byte) (c Certificate, ok bool) {
	if len(v) < 1+sha256.Size+2 || v[0] != evPacked {
		return c, false
	}
	d.src, d.i, d.nseen, d.depth = v[1:len(v)-sha256.Size], 0, 0, 0
	d.text, d.spans = d.text[:0], d.spans[:0]
	if !d.envelope(&c) || d.i != len(d.src) {
		return Certificate{}, false
	}
	if len(d.spans) > 0 {
		s := string(d.text)
		for _, sp := range d.spans {
			*c.stringMember(sp.f) = s[sp.a:sp.b]
		}
	}
	return c, true
}

func (d *certDecoder) next() (byte, bool) {
	if d.i >= len(d.src) {
		return 0, false
	}
	d.i++
	return d.src[d.i-1], true
}

func (d *certDecoder) uv() (uint64, bool) {
	v, n := binary.Uvarint(d.src[d.i:])
	if n <= 0 {
		return 0, false
	}
	d.i += n
	return v, true
}

// envelope reads {"seq","time","operator_id","operator","kind","subject","data"}
// with data the certificate.
func (d *certDecoder) envelope(c *Certificate) bool {
	if tag, ok := d.next(); !ok || tag != pkObj {
		return false
	}
	for i, key := range envelopeKeys {
		if tag, ok := d.next(); !ok || tag != key {
			return false
		}
		tag, ok := d.next()
		if !ok {
			return false
		}
		switch i {
		case 0, 2, 5: // seq, operator_id, subject
			if _, ok := d.uint(tag); !ok {
				return false
			}
		case 1: // time
			var t time.Time
			if !d.time(tag, &t) {
				return false
			}
		case 3: // operator
			mark := len(d.text)
			_, _, ok := d.str(tag)
			d.text = d.text[:mark]
			if !ok {
				return false
			}
		case 4: // kind
			mark := len(d.text)
			s, k, ok := d.str(tag)
			if k == strPlain {
				ok = issueKind(string(d.text[mark:]))
			} else {
				ok = ok && issueKind(s)
			}
			d.text = d.text[:mark]
			if !ok {
				return false
			}
		default: // data
			if tag != pkObj || !d.object(c, &certKeys) {
				return false
			}
		}
	}
	tag, ok := d.next()
	return ok && tag == pkEndObj
}

func issueKind(kind string) bool { return kind == EvCertIssue || kind == EvCertImport }

// object reads the members of an object, its { read: the certificate's
// (keys certKeys) or its issuer's (issuerKeys).
func (d *certDecoder) object(c *Certificate, keys *[256]certField) bool {
	var had [cfCount]bool
	for {
		tag, ok := d.next()
		if !ok {
			return false
		}
		if tag == pkEndObj {
			return true
		}
		if tag < pkStatic || int(tag-pkStatic) >= len(packedStrings) {
			return false // a key that is no static string: the JSON path matches it
		}
		f := keys[tag]
		if f != cfNone {
			if had[f] {
				return false // encoding/json keeps the last, merging objects
			}
			had[f] = true
		}
		if tag, ok = d.next(); !ok {
			return false
		}
		if tag == pkNull && f != cfNone {
			continue // null leaves a member as it is: zero
		}
		switch p := c.member(f).(type) {
		case nil:
			ok = d.skip(tag)
		case *uint64:
			*p, ok = d.uint(tag)
		case *int:
			*p, ok = d.int(tag)
		case *time.Time:
			ok = d.time(tag, p)
		case *bool:
			*p, ok = tag == pkTrue, tag == pkTrue || tag == pkFalse
		case **Issuer:
			*p = new(Issuer)
			ok = tag == pkObj && d.object(c, &issuerKeys)
		default:
			ok = d.field(tag, c, f)
		}
		if !ok {
			return false
		}
	}
}

// member is a pointer to the member f of c (or of its issuer), nil for
// cfNone; a string member's is a *string.
func (c *Certificate) member(f certField) any {
	switch f {
	case cfID:
		return &c.ID
	case cfSerial:
		return &c.Serial
	case cfYear:
		return &c.Year
	case cfNo:
		return &c.No
	case cfTypeNo:
		return &c.TypeNo
	case cfTypeName:
		return &c.TypeName
	case cfAdmissionID:
		return &c.AdmissionID
	case cfName:
		return &c.Name
	case cfIDNumber:
		return &c.IDNumber
	case cfSex:
		return &c.Sex
	case cfBirth:
		return &c.Birth
	case cfAddress:
		return &c.Address
	case cfPurpose:
		return &c.Purpose
	case cfRecipient:
		return &c.Recipient
	case cfVerified:
		return &c.Verified
	case cfCopies:
		return &c.Copies
	case cfIssueDate:
		return &c.IssueDate
	case cfIssued:
		return &c.Issued
	case cfOperatorID:
		return &c.OperatorID
	case cfOperatorName:
		return &c.OperatorName
	case cfPrints:
		return &c.Prints
	case cfIssuer:
		return &c.Issuer
	case cfStatus:
		return (*string)(&c.Status)
	case cfVoidReason:
		return &c.VoidReason
	case cfVoidedAt:
		return &c.VoidedAt
	case cfVoidedBy:
		return &c.VoidedBy
	case cfReplaces:
		return &c.Replaces
	case cfReplacedBy:
		return &c.ReplacedBy
	case cfImported:
		return &c.Imported
	case cfNote:
		return &c.Note
	case cfCommittee:
		return &c.Issuer.Committee
	case cfPrefix:
		return &c.Issuer.Prefix
	case cfPhone:
		return &c.Issuer.Phone
	}
	return nil
}

// stringMember is the string member f of c.
func (c *Certificate) stringMember(f certField) *string { return c.member(f).(*string) }

// uint reads an integer into a uint64 member: 20 digits are a number's
// text (pkNumber).
func (d *certDecoder) uint(tag byte) (uint64, bool) {
	switch tag {
	case pkInt:
		return d.uv()
	case pkNumber:
		n, ok := d.uv()
		if !ok || n > uint64(len(d.src)-d.i) {
			return 0, false
		}
		text := d.src[d.i : d.i+int(n)]
		d.i += int(n)
		if len(text) == 0 || text[0] == '0' || !allDigits(text) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(text), 10, 64)
		return v, err == nil
	}
	return 0, false
}

// int reads an integer into an int member.
func (d *certDecoder) int(tag byte) (int, bool) {
	if tag != pkInt && tag != pkNeg {
		return 0, false
	}
	v, ok := d.uv()
	if !ok || v > math.MaxInt {
		return 0, false
	}
	if tag == pkNeg {
		return -int(v), true
	}
	return int(v), true
}

// time reads a string into a time.Time member as encoding/json does: by
// Time.UnmarshalJSON of the string as written.
func (d *certDecoder) time(tag byte, t *time.Time) bool {
	at, next := d.i-1, -1 // the time's token, and where reading goes on
	if tag == pkAgain {
		if i, n := binary.Uvarint(d.src[d.i:]); n > 0 && i < uint64(d.nseen) {
			at, next = int(d.seen[i]), d.i+n
		}
	}
	var slot *timeSlot
	if sec, ns, end, ok := d.timeToken(at); ok {
		if next < 0 {
			next = end
		}
		slot = &d.times[((uint64(sec)^ns)*0x9e3779b97f4a7c15)>>60] // midnights apart by days too
		if slot.valid && slot.s == sec && slot.ns == ns {
			if tag != pkAgain {
				d.note(at)
			}
			d.i, *t = next, slot.t
			return slot.ok
		}
		*slot = timeSlot{s: sec, ns: ns}
	}
	mark := len(d.text)
	s, k, ok := d.str(tag)
	if ok {
		d.tmp = append(d.tmp[:0], '"')
		if k == strStatic {
			d.tmp = append(d.tmp, s...)
		} else {
			d.tmp = append(d.tmp, d.text[mark:]...) // as written, escapes and all
		}
		d.tmp = append(d.tmp, '"')
		ok = t.UnmarshalJSON(d.tmp) == nil
	}
	d.text = d.text[:mark]
	if slot != nil {
		slot.t, slot.ok, slot.valid = *t, ok, true
	}
	return ok
}

// timeToken reads the operands of the time token at src[at], if it is
// one: its seconds and nanoseconds, and where it ends.
func (d *certDecoder) timeToken(at int) (sec int64, ns uint64, end int, ok bool) {
	if tag := d.src[at]; tag != pkTime && tag != pkTimeNano {
		return 0, 0, 0, false
	}
	end = at + 1
	sec, n := binary.Varint(d.src[end:])
	if n <= 0 {
		return 0, 0, 0, false
	}
	end += n
	if d.src[at] == pkTimeNano {
		if ns, n = binary.Uvarint(d.src[end:]); n <= 0 || ns >= 1e9 {
			return 0, 0, 0, false
		}
		end += n
	}
	return sec, ns, end, true
}

// note notes the string token at src[at] for back-references.
func (d *certDecoder) note(at int) {
	if d.nseen < maxAgain {
		d.seen[d.nseen] = int32(at)
		d.nseen++
	}
}

// field reads a string into the string member f of c: a static string as
// it is, a plain one as a span of the certificate's text, one with escapes
// as encoding/json unescapes it.
func (d *certDecoder) field(tag byte, c *Certificate, f certField) bool {
	mark := len(d.text)
	s, k, ok := d.str(tag)
	if ok && k == strPlain {
		d.spans = append(d.spans, textSpan{f, mark, len(d.text)})
		return true
	}
	d.text = d.text[:mark]
	if ok {
		*c.stringMember(f) = s
	}
	return ok
}

// strKind is how str read a string.
type strKind uint8

const (
	strStatic  strKind = iota // one of packedStrings, returned
	strPlain                  // its text, appended to d.text, is the string
	strEscaped                // its text has escapes; the string is returned
)

// str reads a string token whose tag was read. A static string comes back
// as s; any other's text, as between the quotes (escapes kept), is
// appended to d.text, and when encoding/json would unescape it, the string
// it reads comes back as s. A string that is not valid JSON text, such as
// one with a bare quote, is not ok.
func (d *certDecoder) str(tag byte) (s string, k strKind, ok bool) {
	if tag >= pkStatic {
		if int(tag-pkStatic) >= len(packedStrings) {
			return "", 0, false
		}
		return packedStrings[tag-pkStatic], strStatic, true
	}
	at, mark := d.i-1, len(d.text)
	if tag == pkAgain {
		i, ok := d.uv()
		if !ok || i >= uint64(d.nseen) {
			return "", 0, false
		}
		at = int(d.seen[i])
		d.text, _, ok = d.textAt(at, d.text)
		if !ok {
			return "", 0, false
		}
	} else {
		var next int
		d.text, next, ok = d.textAt(at, d.text)
		if !ok {
			return "", 0, false
		}
		d.i = next
		d.note(at)
	}
	// Dates, times, digits and hex are plain ASCII.
	if d.src[at] != pkString || plainJSON(d.text[mark:]) {
		return "", strPlain, true
	}
	s, ok = d.unescape(d.text[mark:])
	return s, strEscaped, ok
}

// textAt appends the text of the string token at src[at] (not a static
// string, not a back-reference) to dst, as unpackJSON writes it; next is
// where the token ends.
func (d *certDecoder) textAt(at int, dst []byte) (out []byte, next int, ok bool) {
	out, rest, ok := appendText(dst, d.src[at], d.src[at+1:])
	return out, len(d.src) - len(rest), ok
}

// plainJSON says whether s, a string's text between the quotes, is what
// encoding/json would give back unchanged: valid UTF-8 without escapes,
// quotes or control characters.
func plainJSON(s []byte) bool {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			if c < 0x20 || c == '"' || c == '\\' {
				return false
			}
			i++
		case c >= 0xe1 && c <= 0xec || c >= 0xee && c <= 0xef:
			// Three bytes whose second may be any continuation byte:
			// most Chinese characters.
			if i+2 >= len(s) || s[i+1]&0xc0 != 0x80 || s[i+2]&0xc0 != 0x80 {
				return false
			}
			i += 3
		default:
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n == 1 {
				return false
			}
			i += n
		}
	}
	return true
}

// unescape is a string's text between the quotes as encoding/json reads
// it; not ok where encoding/json fails.
func (d *certDecoder) unescape(s []byte) (string, bool) {
	d.tmp = append(append(append(d.tmp[:0], '"'), s...), '"')
	var out string
	if json.Unmarshal(d.tmp, &out) != nil {
		return "", false
	}
	return out, true
}

// skip reads past a value encoding/json ignores (a member Certificate has
// not), noting its strings for back-references as unpackJSON does.
func (d *certDecoder) skip(tag byte) bool {
	switch {
	case tag == pkObj || tag == pkArr:
		if d.depth++; d.depth > maxDepth-3 { // the envelope and data are two levels
			return false
		}
		defer func() { d.depth-- }()
		end := byte(pkEndArr)
		if tag == pkObj {
			end = pkEndObj
		}
		for {
			t, ok := d.next()
			if !ok {
				return false
			}
			if t == end {
				return true
			}
			if tag == pkObj {
				mark := len(d.text)
				_, _, ok := d.str(t)
				d.text = d.text[:mark]
				if !ok {
					return false
				}
				if t, ok = d.next(); !ok {
					return false
				}
			}
			if !d.skip(t) {
				return false
			}
		}
	case tag == pkInt || tag == pkNeg:
		_, ok := d.uv()
		return ok
	case tag == pkTrue || tag == pkFalse || tag == pkNull:
		return true
	case tag == pkNumber || tag == pkEndObj || tag == pkEndArr:
		return false // any number's text: the JSON path checks it
	}
	mark := len(d.text)
	_, _, ok := d.str(tag)
	d.text = d.text[:mark]
	return ok
}

// appendDate appends the date days after 1970-01-01 as unpackJSON writes
// it (2006-01-02), the civil date worked out directly for years 1–9999.
func appendDate(dst []byte, days int64) []byte {
	const (
		first = -719162 // 0001-01-01
		last  = 2932896 // 9999-12-31
		shift = 719468  // days from 0000-03-01 to 1970-01-01
		era   = 146097  // days in 400 years
	)
	if days < first || days > last {
		return time.Unix(days*86400, 0).UTC().AppendFormat(dst, time.DateOnly)
	}
	// Howard Hinnant's civil_from_days, for days >= 0000-03-01 (unsigned:
	// cheaper division).
	z := uint64(days + shift)
	e := z / era
	doe := z - e*era
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + e*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}
