package ui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"
	"golang.org/x/text/width"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/ui/common"
)

var fixedNow = time.Date(2026, 11, 29, 9, 30, 0, 0, store.Beijing)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

func clock() time.Time { return fixedNow }

func newDB(t *testing.T, withProfile bool) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "ui.db"), store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if withProfile {
		p := store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403", SerialPrefix: "英南证", Phone: "0355-2021234"}
		if _, _, err := db.Setup(p, "王丽", false); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func newApp(t *testing.T, db *store.DB) *App {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return noBackup(New(db, cat, clock))
}

// noBackup turns off the day's backup, which would write beside the data
// file while the test removes its folder (TestStartTakesTheDaysBackup
// turns it on).
func noBackup(a *App) *App {
	a.dailyBackup = false
	return a
}

func start(t *testing.T, a *App, w, h int) *teatest.TestModel {
	return teatest.NewTestModel(t, a, teatest.WithInitialTermSize(w, h))
}

// typeText sends one key per rune (teatest's Type sends bytes, which
// breaks Chinese text).
func typeText(tm *teatest.TestModel, s string) {
	for _, r := range s {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func press(k tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: k} }

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// finalView quits and returns the last frame, checked for size and width.
func finalView(t *testing.T, tm *teatest.TestModel, w, h int) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	v := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).View()
	checkFrame(t, v, w, h)
	return v
}

// checkFrame: exactly h lines, none wider than w, and no character whose
// width consoles disagree on.
func checkFrame(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := common.Width(l); n > w {
			t.Errorf("line %d is %d cells wide (max %d): %q", i+1, n, w, l)
		}
		for _, r := range l {
			if width.LookupRune(r).Kind() == width.EastAsianAmbiguous {
				t.Errorf("line %d has ambiguous-width %q (U+%04X): %q", i+1, r, r, l)
			}
		}
	}
}

func TestSetupScreenGolden(t *testing.T) {
	db := newDB(t, false)
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "首次设置")
	typeText(tm, "英雄南路社区")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "英雄南路街道办事处")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "屯留")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "英南证")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "0355-20212")
	tm.Send(press(tea.KeyTab))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "必须填写")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

func TestSetupSavesAndShowsHome(t *testing.T) {
	db := newDB(t, false)
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "首次设置")
	for _, v := range []string{"英雄南路社区", "英雄南路街道办事处", "潞州", "", "", "", "𠮷丽"} {
		typeText(tm, v)
		tm.Send(press(tea.KeyTab))
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "按数字键进入")
	v := finalView(t, tm, 80, 24)
	for _, want := range []string{"英雄南路社区居民委员会", "2026年11月29日 星期日", "经办人：𠮷丽", "[1] 清单"} {
		if !strings.Contains(v, want) {
			t.Errorf("home lacks %q:\n%s", want, v)
		}
	}
	p, err := db.Profile()
	if err != nil || p.CountyCode != "140403" {
		t.Errorf("profile %+v %v", p, err)
	}
}

func TestListsScreenGolden(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "1", "依法履行职责事项清单")
	typeText(tm, "2")
	tm.Send(press(tea.KeyDown))
	tm.Send(press(tea.KeyDown))
	waitFor(t, tm, "查处传销")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

func TestListsSearchGolden(t *testing.T) {
	db := newDB(t, true)
	tm := openScreen(t, db, "1", "依法履行职责事项清单")
	typeText(tm, "/")
	typeText(tm, "xiaofang")
	waitFor(t, tm, "找到 2 项")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

func TestListsSearchInitialsAndFullView(t *testing.T) {
	db := newDB(t, true)
	tm := start(t, newApp(t, db), 100, 30)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "1")
	waitFor(t, tm, "依法履行职责事项清单")
	typeText(tm, "/jzzm")
	waitFor(t, tm, "找到 1 项")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "附件4  第3项")
	v := finalView(t, tm, 100, 30)
	if !strings.Contains(v, "居民在社区居住证明") {
		t.Errorf("full view:\n%s", v)
	}
}

// Every tab and the full view of every item with a reading or note render
// within 80×24 with no ambiguous-width characters.
func TestListsEveryTabFits(t *testing.T) {
	db := newDB(t, true)
	a := newApp(t, db)
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	send := func(k tea.KeyMsg) { m, _ = m.Update(k) }
	send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1")})
	for tab := '1'; tab <= '5'; tab++ {
		send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{tab}})
		for i := 0; i < 40; i++ {
			checkFrame(t, m.View(), 80, 24)
			send(press(tea.KeyEnter))
			checkFrame(t, m.View(), 80, 24)
			send(press(tea.KeyEsc))
			send(press(tea.KeyDown))
		}
	}
	send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("?")})
	checkFrame(t, m.View(), 80, 24)
}

