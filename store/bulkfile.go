package store

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// bulkFile writes a bbolt file page by page, in one pass: an import's
// working copy. bbolt has no bulk load, and each of the import's 600,000
// Puts cost it a cursor, a search down the tree and an insert into a node
// that grows by copying; here the keys, which come in order, are laid
// side by side in pages as they come. The layout is bbolt's own
// (go.etcd.io/bbolt/internal/common: page.go, meta.go, bucket.go); bbolt
// opens, checks and writes on the result (TestBulkFileIsBbolt).
//
// Pages 0 and 1 (the meta pages) are written last, when the root is known,
// so a file whose writing stopped half way is not a bbolt file at all.
type bulkFile struct {
	f        *os.File
	w        *bufio.Writer
	pageSize int
	next     uint64 // the id of the next page
	maxSize  int    // bytes the file may not grow past, as Options.MaxSize (0: no limit)
	err      error

	// Pages are synced in the background as they are written, so that
	// the disk works while the import does and the last sync has little
	// left: unsynced counts the bytes since the last one began, synced
	// is closed when it is done (nil: none under way).
	unsynced int
	synced   chan struct{}
	syncErr  error
}

// syncEvery is how many bytes written start a sync in the background.
const syncEvery = 8 << 20

// bbolt writes its numbers in the machine's byte order (damage.go and
// pages.go have the rest of its format).
var boltOrder = binary.NativeEndian

