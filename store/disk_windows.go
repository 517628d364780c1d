package store

import (
	"errors"
	"syscall"
)

// Windows error numbers (winerror.h) a disk or USB stick gives.
const (
	errHandleDiskFull   = syscall.Errno(39)
	errDiskFull         = syscall.Errno(112)
	errWriteProtect     = syscall.Errno(19)
	errNotReady         = syscall.Errno(21)
	errGenFailure       = syscall.Errno(31)
	errDeviceRemoved    = syscall.Errno(1617)
	errNoSuchDevice     = syscall.Errno(433)
	errFilenameTooLong  = syscall.Errno(206)
	errDeviceNotConnect = syscall.Errno(1167)
)

func diskFaultOS(err error) DiskFault {
	var no syscall.Errno
	if !errors.As(err, &no) {
		return DiskOther
	}
	switch no {
	case errHandleDiskFull, errDiskFull:
		return DiskFull
	case errWriteProtect:
		return DiskReadOnly
	case errNotReady, errGenFailure, errDeviceRemoved, errNoSuchDevice, errDeviceNotConnect, syscall.ERROR_PATH_NOT_FOUND:
		return DiskGone
	case errFilenameTooLong:
		return DiskNameTooLong
	}
	return DiskOther
}
