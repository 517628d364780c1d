// Package drives lists the places a monthly bundle can be written to: the
// removable drives (USB sticks) plugged into this PC. On Windows they are
// the drive letters of removable type; on Linux the file systems mounted
// under /media and /run/media, where desktops mount USB sticks.
package drives

import (
	"fmt"
	"sort"
)

// Drive is one candidate destination.
type Drive struct {
	Path  string // F:\ or /media/wang/KINGSTON
	Label string // the volume's name when known
	// Free is the space left in bytes; FreeKnown is false when it could not
	// be read (the drive is not ready, or the system would not say).
	Free      uint64
	FreeKnown bool
}

// List returns the removable drives found now, in path order. It reads no
// more than the system's table of drives and each one's free space, so it
// is cheap enough to run every few seconds.
func List() ([]Drive, error) {
	ds, err := list()
	sort.Slice(ds, func(i, j int) bool { return ds[i].Path < ds[j].Path })
	return ds, err
}

// Describe is a drive as one line of a menu: the path, its name and the
// free space.
func (d Drive) Describe() string {
	s := d.Path
	if d.Label != "" {
		s += "  " + d.Label
	}
	if d.FreeKnown {
		s += "（可用 " + Size(d.Free) + "）"
	}
	return s
}

// Size is a byte count as people read it: 980 字节, 12.3 KB, 1.2 GB.
func Size(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d 字节", n)
	}
	v, i := float64(n)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, []string{"KB", "MB", "GB", "TB"}[i])
}