func createBulkFile(path string, pageSize, maxSize int) (*bulkFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Seek(int64(2*pageSize), io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &bulkFile{f: f, w: bufio.NewWriterSize(f, 1<<20), pageSize: pageSize, maxSize: maxSize, next: 2}, nil
}

// writeNode writes one node, a page and its overflow pages (buf is whole
// pages), and returns its page id.
func (bf *bulkFile) writeNode(buf []byte) uint64 {
	id, n := bf.next, len(buf)/bf.pageSize
	if bf.maxSize > 0 && int(bf.next)*bf.pageSize+len(buf) > bf.maxSize && bf.err == nil {
		bf.err = berrors.ErrMaxSizeReached
	}
	boltOrder.PutUint64(buf[0:], id)
	boltOrder.PutUint32(buf[12:], uint32(n-1))
	if bf.err == nil {
		_, bf.err = bf.w.Write(buf)
	}
	bf.next += uint64(n)
	if bf.unsynced += len(buf); bf.unsynced >= syncEvery {
		bf.syncBehind()
	}
	return id
}

// syncBehind starts syncing what was written so far, unless a sync is
// still under way.
func (bf *bulkFile) syncBehind() {
	if bf.synced != nil {
		select {
		case <-bf.synced:
		default:
			return
		}
	}
	if bf.err == nil {
		bf.err = bf.w.Flush()
	}
	if bf.err != nil || bf.syncErr != nil {
		return
	}
	bf.unsynced = 0
	done := make(chan struct{})
	bf.synced = done
	go func() {
		bf.syncErr = bf.f.Sync()
		close(done)
	}()
}

// waitSync waits for a sync under way and returns its error.
func (bf *bulkFile) waitSync() error {
	if bf.synced != nil {
		<-bf.synced
	}
	return bf.syncErr
}

// finish writes an empty freelist and the two meta pages with root as the
// root bucket's page, and syncs the file.
func (bf *bulkFile) finish(root uint64) error {
	free := bf.writeNode(bf.page(freelistPageFlag, 0))
	if bf.err == nil {
		bf.err = bf.w.Flush()
	}
	for txid := range uint64(2) {
		p := bf.page(metaPageFlag, 0)
		boltOrder.PutUint64(p[0:], txid)
		boltOrder.PutUint32(p[metaMagic:], boltMagic)
		boltOrder.PutUint32(p[metaVersion:], boltVersion)
		boltOrder.PutUint32(p[metaPageSize:], uint32(bf.pageSize))
		boltOrder.PutUint64(p[metaRoot:], root) // the root bucket: its page, sequence 0
		boltOrder.PutUint64(p[metaFreelist:], free)
		boltOrder.PutUint64(p[metaPgid:], bf.next) // the high water mark
		boltOrder.PutUint64(p[metaTxid:], txid)
		h := fnv.New64a()
		h.Write(p[metaMagic:metaChecksum])
		boltOrder.PutUint64(p[metaChecksum:], h.Sum64())
		if bf.err == nil {
			_, bf.err = bf.f.WriteAt(p, int64(txid)*int64(bf.pageSize))
		}
	}
	if err := bf.waitSync(); bf.err == nil {
		bf.err = err
	}
	if bf.err == nil {
		bf.err = bf.f.Sync()
	}
	return bf.err
}

// page is an empty page of kind flags with count elements.
func (bf *bulkFile) page(flags, count uint16) []byte {
	p := make([]byte, bf.pageSize)
	boltOrder.PutUint16(p[8:], flags)
	boltOrder.PutUint16(p[10:], count)
	return p
}

// close closes the file (after finish, or to give up).
func (bf *bulkFile) close() error {
	bf.waitSync()
	return bf.f.Close()
}

// nodeWriter lays out one level of a bucket's tree: elements in key order,
// as many as fit in a page, and the pages it wrote (out) for the level
// above.
type nodeWriter struct {
	bf     *bulkFile
	branch bool
	elems  []nodeElem // of the page being filled
	data   []byte     // their keys and values, one after the other
	size   int        // the page being filled: header, elements and data
	buf    []byte
	out    []childRef
	nested bool // a sub-bucket is among the elements: never inline
}

type nodeElem struct {
	flags      uint32
	klen, vlen uint32
	pgid       uint64
}

// childRef is a written page of a level: its first key and its id.
type childRef struct {
	key  []byte
	pgid uint64
}

func newNodeWriter(bf *bulkFile) *nodeWriter { return &nodeWriter{bf: bf, size: pageHeaderSize} }

// add appends a leaf element (a key and value; flags bucketLeafFlag for a
// sub-bucket, whose value is its header).
func (w *nodeWriter) add(k, v []byte, flags uint32) {
	w.put(nodeElem{flags: flags, klen: uint32(len(k)), vlen: uint32(len(v))}, k, v)
	w.nested = w.nested || flags&bucketLeafFlag != 0
}

func (w *nodeWriter) put(e nodeElem, k, v []byte) {
	n := elementSize + len(k) + len(v)
	if len(w.elems) > 0 && w.size+n > w.bf.pageSize {
		w.flush()
	}
	w.elems = append(w.elems, e)
	w.data = append(append(w.data, k...), v...)
	w.size += n
}

// flush writes the page being filled.
func (w *nodeWriter) flush() {
	if len(w.elems) == 0 {
		return
	}
	ps := w.bf.pageSize
	img := w.image((w.size + ps - 1) / ps * ps)
	key := append([]byte(nil), w.data[:w.elems[0].klen]...)
	w.out = append(w.out, childRef{key, w.bf.writeNode(img)})
	w.elems, w.data, w.size = w.elems[:0], w.data[:0], pageHeaderSize
}

// image lays out the page being filled in n bytes (n ≥ w.size).
func (w *nodeWriter) image(n int) []byte {
	if cap(w.buf) < n {
		w.buf = make([]byte, n)
	}
	p := w.buf[:n]
	clear(p)
	flags := uint16(leafPageFlag)
	if w.branch {
		flags = branchPageFlag
	}
	boltOrder.PutUint16(p[8:], flags)
	boltOrder.PutUint16(p[10:], uint16(len(w.elems)))
	off := pageHeaderSize + elementSize*len(w.elems)
	copy(p[off:], w.data)
	for i, e := range w.elems {
		el := p[pageHeaderSize+elementSize*i:]
		pos := uint32(off - (pageHeaderSize + elementSize*i)) // from the element
		if w.branch {
			boltOrder.PutUint32(el[0:], pos)
			boltOrder.PutUint32(el[4:], e.klen)
			boltOrder.PutUint64(el[8:], e.pgid)
		} else {
			boltOrder.PutUint32(el[0:], e.flags)
			boltOrder.PutUint32(el[4:], pos)
			boltOrder.PutUint32(el[8:], e.klen)
			boltOrder.PutUint32(el[12:], e.vlen)
		}
		off += int(e.klen + e.vlen)
	}
	return p
}

// pages flushes the page being filled and returns the pages of the level.
func (w *nodeWriter) pages() []childRef {
	w.flush()
	return w.out
}

// bucket finishes a bucket whose only leaves are w's: inline in its
// parent's value when bbolt would keep it so (no sub-bucket, a quarter of
// a page at most), else as a tree of pages.
func (w *nodeWriter) bucket(seq uint64) []byte {
	if len(w.out) == 0 && !w.nested && w.size <= w.bf.pageSize/4 {
		return bucketValue(0, seq, w.image(w.size))
	}
	return bucketValue(w.bf.tree(w.pages()), seq, nil)
}

func bucketValue(root, seq uint64, inline []byte) []byte {
	v := make([]byte, bucketHeaderSize+len(inline))
	boltOrder.PutUint64(v[0:], root)
	boltOrder.PutUint64(v[8:], seq)
	copy(v[bucketHeaderSize:], inline)
	return v
}

// tree writes the branch pages over leaves (in key order) up to one root
// and returns the root's id; a bucket without keys is one empty leaf.
func (bf *bulkFile) tree(leaves []childRef) uint64 {
	if len(leaves) == 0 {
		return bf.writeNode(bf.page(leafPageFlag, 0))
	}
	for len(leaves) > 1 {
		w := newNodeWriter(bf)
		w.branch = true
		for _, c := range leaves {
			w.put(nodeElem{klen: uint32(len(c.key)), pgid: c.pgid}, c.key, nil)
		}
		leaves = w.pages()
	}
	return leaves[0].pgid
}

// keySource gives keys and values in ascending key order: what a bucket
// of the working copy gets besides what the ledger had. next returns nil
// at the end.
type keySource interface {
	next() (k, v []byte)
}

// copyBucket lays out bucket b of the ledger with add merged in (a key in
// both takes add's value, as a Put would) and returns its value in the
// parent.
func (bf *bulkFile) copyBucket(b *bolt.Bucket, add keySource, seq uint64) ([]byte, error) {
	w := newNodeWriter(bf)
	var ak, av []byte
	if add != nil {
		ak, av = add.next()
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		for ak != nil && bytes.Compare(ak, k) < 0 {
			w.add(ak, av, 0)
			ak, av = add.next()
		}
		if ak != nil && bytes.Equal(ak, k) {
			continue
		}
		if err := bf.copyEntry(w, b, k, v); err != nil {
			return nil, err
		}
	}
	for ; ak != nil; ak, av = add.next() {
		w.add(ak, av, 0)
	}
	return w.bucket(seq), bf.err
}

// copyEntry copies one key of b: a value, or a sub-bucket (a read
// transaction's cursor gives a nil value only for those).
func (bf *bulkFile) copyEntry(w *nodeWriter, b *bolt.Bucket, k, v []byte) error {
	if v != nil {
		w.add(k, v, 0)
		return nil
	}
	sub := b.Bucket(k)
	if sub == nil {
		w.add(k, nil, 0)
		return nil
	}
	sv, err := bf.copyBucket(sub, nil, sub.Sequence())
	if err != nil {
		return err
	}
	w.add(k, sv, bucketLeafFlag)
	return nil
}

// spliceBucket lays out bucket b of the ledger around run, leaves already
// written whose keys lie from first to last: the ledger's keys before
// first, run, then the keys after last. A key of the ledger between the
// two is an error.
func (bf *bulkFile) spliceBucket(b *bolt.Bucket, run []childRef, first, last []byte, seq uint64) ([]byte, error) {
	before, after := newNodeWriter(bf), newNodeWriter(bf)
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		w := before
		switch {
		case bytes.Compare(k, last) > 0:
			w = after
		case bytes.Compare(k, first) >= 0:
			return nil, fmt.Errorf("数据文件 %s 中已有导入要写的记录（%x）", b.Tx().DB().Path(), k)
		}
		if err := bf.copyEntry(w, b, k, v); err != nil {
			return nil, err
		}
	}
	leaves := append(append(before.pages(), run...), after.pages()...)
	return bucketValue(bf.tree(leaves), seq, nil), bf.err
}

// sliceSource is a keySource over pairs in order.
type sliceSource [][2][]byte

func (s *sliceSource) next() (k, v []byte) {
	if len(*s) == 0 {
		return nil, nil
	}
	kv := (*s)[0]
	*s = (*s)[1:]
	return kv[0], kv[1]
}
