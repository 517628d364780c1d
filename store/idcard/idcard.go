// Package idcard validates and normalises Chinese resident identity numbers
// (公民身份号码, GB 11643-1999, check digit per ISO 7064 MOD 11-2).
//
// Besides ordinary mainland numbers it accepts:
//   - legacy 15-digit numbers, which are converted to the 18-digit form;
//   - residence-permit numbers of Hong Kong, Macao and Taiwan residents
//     (area 810000, 820000, 830000);
//   - the 2023 foreign permanent-resident ID (外国人永久居留身份证), which
//     starts with '9'.
//
// The area code is only checked at province level, so retired county codes
// (for Changzhi e.g. 140402, 140411, 140421, 140424, 140481) remain valid.
package idcard

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"taizhang/store/fold"
)

// Sex is the sex encoded in the 17th digit of an ID number.
type Sex int

const (
	SexUnknown Sex = iota
	Male
	Female
)

// String returns "男", "女", or "" for SexUnknown.
func (s Sex) String() string {
	switch s {
	case Male:
		return "男"
	case Female:
		return "女"
	}
	return ""
}

// Kind tells which kind of document the number belongs to.
type Kind int

const (
	KindUnknown Kind = iota
	// Mainland is an ordinary resident identity card number.
	Mainland
	// HongKongMacaoTaiwan is a 港澳台居民居住证 number (province 81, 82 or 83).
	HongKongMacaoTaiwan
	// ForeignPermanent is a 2023-format 外国人永久居留身份证 number (starts with 9).
	ForeignPermanent
)

// String returns the Chinese name of the document kind, or "" for KindUnknown.
func (k Kind) String() string {
	switch k {
	case Mainland:
		return "居民身份证"
	case HongKongMacaoTaiwan:
		return "港澳台居民居住证"
	case ForeignPermanent:
		return "外国人永久居留身份证"
	}
	return ""
}

// ID is a parsed, valid identity number.
type ID struct {
	Number   string    // normalised 18-character form (upper-case X)
	Area     string    // first 6 characters
	Birth    time.Time // date of birth at UTC midnight; zero only for a foreign number whose month or day is 00
	Sex      Sex
	Kind     Kind
	Legacy15 bool // the input was a 15-digit number converted to 18 digits
}

// ErrCode classifies a validation failure.
type ErrCode int

const (
	ErrEmpty         ErrCode = iota + 1 // nothing entered
	ErrChar                             // a character other than a digit (or X as the last character)
	ErrLength                           // neither 18 nor 15 characters
	ErrProvince                         // first two digits are not a province code
	ErrBirthInvalid                     // the birth date does not exist on the calendar
	ErrBirthTooEarly                    // born before 1900
	ErrBirthFuture                      // born after today
	ErrCheckDigit                       // the 18th character does not match the first 17
)

