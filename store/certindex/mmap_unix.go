//go:build unix

package certindex

import (
	"errors"
	"os"
	"syscall"
)

// mapFile maps the snapshot read-only: the pages are the page cache's
// own, brought in as the checks and the searches touch them. Reading 18
// MB into fresh memory costs a new process more than all the rest of its
// first search (a page fault per 4 KB, and the copy). release unmaps it;
// the snapshot is never written in place (writeFile renames a new one
// over it), so the mapping stays whole.
func mapFile(path string) (data []byte, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if st.Size() < headerSize || st.Size() > maxSnapshot {
		return nil, nil, errors.New("certindex: the snapshot is damaged (size)")
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, &os.PathError{Op: "mmap", Path: path, Err: err}
	}
	return b, func() { _ = syscall.Munmap(b) }, nil
}
