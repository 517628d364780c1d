package ui

import (
	"syscall"
	"testing"
)

// limitFileSize lets no file of this process grow past n bytes, as a full
// disk would: a write past it fails with EFBIG (the Go runtime ignores the
// SIGXFSZ that comes with it). For the child process of runChild only: in
// the test run itself it would also stop go test's own log.
func limitFileSize(t *testing.T, n int64) {
	lim := syscall.Rlimit{Cur: uint64(n), Max: uint64(n)}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
}

// fileSizeLimits: the child process can limit its file size.
const fileSizeLimits = true
