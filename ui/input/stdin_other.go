//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || aix || zos)

package input

import (
	"io"
	"os"
)

// terminalInput is left to bubbletea on Windows: it reads the console as
// key records (one character each, through coninput), never as bytes, so
// no character is cut there. What is lost there, a character outside the
// BMP, JoinSurrogates puts back. (When stdin is not the console, bubbletea
// reads CONIN$ as bytes in the ANSI code page through go-localereader;
// that path is not covered.)
func terminalInput(*os.File) io.Reader { return nil }
