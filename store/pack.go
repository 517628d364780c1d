package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Packed JSON is how a ledger stores its events from schema 6 on: the
// canonical JSON an event's hash is computed over, as a stream of tokens
// that unpacks back to exactly the same bytes. Commas and colons are
// implied by the nesting; object keys and common values are one byte from
// packedStrings; times, dates, digit strings (ID numbers, serials, phone
// numbers) and hex strings (hashes) are stored as numbers and raw bytes; a
// string that already occurred in the same value is a back-reference. Any
// JSON that encoding/json writes can be packed, whatever its fields, and
// packJSON checks that its output unpacks to its input (a value that does
// not is stored as plain JSON).
//
// Tokens (one tag byte, then its operands; uvarint and zigzag varint as in
// encoding/binary):
//
//	0x01 {  0x02 }  0x03 [  0x04 ]  0x09 true  0x0a false  0x0b null
//	0x05 string:   uvarint n, n bytes as between the quotes (escapes kept)
//	0x06 integer:  uvarint v (a number written as plain digits)
//	0x07 negative: uvarint -v
//	0x08 number:   uvarint n, n bytes of its text (any other number)
//	0x0c time:     varint Unix seconds; RFC 3339 in Beijing time (+08:00)
//	0x0d time:     varint Unix seconds, uvarint nanoseconds; likewise
//	0x0e date:     varint days since 1970-01-01 (2006-01-02)
//	0x0f digits:   uvarint n, n/2 bytes of 4-bit symbols of digitSymbols
//	0x10 hex:      uvarint n, n bytes (a lower-case hex string of 2n digits)
//	0x11 again:    uvarint i, the i-th string of this value that was not
//	               one of packedStrings, again
//	0x20–0xff:     packedStrings[tag-0x20]
//
// The format is part of the file: a tag's meaning and packedStrings'
// entries never change. Appending entries to packedStrings is a new schema
// version (an older program must not open a file it cannot read).
const (
	pkObj      = 0x01
	pkEndObj   = 0x02
	pkArr      = 0x03
	pkEndArr   = 0x04
	pkString   = 0x05
	pkInt      = 0x06
	pkNeg      = 0x07
	pkNumber   = 0x08
	pkTrue     = 0x09
	pkFalse    = 0x0a
	pkNull     = 0x0b
	pkTime     = 0x0c
	pkTimeNano = 0x0d
	pkDate     = 0x0e
	pkDigits   = 0x0f
	pkHex      = 0x10
	pkAgain    = 0x11
	pkStatic   = 0x20
)

// digitSymbols are the characters a digit string is made of.
const digitSymbols = "0123456789X-"

// packedStrings are the keys of the records' JSON and values that recur in
// every office (statuses, kinds, the 附件4 items). Never change or reorder
// an entry; see the format note above.
var packedStrings = [...]string{
	// event envelope
	"seq", "time", "operator_id", "operator", "kind", "subject", "data", "prev", "hash",
	// event kinds
	EvCertIssue, EvCertPrint, EvCertVoid, EvRefusal, EvProfile, EvOperatorAdd, EvOperatorSet, EvExport,
	EvAdmissionSave, EvAdmissionStatus,
	// certificates
	"id", "serial", "year", "no", "type_no", "type_name", "admission_id", "name", "id_number", "sex", "birth",
	"address", "purpose", "recipient", "verified", "copies", "issue_date", "issued", "operator_name", "prints",
	"issuer", "committee", "prefix", "phone", "status", "void_reason", "voided_at", "voided_by", "replaces",
	"replaced_by", "reason", "imported", "note",
	// refusals
	"date", "requester", "requester_kind", "item", "detail", "created",
	// profile and operators
	"community", "street", "county_code", "county_name", "serial_prefix", "station", "signing_key", "added",
	"retired", "pin", "receiver_key", "backup_copy",
	// exports
	"month", "n", "bundle", "manifest_hash", "first", "last", "head", "events", "late", "certificates",
	"voided", "refusals", "admissions", "by_type",
	// admissions
	"unit", "credit_code", "unit_level", "scope", "basis", "applied_on", "term", "from", "to", "powers",
	"funding", "letter_content", "letter_necessity", "letter_schedule", "letter_staffing", "letter_funding",
	"letter_powers", "county_opinion", "city_opinion", "decision", "withdrawal", "text", "entered_by",
	"entered", "updated", "opinion",
	// values
	"有效", "作废", "男", "女", "居民", "单位", "导入",
	"不在清单内", "属于部门职责", "材料不全", "无法核实", "其他",
	"草稿", "已报送", "县级已签意见", "市级已签意见", "已准入", "不予准入", "已到期", "已撤回",
	"市级部门", "县（市、区）级部门", "本社区", "县（市、区）辖区内社区", "全市社区", "工作事项", "证明事项",
	"临时性", "阶段性", "长期",
	// the 附件4 items (社区证明事项保留清单) as first published
	"学生寒暑假参加社区实践活动证明",
	"为申请各类救助、援助、补助的困难家庭出具经济困难证明",
	"居民在社区居住证明",
	"居民在家正常死亡证明",
	"居民办理社会保险证明",
	"居民办理《就业失业登记证》时，需提供的相关证明材料",
	"廉租房、公租房申请核实证明",
	"居民办理流动人口婚育证明",
	"办理《独生子女父母光荣证》、《再生育服务证》证明",
	"享受计生奖励、扶助、优惠政策的家庭基本情况核实证明",
	"申请住所（经营场所）登记证明",
	"出具应征入伍政审鉴定意见",
	// privacy (schema 6)
	EvIDShown, EvOperatorPIN, "set", "commit", "reset", "retention_years",
}

