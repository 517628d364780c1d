//go:build unix

package printout

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// opener runs `open` on macOS and `xdg-open` (or `gio open`) elsewhere. On
// a console without a graphical session xdg-open would start a text-mode
// browser in the very terminal the program draws on, so it is not tried.
func opener(path string) (*exec.Cmd, error) {
	var cmd *exec.Cmd
	if runtime.GOOS == "darwin" {
		exe, err := exec.LookPath("open")
		if err != nil {
			return nil, &OpenError{Path: path, Opener: "open"}
		}
		cmd = exec.Command(exe, path)
	} else {
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return nil, &OpenError{Path: path, NoDesktop: true}
		}
		if exe, err := exec.LookPath("xdg-open"); err == nil {
			cmd = exec.Command(exe, path)
		} else if exe, err := exec.LookPath("gio"); err == nil {
			cmd = exec.Command(exe, "open", path)
		} else {
			return nil, &OpenError{Path: path, Opener: "xdg-open"}
		}
	}
	// Its own process group: a signal meant for the program does not close
	// the spreadsheet the worker is printing from.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, nil
}
