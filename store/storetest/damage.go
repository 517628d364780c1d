package storetest

import (
	"crypto/sha256"
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
	old := time.Now().AddDate(0, -1, 0)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	return path
}

// FlipBit flips bit (0-7) of the byte at off.
func FlipBit(off, bit int) func([]byte) []byte {
	return func(raw []byte) []byte { raw[off] ^= 1 << bit; return raw }
}