// Error is the error returned by Parse. Msg is a Chinese sentence suitable
// for showing to the user. Parse always returns it as *Error.
type Error struct {
	Code ErrCode
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func newErr(code ErrCode, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// CheckDigit returns the MOD 11-2 check character ('0'..'9' or 'X') for the
// first 17 digits of an ID number. It returns 0 if first17 is not exactly
// 17 ASCII digits.
func CheckDigit(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * weights[i]
	}
	return checkChars[sum%11]
}

// Normalize folds full-width forms to ASCII (fold.Width: digits, letters,
// Ｘ/ｘ), turns lower-case x into X, and removes all white space (including
// the ideographic space U+3000) and invisible format characters such as
// U+200B and U+FEFF, wherever they occur. Other characters are kept as they
// are.
func Normalize(input string) string {
	clean := true
	for i := 0; i < len(input); i++ {
		if c := input[i]; (c < '0' || c > '9') && c != 'X' {
			clean = false
			break
		}
	}
	if clean {
		return input
	}
	var b strings.Builder
	b.Grow(len(input))
	for _, r := range fold.Width(input) {
		switch {
		case r == 'x':
			b.WriteByte('X')
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Mask hides the middle of a number for display, keeping the first 6 and the
// last 4 characters: 140403********1238. Strings shorter than 10 characters
// are masked completely. Mask counts characters (runes), not bytes.
func Mask(number string) string {
	r := []rune(number)
	if len(r) < 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// mainlandProvince reports whether p (two ASCII digits) is a mainland
// province-level code: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65.
func mainlandProvince(p string) bool {
	if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
		return false
	}
	lo := p[1] - '0'
	switch p[0] {
	case '1':
		return lo >= 1 && lo <= 5
	case '2':
		return lo >= 1 && lo <= 3
	case '3':
		return lo >= 1 && lo <= 7
	case '4':
		return lo >= 1 && lo <= 6
	case '5':
		return lo <= 4
	case '6':
		return lo >= 1 && lo <= 5
	}
	return false
}

// Parse validates input and returns the parsed ID. The input is normalised
// first (see Normalize). A 15-digit legacy number is converted to 18 digits.
// today is used to reject birth dates in the future; only its calendar date
// (in its own location) matters: pass the ledger's clock (Beijing time).
// A zero today accepts any birth date up to the end of the year 9999.
//
// On failure the error is an *Error with a Chinese message.
func Parse(input string, today time.Time) (ID, error) {
	n := Normalize(input)
	if n == "" {
		return ID{}, newErr(ErrEmpty, "身份证号为空，请输入18位身份证号码")
	}

	// Characters: digits only, except that X may be the last character.
	count := len([]rune(n))
	pos := 0
	for _, r := range n {
		pos++
		// X is tolerated as the 18th character even in an over-long input,
		// so that the length error below is the one reported.
		if r >= '0' && r <= '9' || r == 'X' && (pos == count || pos == 18) {
			continue
		}
		if r == 'X' {
			return ID{}, newErr(ErrChar, "“X”只能出现在第18位（校验位），现在出现在第%d位，请核对号码", pos)
		}
		return ID{}, newErr(ErrChar, "含有非数字字符“%c”（第%d位），身份证号只能由数字组成，最后一位可以是 X", r, pos)
	}

	// From here on n is pure ASCII.
	legacy := false
	switch {
	case len(n) == 15 && n[14] != 'X':
		legacy = true
	case len(n) != 18:
		return ID{}, newErr(ErrLength, "身份证号应为18位（现为%d位），请检查是否漏输或多输", len(n))
	}

	kind := Mainland
	if !legacy && n[0] == '9' {
		kind = ForeignPermanent
		if !mainlandProvince(n[1:3]) {
			return ID{}, newErr(ErrProvince, "地区码前两位 %s 不是有效的省级代码；如果是外国人永久居留身份证（以9开头），第2-3位 %s 也不是有效的省级代码，请核对号码", n[:2], n[1:3])
		}
	} else {
		switch p := n[:2]; p {
		case "81", "82", "83":
			kind = HongKongMacaoTaiwan
		case "71":
		default:
			if !mainlandProvince(p) {
				return ID{}, newErr(ErrProvince, "地区码前两位 %s 不是有效的省级代码，请核对号码前6位", p)
			}
		}
	}

	if legacy {
		n = n[:6] + "19" + n[6:]
		n += string(CheckDigit(n))
	}

	birth, err := parseBirth(n[6:14], kind, today)
	if err != nil {
		return ID{}, err
	}

	if want := CheckDigit(n[:17]); n[17] != want {
		return ID{}, newErr(ErrCheckDigit, "校验位应为 %c（现为 %c），号码中可能有录错的位，请逐位核对", want, n[17])
	}

	sex := Female
	if (n[16]-'0')%2 == 1 {
		sex = Male
	}
	return ID{
		Number:   n,
		Area:     n[:6],
		Birth:    birth,
		Sex:      sex,
		Kind:     kind,
		Legacy15: legacy,
	}, nil
}

// parseBirth checks the YYYYMMDD segment s (8 ASCII digits).
func parseBirth(s string, kind Kind, today time.Time) (time.Time, error) {
	num := func(t string) int {
		v := 0
		for i := 0; i < len(t); i++ {
			v = v*10 + int(t[i]-'0')
		}
		return v
	}
	y, m, d := num(s[:4]), num(s[4:6]), num(s[6:8])

	if today.IsZero() {
		today = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	ty, tm, td := today.Date()
	todayUTC := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)

	// Foreign numbers may carry an unknown month or day as 00; the year
	// must still be plausible.
	unknown := kind == ForeignPermanent && (m == 0 || d == 0) && m <= 12 && d <= 31
	if !unknown && (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) {
		return time.Time{}, newErr(ErrBirthInvalid, "出生日期 %s 不存在（第7-14位），请核对号码", s)
	}
	if y < 1900 {
		return time.Time{}, newErr(ErrBirthTooEarly, "出生日期 %s 早于1900年，请核对号码", s)
	}
	if unknown {
		if y > ty {
			return time.Time{}, newErr(ErrBirthFuture, "出生日期不能晚于今天（号码中为 %s），请核对号码", s)
		}
		return time.Time{}, nil
	}
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if birth.After(todayUTC) {
		return time.Time{}, newErr(ErrBirthFuture, "出生日期不能晚于今天（号码中为 %s），请核对号码", s)
	}
	return birth, nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