var packedCode = func() map[string]byte {
	if len(packedStrings) > 256-pkStatic {
		panic("packedStrings: too many entries")
	}
	m := make(map[string]byte, len(packedStrings))
	for i, s := range packedStrings {
		if _, dup := m[s]; dup {
			panic("packedStrings: duplicate " + s)
		}
		m[s] = byte(pkStatic + i)
	}
	return m
}()

// maxAgain bounds the strings a value can refer back to (and the search).
const maxAgain = 128

// packJSON appends the packed form of src, compact JSON as encoding/json
// writes it, to dst. It reports false (and dst unchanged) when src is not
// such JSON or does not unpack to itself.
func packJSON(dst, src []byte) ([]byte, bool) {
	p := packer{out: dst}
	if !p.pack(src) {
		return dst, false
	}
	back, err := unpackJSON(make([]byte, 0, len(src)), p.out[len(dst):])
	if err != nil || !bytes.Equal(back, src) {
		return dst, false
	}
	return p.out, true
}

type packer struct {
	out  []byte
	seen [][]byte // strings not in packedStrings, in order, for pkAgain
}

func (p *packer) pack(src []byte) bool {
	for i := 0; i < len(src); {
		switch c := src[i]; c {
		case '{':
			p.out = append(p.out, pkObj)
			i++
		case '}':
			p.out = append(p.out, pkEndObj)
			i++
		case '[':
			p.out = append(p.out, pkArr)
			i++
		case ']':
			p.out = append(p.out, pkEndArr)
			i++
		case ',', ':':
			i++ // implied; unpacking proves they were where it puts them
		case '"':
			j, esc := i+1, false
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' {
					esc = true
					j++
				}
			}
			if j >= len(src) {
				return false
			}
			p.str(src[i+1:j], esc)
			i = j + 1
		case 't', 'f', 'n':
			lit, tag := literal(c)
			if !bytes.HasPrefix(src[i:], []byte(lit)) {
				return false
			}
			p.out = append(p.out, tag)
			i += len(lit)
		default:
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '-' || src[j] == '+' || src[j] == '.' || src[j] == 'e' || src[j] == 'E') {
				j++
			}
			if j == i {
				return false
			}
			p.number(src[i:j])
			i = j
		}
	}
	return true
}

func literal(c byte) (string, byte) {
	switch c {
	case 't':
		return "true", pkTrue
	case 'f':
		return "false", pkFalse
	}
	return "null", pkNull
}

func (p *packer) number(s []byte) {
	neg := s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) > 0 && len(digits) <= 19 && (digits[0] != '0' || len(digits) == 1) && allDigits(digits) {
		v, err := strconv.ParseUint(string(digits), 10, 64)
		if err == nil && !(neg && v == 0) {
			tag := byte(pkInt)
			if neg {
				tag = pkNeg
			}
			p.out = binary.AppendUvarint(append(p.out, tag), v)
			return
		}
	}
	p.bytes(pkNumber, s)
}

func (p *packer) bytes(tag byte, b []byte) {
	p.out = append(binary.AppendUvarint(append(p.out, tag), uint64(len(b))), b...)
}

// str packs a string's content s (as between the quotes; esc when it
// holds escapes, which only the plain form keeps).
func (p *packer) str(s []byte, esc bool) {
	if c, ok := packedCode[string(s)]; ok {
		p.out = append(p.out, c)
		return
	}
	for i, prev := range p.seen {
		if bytes.Equal(prev, s) {
			p.out = binary.AppendUvarint(append(p.out, pkAgain), uint64(i))
			return
		}
	}
	if len(p.seen) < maxAgain {
		p.seen = append(p.seen, s)
	}
	if !esc && p.typed(s) {
		return
	}
	p.bytes(pkString, s)
}

