package creditcode

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCheck: for any input Check returns nil or an *Error with a Chinese
// message, and never panics. An accepted code is 18 characters of the
// alphabet with digits in 3-8 and the reference check character; it is
// accepted again however it is spaced, cased or written in full width, and
// no single wrong character or swap of two neighbours in it is accepted. A
// valid code built from the input is always accepted. Normalize is
// idempotent and leaves no white space, format character or lower-case
// letter.
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzCheck$' -fuzztime 10m -parallel 1 ./store/creditcode
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100m000100y43", "", "I", "９１３５０１００Ｍ０００１００Ｙ４３", "\xff\xfe",
		"91350100M000100Y4", "91350100M000100Y47", "9135O100M000100Y43", " 9135 0100 M000 100Y 43\u200b", withCheck("Y1140400YYYYYYYYY")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize not idempotent for %q", s)
		}
		for _, r := range n {
			if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r >= 'a' && r <= 'z' {
				t.Fatalf("Normalize(%q) = %q keeps %U", s, n, r)
			}
		}
		err := Check(s)
		if again := Check(n); !sameErr(err, again) {
			t.Fatalf("Check(%q) = %v but Check(Normalize) = %v", s, err, again)
		}
		if utf8.ValidString(s) {
			if dressed := Check(dress(s)); !sameErr(err, dressed) {
				t.Fatalf("Check(%q) = %v but spaced, lower-case and in full width %v", s, err, dressed)
			}
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code < ErrEmpty || e.Code > ErrCheckChar {
				t.Fatalf("Check(%q): bad error %#v", s, err)
			}
			if !utf8.ValidString(e.Msg) || !strings.ContainsFunc(e.Msg, isHan) {
				t.Fatalf("Check(%q): message %q is not a Chinese sentence", s, e.Msg)
			}
		} else {
			checkValid(t, s, n)
		}
		code := build([]byte(s))
		if err := Check(code); err != nil {
			t.Fatalf("built %q: %v", code, err)
		}
		checkValid(t, code, code)
	})
}

func sameErr(a, b error) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Error() == b.Error()
}

// dress writes s as a clerk might type it: in lower case and full width,
// a space between characters, an ideographic space and a BOM around it.
func dress(s string) string {
	var b strings.Builder
	b.WriteString("\u3000")
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r >= 'A' && r <= 'Z' {
			r += 'a' - 'A'
		}
		if r > ' ' && r < 0x7f {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	b.WriteString("\ufeff")
	return b.String()
}

// checkValid checks an accepted code (n normalised) against the reference
// and against single-character errors.
func checkValid(t *testing.T, s, n string) {
	if len(n) != 18 || refCheck(n[:17]) != n[17] {
		t.Fatalf("Check accepted %q (normalised %q) but the reference disagrees", s, n)
	}
	for i := range 18 {
		if c := n[i]; !strings.ContainsRune(refAlphabet, rune(c)) || i >= 2 && i < 8 && (c < '0' || c > '9') {
			t.Fatalf("Check accepted %q (normalised %q): character %d", s, n, i+1)
		}
	}
	b := []byte(n)
	for i := range b {
		orig := b[i]
		for _, c := range []byte(refAlphabet) {
			if c == orig {
				continue
			}
			b[i] = c
			if Check(string(b)) == nil {
				t.Fatalf("%q accepted: one character off %q", b, n)
			}
		}
		b[i] = orig
		if i < 17 && b[i] != b[i+1] {
			b[i], b[i+1] = b[i+1], b[i]
			if Check(string(b)) == nil {
				t.Fatalf("%q accepted: two neighbours of %q swapped", b, n)
			}
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
}

// build makes a valid code from arbitrary bytes: characters of the
// alphabet, digits in 3-8, and the reference check character.
func build(b []byte) string {
	if len(b) == 0 {
		b = []byte{9}
	}
	var s strings.Builder
	for i := range 17 {
		c := int(b[i%len(b)]) + i
		if i >= 2 && i < 8 {
			s.WriteByte(byte('0' + c%10))
		} else {
			s.WriteByte(refAlphabet[c%31])
		}
	}
	return withCheck(s.String())
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
