package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// walkPages proves the shape of every page of a bbolt file, reading it
// with plain file reads, before bbolt's own check (tx.Check) walks it: that
// check trusts the page headers, and a damaged one can make it loop four
// billion times (a page's overflow count) or allocate without bound (a
// freelist's count). Here every page reached from the root bucket, and
// the freelist, must be a page of the right kind, named by its own id,
// inside the file, with its elements inside it, reached once; and every
// page below the high-water mark must be either reached or free. Guard's
// child runs it; it uses memory of one bit per page and stops at the first
// fault it finds.
func walkPages(f *os.File, ps uint64, m boltMeta) error {
	w := &pageWalker{f: f, ps: ps, hwm: m.pgid, seen: make([]bool, m.pgid)}
	w.seen[0], w.seen[1] = true, true
	if m.freelist != noFreelist {
		if err := w.freelist(m.freelist); err != nil {
			return err
		}
	}
	if err := w.tree(m.root, 0); err != nil {
		return err
	}
	for id, ok := range w.seen {
		if !ok {
			return fmt.Errorf("第 %d 页既不在用也不在空闲表中", id)
		}
	}
	return nil
}

// Page flags and sizes of the bbolt format (internal/common/page.go).
const (
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01
	elementSize      = 16 // branch: pos, ksize, pgid; leaf: flags, pos, ksize, vsize
	bucketHeaderSize = 16 // root pgid, sequence
	maxTreeDepth     = 64 // a tree of 4 KB pages is a handful of levels deep
)

type pageWalker struct {
	f       *os.File
	ps, hwm uint64
	seen    []bool
	bufs    [][]byte // a page buffer for each depth of the walk
}

// page reads the page (with its overflow) at id into the walker's buffer
// for depth (the pages above it on the way down keep theirs) and marks it
// reached.
func (w *pageWalker) page(id uint64, flags uint16, depth int) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, fmt.Errorf("第 %d 页超出文件范围（共 %d 页）", id, w.hwm)
	}
	for len(w.bufs) <= depth {
		w.bufs = append(w.bufs, make([]byte, w.ps))
	}
	buf := w.bufs[depth][:w.ps]
	if _, err := w.f.ReadAt(buf, int64(id*w.ps)); err != nil {
		return nil, err
	}
	ne := binary.NativeEndian
	overflow := uint64(ne.Uint32(buf[12:]))
	switch {
	case ne.Uint64(buf) != id:
		return nil, fmt.Errorf("第 %d 页的页头写的是第 %d 页", id, ne.Uint64(buf))
	case ne.Uint16(buf[8:]) != flags && !(flags == branchPageFlag|leafPageFlag && (ne.Uint16(buf[8:]) == branchPageFlag || ne.Uint16(buf[8:]) == leafPageFlag)):
		return nil, fmt.Errorf("第 %d 页的类型（%#x）不对", id, ne.Uint16(buf[8:]))
	case id+overflow >= w.hwm:
		return nil, fmt.Errorf("第 %d 页的 %d 个续页超出文件范围", id, overflow)
	}
	for i := id; i <= id+overflow; i++ {
		if w.seen[i] {
			return nil, fmt.Errorf("第 %d 页被引用了两次", i)
		}
		w.seen[i] = true
	}
	if overflow > 0 {
		n := (1 + overflow) * w.ps
		if uint64(cap(w.bufs[depth])) < n {
			w.bufs[depth] = make([]byte, n)
			copy(w.bufs[depth], buf)
		}
		buf = w.bufs[depth][:n]
		if _, err := w.f.ReadAt(buf[w.ps:], int64((id+1)*w.ps)); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func (w *pageWalker) freelist(id uint64) error {
	p, err := w.page(id, freelistPageFlag, 0)
	if err != nil {
		return err
	}
	ne := binary.NativeEndian
	n, start := uint64(ne.Uint16(p[10:])), uint64(pageHeaderSize)
	if n == 0xFFFF { // the count is in the first element
		n, start = ne.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if n > (uint64(len(p))-start)/8 {
		return fmt.Errorf("第 %d 页的空闲表（%d 项）放不下", id, n)
	}
	for i := uint64(0); i < n; i++ {
		free := ne.Uint64(p[start+8*i:])
		if free < 2 || free >= w.hwm || w.seen[free] {
			return fmt.Errorf("第 %d 页的空闲表中的第 %d 页超出文件范围或重复", id, free)
		}
		w.seen[free] = true
	}
	return nil
}

// tree walks the pages of a bucket's b+tree from its root.
func (w *pageWalker) tree(id uint64, depth int) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("第 %d 页所在的树超过 %d 层", id, maxTreeDepth)
	}
	p, err := w.page(id, branchPageFlag|leafPageFlag, depth)
	if err != nil {
		return err
	}
	if binary.NativeEndian.Uint16(p[8:]) == branchPageFlag {
		return w.branch(id, p, depth)
	}
	return w.leaf(id, p, depth)
}