// typed packs s as a date, time, digit string or hex string if it is one
// that unpacks to the same text.
func (p *packer) typed(s []byte) bool {
	var buf [40]byte
	switch {
	case len(s) == len(time.DateOnly) && s[4] == '-' && s[7] == '-':
		t, ok := parseDigits(s, time.UTC)
		if ok && bytes.Equal(t.AppendFormat(buf[:0], time.DateOnly), s) {
			p.out = binary.AppendVarint(append(p.out, pkDate), floorDiv(t.Unix(), 86400))
			return true
		}
	case len(s) >= len("2006-01-02T15:04:05+08:00") && s[10] == 'T' && bytes.HasSuffix(s, []byte("+08:00")):
		t, ok := parseDigits(s, Beijing)
		if ok && bytes.Equal(t.AppendFormat(buf[:0], time.RFC3339Nano), s) {
			if t.Nanosecond() == 0 {
				p.out = binary.AppendVarint(append(p.out, pkTime), t.Unix())
			} else {
				p.out = binary.AppendUvarint(binary.AppendVarint(append(p.out, pkTimeNano), t.Unix()), uint64(t.Nanosecond()))
			}
			return true
		}
	}
	if len(s) >= 3 && onlyOf(s, digitSymbols) {
		p.out = binary.AppendUvarint(append(p.out, pkDigits), uint64(len(s)))
		for i := 0; i < len(s); i += 2 {
			hi := byte(strings.IndexByte(digitSymbols, s[i]))
			lo := byte(0xf)
			if i+1 < len(s) {
				lo = byte(strings.IndexByte(digitSymbols, s[i+1]))
			}
			p.out = append(p.out, hi<<4|lo)
		}
		return true
	}
	if len(s) >= 16 && len(s)%2 == 0 && onlyOf(s, "0123456789abcdef") {
		p.out = binary.AppendUvarint(append(p.out, pkHex), uint64(len(s)/2))
		for i := 0; i < len(s); i += 2 {
			p.out = append(p.out, hexVal(s[i])<<4|hexVal(s[i+1]))
		}
		return true
	}
	return false
}

// parseDigits reads 2006-01-02, and 2006-01-02T15:04:05(.fraction) after
// it, into a time in loc; the caller proves the result by formatting it.
func parseDigits(s []byte, loc *time.Location) (time.Time, bool) {
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	if len(s) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc), true
	}
	h, ok1 := num(s[11:13])
	mi, ok2 := num(s[14:16])
	se, ok3 := num(s[17:19])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	ns := 0
	if frac := s[19 : len(s)-len("+08:00")]; len(frac) > 0 {
		if frac[0] != '.' || len(frac) > 10 {
			return time.Time{}, false
		}
		f, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for i := len(frac) - 1; i < 9; i++ {
			f *= 10
		}
		ns = f
	}
	return time.Date(y, time.Month(mo), d, h, mi, se, ns, loc), true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

func allDigits(s []byte) bool { return onlyOf(s, "0123456789") }

