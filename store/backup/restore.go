package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"taizhang/store"
	"taizhang/store/bundle"
)

// Restored is what Restore did.
type Restored struct {
	// Aside is where the file that was replaced now is; empty when there
	// was no file at dbPath.
	Aside  string
	Report store.CheckReport // the check of the restored file
}

// Restore replaces the ledger at dbPath with the backup src. The backup is
// copied beside dbPath and that copy is opened and checked (store.Check)
// first; only then is the current file renamed aside under a dated name and
// the copy renamed into its place. Nothing is replaced without that aside
// copy, and a failure at any step leaves dbPath as it was.
func Restore(src, dbPath string, now time.Time) (Restored, error) {
	if err := usable(src); err != nil {
		return Restored{}, err
	}
	if err := store.CheckNotInUse(dbPath); err != nil {
		return Restored{}, fmt.Errorf("%w（恢复备份前必须先关闭所有台账窗口）", err)
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return Restored{}, fmt.Errorf("无法创建数据文件夹 %s：%w", filepath.Dir(dbPath), err)
	}
	tmp := filepath.Join(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".恢复中")
	os.Remove(tmp)
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return Restored{}, fmt.Errorf("复制备份失败：%w。请检查磁盘空间后重试；原数据文件没有改动。", err)
	}
	rep, err := checkCopy(tmp)
	if err != nil {
		os.Remove(tmp)
		return Restored{}, fmt.Errorf("备份 %s 没有通过核对，没有恢复它，原数据文件没有改动：%w", src, err)
	}
	var res Restored
	res.Report = rep
	if _, err := os.Stat(dbPath); err == nil {
		res.Aside = asideName(dbPath, now)
		if err := os.Rename(dbPath, res.Aside); err != nil {
			os.Remove(tmp)
			return Restored{}, fmt.Errorf("无法把原数据文件改名保存为 %s：%w。没有恢复备份，原数据文件没有改动。", res.Aside, err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		if res.Aside != "" {
			os.Rename(res.Aside, dbPath)
		}
		os.Remove(tmp)
		return Restored{}, fmt.Errorf("无法把备份放到 %s：%w。原数据文件没有改动。", dbPath, err)
	}
	bundle.OS.SyncDir(filepath.Dir(dbPath))
	return res, nil
}

// usable refuses a backup that is missing, not a file, or does not match
// the checksum written beside it (when there is one: a copy made with
// `taizhang backup --out` and moved by hand may have lost it).
func usable(src string) error {
	fi, err := os.Stat(src)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("找不到备份文件 %s。请检查路径；备份通常在数据文件旁边的“%s”文件夹里。", src, DirName)
	case err != nil:
		return fmt.Errorf("无法读取备份文件 %s：%w", src, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s 不是一个备份文件。", src)
	}
	if _, err := os.Stat(sumName(src)); err == nil {
		if err := Intact(src); err != nil {
			return fmt.Errorf("%w。请换一个较早的备份。", err)
		}
	}
	return nil
}

// checkCopy proves every page of the copy (store.Guard, so that a damaged
// backup cannot crash the program), opens it as a ledger (bringing an older
// backup's schema up to date, as opening it would) and proves it with
// store.Check.
func checkCopy(path string) (rep store.CheckReport, err error) {
	var de *store.DamagedError
	if err := store.Guard(path); errors.As(err, &de) {
		return rep, fmt.Errorf("备份文件已损坏（%s）", de.Reason)
	} else if err != nil {
		return rep, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("备份文件已损坏（读取时出错：%v）", r)
		}
	}()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return rep, err
	}
	defer db.Close()
	return db.Check()
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// asideName is where the replaced file is kept: beside it, dated, never an
// existing name.
func asideName(dbPath string, now time.Time) string {
	base := filepath.Join(filepath.Dir(dbPath), stem(dbPath)+"-恢复前-"+now.In(store.Beijing).Format(stampLayout))
	name := base + filepath.Ext(dbPath)
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d%s", base, i, filepath.Ext(dbPath))
	}
}

// RestoreCommand is the command line that restores backup over dbPath, as
// the messages about backups print it.
func RestoreCommand(backupPath, dbPath string) string {
	return "taizhang restore " + quote(backupPath) + " --db " + quote(dbPath)
}

func quote(s string) string {
	if strings.ContainsAny(s, " \t\"'&()") {
		return `"` + s + `"`
	}
	return s
}
