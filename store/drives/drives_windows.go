package drives

import (
	"strings"

	"golang.org/x/sys/windows"
)

// list returns the drive letters of removable type (USB sticks, card
// readers) that hold a medium: an empty card reader slot is left out.
func list() ([]Drive, error) {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil, err
	}
	var out []Drive
	for i := 0; i < 26; i++ {
		if mask&(1<<uint(i)) == 0 {
			continue
		}
		root := string(rune('A'+i)) + `:\`
		p, err := windows.UTF16PtrFromString(root)
		if err != nil || windows.GetDriveType(p) != windows.DRIVE_REMOVABLE {
			continue
		}
		var free, total, totalFree uint64
		if windows.GetDiskFreeSpaceEx(p, &free, &total, &totalFree) != nil {
			continue // no medium in the slot
		}
		out = append(out, Drive{Path: root, Label: volumeLabel(p), Free: free, FreeKnown: true})
	}
	return out, nil
}

func volumeLabel(root *uint16) string {
	name := make([]uint16, windows.MAX_PATH+1)
	if windows.GetVolumeInformation(root, &name[0], uint32(len(name)), nil, nil, nil, nil, 0) != nil {
		return ""
	}
	return strings.TrimSpace(windows.UTF16ToString(name))
}