func TestQuitKeys(t *testing.T) {
	db := newDB(t, true)
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(2*time.Second))
}

// Every screen, its help overlay and its forms fit 80×24 with no
// ambiguous-width characters.
func TestEveryScreenFits(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {80, 25}, {120, 40}, {60, 18}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) { everyScreenFits(t, size[0], size[1]) })
	}
}

func everyScreenFits(t *testing.T, w, h int) {
	db := newDB(t, true)
	a := newApp(t, db)
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	send := func(keys ...string) {
		for _, k := range keys {
			var msg tea.KeyMsg
			switch k {
			case "esc":
				msg = tea.KeyMsg{Type: tea.KeyEsc}
			case "ctrl+s":
				msg = tea.KeyMsg{Type: tea.KeyCtrlS}
			case "tab":
				msg = tea.KeyMsg{Type: tea.KeyTab}
			default:
				msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
			}
			var cmd tea.Cmd
			m, cmd = m.Update(msg)
			m = drain(m, cmd)
			checkFrame(t, m.View(), w, h)
		}
	}
	for _, screen := range []string{"1", "2", "3", "4", "6", "9"} {
		send(screen, "?", "x")
		send("esc", "esc")
	}
	send("2", "n", "ctrl+s", "y", "esc", "y", "esc")
	send("3", "n", "ctrl+s", "esc", "y", "esc")
	send("4", "开具无犯罪记录证明", "esc", "esc")
	send("9", "n", "esc", "e", "esc", "esc")
	send("5", "n", "tab", "tab", "tab", "esc", "y", "esc")
}

// drain runs the commands an update returned, feeding their messages back.
func drain(m tea.Model, cmd tea.Cmd) tea.Model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			m = drain(m, c)
		}
		return m
	}
	if msg == nil {
		return m
	}
	if _, quit := msg.(tea.QuitMsg); quit {
		return m
	}
	m, cmd = m.Update(msg)
	return drain(m, cmd)
}

// The profile form opened from 设置 shows the saved profile, also right
// after the first-run setup in the same session.
func TestEditProfileAfterSetup(t *testing.T) {
	db := newDB(t, false)
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "首次设置")
	for _, v := range []string{"太行东街社区", "太行东街街道办事处", "上党", "", "", "", "李娜"} {
		typeText(tm, v)
		tm.Send(press(tea.KeyTab))
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "9")
	waitFor(t, tm, "社区信息（按 e 修改）")
	typeText(tm, "e")
	waitFor(t, tm, "上党区 140404")
	for i := 0; i < 4; i++ {
		tm.Send(press(tea.KeyTab))
	}
	typeText(tm, "0355-3021234")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "联系电话：0355-3021234")
	finalView(t, tm, 80, 24)
	if p, _ := db.Profile(); p.Community != "太行东街社区" || p.Phone != "0355-3021234" || p.CountyCode != "140404" {
		t.Errorf("profile %+v", p)
	}
}

// Runes that arrive in one message (an input method committing a word) are
// taken one key at a time by a screen that is not typing, so "/居住" opens
// the search and types 居住.
func TestRunesTogether(t *testing.T) {
	db := newDB(t, true)
	var m tea.Model = newApp(t, db)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1")} })
	m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/居住")} })
	v := m.View()
	if !strings.Contains(v, "搜索：居住") || !strings.Contains(v, "居民在社区居住证明") {
		t.Errorf("after /居住:\n%s", v)
	}
}

// A run of characters that spells a key's name is text in a field: "ctrl+c"
// committed by an input method does not quit, and "tab" does not move on.
func TestRunSpellingAKeyIsText(t *testing.T) {
	db := newDB(t, true)
	var m tea.Model = newApp(t, db)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, k := range []string{"5", "n"} {
		m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)} })
	}
	if v := m.View(); !strings.Contains(v, "申请单位*") {
		t.Fatalf("no form:\n%s", v)
	}
	for _, run := range []string{"ctrl+c", "tab"} {
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(run)})
		if quits(cmd) {
			t.Fatalf("%q typed into a field quits the program", run)
		}
	}
	if v := m.View(); !strings.Contains(v, "ctrl+ctab") {
		t.Errorf("the field does not hold what was typed:\n%s", v)
	}
}

// quits reports whether cmd (or a command it batches) quits.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quits(c) {
				return true
			}
		}
	}
	return false
}
