package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"taizhang/ui/common"
)

// At 80 columns the bottom line of every screen and mode shows the screen's
// keys whole (nothing cut to ..) and always the key to the full list: ? or,
// in a text field, F1. At 60 columns keys may be left out, never cut.
func TestBottomLineWhole(t *testing.T) {
	db := seeded(t)
	for _, size := range [][2]int{{80, 24}, {80, 25}, {60, 18}} {
		w, h := size[0], size[1]
		for _, st := range walkStates {
			t.Run(fmt.Sprintf("%dx%d %s", w, h, st.name), func(t *testing.T) {
				checkBottom(t, reach(t, db, st, w, h), w, h)
			})
		}
	}
}

// checkBottom checks a frame and its bottom line (TestBottomLineWhole).
func checkBottom(t *testing.T, a *App, w, h int) {
	t.Helper()
	v := a.View()
	checkFrame(t, v, w, h)
	lines := strings.Split(v, "\n")
	bottom := lines[len(lines)-1]
	scr := a.screens[a.active]
	want := "? 全部按键"
	if scr.Capturing() {
		want = "F1 全部按键"
	}
	if !strings.Contains(bottom, want) || strings.Contains(bottom, "..") {
		t.Errorf("bottom line %q lacks %q or is cut", bottom, want)
	}
	if w < 80 {
		return
	}
	for _, b := range scr.ShortHelp() {
		if item := b.Help().Key + " " + b.Help().Desc; common.Shown(b) && !strings.Contains(bottom, item) {
			t.Errorf("bottom line %q lacks %q", bottom, item)
		}
	}
}

// The ? page lists Esc once (the screen's own and the root's were both
// listed), and lists q only where q quits.
func TestHelpListsEscOnce(t *testing.T) {
	db := seeded(t)
	for _, st := range walkStates {
		a := reach(t, db, st, 80, 24)
		m := drainKeys(a, "f1")
		v := m.View()
		if !strings.Contains(v, "全部按键（按任意键关闭）") {
			t.Fatalf("%s: F1 did not open the help:\n%s", st.name, v)
		}
		// Keys are padded to 10 cells on the page: "Esc       返回".
		body := strings.Join(strings.Split(v, "\n")[1:23-a.statusRows()], "\n")
		esc := len(regexp.MustCompile(`(^|\s)Esc {4,}\S`).FindAllString(body, -1))
		q := len(regexp.MustCompile(`(^|\s)q {4,}\S`).FindAllString(body, -1))
		if esc > 1 {
			t.Errorf("%s: the help lists Esc %d times:\n%s", st.name, esc, v)
		}
		if capturing := a.screens[a.active].Capturing(); capturing && q > 0 || !capturing && q != 1 {
			t.Errorf("%s: the help lists q %d times (text field: %v):\n%s", st.name, q, capturing, v)
		}
	}
}

// A message longer than the line takes the lines it needs: after printing
// from the ledger the status names the whole file (relative to the data
// folder) on two lines, the list gives up a row and the bottom line stays.
func TestStatusWrapsGolden(t *testing.T) {
	db := seeded(t)
	tm := openScreen(t, db, "2", "共 4 份")
	typeText(tm, "jjp")
	waitFor(t, tm, "按 o 打开")
	v := finalView(t, tm, 80, 24)
	lines := strings.Split(v, "\n")
	status := strings.TrimSpace(lines[21]) + strings.TrimSpace(lines[22])
	if !strings.Contains(status, "打印/2026-0002_社会保险办理证明_欧阳明.xlsx。按 o 打开。") {
		t.Errorf("the status does not name the file whole:\n%s", v)
	}
	golden.RequireEqual(t, []byte(v))
}
