//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || aix || zos

package input

import (
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

const canWait = true

// readable reports whether fd has bytes to read within d. select, not
// poll: poll does not work on terminals on macOS.
func readable(fd uintptr, d time.Duration) bool {
	const fdSetSize = 1024
	if fd >= fdSetSize {
		return true // cannot ask; let the next read wait for the rest
	}
	tv := unix.NsecToTimeval(d.Nanoseconds())
	for range 10 {
		var set unix.FdSet
		set.Set(int(fd))
		n, err := unix.Select(int(fd)+1, &set, nil, nil, &tv)
		if errors.Is(err, unix.EINTR) {
			continue // Linux has counted the time down in tv
		}
		return err == nil && n > 0
	}
	return false
}
