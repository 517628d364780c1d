package store

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func compactMark(t *testing.T, path string) bool {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: LockTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	marked := false
	b.View(func(tx *bolt.Tx) error {
		marked = tx.Bucket(bucketMeta).Get(keyCompact) != nil
		return nil
	})
	return marked
}

// A compaction that cannot write its copy leaves the migrated file as it
// is, still marked, and the next Open compacts it.
func TestCompactionRetriesAfterAFailure(t *testing.T) {
	path := fileAtV6(t)
	blocker := compactName(path)
	os.MkdirAll(filepath.Join(blocker, "x"), 0o700) // the copy cannot be made there
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if !compactMark(t, path) {
		t.Fatal("a failed compaction removed the mark")
	}
	big, _ := os.Stat(path)
	os.RemoveAll(blocker)
	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
	db.Close()
	small, _ := os.Stat(path)
	if marked := compactMark(t, path); marked || small.Size() >= big.Size() {
		t.Errorf("second open: marked %v, %d bytes after %d", marked, small.Size(), big.Size())
	}
	if _, err := os.Stat(blocker); err == nil {
		t.Error("the copy was left beside the ledger")
	}
}

// A stale copy from a compaction that stopped half way is replaced.
func TestCompactionReplacesAStaleCopy(t *testing.T) {
	path := fileAtV6(t)
	os.WriteFile(compactName(path), []byte("half a file"), 0o600)
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
	db.Close()
	if compactMark(t, path) {
		t.Error("not compacted")
	}
}

// After the swap the old file is marked, so that a window that opened it
// meanwhile (and waited for the lock) goes to the new one.
func TestCompactionMarksTheOldFile(t *testing.T) {
	path := fileAtV6(t)
	old := path + ".old"
	if err := os.Link(path, old); err != nil {
		t.Skip("no hard links here:", err)
	}
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(old, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !wasReplaced(b) {
		t.Error("the old file is not marked as replaced")
	}
	nb, _ := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: LockTimeout})
	defer nb.Close()
	if wasReplaced(nb) {
		t.Error("the new file is marked as replaced")
	}
}

// A read-only open neither migrates nor compacts.
func TestReadOnlyOpenDoesNotCompact(t *testing.T) {
	path := fileAtV6(t)
	if _, err := Open(path, Options{ReadOnly: true}); err == nil {
		t.Fatal("a read-only open of a schema 6 file succeeded")
	}
	if _, err := os.Stat(compactName(path)); err == nil {
		t.Error("a copy was made")
	}
}
