package idcard

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// refCheck is an independent reimplementation of the GB 11643-1999 MOD 11-2
// check digit, deliberately written differently from CheckDigit: the weights
// are listed literally and the check value is derived as (12 - sum%11) % 11.
func refCheck(first17 string) byte {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X'
	}
	return byte('0' + v)
}

// withCheck appends the check digit computed by refCheck.
func withCheck(first17 string) string {
	if len(first17) != 17 {
		panic("withCheck needs 17 digits: " + first17)
	}
	return first17 + string(refCheck(first17))
}

// wrongCheck returns first17 with a check character that is NOT valid, and
// the character that would be valid.
func wrongCheck(first17 string) (number string, want byte) {
	want = refCheck(first17)
	bad := byte('0')
	if want == '0' {
		bad = '1'
	}
	return first17 + string(bad), want
}

var today = time.Date(2025, 6, 15, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// toFullWidth converts ASCII digits and X to their full-width forms.
func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune('０' + (r - '0'))
		case r == 'X':
			b.WriteRune('Ｘ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// findWithCheck returns the first 17-digit prefix + sequence number (000..999)
// whose check digit is want, so tests can build numbers ending in X on purpose.
func findWithCheck(prefix14 string, want byte) string {
	for seq := 0; seq < 1000; seq++ {
		first17 := fmt.Sprintf("%s%03d", prefix14, seq)
		if refCheck(first17) == want {
			return first17 + string(want)
		}
	}
	panic("no sequence number gives check digit " + string(want))
}

func TestRefCheckPublicVector(t *testing.T) {
	// 11010519491231002X is the widely published GB 11643-1999 example.
	const v = "11010519491231002X"
	if got := refCheck(v[:17]); got != 'X' {
		t.Fatalf("reference implementation gives %c for %s, want X", got, v)
	}
	if got := CheckDigit(v[:17]); got != 'X' {
		t.Fatalf("CheckDigit(%s) = %c, want X", v[:17], got)
	}
	id, err := Parse(v, today)
	if err != nil {
		t.Fatalf("Parse(%s): %v", v, err)
	}
	if !id.Birth.Equal(date(1949, 12, 31)) || id.Sex != Female || id.Area != "110105" || id.Kind != Mainland {
		t.Fatalf("Parse(%s) = %+v", v, id)
	}
}

func TestCheckDigitMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[byte]bool{}
	for i := 0; i < 20000; i++ {
		b := make([]byte, 17)
		for j := range b {
			b[j] = byte('0' + r.IntN(10))
		}
		s := string(b)
		got, want := CheckDigit(s), refCheck(s)
		if got != want {
			t.Fatalf("CheckDigit(%s) = %c, reference %c", s, got, want)
		}
		seen[got] = true
	}
	if len(seen) != 11 {
		t.Fatalf("expected all 11 check characters to occur, saw %d", len(seen))
	}
	for _, bad := range []string{"", "1234567890123456", "123456789012345678", "1404031990010112a"} {
		if got := CheckDigit(bad); got != 0 {
			t.Errorf("CheckDigit(%q) = %q, want 0", bad, got)
		}
	}
}

func TestParseValid(t *testing.T) {
	changzhi := withCheck("14040319850315123")      // 潞州区 (current code), male
	oldCode := withCheck("14040219700101002")       // former 长治市城区, female
	oldCode2 := withCheck("14042119601001101")      // former 长治县
	oldCode3 := withCheck("14048119900228004")      // 潞城市 (county-level city code)
	endsInX := findWithCheck("14041119881111", 'X') // former 长治市郊区
	hk := withCheck("81000019900101123")
	macao := withCheck("82000020000229024")
	taiwan := withCheck("83000019751231001")
	foreign := withCheck("91184019880808123") // 9 + 11 (Beijing) + 840 (USA)
	foreignShanxi := withCheck("91415620050505002")
	newborn := withCheck("14040320250615001") // born "today"
	born1900 := withCheck("14040319000101001")

	legacyIn := "140403850315123" // 15-digit; expanded to 14040319850315123 + check
	legacyOut := withCheck("14040319850315123")

	tests := []struct {
		name   string
		input  string
		number string
		birth  time.Time
		sex    Sex
		kind   Kind
		legacy bool
	}{
		{"Changzhi current", changzhi, changzhi, date(1985, 3, 15), Male, Mainland, false},
		{"old code 140402", oldCode, oldCode, date(1970, 1, 1), Female, Mainland, false},
		{"old code 140421", oldCode2, oldCode2, date(1960, 10, 1), Male, Mainland, false},
		{"old code 140481", oldCode3, oldCode3, date(1990, 2, 28), Female, Mainland, false},
		{"check digit X", endsInX, endsInX, date(1988, 11, 11), sexOf(endsInX), Mainland, false},
		{"lower-case x", strings.ToLower(endsInX), endsInX, date(1988, 11, 11), sexOf(endsInX), Mainland, false},
		{"full-width", toFullWidth(changzhi), changzhi, date(1985, 3, 15), Male, Mainland, false},
		{"full-width x", toFullWidth(endsInX[:17]) + "ｘ", endsInX, date(1988, 11, 11), sexOf(endsInX), Mainland, false},
		{"spaces", "\u3000 " + changzhi[:6] + " " + changzhi[6:14] + "\t" + changzhi[14:] + " \u3000", changzhi, date(1985, 3, 15), Male, Mainland, false},
		{"15-digit legacy", legacyIn, legacyOut, date(1985, 3, 15), Male, Mainland, true},
		{"15-digit full-width", toFullWidth(legacyIn), legacyOut, date(1985, 3, 15), Male, Mainland, true},
		{"Hong Kong 810000", hk, hk, date(1990, 1, 1), Male, HongKongMacaoTaiwan, false},
		{"Macao 820000 leap day", macao, macao, date(2000, 2, 29), Female, HongKongMacaoTaiwan, false},
		{"Taiwan 830000", taiwan, taiwan, date(1975, 12, 31), Male, HongKongMacaoTaiwan, false},
		{"foreign permanent", foreign, foreign, date(1988, 8, 8), Male, ForeignPermanent, false},
		{"foreign permanent Shanxi", foreignShanxi, foreignShanxi, date(2005, 5, 5), Female, ForeignPermanent, false},
		{"born today", newborn, newborn, date(2025, 6, 15), Male, Mainland, false},
		{"born 1900-01-01", born1900, born1900, date(1900, 1, 1), Male, Mainland, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := Parse(tc.input, today)
			if err != nil {
				t.Fatalf("Parse(%q): unexpected error %v", tc.input, err)
			}
			want := ID{Number: tc.number, Area: tc.number[:6], Birth: tc.birth, Sex: tc.sex, Kind: tc.kind, Legacy15: tc.legacy}
			if id != want {
				t.Fatalf("Parse(%q)\n got %+v\nwant %+v", tc.input, id, want)
			}
			if id.Number[17] != refCheck(id.Number[:17]) {
				t.Fatalf("Number %s has a wrong check digit", id.Number)
			}
		})
	}
}

