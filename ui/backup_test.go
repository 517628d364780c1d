package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store/backup"
)

// The first start of the day takes a backup in the background and the home
// screen says when; 设置 names the folder and the newest backup.
func TestStartTakesTheDaysBackup(t *testing.T) {
	db := newDB(t, true)
	a := newApp(t, db)
	a.dailyBackup = true
	tm := start(t, a, 80, 24)
	waitFor(t, tm, "自动备份：2026年11月29日")
	list, err := backup.List(db.Path())
	if err != nil || len(list) != 1 || list[0].Kind != backup.Daily {
		t.Fatalf("backups after start: %v %v", list, err)
	}
	if err := backup.Intact(list[0].Path); err != nil {
		t.Fatal(err)
	}
	typeText(tm, "9")
	waitForAll(t, tm, "自动备份到：数据文件旁的 备份", "最新备份：2026年11月29日")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
}

// u sets the second location: a folder that is not there is refused with
// what to do, an existing one is saved and the next backup is copied there.
func TestSecondBackupLocation(t *testing.T) {
	db := newDB(t, true)
	stick := filepath.Join(t.TempDir(), "U盘")
	tm := openSettings(t, db)
	typeText(tm, "u")
	waitFor(t, tm, "设置第二备份位置")
	typeText(tm, stick)
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "找不到文件夹")
	if err := os.Mkdir(stick, 0o700); err != nil {
		t.Fatal(err)
	}
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "已设置第二备份位置")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	tm.WaitFinished(t)
	p, err := db.Profile()
	if err != nil || p.BackupCopy != stick {
		t.Fatalf("profile's second location %q (%v), want %q", p.BackupCopy, err, stick)
	}
	res, err := backup.BeforeExport(db)
	if err != nil || res.CopyErr != nil || !strings.HasPrefix(res.CopyPath, stick) {
		t.Fatalf("backup before export: copy %q, %v, %v", res.CopyPath, res.CopyErr, err)
	}
}
