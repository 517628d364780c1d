package input

import "os"

// File is a Reader over an open file (the terminal) that still shows the
// file's descriptor, so bubbletea treats it as the terminal: it puts it in
// raw mode, restores it on exit, and can cancel a pending read. Where the
// system can wait on the descriptor (Unix), an incomplete character is
// handed on after settle when nothing follows it.
//
// tea.Exec would give a child process this File as a pipe, not the
// terminal; the program does not run children that read the terminal.
type File struct {
	*Reader
	f *os.File
}

// NewFile reads f through a Reader.
func NewFile(f *os.File) *File {
	r := NewReader(f)
	fd := f.Fd()
	if canWait {
		r.more = func() bool { return readable(fd, settle) }
	}
	return &File{Reader: r, f: f}
}

// Fd, Name, Write and Close are the file's own.
func (f *File) Fd() uintptr                 { return f.f.Fd() }
func (f *File) Name() string                { return f.f.Name() }
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }
func (f *File) Close() error                { return f.f.Close() }
