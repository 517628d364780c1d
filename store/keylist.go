package store

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sync"
)

// keyList gathers keys and values to lay into a bucket in key order
// later: an import's rows, persons and serials, whose keys come in any
// order. They come in blocks of entBlock entries, each with its own bytes;
// the goroutine that fills a block sorts it, while the others go on
// adding, so that at the end only the last block is left to sort and the
// blocks are merged as the bucket is laid out (source). The entries hold
// no pointers, so 100,000 of them cost the garbage collector nothing to
// scan. Add may be called from several goroutines.
type keyList struct {
	mu     sync.Mutex
	cur    *keyBlock   // the block being filled
	blocks []*keyBlock // all, in the order they were begun
}

const entBlock = 8192

// keyBlock is up to entBlock entries and their keys and values.
type keyBlock struct {
	ents []keyEnt
	data []byte
}

// keyEnt is one key and value in its block's bytes: the key at off, the
// value after it. pre is the key's first 16 bytes as two numbers, which
// order most pairs of keys without reading the bytes. 24 bytes: 300,000
// of them are an import's largest array but the search index's.
type keyEnt struct {
	pre  [2]uint64
	off  uint32
	klen uint16
	vlen uint16
}

// add appends the key made of parts and the value; the caller that fills
// a block sorts it.
func (l *keyList) add(value []byte, parts ...[]byte) {
	n := len(value)
	for _, p := range parts {
		n += len(p)
	}
	l.mu.Lock()
	b := l.cur
	if b == nil {
		size := 64 * entBlock
		if k := len(l.blocks); k > 0 { // as much as the last full block took
			size = len(l.blocks[k-1].data) + len(l.blocks[k-1].data)/8
		}
		b = &keyBlock{ents: make([]keyEnt, 0, entBlock), data: make([]byte, 0, size)}
		l.cur, l.blocks = b, append(l.blocks, b)
	}
	off := len(b.data)
	for _, p := range parts {
		b.data = append(b.data, p...)
	}
	klen := len(b.data) - off
	b.data = append(b.data, value...)
	var pre [16]byte
	copy(pre[:], b.data[off:off+klen])
	b.ents = append(b.ents, keyEnt{[2]uint64{binary.BigEndian.Uint64(pre[:8]), binary.BigEndian.Uint64(pre[8:])}, uint32(off), uint16(klen), uint16(n - klen)})
	full := len(b.ents) == entBlock
	if full {
		l.cur = nil
	}
	l.mu.Unlock()
	if full {
		l.sortBlock(b)
	}
}

func (b *keyBlock) key(e keyEnt) []byte { return b.data[e.off : e.off+uint32(e.klen)] }

func (b *keyBlock) value(e keyEnt) []byte {
	at := e.off + uint32(e.klen)
	return b.data[at : at+uint32(e.vlen) : at+uint32(e.vlen)]
}

// finish sorts the block that was left part full; every block is then
// sorted (no add may run meanwhile or after).
func (l *keyList) finish() {
	if l.cur != nil {
		l.sortBlock(l.cur)
		l.cur = nil
	}
}

// sortBlock orders a block's entries by key. Its bytes are its own, so
// other blocks may be filled meanwhile.
func (l *keyList) sortBlock(b *keyBlock) {
	slices.SortFunc(b.ents, func(x, y keyEnt) int { return compareEnts(x, y, b.data, b.data) })
}

// compareEnts orders two entries as bytes.Compare orders their keys,
// whose bytes are in xd and yd.
func compareEnts(x, y keyEnt, xd, yd []byte) int {
	for i := range x.pre {
		if x.pre[i] != y.pre[i] {
			if x.pre[i] < y.pre[i] {
				return -1
			}
			return 1
		}
	}
	if x.klen <= 16 && y.klen <= 16 {
		return int(x.klen) - int(y.klen) // one is the other and zeros
	}
	return bytes.Compare(xd[x.off:x.off+uint32(x.klen)], yd[y.off:y.off+uint32(y.klen)])
}

// source gives every entry in key order (after finish), merging the
// sorted blocks, to a bulkFile.
func (l *keyList) source() keySource {
	m := &keyMerge{}
	for _, b := range l.blocks {
		if len(b.ents) > 0 {
			m.heads = append(m.heads, mergeHead{b.ents, b})
		}
	}
	for i := len(m.heads)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m
}

// keyMerge is a k-way merge of sorted blocks: a heap of what is left of
// each, smallest first key on top.
type keyMerge struct {
	heads []mergeHead
}

type mergeHead struct {
	ents []keyEnt // what is left of the block
	b    *keyBlock
}

func (m *keyMerge) next() (k, v []byte) {
	if len(m.heads) == 0 {
		return nil, nil
	}
	h := &m.heads[0]
	e, b := h.ents[0], h.b
	if h.ents = h.ents[1:]; len(h.ents) == 0 {
		last := len(m.heads) - 1
		m.heads[0] = m.heads[last]
		m.heads = m.heads[:last]
	}
	m.down(0)
	return b.key(e), b.value(e)
}

func (m *keyMerge) less(i, j int) bool {
	x, y := m.heads[i], m.heads[j]
	return compareEnts(x.ents[0], y.ents[0], x.b.data, y.b.data) < 0
}

// down moves head i down the heap to its place.
func (m *keyMerge) down(i int) {
	for {
		least := i
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < len(m.heads) && m.less(c, least) {
				least = c
			}
		}
		if least == i {
			return
		}
		m.heads[i], m.heads[least] = m.heads[least], m.heads[i]
		i = least
	}
}
