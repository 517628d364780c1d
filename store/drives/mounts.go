package drives

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// removableRoots are where Linux desktops (udisks) mount removable media.
var removableRoots = []string{"/media/", "/run/media/"}

// parseMounts reads a mounts table (/proc/mounts: device, mount point,
// type, options, ...) and keeps the mount points under removableRoots, in
// the order found, each once.
func parseMounts(r io.Reader) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			continue
		}
		dir := unescapeMount(f[1])
		if seen[dir] || !underRemovable(dir) {
			continue
		}
		seen[dir] = true
		out = append(out, dir)
	}
	return out, sc.Err()
}

func underRemovable(dir string) bool {
	for _, root := range removableRoots {
		if strings.HasPrefix(dir, root) && len(dir) > len(root) {
			return true
		}
	}
	return false
}

// unescapeMount undoes the kernel's octal escapes in a mount point: a space
// is \040, a tab \011, a newline \012 and a backslash \134.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
