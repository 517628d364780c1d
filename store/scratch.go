package store

import (
	"os"
	"path/filepath"
	"time"
)

// scratchPatterns are the temporary files the ledger makes in the system's
// temp folder: a check's replay and an export's segment. Both hold names and
// ID numbers; a process killed while using one leaves it behind.
var scratchPatterns = []string{"taizhang-check-*.db", "taizhang-segment-*.db"}

// scratchAge is how old a leftover must be before it is removed: no check
// or export runs that long, so an older one belongs to no live process.
const scratchAge = 24 * time.Hour

// sweepScratch removes leftover temporary files of killed processes.
func sweepScratch(now time.Time) {
	for _, pat := range scratchPatterns {
		names, _ := filepath.Glob(filepath.Join(os.TempDir(), pat))
		for _, name := range names {
			if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() && now.Sub(st.ModTime()) > scratchAge {
				os.Remove(name)
			}
		}
	}
}
