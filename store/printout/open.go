package printout

import (
	"os"
	"path/filepath"
)

// OpenError is a file the program could not hand to the desktop.
type OpenError struct {
	Path   string
	Opener string // the program that was looked for, e.g. xdg-open
	// NoDesktop is set when there is no graphical session to open it in.
	NoDesktop bool
	Err       error
}

func (e *OpenError) Error() string {
	switch {
	case e.NoDesktop:
		return "当前没有图形桌面，无法自动打开文件，请到打印文件夹中手动打开：" + e.Path
	case e.Opener != "":
		return "没有找到打开文件的程序（" + e.Opener + "），请到打印文件夹中手动打开：" + e.Path
	case e.Err != nil:
		return "无法打开文件（" + e.Err.Error() + "），请到打印文件夹中手动打开：" + e.Path
	}
	return "无法打开文件，请到打印文件夹中手动打开：" + e.Path
}

func (e *OpenError) Unwrap() error { return e.Err }

// Open asks the desktop to open path with the program it associates with
// the file (Excel, WPS or LibreOffice for an XLSX) and returns as soon as
// the opener has started; the opener is reaped in the background. It cannot
// tell whether the desktop then found a program for the file.
func Open(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return &OpenError{Path: path, Err: err}
	}
	if _, err := os.Stat(abs); err != nil {
		return &OpenError{Path: abs, Err: err}
	}
	cmd, err := opener(abs)
	if err != nil {
		return err
	}
	// Nothing of the opener may reach the terminal the program draws on.
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return &OpenError{Path: abs, Err: err}
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
