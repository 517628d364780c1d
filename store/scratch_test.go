package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A check's or an export's temp file left by a killed process (it holds
// names and ID numbers) is removed at the next open once it is a day old;
// a fresh one, maybe in use, stays.
func TestOpenSweepsLeftoverScratch(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, Beijing)
	old := filepath.Join(tmp, "taizhang-segment-123.db")
	fresh := filepath.Join(tmp, "taizhang-check-456.db")
	other := filepath.Join(tmp, "taizhang-other.db")
	for _, p := range []string{old, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, now.Add(-48*time.Hour), now.Add(-48*time.Hour))
	}
	os.Chtimes(fresh, now.Add(-time.Hour), now.Add(-time.Hour))
	db, err := Open(filepath.Join(t.TempDir(), "l.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Error("a two-day-old export segment was left in the temp folder")
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s was removed", filepath.Base(p))
		}
	}
}
