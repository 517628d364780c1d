//go:build !unix && !windows

package printout

import "os/exec"

func opener(path string) (*exec.Cmd, error) {
	return nil, &OpenError{Path: path, NoDesktop: true}
}
