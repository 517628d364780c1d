package bundle

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"runtime"
	"time"

	"taizhang/store"
)

// FS is what Write needs of the disk it writes a bundle to. The program
// uses OS; tests use FaultFS to fail any one step the way a USB stick does.
type FS interface {
	// Create makes a new file for writing; it fails if the name exists.
	Create(name string) (File, error)
	Mkdir(name string) error
	Rename(oldname, newname string) error
	Remove(name string) error
	RemoveAll(name string) error
	// SyncDir makes the folder's entries (files created or renamed in it)
	// durable.
	SyncDir(name string) error
	Stat(name string) (fs.FileInfo, error)
}

// File is a file being written.
type File interface {
	io.Writer
	Sync() error
	Close() error
}

// OS is the real disk.
var OS FS = osFS{}

type osFS struct{}

func (osFS) Create(name string) (File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

func (osFS) Mkdir(name string) error { return os.Mkdir(name, 0o700) }

// Rename retries a few times on Windows, where a virus scanner that is
// still reading a file just written keeps its folder from being renamed.
func (osFS) Rename(oldname, newname string) error {
	err := os.Rename(oldname, newname)
	for i := 0; err != nil && runtime.GOOS == "windows" && errors.Is(err, fs.ErrPermission) && i < 5; i++ {
		time.Sleep(200 * time.Millisecond)
		err = os.Rename(oldname, newname)
	}
	return err
}

func (osFS) Remove(name string) error    { return os.Remove(name) }
func (osFS) RemoveAll(name string) error { return os.RemoveAll(name) }
func (osFS) Stat(name string) (fs.FileInfo, error) {
	return os.Stat(name)
}

// SyncDir fsyncs the folder (store.SyncDir).
func (osFS) SyncDir(name string) error { return store.SyncDir(name) }
