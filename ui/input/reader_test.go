package input

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// chunks is a source that gives its data in the pieces it was cut into,
// one piece (or less, if p is smaller) per Read.
type chunks struct {
	pieces [][]byte
}

func (c *chunks) Read(p []byte) (int, error) {
	for len(c.pieces) > 0 && len(c.pieces[0]) == 0 {
		c.pieces = c.pieces[1:]
	}
	if len(c.pieces) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.pieces[0])
	c.pieces[0] = c.pieces[0][n:]
	return n, nil
}

// cutAt splits data at the given offsets.
func cutAt(data []byte, cuts ...int) *chunks {
	c := &chunks{}
	prev := 0
	for _, at := range cuts {
		c.pieces = append(c.pieces, data[prev:at])
		prev = at
	}
	c.pieces = append(c.pieces, data[prev:])
	return c
}

// readAll reads r to its end with a buffer of size n and returns what each
// Read gave.
func readAll(t *testing.T, r io.Reader, n int) [][]byte {
	t.Helper()
	var out [][]byte
	buf := make([]byte, n)
	for range 100000 {
		m, err := r.Read(buf)
		if m > 0 {
			out = append(out, bytes.Clone(buf[:m]))
		}
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the reader never reached the end")
	return nil
}

// checkWhole fails unless the reads give back data exactly and no read
// ends inside a character of data.
func checkWhole(t *testing.T, data []byte, reads [][]byte) {
	t.Helper()
	if got := bytes.Join(reads, nil); !bytes.Equal(got, data) {
		t.Fatalf("read %q, want %q", got, data)
	}
	inside := make([]bool, len(data)+1) // inside[i]: byte i continues a character
	for i := 0; i < len(data); {
		_, w := utf8.DecodeRune(data[i:])
		for k := i + 1; k < i+w; k++ {
			inside[k] = true
		}
		i += w
	}
	at := 0
	for i, b := range reads {
		at += len(b)
		if inside[at] {
			t.Fatalf("read %d of %d ends inside a character: % x", i+1, len(reads), b[max(len(b)-4, 0):])
		}
	}
}

var samples = map[string]string{
	"cjk":    "查验病历及收入证明，入户走访核实",
	"4-byte": "𠮷野家a𩸽b查验𠀀c",
	"mixed":  "é中𠮷x\x1b[A收",
}

// Every place the source may cut a sample (one cut, and every pair of
// cuts) gives whole characters in every read.
func TestReaderEveryCut(t *testing.T) {
	for name, s := range samples {
		data := []byte(s)
		for i := 0; i <= len(data); i++ {
			for j := i; j <= len(data); j++ {
				for _, bufSize := range []int{4, 5, 7, 256} {
					reads := readAll(t, NewReader(cutAt(data, i, j)), bufSize)
					checkWhole(t, data, reads)
					if t.Failed() {
						t.Fatalf("%s cut at %d and %d, buffer %d", name, i, j, bufSize)
					}
				}
			}
		}
	}
}

// The case of the issue: bubbletea's 256-byte reads of a paste, at every
// offset into the first character.
func TestReader256ByteReads(t *testing.T) {
	for _, s := range []string{strings.Repeat("一", 85) + "收ABC", strings.Repeat("查验病历𠮷", 120)} {
		for off := range 4 {
			data := []byte(strings.Repeat("x", off) + s)
			reads := readAll(t, NewReader(bytes.NewReader(data)), 256)
			checkWhole(t, data, reads)
			if len(reads) < 2 {
				t.Fatalf("offset %d: %d reads; the text should need several", off, len(reads))
			}
		}
	}
}

// Buffers smaller than a character still get every byte, in order.
func TestReaderSmallBuffer(t *testing.T) {
	data := []byte(samples["mixed"])
	for size := 1; size < utf8.UTFMax; size++ {
		for i := 0; i <= len(data); i++ {
			r := NewReader(cutAt(data, i))
			if got := bytes.Join(readAll(t, r, size), nil); !bytes.Equal(got, data) {
				t.Fatalf("buffer %d, cut %d: read %q", size, i, got)
			}
		}
	}
}

// once is a source that fails the test if it is read a second time.
type once struct {
	t    *testing.T
	data []byte
	read bool
}

func (o *once) Read(p []byte) (int, error) {
	if o.read {
		o.t.Fatal("read again although nothing was held back")
	}
	o.read = true
	return copy(p, o.data), nil
}

// Bytes that can never become a character, and escape sequences, are
// passed on by the read that got them: nothing waits for more.
func TestReaderPassesInvalidBytesAndEscapes(t *testing.T) {
	for _, s := range []string{"\xff", "a\x80", "\x80\x80\x80", "ab\xc0", "\xe0\x80", "\xed\xa0", "\x1b", "\x1b[", "\x1b[A", "中\x1b", "\xf8"} {
		buf := make([]byte, 256)
		n, err := NewReader(&once{t: t, data: []byte(s)}).Read(buf)
		if err != nil || string(buf[:n]) != s {
			t.Errorf("%q: read %q, %v", s, buf[:n], err)
		}
	}
}

// The source's error comes after the bytes held back, not instead of them.
func TestReaderEndFlushesHeldBytes(t *testing.T) {
	data := []byte("ab\xe4\xb8") // the end of the input is half a character
	reads := readAll(t, NewReader(bytes.NewReader(data)), 256)
	if got := bytes.Join(reads, nil); !bytes.Equal(got, data) {
		t.Fatalf("read %q, want %q", got, data)
	}
}

// On a descriptor, the start of a character with nothing after it is
// handed on after settle instead of waiting for the next key; when the
// rest is already there, the character stays whole.
func TestFileHandsOnAfterSettle(t *testing.T) {
	if !canWait {
		t.Skip("no waiting on descriptors here")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	f := NewFile(pr)
	buf := make([]byte, 256)

	if _, err := pw.Write([]byte("abc中")); err != nil {
		t.Fatal(err)
	}
	n, _ := f.Read(buf[:4]) // the pipe has more than fits: 中 is cut
	if got := string(buf[:n]); got != "abc" {
		t.Fatalf("first read %q, want %q", got, "abc")
	}
	n, _ = f.Read(buf)
	if got := string(buf[:n]); got != "中" {
		t.Fatalf("second read %q, want %q", got, "中")
	}

	if _, err := pw.Write([]byte("ab\xe4\xb8")); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		n, _ := f.Read(buf)
		done <- string(buf[:n])
	}()
	select {
	case got := <-done:
		if got != "ab\xe4\xb8" {
			t.Fatalf("read %q, want the bytes as they came", got)
		}
	case <-time.After(10 * settle):
		t.Fatal("the start of a character that never finishes is held back")
	}
}
