// Package backup keeps snapshots of a ledger file in a 备份 folder beside
// it: one at the first start of each day and one before each export, the
// last 7 days' and the last 12 months' kept. Each snapshot has a .sha256
// file beside it (the format sha256sum reads), so a damaged copy is known
// without opening it. Restore puts a snapshot back after checking it, and
// keeps the file it replaces.
package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"taizhang/store"
	"taizhang/store/bundle"
)

// DirName is the folder beside the data file that holds its backups.
const DirName = "备份"

// Kind says why a backup was taken; it is part of the file name.
type Kind string

const (
	Daily  Kind = "start"  // the first start of a day
	Export Kind = "export" // just before a monthly export
	Import Kind = "import" // just before an old ledger is imported (导入旧台账)
)

// Label is the kind in Chinese.
func (k Kind) Label() string {
	switch k {
	case Daily:
		return "每日"
	case Export:
		return "导出前"
	case Import:
		return "导入前"
	}
	return string(k)
}

// Keep is how many backups rotation keeps: the newest of each of the last
// Days days and of each of the last Months months.
const (
	KeepDays   = 7
	KeepMonths = 12
)

// Info is one backup file.
type Info struct {
	Path  string
	Taken time.Time // Beijing time, from the name
	Kind  Kind
	Size  int64
}

// Dir is the backup folder of the ledger at dbPath.
func Dir(dbPath string) string { return filepath.Join(filepath.Dir(dbPath), DirName) }

