package oldledger

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taizhang/store"
	"taizhang/store/storetest"
)

// Environment of the child of TestCrashWhileImporting: the ledger and the
// old ledger it imports.
const (
	envImportDB   = "TAIZHANG_CRASH_IMPORT_DB"
	envImportFile = "TAIZHANG_CRASH_IMPORT_FILE"
)

func TestMain(m *testing.M) {
	if db := os.Getenv(envImportDB); db != "" {
		os.Exit(importChild(db, os.Getenv(envImportFile)))
	}
	os.Exit(m.Run())
}

// importChild imports file into the ledger at path, printing its progress
// and, once Import has returned, how many it imported.
func importChild(path, file string) int {
	db, err := store.Open(path, store.Options{Now: func() time.Time { return today }})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer db.Close()
	opt := Options{Apply: true, Progress: func(done, total int) { fmt.Printf("read %d\n", done) }}
	rep, err := Import(db, file, opt)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	fmt.Printf("done %d\n", rep.Valid)
	return 0
}

// A PC that loses power during an import keeps the ledger as it was or
// with the whole file imported, never part of it: the child imports a
// sample ledger into a fresh copy of an empty ledger each round and is
// killed with SIGKILL at a random moment; then the ledger checks, holds
// none or all of the rows (all once the child said so), and importing
// again completes it. The default run kills a few times; the full one is
//
//	TAIZHANG_CRASH_KILLS=100 go test -count=1 -run TestCrashWhileImporting ./store/oldledger/
func TestCrashWhileImporting(t *testing.T) {
	kills := storetest.CrashKills(t, 6, 3)
	rng := storetest.CrashRand(t)
	dir := t.TempDir()
	const rows = 5000
	file := filepath.Join(dir, "旧台账.csv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeSample(f, rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	template := filepath.Join(dir, "empty.db")
	db, _ := newLedger(t, filepath.Dir(template), store.Options{})
	db.Close()
	if err := os.Rename(db.Path(), template); err != nil {
		t.Fatal(err)
	}
	empty := storetest.StateOf(t, template)

	round := func(n int, run func(*storetest.Child) []string) {
		t.Helper()
		path := filepath.Join(dir, fmt.Sprintf("round%d", n), "taizhang.db")
		copyFile(t, template, path)
		child := storetest.StartChild(t, store.Clock, envImportDB+"="+path, envImportFile+"="+file)
		lines := run(child)
		said := strings.HasPrefix(lines[len(lines)-1], "done ")
		db, err := store.Open(path, store.Options{Now: func() time.Time { return today }})
		if err != nil {
			t.Fatalf("kill %d: the ledger does not open: %v", n, err)
		}
		defer db.Close()
		if _, err := db.Check(); err != nil {
			t.Fatalf("kill %d: %v", n, err)
		}
		switch got := db.CertCount(); {
		case got == 0 && !said:
			if st := storetest.StateOf(t, path); st.Sum != empty.Sum {
				t.Fatalf("kill %d: the ledger holds no import but is not as it was", n)
			}
		case got != rows || said && lines[len(lines)-1] != fmt.Sprintf("done %d", rows):
			t.Fatalf("kill %d: the ledger holds %d of %d rows; the child said %q", n, got, rows, lines[len(lines)-1])
		}
		rep, err := Import(db, file, options(t, true))
		if err != nil || rep.Valid+rep.Already != rows || db.CertCount() != rows {
			t.Fatalf("kill %d: importing again: %v, %d new and %d before, %d in the ledger", n, err, rep.Valid, rep.Already, db.CertCount())
		}
	}
	// The first child runs through, to time the phases the others are
	// killed in: opening, each stretch of rows read, and the end.
	var phases []time.Duration
	round(1, func(c *storetest.Child) []string {
		var lines []string
		lines, phases = c.Timed(-1)
		if _, err := c.Wait(); err != nil {
			t.Fatal(err)
		}
		return append([]string{""}, lines...)
	})
	for n := 2; n <= kills; n++ {
		round(n, func(c *storetest.Child) []string { return append([]string{""}, c.KillIn(t, rng, phases)...) })
	}
	t.Logf("%d kills; phases %v", kills, phases)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
