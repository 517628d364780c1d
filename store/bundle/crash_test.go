package bundle

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"filippo.io/age"

	"taizhang/store"
	"taizhang/store/storetest"
)

// The child of TestCrashDuringExport: it exports November of the ledger
// to the stick, as `taizhang export` does, and is killed on the way.
const (
	envExportChild = "TAIZHANG_CRASH_EXPORT_DB"
	envExportStick = "TAIZHANG_CRASH_EXPORT_STICK"
	envExportKey   = "TAIZHANG_CRASH_EXPORT_KEY"
)

// exportChild is the child's work (see TestMain): it prints a line after
// each file written (Progress) and one when Export returned.
func exportChild() int {
	db, err := store.Open(os.Getenv(envExportChild), store.Options{Now: (&clock{exportDay}).now})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer db.Close()
	progress := func(done, _ int64) { fmt.Println("file", done) }
	res, err := exportNovember(db, os.Getenv(envExportStick), os.Getenv(envExportKey), progress)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("exported", res.Path)
	return 0
}

func exportNovember(db *store.DB, stick, key string, progress func(done, total int64)) (Result, error) {
	ops, err := db.Operators()
	if err != nil {
		return Result{}, err
	}
	return Export(db, ops[0], "2026-11", stick, ExportOptions{Recipient: key, Progress: progress})
}

// An export killed (SIGKILL, at random moments) leaves no bundle on the
// stick that verifies unless the ledger recorded it; the ledger opens and
// checks; and exporting again completes a bundle that verifies. The kills
// fall evenly into the phases of an export: before the first file is
// written, while each of the files is written, and after the last (the
// read-back, the record, naming the manifest). Every other round
// encrypts. The default run kills a few times; the full one is
//
//	TAIZHANG_CRASH_KILLS=250 go test -count=1 -timeout 30m -run TestCrashDuringExport ./store/bundle/
func TestCrashDuringExport(t *testing.T) {
	kills := storetest.CrashKills(t, 6, 2)
	rng := storetest.CrashRand(t)
	office, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var phases []time.Duration // of the first export, which runs through
	left := map[string]int{}   // what the kills left on the stick, for the log
	start := time.Now()
	for round := 0; round <= kills; round++ {
		dir := t.TempDir()
		path, stick := filepath.Join(dir, "ledger.db"), filepath.Join(dir, "U盘")
		copyTo(t, template(t), path)
		if err := os.Mkdir(stick, 0o700); err != nil {
			t.Fatal(err)
		}
		key := ""
		if round%2 == 1 {
			key = office.Recipient().String()
		}
		child := storetest.StartChild(t, store.Clock, envExportChild+"="+path, envExportStick+"="+stick, envExportKey+"="+key)
		if round == 0 {
			_, phases = child.Timed(-1)
			if _, err := child.Wait(); err != nil {
				t.Fatal(err)
			}
		} else {
			child.KillIn(t, rng, phases)
		}
		complete, partial := stickState(t, round, path, stick, office)
		left[fmt.Sprintf("%d complete, %d partial", len(complete), partial)]++

		db := reopen(t, path)
		res, err := exportNovember(db, stick, key, nil)
		if err != nil {
			t.Fatalf("round %d: exporting again: %v", round, err)
		}
		db.Close()
		if complete, _ := stickState(t, round, path, stick, office); !slices.Contains(complete, filepath.Base(res.Path)) {
			t.Fatalf("round %d: the bundle exported again, %s, does not verify", round, res.Path)
		}
	}
	t.Logf("%d kills in %v, an export's phases %v; the kills left: %v", kills, time.Since(start).Round(time.Millisecond), phases, left)
}

// stickState checks the ledger (it opens and checks) and the stick: a
// folder on it that verifies is a bundle the ledger recorded. It returns
// the folders that verify and counts those that do not.
func stickState(t *testing.T, round int, path, stick string, office *age.X25519Identity) (complete []string, partial int) {
	t.Helper()
	db, err := store.Open(path, store.Options{Now: (&clock{exportDay}).now})
	if err != nil {
		t.Fatalf("round %d: the ledger does not open: %v", round, err)
	}
	defer db.Close()
	if _, err := db.Check(); err != nil {
		t.Fatalf("round %d: check: %v", round, err)
	}
	exports, err := db.Exports()
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]string{}
	for _, r := range exports {
		recorded[r.Bundle] = r.ManifestHash
	}
	entries, err := os.ReadDir(stick)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		rep, err := Verify(filepath.Join(stick, e.Name()), VerifyOptions{Identity: []age.Identity{office}})
		switch {
		case err != nil:
			partial++
		case recorded[e.Name()] != rep.ManifestHash:
			t.Fatalf("round %d: %s verifies, but the ledger did not record it (exports: %+v)", round, e.Name(), exports)
		default:
			complete = append(complete, e.Name())
		}
	}
	return complete, partial
}
