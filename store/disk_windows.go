package store

import "syscall"

// Windows error numbers (winerror.h) a disk or USB stick gives.
func init() {
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
	add := func(k DiskFault, nos ...syscall.Errno) { diskErrnos[k] = append(diskErrnos[k], nos...) }
	add(DiskFull, errHandleDiskFull, errDiskFull)
	add(DiskReadOnly, errWriteProtect)
	add(DiskGone, errNotReady, errGenFailure, errDeviceRemoved, errNoSuchDevice, errDeviceNotConnect, syscall.ERROR_PATH_NOT_FOUND)
	add(DiskNameTooLong, errFilenameTooLong)
}
