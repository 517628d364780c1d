package store

import (
	"fmt"
	"os"
	"runtime/debug"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// A bundle's ledger.db comes from another PC, and whoever made the bundle
// may have made the file: bbolt trusts the pages it maps, so a damaged or
// crafted page makes it panic, a page past the end of a cut file is a
// memory fault (SIGBUS) that would end the program, and a changed size of
// a key or value makes it hand out memory beyond the file (once, 800 MB
// of it). The readers of
// such files check that every key and value lies inside the file
// (checkBounds) and run under catchDamage, and their goroutines that read
// pages under faultsPanic and a recover of their own.

// errDamagedPage is what a reader that hit a damaged page returns.
var errDamagedPage = &ChainError{0, "数据页已损坏，无法读取"}

// catchDamage runs read and turns a panic or a memory fault in it (on this
// goroutine) into a *NotLedgerError for path.
func catchDamage(path string, read func() error) (err error) {
	defer faultsPanic()()
	defer func() {
		if recover() != nil {
			err = &NotLedgerError{Path: path, Reason: "已损坏或不是台账导出文件"}
		}
	}()
	return read()
}

// faultsPanic makes a memory fault on this goroutine a panic that can be
// recovered, and returns the func that restores the setting.
func faultsPanic() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// openSegment opens a bundle's ledger.db read-only, every key and value
// proven to lie inside the file.
func openSegment(path string) (*bolt.DB, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("找不到 %s：%w", path, err)
	}
	damaged := &NotLedgerError{Path: path, Reason: "已损坏或不是台账导出文件"}
	b, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		return nil, damaged
	}
	ok := false
	defer func() {
		if !ok { // also when checkBounds panics
			b.Close()
		}
	}()
	if err := checkBounds(b, st.Size()); err != nil {
		return nil, damaged
	}
	ok = true
	return b, nil
}

// checkBounds walks every bucket of b, a file of size bytes, and returns
// errDamagedPage if a key or value is longer than the file, or starts in
// the file and ends past it. (The pages of a small bucket kept inside its
// parent are copied by bbolt, so their keys and values are checked by
// length only.)
func checkBounds(b *bolt.DB, size int64) error {
	lo := b.Info().Data
	hi := lo + uintptr(size)
	inside := func(s []byte) bool {
		if len(s) == 0 {
			return true
		}
		p := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
		n := uintptr(len(s))
		return n <= uintptr(size) && (p < lo || p >= hi || n <= hi-p)
	}
	var walk func(bk *bolt.Bucket) error
	walk = func(bk *bolt.Bucket) error {
		return bk.ForEach(func(k, v []byte) error {
			if !inside(k) || !inside(v) {
				return errDamagedPage
			}
			if v == nil {
				if child := bk.Bucket(k); child != nil {
					return walk(child)
				}
			}
			return nil
		})
	}
	return b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			if !inside(name) {
				return errDamagedPage
			}
			return walk(bk)
		})
	})
}
