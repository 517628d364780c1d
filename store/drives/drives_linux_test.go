package drives

import (
	"os"
	"path/filepath"
	"testing"
)

// List reads the mounts table it is given and the free space of each
// removable mount found.
func TestListReadsFreeSpace(t *testing.T) {
	root := t.TempDir()
	stick := filepath.Join(root, "STICK")
	if err := os.Mkdir(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(t.TempDir(), "mounts")
	lines := "/dev/sda2 / ext4 rw 0 0\n/dev/sdb1 " + stick + " vfat rw 0 0\n"
	if err := os.WriteFile(table, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	oldFile, oldRoots := mountsFile, removableRoots
	mountsFile, removableRoots = table, []string{root + "/"}
	t.Cleanup(func() { mountsFile, removableRoots = oldFile, oldRoots })

	ds, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Path != stick || !ds[0].FreeKnown || ds[0].Free == 0 {
		t.Errorf("List = %+v", ds)
	}
}
