package settings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/backup"
	"taizhang/ui/common"
)

const copyHint = `例如 E:\台账备份（留空：不复制）`

// backups is what the 备份 folder holds, as read by Init.
type backups struct {
	newest backup.Info
	good   bool // newest is set and matches its checksum
	count  int
	err    error
}

func readBackups(dbPath string) backups {
	list, err := backup.List(dbPath)
	if err != nil || len(list) == 0 {
		return backups{err: err}
	}
	b, ok := backup.NewestGood(dbPath)
	return backups{newest: b, good: ok, count: len(list)}
}

// backupLines say where backups go, the newest one, and the second location.
func (m *Model) backupLines(line func(string)) {
	s := m.ctx.Styles
	b := m.backups
	newest := "还没有备份"
	switch {
	case b.err != nil:
		newest = "（无法读取：" + b.err.Error() + "）"
	case b.good:
		newest = fmt.Sprintf("%s %s（%s，共 %d 份）", store.ChineseDate(b.newest.Taken), b.newest.Taken.Format("15:04"), b.newest.Kind.Label(), b.count)
	case b.count > 0:
		newest = "备份文件与校验值都不相符，请尽快用 taizhang backup 另做一份"
	}
	line(s.Title.Render("备份") + "  最新备份：" + newest)
	second := "未设置"
	if c := m.ctx.Profile.BackupCopy; c != "" {
		second = c
	}
	line("  自动备份到：" + common.InDataFolder(m.path, backup.Dir(m.path)) +
		s.Dim.Render(fmt.Sprintf("（每天启动时、导出前；留 %d 天和 %d 个月）", backup.KeepDays, backup.KeepMonths)))
	line("  第二备份位置（U盘）：" + second + s.Dim.Render("（按 u 设置）"))
}

// editBackupCopy opens the second location for editing.
func (m *Model) editBackupCopy() tea.Cmd {
	m.edit = backupCopy
	m.copyIn.SetValue(m.ctx.Profile.BackupCopy)
	m.copyIn.CursorEnd()
	return m.copyIn.Focus()
}

// copyKey handles a key while the second location is edited.
func (m *Model) copyKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, m.keys.Cancel):
		m.edit = none
		m.copyIn.Blur()
		m.err = ""
		return nil
	case key.Matches(km, m.keys.Confirm):
		return m.saveBackupCopy()
	}
	m.err = ""
	var cmd tea.Cmd
	m.copyIn, cmd = m.copyIn.Update(km)
	return cmd
}

// saveBackupCopy checks the folder (it must exist now, so a typo is caught
// while the worker is still here) and saves it in the profile.
func (m *Model) saveBackupCopy() tea.Cmd {
	dir := strings.Trim(strings.TrimSpace(m.copyIn.Value()), `"`)
	p, by := m.ctx.Profile, m.ctx.Operator
	m.busy = true
	return common.Save(m.id(), m.ctx.Store, func(db *store.DB) (tea.Msg, error) {
		err := checkCopyDir(dir, db.Path())
		if err == nil && dir != p.BackupCopy {
			p.BackupCopy = dir
			_, err = db.SaveProfile(by, p, true)
		}
		return saved{change: copySet, copyDir: dir, err: err}, err
	})
}

func checkCopyDir(dir, dbPath string) error {
	if dir == "" {
		return nil
	}
	if !filepath.IsAbs(dir) {
		return errors.New("请写完整的位置，从盘符写起，例如 E:\\台账备份。")
	}
	if same, _ := filepath.Rel(backup.Dir(dbPath), dir); same == "." {
		return errors.New("第二备份位置要在另一块盘上（通常是U盘），不能就是本机的“备份”文件夹。")
	}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("找不到文件夹 %s。请插好U盘，先在U盘上建好这个文件夹再设置。", dir)
	case err != nil:
		return fmt.Errorf("无法读取 %s（%v）。请插好U盘后再试。", dir, err)
	case !st.IsDir():
		return fmt.Errorf("%s 是一个文件，不是文件夹。", dir)
	}
	return nil
}

// afterCopySet closes the edit and says what happens from now on.
func (m *Model) afterCopySet(msg saved, profileChanged tea.Cmd) tea.Cmd {
	m.edit = none
	m.copyIn.Blur()
	text := "已设置第二备份位置 " + msg.copyDir + "：以后每次自动备份都会复制一份过去（U盘没插时只备份在本机）。"
	if msg.copyDir == "" {
		text = "已取消第二备份位置：以后只备份在本机。"
	}
	return tea.Batch(profileChanged, common.Info(text))
}

// copyLines is the second location being edited.
func (m *Model) copyLines(line func(string)) {
	s := m.ctx.Styles
	line(s.Title.Render("设置第二备份位置") + s.Dim.Render("（通常是U盘上的一个文件夹）"))
	line("> " + s.Focused.Render("文件夹：") + "[" + m.copyIn.View() + "]")
	line(s.Dim.Render("  每次自动备份后复制一份到这里，也按最近 7 天、12 个月保留。"))
}
