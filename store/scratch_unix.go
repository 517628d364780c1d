//go:build !windows

package store

import (
	"os"
	"syscall"
)

// inUse reports whether a process holds the bbolt file at path open: bbolt
// keeps an flock on it while open.
func inUse(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}
