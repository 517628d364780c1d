package store

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestSnapshotOpensAfterSaves: a copy that WriteSnapshot made (a backup
// restored, an import's work copy) opens after each of its first saves,
// whichever the parity of the commit it was taken at. A copy taken at an
// odd commit and saved once holds commits n+1 and n-1 in its meta pages,
// which the head check took for damage.
func TestSnapshotOpensAfterSaves(t *testing.T) {
	for before := range 2 {
		dir := t.TempDir()
		db, err := Open(filepath.Join(dir, "live.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for range before {
			if err := db.update(func(*bolt.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		copyPath := filepath.Join(dir, "copy.db")
		f, err := os.Create(copyPath)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.WriteSnapshot(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
		db.Close()
		for saves := range 3 {
			c, err := Open(copyPath, Options{})
			if err != nil {
				t.Fatalf("copy after %d commits, %d saves: %v", before, saves, err)
			}
			err = c.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("test"), []byte{byte(saves)}) })
			c.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
