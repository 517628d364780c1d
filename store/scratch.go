package store

import (
	"os"
	"path/filepath"
)

// scratchPatterns are the temporary files the ledger makes in the system's
// temp folder: a check's replay and an export's segment. Both hold names and
// ID numbers; a process killed while using one leaves it behind.
var scratchPatterns = []string{"taizhang-check-*.db", "taizhang-segment-*.db"}

// sweepScratch removes leftover temporary files of killed processes: those
// no process holds open (a live check or export holds its file's bbolt
// lock; see inUse).
func sweepScratch() {
	for _, pat := range scratchPatterns {
		names, _ := filepath.Glob(filepath.Join(os.TempDir(), pat))
		for _, name := range names {
			if st, err := os.Lstat(name); err == nil && st.Mode().IsRegular() && !inUse(name) {
				os.Remove(name)
			}
		}
	}
}