func onlyOf(s []byte, set string) bool {
	for _, c := range s {
		if strings.IndexByte(set, c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}

var errPacked = errors.New("压缩存储的记录已损坏")

// takeUvarint reads a uvarint off the front of *src.
func takeUvarint(src *[]byte) (uint64, bool) {
	v, n := binary.Uvarint(*src)
	if n <= 0 {
		return 0, false
	}
	*src = (*src)[n:]
	return v, true
}

// isText says whether tag is a string token with operands: plain text, a
// time, a date, digits or hex.
func isText(tag byte) bool {
	return tag == pkString || tag == pkTime || tag == pkTimeNano || tag == pkDate || tag == pkDigits || tag == pkHex
}

// appendText appends the text of the string token tag (see isText), whose
// operands begin src, as it stands between the quotes of the JSON it
// unpacks to; rest is what follows the token.
func appendText(dst []byte, tag byte, src []byte) (out, rest []byte, ok bool) {
	uv := func() (uint64, bool) { return takeUvarint(&src) }
	switch tag {
	case pkString:
		n, ok := uv()
		if !ok || n > uint64(len(src)) {
			return dst, nil, false
		}
		return append(dst, src[:n]...), src[n:], true
	case pkTime, pkTimeNano:
		s, n := binary.Varint(src)
		if n <= 0 {
			return dst, nil, false
		}
		src = src[n:]
		var ns uint64
		ok := true
		if tag == pkTimeNano {
			ns, ok = uv()
		}
		if !ok || ns >= 1e9 {
			return dst, nil, false
		}
		return time.Unix(s, int64(ns)).In(Beijing).AppendFormat(dst, time.RFC3339Nano), src, true
	case pkDate:
		v, n := binary.Varint(src)
		if n <= 0 {
			return dst, nil, false
		}
		return appendDate(dst, v), src[n:], true
	case pkDigits:
		n, ok := uv()
		if !ok || (n+1)/2 > uint64(len(src)) {
			return dst, nil, false
		}
		for i := uint64(0); i < n; i++ {
			sym := src[i/2] >> 4
			if i%2 == 1 {
				sym = src[i/2] & 0xf
			}
			if int(sym) >= len(digitSymbols) {
				return dst, nil, false
			}
			dst = append(dst, digitSymbols[sym])
		}
		return dst, src[(n+1)/2:], true
	case pkHex:
		n, ok := uv()
		if !ok || n > uint64(len(src)) {
			return dst, nil, false
		}
		for _, b := range src[:n] {
			dst = append(dst, "0123456789abcdef"[b>>4], "0123456789abcdef"[b&0xf])
		}
		return dst, src[n:], true
	}
	return dst, nil, false
}

// maxDepth bounds the nesting unpackJSON follows.
const maxDepth = 32

// unpackJSON appends the JSON that packed unpacks to to dst.
func unpackJSON(dst, packed []byte) ([]byte, error) {
	type level struct {
		obj bool // an object (else an array)
		n   int  // members or elements so far
		key bool // an object waiting for a key
	}
	var stack [maxDepth]level
	var seen [maxAgain][2]int // where each non-static string's content is in dst
	nseen := 0
	depth, done := 0, false
	src := packed
	uv := func() (uint64, bool) { return takeUvarint(&src) }
	for len(src) > 0 {
		tag := src[0]
		src = src[1:]
		if tag == pkEndObj || tag == pkEndArr {
			if depth == 0 || stack[depth-1].obj != (tag == pkEndObj) || stack[depth-1].obj && !stack[depth-1].key {
				return dst, errPacked
			}
			depth--
			if tag == pkEndObj {
				dst = append(dst, '}')
			} else {
				dst = append(dst, ']')
			}
			if depth > 0 && stack[depth-1].obj {
				stack[depth-1].key = true
			}
			if depth == 0 {
				done = true
			}
			continue
		}
		if done {
			return dst, errPacked
		}
		isKey := depth > 0 && stack[depth-1].key
		if depth > 0 {
			top := &stack[depth-1]
			if isKey || !top.obj { // a member's key, or an array's element
				if top.n > 0 {
					dst = append(dst, ',')
				}
				top.n++
			}
		}
		str := -1 // start of a string's content, to note it for pkAgain
		switch {
		case tag == pkObj || tag == pkArr:
			if isKey || depth == maxDepth {
				return dst, errPacked
			}
			stack[depth] = level{obj: tag == pkObj, key: tag == pkObj}
			depth++
			if tag == pkObj {
				dst = append(dst, '{')
			} else {
				dst = append(dst, '[')
			}
			continue
		case tag >= pkStatic:
			i := int(tag - pkStatic)
			if i >= len(packedStrings) {
				return dst, errPacked
			}
			dst = append(append(append(dst, '"'), packedStrings[i]...), '"')
		case tag == pkAgain:
			i, ok := uv()
			if !ok || i >= uint64(nseen) {
				return dst, errPacked
			}
			r := seen[i]
			dst = append(append(append(dst, '"'), dst[r[0]:r[1]]...), '"')
		case isText(tag):
			dst = append(dst, '"')
			str = len(dst)
			var ok bool
			if dst, src, ok = appendText(dst, tag, src); !ok {
				return dst, errPacked
			}
			dst = append(dst, '"')
		case isKey:
			return dst, errPacked // keys are strings
		case tag == pkInt || tag == pkNeg:
			v, ok := uv()
			if !ok {
				return dst, errPacked
			}
			if tag == pkNeg {
				dst = append(dst, '-')
			}
			dst = strconv.AppendUint(dst, v, 10)
		case tag == pkNumber:
			n, ok := uv()
			if !ok || n > uint64(len(src)) {
				return dst, errPacked
			}
			dst = append(dst, src[:n]...)
			src = src[n:]
		case tag == pkTrue || tag == pkFalse || tag == pkNull:
			lit, _ := literal("tfn"[tag-pkTrue])
			dst = append(dst, lit...)
		default:
			return dst, errPacked
		}
		if str >= 0 && nseen < maxAgain {
			seen[nseen] = [2]int{str, len(dst) - 1}
			nseen++
		}
		switch {
		case isKey:
			dst = append(dst, ':')
			stack[depth-1].key = false
		case depth > 0 && stack[depth-1].obj:
			stack[depth-1].key = true
		case depth == 0:
			done = true
		}
	}
	if depth != 0 || !done {
		return dst, errPacked
	}
	return dst, nil
}
