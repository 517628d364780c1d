package store

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A check's or an export's temp file left by a killed process (it holds
// names and ID numbers) is removed at the next open; one a live process
// holds open stays, and so do other files.
func TestOpenSweepsLeftoverScratch(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("on Windows an open file cannot be removed; nothing to tell apart")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	left := filepath.Join(tmp, "taizhang-segment-123.db")
	live := filepath.Join(tmp, "taizhang-check-456.db")
	other := filepath.Join(tmp, "taizhang-other.db")
	for _, p := range []string{left, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	held, err := bolt.Open(live, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	db, err := Open(filepath.Join(t.TempDir(), "l.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(left); !os.IsNotExist(err) {
		t.Error("a killed export's segment was left in the temp folder")
	}
	for _, p := range []string{live, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
}