func (w *pageWalker) branch(id uint64, p []byte, depth int) error {
	ne := binary.NativeEndian
	n := int(ne.Uint16(p[10:]))
	if n == 0 || pageHeaderSize+n*elementSize > len(p) {
		return fmt.Errorf("第 %d 页的 %d 个分支项放不下", id, n)
	}
	for i := range n {
		el := pageHeaderSize + i*elementSize
		pos, ksize := uint64(ne.Uint32(p[el:])), uint64(ne.Uint32(p[el+4:]))
		if uint64(el)+pos+ksize > uint64(len(p)) {
			return fmt.Errorf("第 %d 页第 %d 项的键超出本页", id, i)
		}
		if err := w.tree(ne.Uint64(p[el+8:]), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// leaf checks a leaf page's elements and walks the buckets it holds. An
// inline bucket (root 0) is a leaf page inside the value; it holds no
// buckets of its own.
func (w *pageWalker) leaf(id uint64, p []byte, depth int) error {
	ne := binary.NativeEndian
	n := int(ne.Uint16(p[10:]))
	if pageHeaderSize+n*elementSize > len(p) {
		return fmt.Errorf("第 %d 页的 %d 个叶子项放不下", id, n)
	}
	for i := range n {
		el := pageHeaderSize + i*elementSize
		flags, pos := ne.Uint32(p[el:]), uint64(ne.Uint32(p[el+4:]))
		ksize, vsize := uint64(ne.Uint32(p[el+8:])), uint64(ne.Uint32(p[el+12:]))
		if uint64(el)+pos+ksize+vsize > uint64(len(p)) {
			return fmt.Errorf("第 %d 页第 %d 项超出本页", id, i)
		}
		if flags&^bucketLeafFlag != 0 {
			return fmt.Errorf("第 %d 页第 %d 项的标志（%#x）不对", id, i, flags)
		}
		if flags != bucketLeafFlag {
			continue
		}
		v := p[uint64(el)+pos+ksize:][:vsize]
		if len(v) < bucketHeaderSize {
			return fmt.Errorf("第 %d 页第 %d 项的子表头不完整", id, i)
		}
		if root := ne.Uint64(v); root != 0 {
			if err := w.tree(root, depth+1); err != nil {
				return err
			}
			continue
		}
		if err := inlineLeaf(v[bucketHeaderSize:]); err != nil {
			return fmt.Errorf("第 %d 页第 %d 项的内嵌子表%w", id, i, err)
		}
	}
	return nil
}

func inlineLeaf(p []byte) error {
	ne := binary.NativeEndian
	if len(p) < pageHeaderSize || ne.Uint16(p[8:]) != leafPageFlag {
		return errors.New("不是叶子页")
	}
	n := int(ne.Uint16(p[10:]))
	if pageHeaderSize+n*elementSize > len(p) {
		return fmt.Errorf("的 %d 项放不下", n)
	}
	for i := range n {
		el := pageHeaderSize + i*elementSize
		pos, ksize, vsize := uint64(ne.Uint32(p[el+4:])), uint64(ne.Uint32(p[el+8:])), uint64(ne.Uint32(p[el+12:]))
		if ne.Uint32(p[el:]) != 0 || uint64(el)+pos+ksize+vsize > uint64(len(p)) {
			return fmt.Errorf("第 %d 项已损坏", i)
		}
	}
	return nil
}
