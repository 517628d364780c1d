package bundle

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
)

// FaultFS is an FS that fails one step, for tests of what a USB stick does
// when it is pulled out, fills up or turns read-only halfway through. Steps
// are the calls that change the disk: Create, each Write, Sync, Close,
// Mkdir, Rename and SyncDir, counted from 1. Stat, Remove and RemoveAll are
// not steps; they fail only once the stick is pulled.
type FaultFS struct {
	FS  FS    // the disk underneath (OS when nil)
	At  int   // the step that fails; 0: none
	Err error // what it fails with (syscall.EIO when nil)
	// Pulled makes every call after the failing one fail too, Remove and
	// RemoveAll included: the stick is gone.
	Pulled bool
	// Corrupt makes the failing step, which must be a Write, succeed with
	// one byte changed: a stick that lies.
	Corrupt bool

	Steps int      // steps taken so far
	Log   []string // one line per step, for a failing test's message
}

func (f *FaultFS) base() FS {
	if f.FS == nil {
		return OS
	}
	return f.FS
}

func (f *FaultFS) err() error {
	if f.Err == nil {
		return syscall.EIO
	}
	return f.Err
}

func (f *FaultFS) gone() bool { return f.Pulled && f.At > 0 && f.Steps >= f.At }

// step counts a step and says whether it fails.
func (f *FaultFS) step(what, name string) error {
	if f.gone() {
		return f.err()
	}
	f.Steps++
	f.Log = append(f.Log, fmt.Sprintf("%d %s %s", f.Steps, what, filepath.Base(name)))
	if f.Steps == f.At {
		return f.err()
	}
	return nil
}

func (f *FaultFS) Create(name string) (File, error) {
	if err := f.step("create", name); err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	w, err := f.base().Create(name)
	if err != nil {
		return nil, err
	}
	return &faultFile{f: f, name: name, w: w}, nil
}

func (f *FaultFS) Mkdir(name string) error {
	if err := f.step("mkdir", name); err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	return f.base().Mkdir(name)
}

func (f *FaultFS) Rename(oldname, newname string) error {
	if err := f.step("rename", oldname); err != nil {
		return &fs.PathError{Op: "rename", Path: oldname, Err: err}
	}
	return f.base().Rename(oldname, newname)
}

func (f *FaultFS) SyncDir(name string) error {
	if err := f.step("syncdir", name); err != nil {
		return &fs.PathError{Op: "sync", Path: name, Err: err}
	}
	return f.base().SyncDir(name)
}

func (f *FaultFS) Remove(name string) error {
	if f.gone() {
		return &fs.PathError{Op: "remove", Path: name, Err: f.err()}
	}
	return f.base().Remove(name)
}

func (f *FaultFS) RemoveAll(name string) error {
	if f.gone() {
		return &fs.PathError{Op: "remove", Path: name, Err: f.err()}
	}
	return f.base().RemoveAll(name)
}

func (f *FaultFS) Stat(name string) (fs.FileInfo, error) {
	if f.gone() {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: f.err()}
	}
	return f.base().Stat(name)
}

type faultFile struct {
	f    *FaultFS
	name string
	w    File
}

// Write fails after writing half of p, as a full disk does.
func (ff *faultFile) Write(p []byte) (int, error) {
	if err := ff.f.step("write", ff.name); err != nil && ff.f.Corrupt && len(p) > 0 {
		q := append([]byte(nil), p...)
		q[len(q)/2] ^= 0x01
		return ff.w.Write(q)
	} else if err != nil {
		n, _ := ff.w.Write(p[:len(p)/2])
		return n, &fs.PathError{Op: "write", Path: ff.name, Err: err}
	}
	return ff.w.Write(p)
}

func (ff *faultFile) Sync() error {
	if err := ff.f.step("sync", ff.name); err != nil {
		return &fs.PathError{Op: "sync", Path: ff.name, Err: err}
	}
	return ff.w.Sync()
}

// Close always closes the file underneath (a pulled stick still frees the
// handle) and then reports the fault.
func (ff *faultFile) Close() error {
	err := ff.f.step("close", ff.name)
	cerr := ff.w.Close()
	if err != nil {
		return &fs.PathError{Op: "close", Path: ff.name, Err: err}
	}
	return cerr
}
