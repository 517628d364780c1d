// Package input keeps typed and pasted text whole on its way into the
// program.
//
// bubbletea v1 reads the terminal 256 bytes at a time and reports a UTF-8
// sequence cut by the end of a read as unknown bytes, so the character
// that straddles the cut is lost (the unmerged upstream fix is
// charmbracelet/bubbletea#1166; v2 rewrote its input reader). A Reader
// between the terminal and bubbletea never ends a read inside a character:
// it holds the incomplete end back and hands it on with the next read.
package input

import (
	"io"
	"time"
	"unicode/utf8"
)

// settle is how long a Reader waits for the rest of a character before it
// hands on the bytes it has. In a UTF-8 terminal the rest is already there
// or follows at once; a lead byte that is never completed (a terminal not
// in UTF-8) is only delayed by this much.
const settle = 100 * time.Millisecond

// Reader passes on what its source reads, but never ends a read in the
// middle of a UTF-8 sequence. Bytes that can never start or finish a
// character (a lone continuation byte, 0xFF) and escape sequences are
// passed on as they come. It is read by one goroutine at a time.
type Reader struct {
	src io.Reader
	// more reports whether more bytes arrive within settle; nil means the
	// source cannot tell, and the incomplete end waits for the next read.
	more  func() bool
	tail  [utf8.UTFMax - 1]byte
	ntail int
	err   error // from the source, returned once the held bytes are out
}

// NewReader reads src through a Reader. src has no way to say whether
// more bytes are coming, so an incomplete character at the end of what it
// gave waits for its next read (or its end); NewFile does better.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src}
}

// Read fills p with whole characters. It calls the source once, more
// often only when all it holds is the start of one character.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) < utf8.UTFMax {
		return r.readSmall(p)
	}
	n := copy(p, r.tail[:r.ntail])
	r.ntail = 0
	for {
		if r.err == nil {
			m, err := r.src.Read(p[n:])
			n += m
			r.err = err
		}
		cut := completeLen(p[:n])
		switch {
		case cut == n || r.err != nil:
			return r.result(n)
		case !r.moreSoon():
			// The rest is not coming: hand the bytes on as they are.
			return n, nil
		case cut > 0:
			r.ntail = copy(r.tail[:], p[cut:n])
			return cut, nil
		}
		// Only the start of one character so far, and more is on its way.
	}
}

// result returns n bytes, or the source's error once nothing is left.
func (r *Reader) result(n int) (int, error) {
	if n == 0 && r.err != nil {
		return 0, r.err
	}
	return n, nil
}

// readSmall serves a buffer too small for a whole character: held bytes
// first, then the source as it is.
func (r *Reader) readSmall(p []byte) (int, error) {
	if r.ntail > 0 {
		n := copy(p, r.tail[:r.ntail])
		r.ntail = copy(r.tail[:], r.tail[n:r.ntail])
		return n, nil
	}
	if r.err != nil {
		return 0, r.err
	}
	return r.src.Read(p)
}

func (r *Reader) moreSoon() bool {
	return r.more == nil || r.more()
}

// completeLen is the length of b without an incomplete UTF-8 sequence at
// its end. Only a valid start of a sequence counts as incomplete; bytes
// that cannot become a character are left in.
func completeLen(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}
