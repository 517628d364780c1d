package store

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"syscall"
	"testing"

	berrors "go.etcd.io/bbolt/errors"
)

// A disk failure of a save, as bbolt returns it (wrapped, or flattened to
// text), becomes a DiskError whose message is Chinese apart from the path;
// anything else passes through unchanged.
func TestSaveErrorSortsDiskFailures(t *testing.T) {
	const path = "/data/台账.db"
	write := func(no syscall.Errno) error { return &fs.PathError{Op: "write", Path: path, Err: no} }
	for _, c := range []struct {
		err  error
		want DiskFault
		says string
	}{
		{write(syscall.ENOSPC), DiskFull, "磁盘空间已满"},
		{write(syscall.EDQUOT), DiskFull, "磁盘空间已满"},
		{fmt.Errorf("file resize error: %s", &fs.PathError{Op: "truncate", Path: path, Err: syscall.EFBIG}), DiskFull, "磁盘空间已满"},
		{fmt.Errorf("file sync error: %s", &fs.PathError{Op: "sync", Path: path, Err: syscall.ENOSPC}), DiskFull, "磁盘空间已满"},
		{berrors.ErrMaxSizeReached, DiskFull, "磁盘空间已满"},
		{write(syscall.EROFS), DiskReadOnly, "不能写入"},
		{write(syscall.EACCES), DiskReadOnly, "不能写入"},
		{write(syscall.EIO), DiskGone, "磁盘出错"},
	} {
		err := SaveError(path, c.err)
		var de *DiskError
		if !errors.As(err, &de) || DiskFaultOf(err) != c.want {
			t.Errorf("%v: %T %v, want a DiskError of kind %d", c.err, err, err, c.want)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.says) || !strings.Contains(msg, "之前保存的记录都还在") {
			t.Errorf("%v: %s", c.err, msg)
		}
		if c.want != DiskGone && regexp.MustCompile(`[A-Za-z]{3,}`).MatchString(strings.NewReplacer(path, "", "/data", "").Replace(msg)) {
			t.Errorf("%v: not all Chinese: %s", c.err, msg)
		}
	}
	for _, err := range []error{nil, &FieldError{FieldName, "必须填写。"}, &ClockBehindError{}, ErrNotFound} {
		if got := SaveError(path, err); got != err {
			t.Errorf("%v came back as %v", err, got)
		}
	}
}
