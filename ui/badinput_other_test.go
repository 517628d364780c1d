//go:build !linux

package ui

import "testing"

func limitFileSize(t *testing.T, _ int64) { t.Skip("the file size limit is set on Linux only") }

// fileSizeLimits: the child process can limit its file size.
const fileSizeLimits = false
