package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sync"
)

// keyList gathers keys and values to put into a bucket in key order
// later: an import's rows, persons and serials, whose keys come in any
// order. The bytes live in chunks of a megabyte (no growing buffer is
// copied over and over) and the entries hold no pointers, so 100,000 of
// them cost the garbage collector nothing to scan; the entries too come in
// blocks, gathered into one slice when they are sorted. Add may be called
// from several goroutines.
type keyList struct {
	mu     sync.Mutex
	chunks [][]byte
	blocks [][]keyEnt // as added
	ents   []keyEnt   // sorted
}

const (
	keyChunk = 1 << 20
	entBlock = 8192
)

// keyEnt is one key and value in a chunk: the key at off, the value after
// it. pre is the key's first 16 bytes as two numbers, which order most
// pairs of keys without reading the chunks.
type keyEnt struct {
	pre   [2]uint64
	chunk uint32
	off   uint32
	klen  uint16
	vlen  uint16
}

// add appends the key made of parts and the value.
func (l *keyList) add(value []byte, parts ...[]byte) {
	n := len(value)
	for _, p := range parts {
		n += len(p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1])+n > keyChunk {
		l.chunks = append(l.chunks, make([]byte, 0, max(keyChunk, n)))
	}
	c := len(l.chunks) - 1
	buf := l.chunks[c]
	off := len(buf)
	for _, p := range parts {
		buf = append(buf, p...)
	}
	klen := len(buf) - off
	buf = append(buf, value...)
	l.chunks[c] = buf
	var pre [16]byte
	copy(pre[:], buf[off:off+klen])
	if len(l.blocks) == 0 || len(l.blocks[len(l.blocks)-1]) == entBlock {
		l.blocks = append(l.blocks, make([]keyEnt, 0, entBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, keyEnt{[2]uint64{binary.BigEndian.Uint64(pre[:8]), binary.BigEndian.Uint64(pre[8:])}, uint32(c), uint32(off), uint16(klen), uint16(len(value))})
}

func (l *keyList) key(e keyEnt) []byte { return l.chunks[e.chunk][e.off : e.off+uint32(e.klen)] }

func (l *keyList) value(e keyEnt) []byte {
	at := e.off + uint32(e.klen)
	return l.chunks[e.chunk][at : at+uint32(e.vlen) : at+uint32(e.vlen)]
}

// sort orders the entries added by key, into ents.
func (l *keyList) sort() {
	n := 0
	for _, b := range l.blocks {
		n += len(b)
	}
	l.ents = make([]keyEnt, 0, n)
	for _, b := range l.blocks {
		l.ents = append(l.ents, b...)
	}
	l.blocks = nil
	slices.SortFunc(l.ents, func(a, b keyEnt) int {
		for i := range a.pre {
			if a.pre[i] != b.pre[i] {
				if a.pre[i] < b.pre[i] {
					return -1
				}
				return 1
			}
		}
		if a.klen <= 16 && b.klen <= 16 {
			return int(a.klen) - int(b.klen) // one is the other and zeros
		}
		return bytes.Compare(l.key(a), l.key(b))
	})
}

// source gives the entries, sorted, to a bulkFile.
func (l *keyList) source() keySource { return &keyListSource{l: l} }

type keyListSource struct {
	l *keyList
	i int
}

func (s *keyListSource) next() (k, v []byte) {
	if s.i == len(s.l.ents) {
		return nil, nil
	}
	e := s.l.ents[s.i]
	s.i++
	return s.l.key(e), s.l.value(e)
}
