// Package creditcode validates the unified social credit code
// (统一社会信用代码, GB 32100-2015).
//
// A code has 18 characters from the 31-character alphabet
// "0123456789ABCDEFGHJKLMNPQRTUWXY" (I, O, Z, S and V are never used):
//
//	1      registration authority (登记管理部门码)
//	2      organisation type (机构类别码)
//	3-8    administrative division code (登记管理机关行政区划码), digits
//	9-17   organisation code (主体标识码/组织机构代码)
//	18     check character
//
// The check character is computed over characters 1-17 with weights
// 3^(i-1) mod 31 and MOD 31. Characters 1 and 2 are not checked against the
// list of authorities and types, which has grown over time.
package creditcode

import (
	"fmt"
	"strings"
	"unicode"

	"taizhang/store/fold"
)

// alphabet lists the allowed characters in value order (0..30).
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights[i] = 3^i mod 31.
var weights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// value maps an ASCII byte to its value in alphabet, or -1.
var value [256]int8

func init() {
	for i := range value {
		value[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		value[alphabet[i]] = int8(i)
	}
}

// ErrCode classifies a validation failure.
type ErrCode int

const (
	ErrEmpty     ErrCode = iota + 1 // nothing entered
	ErrChar                         // a character outside the alphabet
	ErrLength                       // wrong number of characters
	ErrArea                         // characters 3-8 are not all digits
	ErrCheckChar                    // the 18th character does not match
)

// Error is the error returned by Check. Msg is a Chinese sentence suitable
// for showing to the user. Errors are always *Error.
type Error struct {
	Code ErrCode
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func newErr(code ErrCode, format string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Normalize folds full-width forms to ASCII (fold.Width), turns lower-case
// letters to upper-case, and removes all white space (including U+3000, also
// inside the code) and invisible format characters such as U+200B and U+FEFF.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range fold.Width(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteByte(byte(r - 'a' + 'A'))
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Check normalises s and reports whether it is a valid unified social credit
// code. It returns nil if valid, otherwise an *Error with a Chinese message.
func Check(s string) error {
	n := Normalize(s)
	if err := scan(n); err != nil {
		return err
	}
	want := alphabet[checkValue(n[:17])]
	if n[17] != want {
		return newErr(ErrCheckChar, "校验码应为 %c（现为 %c），代码中可能有录错的位，请逐位核对", want, n[17])
	}
	return nil
}

// checkValue computes the check value for 17 valid ASCII characters.
func checkValue(first17 string) int {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(value[first17[i]]) * weights[i]
	}
	return (31 - sum%31) % 31
}

// scan checks characters, length and the division code of a normalised
// string. After it returns nil, n is 18 ASCII characters.
func scan(n string) error {
	if n == "" {
		return newErr(ErrEmpty, "统一社会信用代码为空，请输入18位代码")
	}
	pos := 0
	for _, r := range n {
		pos++
		if r < 128 && value[r] >= 0 {
			continue
		}
		switch r {
		case 'I', 'O', 'Z', 'S', 'V':
			return newErr(ErrChar, "第%d位“%c”不是允许的字符（不用 I、O、Z、S、V），请核对是否把数字 1、0、2、5 或字母 U 看错", pos, r)
		}
		return newErr(ErrChar, "第%d位“%c”不是允许的字符（只能是数字或大写字母，且不用 I、O、Z、S、V）", pos, r)
	}
	if len(n) != 18 {
		return newErr(ErrLength, "统一社会信用代码应为18位（现为%d位），请检查是否漏输或多输", len(n))
	}
	for i := 2; i < 8; i++ {
		if c := n[i]; c < '0' || c > '9' {
			return newErr(ErrArea, "第%d位“%c”应为数字（第3-8位是行政区划码）", i+1, c)
		}
	}
	return nil
}
