package input

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// script is a source that gives data in chunks of the given sizes (a size
// of 0 is a read that returns nothing), the last chunk with io.EOF when
// eofWithData. Between chunks it says, through more, whether the next one
// comes within settle (slow[i] false) or not; within a chunk more is
// always there.
type script struct {
	data        []byte
	sizes       []int
	slow        []bool
	eofWithData bool
	at, chunk   int // bytes given; chunk being given
	left        int // bytes of the chunk not yet given
	ends        map[int]bool
}

func (s *script) Read(p []byte) (int, error) {
	if s.left == 0 {
		if s.at == len(s.data) {
			return 0, io.EOF
		}
		size := len(s.data) - s.at
		if s.chunk < len(s.sizes) {
			size = min(size, s.sizes[s.chunk])
		}
		s.chunk++
		s.left = size
		if size == 0 {
			s.ends[s.at] = s.ends[s.at] || s.slowAfter()
			return 0, nil
		}
	}
	n := copy(p, s.data[s.at:s.at+s.left])
	s.at += n
	s.left -= n
	var err error
	if s.left == 0 {
		s.ends[s.at] = s.ends[s.at] || s.slowAfter()
		if s.eofWithData && s.at == len(s.data) {
			err = io.EOF
		}
	}
	return n, err
}

// slowAfter: the chunk that just ended is not followed within settle.
func (s *script) slowAfter() bool {
	i := s.chunk - 1
	return i < len(s.slow) && s.slow[i] || s.at == len(s.data)
}

func (s *script) more() bool {
	return s.left > 0 || s.at < len(s.data) && !s.slowAfter()
}

// FuzzReader: whatever the source gives in whatever pieces, with whatever
// pauses, and whatever buffer bubbletea reads into, the reads give back
// every byte in order; with a buffer that can hold a character, a read
// ends inside a character only where the source's piece ended and nothing
// followed within settle (never, through NewReader, which cannot tell).
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzReader$' -fuzztime 10m -parallel 1 ./ui/input
func FuzzReader(f *testing.F) {
	f.Add([]byte(strings.Repeat("一", 85)+"收ABC"), []byte{255, 1, 3}, uint8(252), uint8(0))
	f.Add([]byte("𠮷野家\xff\x1b[A"), []byte{1, 0, 2, 5}, uint8(0), uint8(0x0f))
	f.Add([]byte("\xf0\xe90"), []byte{}, uint8(0), uint8(0))
	f.Add([]byte("ab\xe4\xb8"), []byte{3}, uint8(1), uint8(0x81))
	f.Add([]byte("中文𠮷"), []byte{1, 1, 1, 1, 1, 1, 1}, uint8(2), uint8(0x55))
	f.Add([]byte("é中𠮷x"), []byte{2, 2}, uint8(0), uint8(0xff))
	f.Fuzz(func(t *testing.T, data, sizes []byte, bufSize, pauses uint8) {
		// pauses: bit 7 reads through File's more (else NewReader's
		// none), bit 6 the EOF with the last bytes, bits 0-5 which
		// chunks are followed by a pause.
		src := &script{data: data, eofWithData: pauses&0x40 != 0, ends: map[int]bool{}}
		for i, b := range sizes {
			src.sizes = append(src.sizes, int(b))
			src.slow = append(src.slow, pauses&(1<<(i%6)) != 0)
		}
		r := NewReader(src)
		withMore := pauses&0x80 != 0
		if withMore {
			r.more = src.more
		}
		size := int(bufSize)%300 + 1
		var reads [][]byte
		buf := make([]byte, size)
		for range 10 * (len(data) + len(sizes) + 2) {
			n, err := r.Read(buf)
			if n > 0 {
				reads = append(reads, bytes.Clone(buf[:n]))
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := bytes.Join(reads, nil); !bytes.Equal(got, data) {
			t.Fatalf("read %q, want %q", got, data)
		}
		if size < utf8.UTFMax {
			return
		}
		// start[i]: where the character that byte i continues starts, or -1.
		start := make([]int, len(data)+1)
		start[len(data)] = -1
		for i := 0; i < len(data); {
			_, w := utf8.DecodeRune(data[i:])
			start[i] = -1
			for k := i + 1; k < i+w; k++ {
				start[k] = i
			}
			i += w
		}
		// A character handed on in part after a pause leaves bytes that
		// can never become one, which are handed on as they come.
		broken := map[int]bool{}
		at := 0
		for i, b := range reads {
			at += len(b)
			c := start[at]
			if c < 0 {
				continue
			}
			if !withMore || !src.ends[at] && !broken[c] {
				t.Fatalf("read %d of %d ends inside a character at byte %d: % x", i+1, len(reads), at, b[max(len(b)-4, 0):])
			}
			broken[c] = true
		}
	})
}
