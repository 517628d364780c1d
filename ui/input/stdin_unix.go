//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || aix || zos

package input

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// terminalInput is the terminal f read through a File. When f is not a
// terminal, bubbletea opens /dev/tty itself; that case is left to it.
func terminalInput(f *os.File) io.Reader {
	if !term.IsTerminal(f.Fd()) {
		return nil
	}
	return NewFile(f)
}
