package store

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// SyncDir fsyncs a folder, making the files created or renamed in it
// durable. Windows cannot open a folder for flushing (and its file systems
// keep renames in their journal or, on FAT, write the folder entry with the
// file), so there it does nothing; a file system that does not support
// syncing folders (EINVAL) is not an error either.
func SyncDir(name string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil
	}
	return err
}
