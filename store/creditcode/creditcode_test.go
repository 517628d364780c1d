package creditcode

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// refAlphabet and refCheck are an independent reimplementation used to
// compute expected check characters: weights are computed here as
// pow(3, i) mod 31 by repeated multiplication, values by strings.IndexRune.
const refAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func refWeights() []int {
	w := make([]int, 17)
	for i := range w {
		p := 1
		for j := 0; j < i; j++ {
			p *= 3
		}
		w[i] = p % 31 // 3^16 = 43046721 fits easily in int
	}
	return w
}

func refCheck(first17 string) byte {
	w := refWeights()
	sum := 0
	for i, c := range first17 {
		v := strings.IndexRune(refAlphabet, c)
		if v < 0 {
			panic("refCheck: bad character " + string(c))
		}
		sum += v * w[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return refAlphabet[c]
}

func withCheck(first17 string) string {
	if len(first17) != 17 {
		panic("withCheck needs 17 characters: " + first17)
	}
	return first17 + string(refCheck(first17))
}

func wrongCheck(first17 string) (code string, want byte) {
	want = refCheck(first17)
	bad := byte('0')
	if want == '0' {
		bad = '1'
	}
	return first17 + string(bad), want
}

func codeOf(err error) ErrCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestWeights(t *testing.T) {
	want := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	got := refWeights()
	for i := range want {
		if got[i] != want[i] || weights[i] != want[i] {
			t.Fatalf("weight %d: reference %d, package %d, spec %d", i+1, got[i], weights[i], want[i])
		}
	}
}

func TestPublicCode(t *testing.T) {
	// 91350100M000100Y43 is commonly cited as a valid example; the
	// reference computation above confirms its check character '3'.
	const c = "91350100M000100Y43"
	if got := refCheck(c[:17]); got != c[17] {
		t.Fatalf("reference check for %s is %c; the public example does not verify", c, got)
	}
	if err := Check(c); err != nil {
		t.Fatalf("Check(%s): %v", c, err)
	}
}

// For random first 17 characters, Check accepts exactly the check character
// the reference computes and refuses the other 30.
func TestCheckMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	seen := map[byte]bool{}
	for i := 0; i < 5000; i++ {
		b := make([]byte, 17)
		for j := range b {
			if j >= 2 && j < 8 {
				b[j] = byte('0' + r.IntN(10))
			} else {
				b[j] = refAlphabet[r.IntN(31)]
			}
		}
		s := string(b)
		want := refCheck(s)
		for k := 0; k < len(refAlphabet); k++ {
			c := refAlphabet[k]
			if err := Check(s + string(c)); (err == nil) != (c == want) {
				t.Fatalf("Check(%s%c) = %v, reference check character %c", s, c, err, want)
			}
		}
		seen[want] = true
	}
	if len(seen) != 31 {
		t.Fatalf("expected all 31 check characters to occur, saw %d", len(seen))
	}
}

func TestCheckValid(t *testing.T) {
	shanxi := withCheck("91140400MA0K12345")    // enterprise, 长治市
	npo := withCheck("52140403MJ1234567")       // 民政 (civil affairs), 潞州区
	residents := withCheck("N2140403MF0000000") // authority N (agriculture)
	oldArea := withCheck("12140402012345678")   // institution, former 城区 code
	tests := []struct{ name, in string }{
		{"enterprise", shanxi},
		{"social organisation", npo},
		{"N authority", residents},
		{"old area code", oldArea},
		{"lower-case", strings.ToLower(shanxi)},
		{"full-width", toFullWidth(shanxi)},
		{"spaces", "\u3000 " + shanxi[:8] + " " + shanxi[8:] + " \t"},
		{"public example lower-case", "91350100m000100y43"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Check(tc.in); err != nil {
				t.Fatalf("Check(%q): %v", tc.in, err)
			}
		})
	}
	if got := Normalize("  ９１３５０１００ｍ０００１００ｙ４３\u3000"); got != "91350100M000100Y43" {
		t.Fatalf("Normalize = %q", got)
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7F {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestCheckInvalid(t *testing.T) {
	bad, want := wrongCheck("91140400MA0K12345")
	badPub := "91350100M000100Y47"
	tests := []struct {
		name string
		in   string
		code ErrCode
		msg  string
	}{
		{"empty", "", ErrEmpty, "为空"},
		{"spaces only", " \u3000", ErrEmpty, "为空"},
		{"16 chars", "91140400MA0K1234", ErrLength, "统一社会信用代码应为18位（现为16位）"},
		{"19 chars", withCheck("91140400MA0K12345") + "1", ErrLength, "统一社会信用代码应为18位（现为19位）"},
		{"old 9-char org code", "MA0K12345", ErrLength, "（现为9位）"},
		{"I at 3", "91I40400MA0K123450", ErrChar, "第3位“I”不是允许的字符（不用 I、O、Z、S、V）"},
		{"O", "91140400MA0O123450", ErrChar, "第12位“O”不是允许的字符（不用 I、O、Z、S、V）"},
		{"Z", "Z1140400MA0K123450", ErrChar, "第1位“Z”"},
		{"S lower-case", "91140400mA0s123450", ErrChar, "第12位“S”"},
		{"V", "91140400MA0K12345V", ErrChar, "第18位“V”"},
		{"hyphen", "91140400-MA0K12345", ErrChar, "第9位“-”不是允许的字符"},
		{"Chinese", "长治91140400MA0K123", ErrChar, "第1位“长”"},
		{"letter in area", withCheck("9114A400MA0K12345"), ErrArea, "第5位“A”应为数字"},
		{"wrong check", bad, ErrCheckChar, fmt.Sprintf("校验码应为 %c（现为 %c）", want, bad[17])},
		{"public example altered", badPub, ErrCheckChar, "校验码应为 3（现为 7）"},
		{"lower-case wrong check", strings.ToLower(bad), ErrCheckChar, fmt.Sprintf("校验码应为 %c", want)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.in)
			if err == nil {
				t.Fatalf("Check(%q) = nil, want error", tc.in)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Check(%q) error %T, want *Error", tc.in, err)
			}
			if e.Code != tc.code {
				t.Errorf("Check(%q) code %d, want %d (%s)", tc.in, e.Code, tc.code, e.Msg)
			}
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Check(%q) message %q does not contain %q", tc.in, e.Msg, tc.msg)
			}
		})
	}
}
