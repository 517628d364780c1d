//go:build !windows

// On Windows a pipe given to bubbletea is read in the ANSI code page
// (go-localereader), so these runs through a pipe are for Unix, where the
// terminal is read as bytes just like the pipe here.

package input

import (
	"io"
	"os"
	"strings"
	"testing"

	"taizhang/ui/components/form"
)

// typeInto runs a program with one field of the kind on the read end of a
// pipe (through wrap), writes text into the pipe in one go, as a paste or
// fast typing arrives from the terminal, and returns what the field holds.
func typeInto(t *testing.T, kind form.Kind, wrap func(*os.File) io.Reader, text string) string {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	r := start(t, kind, wrap(pr))
	if _, err := pw.Write([]byte(text + "\x03")); err != nil {
		t.Fatal(err)
	}
	return r.value(t)
}

func wrapFile(f *os.File) io.Reader { return NewFile(f) }
func noWrap(f *os.File) io.Reader   { return f }

// A thousand characters written at once reach a field whole, at every
// offset of the 256-byte reads into a character.
func TestPasteArrivesWhole(t *testing.T) {
	texts := map[string]string{
		"1000 CJK":    repeatRunes("查验病历及收入证明入户走访核实居民委员会长治市潞州区英雄南路街道办事处", 1000),
		"1000 with 𠮷": repeatRunes("𠮷查验𩸽病历及a收入𠀀证明b", 1000),
	}
	kinds := map[string]form.Kind{"text": form.Text, "area": form.Area}
	for name, text := range texts {
		for kindName, kind := range kinds {
			for off := range 4 {
				want := strings.Repeat("x", off) + text
				got := typeInto(t, kind, wrapFile, want)
				if got != want {
					t.Errorf("%s, %s field, offset %d: %d characters arrived of %d; first difference at %d",
						name, kindName, off, len([]rune(got)), len([]rune(want)), firstDiff(got, want))
				}
			}
		}
	}
}

// The harness can fail: read without the Reader, bubbletea v1 drops the
// character that straddles byte 256 (85×一 is 255 bytes). If this starts
// failing after a bubbletea upgrade, the library keeps characters whole
// itself.
func TestUnwrappedInputLosesTheCharacterAt256(t *testing.T) {
	text := strings.Repeat("一", 85) + "收ABC"
	if got := typeInto(t, form.Text, noWrap, text); got != strings.Repeat("一", 85)+"ABC" {
		t.Fatalf("without the Reader the field ends in %q; expected bubbletea to drop 收", lastRunes(got, 6))
	}
	if got := typeInto(t, form.Text, wrapFile, text); got != text {
		t.Fatalf("with the Reader the field ends in %q", lastRunes(got, 6))
	}
}
