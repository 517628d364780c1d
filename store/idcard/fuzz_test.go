package idcard

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzParse: for any input Parse returns a valid ID or an *Error with a
// Chinese message, and never panics. An accepted number is consistent
// (check digit by the reference, area, birth date, sex, kind), parses to
// itself again, however it is spaced or written in full width, and no
// single wrong digit or swap of two neighbours in it is accepted. A valid
// number built from the input is always accepted, as are the 15-digit
// form of it and its full-width form. Normalize is idempotent and removes
// all white space and format characters; Mask keeps only the ends.
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 10m -parallel 1 ./store/idcard
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", withCheck("14040319850315123"),
		"140403850315123", "１１０１０５１９４９１２３１００２Ｘ", withCheck("91184019880808123"),
		withCheck("81000019900101123"), "", "X", "1404031985a315123X", "99999999999999999\xff",
		withCheck("91140019880000123"), withCheck("71000019000101123"), " 140403 19850315 123\u200b",
		"14040319850230123X", "140403202601011238", "1404031899123112",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent for %q", s)
		}
		for _, r := range n {
			if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == 'x' {
				t.Fatalf("Normalize(%q) = %q keeps %U", s, n, r)
			}
		}
		checkMask(t, s)

		id, err := Parse(s, today)
		again, errAgain := Parse(n, today)
		if !sameResult(id, err, again, errAgain) {
			t.Fatalf("Parse(%q) = %+v, %v but Parse(Normalize) = %+v, %v", s, id, err, again, errAgain)
		}
		if utf8.ValidString(s) {
			dressed, derr := Parse(dress(s), today)
			if !sameResult(id, err, dressed, derr) {
				t.Fatalf("Parse(%q) = %+v, %v but spaced and in full width %+v, %v", s, id, err, dressed, derr)
			}
		}
		if err != nil {
			checkErr(t, s, err)
		} else {
			checkValid(t, s, n, id)
		}

		if len(n) >= 17 && allDigits(n[:17]) {
			// The first 17 digits with the right check digit: accepted
			// exactly when the reference finds a province and a date.
			num := withCheck(n[:17])
			_, err := Parse(num, today)
			if ok := refValid(num); ok != (err == nil) {
				t.Fatalf("Parse(%q): %v, the reference says valid: %v", num, err, ok)
			}
		}

		if num := anyNumber([]byte(s)); refValid(num) != (func() bool { _, err := Parse(num, today); return err == nil })() {
			t.Fatalf("Parse(%q) disagrees with the reference (valid: %v)", num, refValid(num))
		}

		num, want := build([]byte(s))
		got, err := Parse(num, today)
		if err != nil || got != want {
			t.Fatalf("built %q (%+v): Parse = %+v, %v", num, want, got, err)
		}
		checkValid(t, num, num, got)
		if full, err := Parse(toFullWidth(strings.ToLower(num)), today); err != nil || full != want {
			t.Fatalf("%q in full width: %+v, %v", num, full, err)
		}
		if want.Kind == Mainland && num[6:8] == "19" {
			legacy := num[:6] + num[8:17]
			want.Legacy15 = true
			if got, err := Parse(legacy, today); err != nil || got != want {
				t.Fatalf("15-digit %q of %q: %+v, %v", legacy, num, got, err)
			}
		}
	})
}

func sameResult(a ID, aerr error, b ID, berr error) bool {
	if (aerr == nil) != (berr == nil) {
		return false
	}
	if aerr != nil {
		return aerr.Error() == berr.Error()
	}
	return a == b
}

// dress writes s as a clerk might type it: digits and x in full width, a
// space between characters, an ideographic space and a zero-width space
// around it.
func dress(s string) string {
	var b strings.Builder
	b.WriteString("\u3000")
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch {
		case r >= '0' && r <= '9':
			r += '０' - '0'
		case r == 'x', r == 'X':
			r += 'Ｘ' - 'X'
		}
		b.WriteRune(r)
	}
	b.WriteString("\u200b")
	return b.String()
}

func checkMask(t *testing.T, s string) {
	m := Mask(s)
	rs, ms := []rune(s), []rune(m)
	if len(ms) != len(rs) {
		t.Fatalf("Mask(%q) = %q: %d characters, want %d", s, m, len(ms), len(rs))
	}
	shown := 0
	if len(rs) >= 10 {
		shown = 10
		if string(ms[:6]) != string(rs[:6]) || string(ms[len(ms)-4:]) != string(rs[len(rs)-4:]) {
			t.Fatalf("Mask(%q) = %q changes the ends", s, m)
		}
	}
	if stars := strings.Count(string(ms[min(6, len(ms)):max(len(ms)-4, min(6, len(ms)))]), "*"); len(rs) >= 10 && stars != len(rs)-shown ||
		len(rs) < 10 && m != strings.Repeat("*", len(rs)) {
		t.Fatalf("Mask(%q) = %q shows more than the ends", s, m)
	}
}

func checkErr(t *testing.T, s string, err error) {
	var e *Error
	if !errors.As(err, &e) || e.Code < ErrEmpty || e.Code > ErrCheckDigit {
		t.Fatalf("Parse(%q): bad error %#v", s, err)
	}
	if !utf8.ValidString(e.Msg) || !strings.ContainsFunc(e.Msg, isHan) {
		t.Fatalf("Parse(%q): message %q is not a Chinese sentence", s, e.Msg)
	}
}

