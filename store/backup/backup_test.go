package backup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"taizhang/store"
	"taizhang/store/bundle"
	"taizhang/store/demo"
	"taizhang/store/storetest"
)

var demoEnd = time.Date(2026, 11, 27, 16, 0, 0, 0, store.Beijing)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// ledger is a demo ledger of 60 certificates in a fresh folder, open with
// a clock after its newest record.
func ledger(t *testing.T) (*store.DB, *clock) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "数据", "台账.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Fill(path, demo.Options{Records: 60, Months: 1, Seed: 3, End: demoEnd}, nil); err != nil {
		t.Fatal(err)
	}
	clk := &clock{demoEnd.Add(time.Hour)}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clk
}

func mustTake(t *testing.T, db *store.DB, k Kind, opt Options) Result {
	t.Helper()
	res, err := Take(db, k, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestTakeWritesACheckedSnapshot(t *testing.T) {
	db, _ := ledger(t)
	res := mustTake(t, db, Daily, Options{})
	if filepath.Dir(res.Path) != filepath.Join(filepath.Dir(db.Path()), "备份") {
		t.Fatalf("backup in %s, want the 备份 folder beside the data file", res.Path)
	}
	if want := "台账-20261127-170000-start.db"; filepath.Base(res.Path) != want {
		t.Errorf("name %s, want %s", filepath.Base(res.Path), want)
	}
	if err := Intact(res.Path); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(res.Path); fi.Mode().Perm() != 0o600 && os.Getenv("GOOS") != "windows" {
		t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
	}
	snap, err := store.Open(res.Path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	got, err := snap.Check()
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("snapshot checks as %v, ledger as %v", got, want)
	}
	if b, ok := NewestGood(db.Path()); !ok || b.Path != res.Path || b.Kind != Daily {
		t.Errorf("NewestGood = %+v %v, want %s", b, ok, res.Path)
	}
}

func TestDailyBackupOncePerBeijingDay(t *testing.T) {
	db, clk := ledger(t)
	clk.t = time.Date(2026, 11, 28, 8, 0, 0, 0, store.Beijing)
	if _, taken, err := TakeDaily(db, Options{}); err != nil || !taken {
		t.Fatalf("first start of the day: taken=%v err=%v", taken, err)
	}
	clk.t = clk.t.Add(15 * time.Hour) // 23:00 the same day
	if res, taken, err := TakeDaily(db, Options{}); err != nil || taken || res.Path == "" {
		t.Fatalf("second start the same day: taken=%v err=%v path=%q", taken, err, res.Path)
	}
	clk.t = clk.t.Add(2 * time.Hour) // 01:00 the next day, 17:00 UTC the same day
	if _, taken, err := TakeDaily(db, Options{}); err != nil || !taken {
		t.Fatalf("first start of the next Beijing day: taken=%v err=%v", taken, err)
	}
	list, _ := List(db.Path())
	if len(list) != 2 {
		t.Errorf("%d backups, want 2", len(list))
	}
}

func TestRotationKeepsSevenDaysAndTwelveMonths(t *testing.T) {
	db, clk := ledger(t)
	start := time.Date(2026, 11, 28, 9, 0, 0, 0, store.Beijing)
	// An export a day for 400 days, and on the last ten a start backup an
	// hour before it.
	for d := 0; d < 400; d++ {
		clk.t = start.AddDate(0, 0, d)
		if d >= 390 {
			mustTake(t, db, Daily, Options{})
		}
		clk.t = clk.t.Add(time.Hour)
		mustTake(t, db, Export, Options{})
	}
	list, err := List(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range list {
		names = append(names, b.Taken.Format("2006-01-02 15")+string(b.Kind))
	}
	// Each day's newest is its export; keep the last 7 days' and the
	// newest of each of the last 12 months (the month's last day, or the
	// last day backed up).
	last := start.AddDate(0, 0, 399)
	keep := map[string]bool{}
	for d := 0; d < KeepDays; d++ {
		keep[last.AddDate(0, 0, -d).Format("2006-01-02")] = true
	}
	for m := 0; m < KeepMonths; m++ {
		end := time.Date(last.Year(), last.Month()-time.Month(m)+1, 0, 9, 0, 0, 0, store.Beijing)
		if end.After(last) {
			end = last
		}
		keep[end.Format("2006-01-02")] = true
	}
	var want []string
	for d := 0; d < 400; d++ {
		if day := last.AddDate(0, 0, -d); keep[day.Format("2006-01-02")] {
			want = append(want, day.Add(time.Hour).Format("2006-01-02 15")+string(Export))
		}
	}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("kept\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	files, _ := os.ReadDir(Dir(db.Path()))
	if len(files) != 2*len(want) {
		t.Errorf("%d files in the folder, want each kept backup and its .sha256 (%d)", len(files), 2*len(want))
	}
}

func TestSecondLocation(t *testing.T) {
	db, _ := ledger(t)
	stick := t.TempDir()
	res := mustTake(t, db, Export, Options{Copy: stick})
	if res.CopyErr != nil || filepath.Dir(res.CopyPath) != stick {
		t.Fatalf("copy %q err %v", res.CopyPath, res.CopyErr)
	}
	if err := Intact(res.CopyPath); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(res.Path)
	b, _ := os.ReadFile(res.CopyPath)
	if !bytes.Equal(a, b) {
		t.Error("the copy on the stick differs from the backup")
	}
	res = mustTake(t, db, Daily, Options{Copy: filepath.Join(stick, "拔掉了")})
	if res.CopyErr == nil || !strings.Contains(res.CopyErr.Error(), "不可用") {
		t.Errorf("stick missing: CopyErr = %v", res.CopyErr)
	}
	if Intact(res.Path) != nil {
		t.Error("the backup on the PC must stand when the stick is missing")
	}
}

// A full disk at any step of a backup leaves no file under a backup's name
// and says so; the ledger is untouched.
func TestBackupOnAFullDisk(t *testing.T) {
	db, _ := ledger(t)
	mustTake(t, db, Daily, Options{}) // the folder exists
	before, _ := List(db.Path())
	for at := 1; ; at++ {
		ffs := &bundle.FaultFS{At: at, Err: syscall.ENOSPC}
		_, err := Take(db, Export, Options{FS: ffs})
		if ffs.Steps < at {
			if err != nil {
				t.Fatalf("no fault injected, yet: %v", err)
			}
			break
		}
		if err == nil {
			t.Fatalf("step %d (%s) failed but Take succeeded", at, ffs.Log[at-1])
		}
		if !strings.Contains(err.Error(), "台账本身没有受影响") {
			t.Errorf("step %d: message %q", at, err)
		}
		after, _ := List(db.Path())
		if len(after) != len(before) {
			t.Fatalf("step %d (%s): %d backups, want %d", at, ffs.Log[at-1], len(after), len(before))
		}
		leftovers, _ := filepath.Glob(filepath.Join(Dir(db.Path()), "*.tmp"))
		if len(leftovers) > 0 {
			t.Fatalf("step %d left %v", at, leftovers)
		}
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreChecksAndKeepsTheReplacedFile(t *testing.T) {
	db, clk := ledger(t)
	res := mustTake(t, db, Daily, Options{})
	want, _ := db.Check()
	dbPath := db.Path()
	// A record after the backup: restoring goes back before it, and the
	// replaced file keeps it.
	ops, _ := db.Operators()
	clk.t = clk.t.Add(time.Hour)
	if _, err := db.AddRefusal(ops[0], store.RefusalInput{Requester: "潞州区某局", RequesterKind: "单位",
		Item: "创卫迎检台账", Reason: store.DepartmentsDuty}); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(res.Path, dbPath, clk.t); err == nil || !errors.As(err, new(*store.LockedError)) {
		t.Fatalf("restore while the ledger is open: %v, want a LockedError", err)
	}
	current, _ := os.ReadFile(dbPath)
	db.Close()
	got, err := Restore(res.Path, dbPath, clk.t)
	if err != nil {
		t.Fatal(err)
	}
	if got.Report != want {
		t.Errorf("restored file checks as %v, want %v", got.Report, want)
	}
	aside, err := os.ReadFile(got.Aside)
	if err != nil || !bytes.Equal(aside, current) {
		t.Fatalf("the replaced file was not kept byte for byte at %q: %v", got.Aside, err)
	}
	if !strings.Contains(filepath.Base(got.Aside), "恢复前-20261127") {
		t.Errorf("aside name %s is not dated", got.Aside)
	}
	restored, _ := os.ReadFile(dbPath)
	backup, _ := os.ReadFile(res.Path)
	if !bytes.Equal(restored, backup) {
		t.Error("the data file is not the backup")
	}
}

func TestRestoreRefusesADamagedBackup(t *testing.T) {
	db, clk := ledger(t)
	res := mustTake(t, db, Daily, Options{})
	db.Close()
	b, _ := os.ReadFile(res.Path)
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(res.Path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	current, _ := os.ReadFile(db.Path())
	_, err := Restore(res.Path, db.Path(), clk.t)
	if err == nil || !strings.Contains(err.Error(), "已损坏") {
		t.Fatalf("restore of a damaged backup: %v", err)
	}
	after, _ := os.ReadFile(db.Path())
	if !bytes.Equal(after, current) {
		t.Error("a refused restore changed the data file")
	}
	if _, ok := NewestGood(db.Path()); ok {
		t.Error("NewestGood named a backup that no longer matches its checksum")
	}
	// Without its .sha256, damage is found by the check of the copy.
	b[len(b)/2] ^= 0x40
	os.WriteFile(res.Path, b, 0o600)
	os.Remove(sumName(res.Path))
	storetest.EditFirstJSON(t, res.Path, "operators", "name", "篡改") // a ledger keeps certificates as states, not JSON
	if _, err := Restore(res.Path, db.Path(), clk.t); err == nil || !strings.Contains(err.Error(), "没有通过核对") {
		t.Errorf("a backup that fails check was restored: %v", err)
	}
	if after, _ := os.ReadFile(db.Path()); !bytes.Equal(after, current) {
		t.Error("a refused restore changed the data file")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db.Path()), ".*")); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

func TestMain(m *testing.M) {
	store.RunGuardIfChild()
	os.Exit(m.Run())
}

// A backup damaged so that reading it would crash the program (a page
// that is its own child) and without its .sha256 is refused by Guard's
// child process, and the data file stays as it was.
func TestRestoreRefusesABackupThatWouldCrash(t *testing.T) {
	db, clk := ledger(t)
	res := mustTake(t, db, Daily, Options{})
	db.Close()
	bad := storetest.DamagedCopy(t, res.Path, "带回的备份.db", storetest.RootLoop)
	current, _ := os.ReadFile(db.Path())
	_, err := Restore(bad, db.Path(), clk.t)
	if err == nil || !strings.Contains(err.Error(), "备份文件已损坏") {
		t.Fatalf("restore of a backup that would crash: %v", err)
	}
	if after, _ := os.ReadFile(db.Path()); !bytes.Equal(after, current) {
		t.Error("a refused restore changed the data file")
	}
}
