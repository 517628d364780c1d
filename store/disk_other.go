//go:build !windows

package store

func diskFaultOS(error) DiskFault { return DiskOther }