func sexOf(n string) Sex {
	if (n[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

func TestForeignUnknownBirth(t *testing.T) {
	n := withCheck("91418019700000001") // month and day unknown
	id, err := Parse(n, today)
	if err != nil {
		t.Fatalf("Parse(%s): %v", n, err)
	}
	if !id.Birth.IsZero() || id.Kind != ForeignPermanent {
		t.Fatalf("Parse(%s) = %+v, want zero Birth", n, id)
	}
	// The same segment is not acceptable on a mainland number.
	m := withCheck("14040319700000001")
	if _, err := Parse(m, today); code(err) != ErrBirthInvalid {
		t.Fatalf("Parse(%s) error %v, want ErrBirthInvalid", m, err)
	}
}

func code(err error) ErrCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestParseInvalid(t *testing.T) {
	badCheck, want := wrongCheck("14040319850315123")
	badCheckX, wantX := wrongCheck(findWithCheck("14040319880808", 'X')[:17])
	if wantX != 'X' {
		t.Fatal("test setup: expected X")
	}
	foreignBad, wantF := wrongCheck("91184019880808123")

	tests := []struct {
		name  string
		input string
		code  ErrCode
		msg   string // substring the message must contain
	}{
		{"empty", "", ErrEmpty, "为空"},
		{"only spaces", " \u3000 ", ErrEmpty, "为空"},
		{"wrong check digit", badCheck, ErrCheckDigit, fmt.Sprintf("校验位应为 %c（现为 %c）", want, badCheck[17])},
		{"wrong check digit should be X", badCheckX, ErrCheckDigit, fmt.Sprintf("校验位应为 X（现为 %c）", badCheckX[17])},
		{"foreign wrong check digit", foreignBad, ErrCheckDigit, fmt.Sprintf("校验位应为 %c", wantF)},
		{"Feb 30", withCheck("14040319990230123"), ErrBirthInvalid, "出生日期 19990230 不存在"},
		{"Feb 29 non-leap", withCheck("14040319000229123"), ErrBirthInvalid, "出生日期 19000229 不存在"},
		{"month 13", withCheck("14040319991301123"), ErrBirthInvalid, "出生日期 19991301 不存在"},
		{"day 00", withCheck("14040319990100123"), ErrBirthInvalid, "出生日期 19990100 不存在"},
		{"15-digit Feb 30", "140403990230123", ErrBirthInvalid, "出生日期 19990230 不存在"},
		{"future", withCheck("14040320300101123"), ErrBirthFuture, "出生日期不能晚于今天"},
		{"tomorrow", withCheck("14040320250616123"), ErrBirthFuture, "出生日期不能晚于今天"},
		{"before 1900", withCheck("14040318991231123"), ErrBirthTooEarly, "早于1900年"},
		{"17 digits", "14040319850315123", ErrLength, "身份证号应为18位（现为17位）"},
		{"19 digits", withCheck("14040319850315123") + "1", ErrLength, "身份证号应为18位（现为19位）"},
		{"16 digits", "1404031985031512", ErrLength, "身份证号应为18位（现为16位）"},
		{"15 ending in X", "14040385031512X", ErrLength, "身份证号应为18位（现为15位）"},
		{"letter", "1404031985a315123X", ErrChar, "含有非数字字符“a”"},
		{"full-width letter", "14040319850315123ａ", ErrChar, "含有非数字字符“a”（第18位）"}, // folded, as everywhere (fold.Width)
		{"hyphen", "140403-19850315-1234", ErrChar, "含有非数字字符“-”"},
		{"X in the middle", "1404031985X3151234", ErrChar, "第11位"},
		{"bad province 99", withCheck("99040319850315123"), ErrProvince, "地区码前两位 99 不是有效的省级代码"},
		{"bad province 16", withCheck("16040319850315123"), ErrProvince, "地区码前两位 16 不是有效的省级代码"},
		{"bad province 00", withCheck("00000019850315123"), ErrProvince, "地区码前两位 00 不是有效的省级代码"},
		{"bad province 84", withCheck("84000019850315123"), ErrProvince, "地区码前两位 84 不是有效的省级代码"},
		{"15-digit bad province", "990403850315123", ErrProvince, "地区码前两位 99"},
		{"foreign bad province", withCheck("99984019880808123"), ErrProvince, "第2-3位 99"},
		{"foreign HK province", withCheck("98184019880808123"), ErrProvince, "第2-3位 81"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := Parse(tc.input, today)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error", tc.input, id)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %T, want *Error", tc.input, err)
			}
			if e.Code != tc.code {
				t.Errorf("Parse(%q) code %d, want %d (%s)", tc.input, e.Code, tc.code, e.Msg)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Parse(%q) message %q does not contain %q", tc.input, e.Msg, tc.msg)
			}
			if id != (ID{}) {
				t.Errorf("Parse(%q) returned non-zero ID with error: %+v", tc.input, id)
			}
		})
	}
}

