package printout

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// opener runs `cmd /c start "" "path"`, which opens the file with its
// associated program. cmd is given the command line verbatim so that the
// quotes keep & ^ ( ) and spaces in the path literal; a path with % (which
// cmd expands even inside quotes) goes to rundll32 url.dll instead.
func opener(path string) (*exec.Cmd, error) {
	comspec := os.Getenv("ComSpec")
	if comspec == "" {
		comspec = "cmd.exe"
	}
	if exe, err := exec.LookPath(comspec); err == nil && !strings.Contains(path, "%") {
		cmd := exec.Command(exe)
		cmd.SysProcAttr = &syscall.SysProcAttr{
			CmdLine: `cmd /d /v:off /c start "" "` + path + `"`,
		}
		return cmd, nil
	}
	if exe, err := exec.LookPath("rundll32.exe"); err == nil {
		return exec.Command(exe, "url.dll,FileProtocolHandler", path), nil
	}
	return nil, &OpenError{Path: path, Opener: "cmd.exe"}
}
