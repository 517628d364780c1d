//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || aix || zos)

package input

import "time"

// canWait is false where the descriptor cannot be waited on; there an
// incomplete character waits for the next read.
const canWait = false

func readable(uintptr, time.Duration) bool { return true }
