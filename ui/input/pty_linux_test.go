package input

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"taizhang/ui/components/form"
)

// openPTY opens a pseudo-terminal: what is written to master is what the
// program reads from the terminal.
func openPTY(t *testing.T) (master, terminal *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { terminal.Close() })
	go io.Copy(io.Discard, master) //nolint:errcheck // whatever the terminal echoes
	return master, terminal
}

func canonical(t *testing.T, f *os.File) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ICANON != 0
}

// On a real terminal, the input the program is given is still the
// terminal to bubbletea: raw mode while it runs, restored after, and a
// paste of 1000 characters arrives whole.
func TestTerminalStaysRawAndPasteArrivesWhole(t *testing.T) {
	master, terminal := openPTY(t)
	in := terminalInput(terminal)
	if in == nil {
		t.Fatal("a pseudo-terminal is not taken for a terminal")
	}
	text := repeatRunes("查验病历及收入证明𠮷入户走访核实", 1000)
	for off := range 4 {
		want := strings.Repeat("x", off) + text
		r := start(t, form.Area, in, ProgramOptions()...)
		if canonical(t, terminal) {
			t.Fatal("the terminal is not in raw mode while the program runs")
		}
		if _, err := master.Write([]byte(want + "\x03")); err != nil {
			t.Fatal(err)
		}
		if got := r.value(t); got != want {
			t.Errorf("offset %d: %d characters arrived of %d; first difference at %d",
				off, len([]rune(got)), len([]rune(want)), firstDiff(got, want))
		}
		if !canonical(t, terminal) {
			t.Fatal("the terminal is left in raw mode")
		}
	}
}