// stem is the data file's name without its extension; every backup of it
// starts with it, so two ledgers in one folder keep theirs apart.
func stem(dbPath string) string {
	base := filepath.Base(dbPath)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

const stampLayout = "20060102-150405"

func fileName(dbPath string, t time.Time, k Kind) string {
	return fmt.Sprintf("%s-%s-%s.db", stem(dbPath), t.In(store.Beijing).Format(stampLayout), k)
}

// parseName reads a backup's time and kind from its name; ok is false for
// any other file.
func parseName(dbPath, name string) (time.Time, Kind, bool) {
	rest, ok := strings.CutPrefix(name, stem(dbPath)+"-")
	if !ok || !strings.HasSuffix(rest, ".db") {
		return time.Time{}, "", false
	}
	rest = strings.TrimSuffix(rest, ".db")
	if len(rest) < len(stampLayout)+2 || rest[len(stampLayout)] != '-' {
		return time.Time{}, "", false
	}
	t, err := time.ParseInLocation(stampLayout, rest[:len(stampLayout)], store.Beijing)
	k := Kind(rest[len(stampLayout)+1:])
	if err != nil || (k != Daily && k != Export && k != Import) {
		return time.Time{}, "", false
	}
	return t, k, true
}

// List is the backups of the ledger at dbPath in dir (Dir(dbPath) when
// empty), newest first. A missing folder is no backups.
func List(dbPath string) ([]Info, error) { return listIn(Dir(dbPath), dbPath) }

func listIn(dir, dbPath string) ([]Info, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取备份文件夹 %s：%w", dir, err)
	}
	var out []Info
	for _, e := range entries {
		t, k, ok := parseName(dbPath, e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, Info{Path: filepath.Join(dir, e.Name()), Taken: t, Kind: k, Size: fi.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path > out[j].Path })
	return out, nil
}

// NewestGood is the newest backup whose bytes still match the SHA-256
// written beside it when it was taken. It reads files only; it never opens
// one as a ledger, so a damaged copy cannot crash the caller.
func NewestGood(dbPath string) (Info, bool) {
	list, _ := List(dbPath)
	for _, b := range list {
		if Intact(b.Path) == nil {
			return b, true
		}
	}
	return Info{}, false
}

// sumName is the checksum file beside a backup.
func sumName(path string) string { return path + ".sha256" }

// Intact checks a backup against its .sha256 file.
func Intact(path string) error {
	want, err := os.ReadFile(sumName(path))
	if err != nil {
		return fmt.Errorf("备份 %s 缺少校验文件 %s", path, filepath.Base(sumName(path)))
	}
	got, err := fileSum(path)
	if err != nil {
		return err
	}
	if f := strings.Fields(string(want)); len(f) == 0 || f[0] != got {
		return fmt.Errorf("备份 %s 与它的校验值不符，已损坏", path)
	}
	return nil
}

func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("无法读取备份 %s：%w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("无法读取备份 %s：%w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Options tune Take; the zero value writes to the PC's disk only.
type Options struct {
	FS bundle.FS // the disk (bundle.OS when nil); tests fail steps with bundle.FaultFS
	// Copy is a second folder (a USB stick) that gets a copy of each backup,
	// rotated the same way; empty for none.
	Copy string
}

func (o Options) fs() bundle.FS {
	if o.FS == nil {
		return bundle.OS
	}
	return o.FS
}

// Result is what Take did.
type Result struct {
	Info
	Removed []string // old backups rotation deleted
	// CopyPath is the copy in the second location; CopyErr why there is
	// none (the stick is not plugged in, full, …). The backup on the PC
	// stands either way.
	CopyPath string
	CopyErr  error
}

// Take writes a snapshot of db into its backup folder, then rotates the
// folder and copies the snapshot to the second location if one is set.
func Take(db *store.DB, k Kind, opt Options) (Result, error) {
	dir := Dir(db.Path())
	fsys := opt.fs()
	if err := mkdirAll(fsys, dir); err != nil {
		return Result{}, fmt.Errorf("无法建立备份文件夹 %s：%w。请检查磁盘是否已满、文件夹是否可写。", dir, err)
	}
	now := db.Now()
	path := filepath.Join(dir, fileName(db.Path(), now, k))
	sum, size, err := write(fsys, path, func(w io.Writer) (int64, error) { return db.WriteSnapshot(w) })
	if err != nil {
		return Result{}, fmt.Errorf("没有写成（%w）。台账本身没有受影响；请检查磁盘空间后重试。", err)
	}
	res := Result{Info: Info{Path: path, Taken: now, Kind: k, Size: size}}
	res.Removed, _ = rotate(fsys, dir, db.Path(), path)
	if opt.Copy != "" {
		res.CopyPath, res.CopyErr = copyTo(fsys, opt.Copy, path, sum, db.Path())
	}
	return res, nil
}

// TakeDaily takes the day's backup unless the folder already has one taken
// today (Beijing time); taken says whether it wrote one.
func TakeDaily(db *store.DB, opt Options) (res Result, taken bool, err error) {
	list, err := List(db.Path())
	if err != nil {
		return Result{}, false, err
	}
	y, m, d := db.Now().Date()
	for _, b := range list {
		if by, bm, bd := b.Taken.Date(); by == y && bm == m && bd == d {
			return Result{Info: b}, false, nil
		}
	}
	res, err = Take(db, Daily, opt)
	if err != nil {
		return Result{}, false, fmt.Errorf("今天的自动备份%w", err)
	}
	return res, true, nil
}

// WriteFile writes a snapshot of db to path (which must not exist yet) and
// its .sha256 beside it: `taizhang backup --out`.
func WriteFile(db *store.DB, path string) (Info, error) {
	if _, err := os.Stat(path); err == nil {
		return Info{}, fmt.Errorf("%s 已经存在，备份不会覆盖它。请换一个文件名。", path)
	}
	_, size, err := write(bundle.OS, path, func(w io.Writer) (int64, error) { return db.WriteSnapshot(w) })
	if err != nil {
		return Info{}, fmt.Errorf("备份没有写成（%w）。请检查目标文件夹是否存在、是否可写、空间是否足够。", err)
	}
	return Info{Path: path, Taken: db.Now(), Size: size}, nil
}

// write fills path through a temporary name (so a half-written backup never
// carries a backup's name), syncs it, renames it into place with its
// checksum file, and syncs the folder.
func write(fsys bundle.FS, path string, fill func(io.Writer) (int64, error)) (sum string, size int64, err error) {
	tmp := path + ".tmp"
	fsys.Remove(tmp)
	f, err := fsys.Create(tmp)
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	size, err = fill(io.MultiWriter(f, h))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if err == nil {
		err = writeSum(fsys, path, sum)
	}
	if err == nil {
		err = fsys.Rename(tmp, path)
	}
	if err == nil {
		err = fsys.SyncDir(filepath.Dir(path))
	}
	if err != nil {
		fsys.Remove(tmp)
		fsys.Remove(path)
		fsys.Remove(sumName(path))
		return "", 0, err
	}
	return sum, size, nil
}

func writeSum(fsys bundle.FS, path, sum string) error {
	fsys.Remove(sumName(path))
	f, err := fsys.Create(sumName(path))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s  %s\n", sum, filepath.Base(path))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func mkdirAll(fsys bundle.FS, dir string) error {
	if _, err := fsys.Stat(dir); err == nil {
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if _, err := fsys.Stat(parent); err != nil {
			if err := mkdirAll(fsys, parent); err != nil {
				return err
			}
		}
	}
	return fsys.Mkdir(dir)
}

// copyTo copies a backup into the second location and rotates it there.
func copyTo(fsys bundle.FS, dir, path, sum, dbPath string) (string, error) {
	if _, err := fsys.Stat(dir); err != nil {
		return "", fmt.Errorf("第二备份位置 %s 现在不可用（U盘没插好？），这次只备份在本机", dir)
	}
	dest := filepath.Join(dir, filepath.Base(path))
	got, _, err := write(fsys, dest, func(w io.Writer) (int64, error) {
		src, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		defer src.Close()
		return io.Copy(w, src)
	})
	if err == nil && got != sum {
		err = fmt.Errorf("复制后的校验值不符")
	}
	if err != nil {
		return "", fmt.Errorf("复制到第二备份位置 %s 失败：%w", dir, err)
	}
	rotate(fsys, dir, dbPath, dest)
	return dest, nil
}

// rotate deletes the backups in dir that are neither the newest of one of
// the last KeepDays days nor the newest of one of the last KeepMonths
// months; just is the backup just written, which counts as the newest of
// its day even when another has the same time.
func rotate(fsys bundle.FS, dir, dbPath, just string) ([]string, error) {
	list, err := listIn(dir, dbPath)
	if err != nil {
		return nil, err
	}
	for i, b := range list {
		if b.Path == just {
			copy(list[1:i+1], list[:i])
			list[0] = b
		}
	}
	var removed []string
	keep := kept(list)
	for _, b := range list {
		if keep[b.Path] {
			continue
		}
		if err := fsys.Remove(b.Path); err == nil {
			fsys.Remove(sumName(b.Path))
			removed = append(removed, b.Path)
		}
	}
	return removed, nil
}

// kept is the set rotation keeps of a newest-first list.
func kept(list []Info) map[string]bool {
	keep := map[string]bool{}
	days, months := map[string]bool{}, map[string]bool{}
	for _, b := range list {
		day, month := b.Taken.Format("20060102"), b.Taken.Format("200601")
		if !days[day] && len(days) < KeepDays {
			days[day] = true
			keep[b.Path] = true
		}
		if !months[month] && len(months) < KeepMonths {
			months[month] = true
			keep[b.Path] = true
		}
	}
	return keep
}

// BeforeImport takes the backup that precedes importing an old ledger
// (导入旧台账), copied to the second location the profile names: the
// ledger as it was, should the office want the import undone.
func BeforeImport(db *store.DB) (Result, error) { return before(db, Import, "导入前的备份") }

// BeforeExport takes the backup that precedes every monthly export, copied
// to the second location the profile names. An error means no export
// should start: the message says the ledger is untouched.
func BeforeExport(db *store.DB) (Result, error) { return before(db, Export, "导出前的备份") }

func before(db *store.DB, k Kind, what string) (Result, error) {
	p, err := db.Profile()
	if err != nil {
		return Result{}, err
	}
	res, err := Take(db, k, Options{Copy: p.BackupCopy})
	if err != nil {
		return Result{}, fmt.Errorf("%s%w", what, err)
	}
	return res, nil
}