func TestParseTodayZone(t *testing.T) {
	// It is already 2025-06-16 in Changzhi although still 06-15 in UTC: a
	// child born on the 16th is valid when today carries the local zone.
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2025, 6, 16, 1, 0, 0, 0, cst)
	n := withCheck("14040320250616001")
	if _, err := Parse(n, now); err != nil {
		t.Fatalf("Parse(%s, %v): %v", n, now, err)
	}
	if _, err := Parse(n, now.UTC()); code(err) != ErrBirthFuture {
		t.Fatalf("Parse(%s, %v): %v, want ErrBirthFuture", n, now.UTC(), err)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"11010519491231002X", "11010519491231002X"},
		{"11010519491231002x", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
		{"\u3000 110105 19491231 002X\t\n", "11010519491231002X"},
		{"\ufeff110105\u200b19491231002X", "11010519491231002X"},
		{"1101a5", "1101a5"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"140403198503151238", "140403********1238"},
		{"14040319850315123X", "140403********123X"},
		{"140403850315123", "140403*****5123"},
		{"1234567890", "1234567890"},
		{"12345678901", "123456*8901"},
		{"123456789", "*********"},
		{"", ""},
		{"１２３４５６７８９０１", "１２３４５６*８９０１"},
	}
	for _, tc := range tests {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStrings(t *testing.T) {
	if Male.String() != "男" || Female.String() != "女" || SexUnknown.String() != "" {
		t.Error("Sex.String")
	}
	if Mainland.String() == "" || HongKongMacaoTaiwan.String() == "" || ForeignPermanent.String() == "" || KindUnknown.String() != "" {
		t.Error("Kind.String")
	}
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{
		"11010519491231002X",
		withCheck("14040319850315123"),
		"140403850315123",
		toFullWidth(withCheck("14040219700101002")),
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(inputs[i%len(inputs)], today); err != nil {
			b.Fatal(err)
		}
	}
}
