package store

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DiskFault sorts an error from the disk into what a worker can act on.
type DiskFault int

const (
	DiskOther DiskFault = iota
	DiskFull
	DiskReadOnly
	DiskGone        // the disk or stick is gone or failing
	DiskNameTooLong // a path too long for the disk
)

// diskErrnos are the error numbers of each kind; the Windows ones are
// added in disk_windows.go.
var diskErrnos = map[DiskFault][]syscall.Errno{
	DiskFull:        {syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG},
	DiskReadOnly:    {syscall.EROFS, syscall.EACCES, syscall.EPERM},
	DiskGone:        {syscall.EIO, syscall.ENODEV, syscall.ENXIO, syscall.ENOENT},
	DiskNameTooLong: {syscall.ENAMETOOLONG},
}

// diskKinds is the order DiskFaultOf tries the kinds in.
var diskKinds = []DiskFault{DiskFull, DiskReadOnly, DiskGone, DiskNameTooLong}

// DiskFaultOf sorts err. bbolt passes some failures on as text only ("file
// resize error: …: file too large" when the file cannot grow, "file sync
// error: …"), so an error that wraps no error number is also matched by
// the number's text, which is in it.
func DiskFaultOf(err error) DiskFault {
	if err == nil {
		return DiskOther
	}
	if de := (*DiskError)(nil); errors.As(err, &de) {
		err = de.Err
	}
	if errors.Is(err, berrors.ErrMaxSizeReached) {
		return DiskFull
	}
	if errors.Is(err, fs.ErrPermission) {
		return DiskReadOnly
	}
	for _, k := range diskKinds {
		for _, no := range diskErrnos[k] {
			if errors.Is(err, no) {
				return k
			}
		}
	}
	var no syscall.Errno
	if errors.As(err, &no) {
		return DiskOther
	}
	msg := err.Error()
	for _, k := range diskKinds {
		for _, no := range diskErrnos[k] {
			if strings.Contains(msg, no.Error()) {
				return k
			}
		}
	}
	return DiskOther
}

// DiskError: the ledger's file could not be opened for writing, or a save
// could not be written. A save that fails this way is rolled back whole:
// what was saved before is untouched.
type DiskError struct {
	Path   string
	Saving bool // false: while opening the file
	Fresh  bool // opening: the file did not exist yet
	Err    error
}

func (e *DiskError) Error() string {
	dir := filepath.Dir(e.Path)
	kept := "这次的内容没有保存，之前保存的记录都还在。"
	switch f := DiskFaultOf(e.Err); {
	case f == DiskFull && e.Saving:
		return fmt.Sprintf("磁盘空间已满，%s请清理数据文件所在的磁盘（%s）：删除不需要的文件、清空回收站，然后再保存一次。", kept, dir)
	case f == DiskFull:
		return fmt.Sprintf("磁盘空间已满，无法打开数据文件 %s。请清理这个磁盘（删除不需要的文件、清空回收站）后再打开本程序。", e.Path)
	case f == DiskReadOnly && e.Fresh:
		return fmt.Sprintf("文件夹 %s 是只读的或没有写入权限，无法在这里建立台账数据文件。请用 --db 把数据文件放到可以写入的文件夹（例如“文档”里），或请管理员给这个文件夹写入权限。", dir)
	case f == DiskReadOnly && e.Saving:
		return fmt.Sprintf("数据文件 %s 现在不能写入（磁盘变成只读或没有权限），%s请关闭本程序，检查磁盘或请管理员处理后再打开。", e.Path, kept)
	case f == DiskReadOnly:
		return fmt.Sprintf("数据文件 %s（或它所在的文件夹 %s）是只读的或没有写入权限，本程序要写入它才能使用。请在文件属性中取消“只读”，或把文件复制到可以写入的文件夹后用 --db 指定它；如在U盘上，请检查写保护开关。", e.Path, dir)
	case e.Saving:
		return fmt.Sprintf("写入数据文件 %s 时磁盘出错（%s），%s请关闭本程序，检查磁盘（或U盘是否插好）后再打开。", e.Path, errText(e.Err), kept)
	}
	return fmt.Sprintf("无法打开数据文件 %s（%s）。请检查磁盘和文件夹后再打开本程序。", e.Path, errText(e.Err))
}

func (e *DiskError) Unwrap() error { return e.Err }

// errText is the system's own words for err, without the path (the message
// names it already).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// SaveError wraps a disk failure of a save to the file at path in a
// DiskError; every other error (a field error, a warning, nil) is returned
// as it is.
func SaveError(path string, err error) error {
	if DiskFaultOf(err) == DiskOther {
		return err
	}
	var de *DiskError
	if errors.As(err, &de) {
		return err
	}
	return &DiskError{Path: path, Saving: true, Err: err}
}

// update runs fn in a write transaction; a failure to write to the disk
// comes back as a DiskError.
func (db *DB) update(fn func(*bolt.Tx) error) error {
	return SaveError(db.path, db.bolt.Update(fn))
}
