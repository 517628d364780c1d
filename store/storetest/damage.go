package storetest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Digest hashes what a bbolt file holds (every bucket, key, value and
// sequence), whatever its pages look like.
func Digest(path string) (string, error) {
	b, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true})
	if err != nil {
		return "", err
	}
	defer b.Close()
	h := sha256.New()
	var walk func(bk *bolt.Bucket)
	walk = func(bk *bolt.Bucket) {
		fmt.Fprintf(h, "seq %d\n", bk.Sequence())
		bk.ForEach(func(k, v []byte) error {
			fmt.Fprintf(h, "%q=%q\n", k, v)
			if v == nil {
				walk(bk.Bucket(k))
			}
			return nil
		})
	}
	err = b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			fmt.Fprintf(h, "bucket %q\n", name)
			walk(bk)
			return nil
		})
	})
	return fmt.Sprintf("%x", h.Sum(nil)), err
}

// State is what a program must not change in a file it refuses: its bytes
// and its modification time.
type State struct {
	Sum     [32]byte
	Size    int64
	ModTime time.Time
}

// StateOf reads the state of the file at path.
func StateOf(t testing.TB, path string) State {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return State{sha256.Sum256(raw), st.Size(), st.ModTime()}
}

// DamagedCopy writes the file src, changed by damage, to name in the
// test's temp folder, with its modification time set a month back so that
// a write would show.
func DamagedCopy(t testing.TB, src, name string, damage func([]byte) []byte) string {
	t.Helper()
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, damage(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC) // an mtime the test can tell from a write
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return path
}

// FlipBit flips bit (0-7) of the byte at off.
func FlipBit(off, bit int) func([]byte) []byte {
	return func(raw []byte) []byte { raw[off] ^= 1 << bit; return raw }
}

// RootLoop damages a bbolt file in the worst way for a reader: its root
// page becomes a branch page whose one child is itself, so that bbolt,
// reading the file, recurses until the stack overflows, a fatal error no
// recover catches.
func RootLoop(raw []byte) []byte {
	ne := binary.NativeEndian
	ps := int(ne.Uint32(raw[24:])) // the page size, in meta 0
	meta := 0
	if ne.Uint64(raw[ps+64:]) > ne.Uint64(raw[64:]) { // the newer transaction's meta
		meta = ps
	}
	root := ne.Uint64(raw[meta+32:])
	p := raw[int(root)*ps:]
	ne.PutUint16(p[8:], 0x01) // branch
	ne.PutUint16(p[10:], 1)   // one element
	ne.PutUint32(p[12:], 0)   // no overflow
	ne.PutUint32(p[16:], 16)  // its key right after it
	ne.PutUint32(p[20:], 0)   // of length 0
	ne.PutUint64(p[24:], root)
	return raw
}