// checkValid checks an accepted number against the input n (normalised)
// it came from and against single-character errors.
func checkValid(t *testing.T, s, n string, id ID) {
	num := id.Number
	if len(num) != 18 || num[17] != refCheck(num[:17]) || CheckDigit(num[:17]) != num[17] {
		t.Fatalf("Parse(%q) accepted %q with a wrong check digit", s, num)
	}
	switch {
	case id.Legacy15 && (len(n) != 15 || num != n[:6]+"19"+n[6:]+string(refCheck(n[:6]+"19"+n[6:]))):
		t.Fatalf("Parse(%q): 15-digit %q became %q", s, n, num)
	case !id.Legacy15 && num != n:
		t.Fatalf("Parse(%q) = %q, not the number typed (%q)", s, num, n)
	case id.Area != num[:6]:
		t.Fatalf("Parse(%q): area %q of %q", s, id.Area, num)
	case id.Sex != sexOf(num):
		t.Fatalf("Parse(%q): sex %v of %q", s, id.Sex, num)
	case id.Kind != kindOf(num, id.Legacy15):
		t.Fatalf("Parse(%q): kind %v of %q", s, id.Kind, num)
	case !knownArea(num, id.Kind):
		t.Fatalf("Parse(%q): %q has no province code", s, num)
	}
	if id.Birth.IsZero() {
		if id.Kind != ForeignPermanent || num[10:12] != "00" && num[12:14] != "00" {
			t.Fatalf("Parse(%q): no birth date in %q", s, num)
		}
	} else if id.Birth.Format("20060102") != num[6:14] || id.Birth.Year() < 1900 || id.Birth.After(today) {
		t.Fatalf("Parse(%q): birth %v from %q", s, id.Birth, num)
	}
	again, err := Parse(num, today)
	want := id
	want.Legacy15 = false
	if err != nil || again != want {
		t.Fatalf("re-parsing %q: %+v, %v", num, again, err)
	}
	b := []byte(num)
	for i := range b {
		orig := b[i]
		for _, c := range []byte("0123456789X") {
			if c == orig || c == 'X' && i < 17 {
				continue
			}
			b[i] = c
			if _, err := Parse(string(b), today); err == nil {
				t.Fatalf("%q accepted: one character off %q", b, num)
			}
		}
		b[i] = orig
		if i < 17 && b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
			if _, err := Parse(string(b), today); err == nil {
				t.Fatalf("%q accepted: two neighbours of %q swapped", b, num)
			}
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
}

func kindOf(num string, legacy bool) Kind {
	switch {
	case num[0] == '9' && !legacy:
		return ForeignPermanent
	case num[:2] == "81", num[:2] == "82", num[:2] == "83":
		return HongKongMacaoTaiwan
	}
	return Mainland
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// refValid says whether an 18-digit number with a right check digit names
// a province and a birth date from 1900 to today (a foreign number's month
// or day may be 00).
func refValid(num string) bool {
	k := Mainland
	switch {
	case num[0] == '9':
		k = ForeignPermanent
	case num[:2] == "81", num[:2] == "82", num[:2] == "83":
		k = HongKongMacaoTaiwan
	}
	if !knownArea(num, k) {
		return false
	}
	y, m, d := atoi(num[6:10]), atoi(num[10:12]), atoi(num[12:14])
	if k == ForeignPermanent && (m == 0 || d == 0) {
		return m <= 12 && d <= 31 && y >= 1900 && y <= today.Year()
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if birth.Year() != y || int(birth.Month()) != m || birth.Day() != d || y < 1900 {
		return false
	}
	return !birth.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC))
}

func atoi(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// anyNumber makes an 18-digit number with a right check digit from
// arbitrary bytes: any first two digits, and a year from 1890 to next year,
// a month from 00 to 13 and a day from 00 to 32.
func anyNumber(b []byte) string {
	if len(b) == 0 {
		b = []byte{3}
	}
	at := 0
	next := func(k int) int {
		at++
		return int(b[len(b)-1-(at-1)%len(b)]+byte(at)) % k
	}
	var s strings.Builder
	for range 6 {
		s.WriteByte(byte('0' + next(10)))
	}
	fmt.Fprintf(&s, "%04d%02d%02d%03d", 1890+next(today.Year()-1890+2), next(14), next(33), next(1000))
	return withCheck(s.String())
}

// knownArea: the province code of a number, by the list of provinces.
func knownArea(num string, k Kind) bool {
	p := num[:2]
	if k == ForeignPermanent {
		p = num[1:3]
	}
	return p == "71" && k == Mainland || k == HongKongMacaoTaiwan || slices.Contains(provinces, p)
}

var provinces = []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
	"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}

// build makes a valid number from arbitrary bytes: a province (or 71, 81-83,
// or a foreign number's 9 and province), a birth date between 1900 and
// today, a sequence number and the reference check digit; and the ID Parse
// must return for it.
func build(b []byte) (string, ID) {
	at := 0
	next := func() int {
		if len(b) == 0 {
			return 7
		}
		at++
		return int(b[(at-1)%len(b)])
	}
	digits := func(k int) string {
		var s strings.Builder
		for range k {
			s.WriteByte(byte('0' + next()%10))
		}
		return s.String()
	}
	var area string
	kind := Mainland
	switch k := next() % 8; {
	case k < 5:
		area = provinces[next()%len(provinces)] + digits(4)
	case k == 5:
		area = "71" + digits(4)
	case k == 6:
		area, kind = []string{"81", "82", "83"}[next()%3]+"0000", HongKongMacaoTaiwan
	default:
		area, kind = "9"+provinces[next()%len(provinces)]+digits(3), ForeignPermanent
	}
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	ty, tm, td := today.Date()
	days := int(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC).Sub(first).Hours()/24) + 1
	birth := first.AddDate(0, 0, (next()<<16|next()<<8|next())%days)
	seq := digits(3)
	num := withCheck(area + birth.Format("20060102") + seq)
	sex := Female
	if (seq[2]-'0')%2 == 1 {
		sex = Male
	}
	return num, ID{Number: num, Area: num[:6], Birth: birth, Sex: sex, Kind: kind}
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
