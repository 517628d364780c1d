package aggregate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"filippo.io/age"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
	"taizhang/store/bundle"
	"taizhang/store/storetest"
)

// The child process of TestCrashDuringApply: it takes the stick into the
// aggregate file and is killed on the way.
const (
	envChildDB    = "TAIZHANG_AGG_CHILD_DB"
	envChildStick = "TAIZHANG_AGG_CHILD_STICK"
	envChildKey   = "TAIZHANG_AGG_CHILD_KEY"
)

// runChild is the child's work (see TestMain): it prints the manifest hash
// of each bundle taken in, once its transaction has returned.
func runChild() int {
	id, err := age.ParseX25519Identity(os.Getenv(envChildKey))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	db, err := aggregate.Open(os.Getenv(envChildDB), aggregate.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer db.Close()
	dirs, _, err := aggregate.FindBundles([]string{os.Getenv(envChildStick)})
	if err == nil {
		report := func(o aggregate.Outcome) {
			if o.Status == aggregate.Added {
				fmt.Println(o.Hash)
			}
		}
		_, err = db.Receive(dirs, aggregate.ReceiveOptions{Identity: []age.Identity{id}, Apply: true, Report: report})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A receiving PC that dies (killed with SIGKILL, at random moments: while
// it starts, and while it takes in each bundle) while it takes a stick in
// leaves the aggregate file with whole bundles only: it opens, checks, holds
// exactly what receiving those bundles gives, and receiving the stick
// again completes it. The default run kills a few times; the full one is
//
//	TAIZHANG_CRASH_KILLS=250 go test -count=1 -run TestCrashDuringApply ./store/aggregate/
func TestCrashDuringApply(t *testing.T) {
	kills := storetest.CrashKills(t, 5, 1)
	rng := storetest.CrashRand(t)
	f := aggtest.Build(t)
	full, _ := aggtest.NewAggregate(t)
	receive(t, full, f.Options(true), f.Stick)
	want := snapshot(t, full)

	byHash := bundlesByHash(t, f.Stick)
	var phases []time.Duration // of the first run, which runs through
	start := time.Now()
	for round := 0; round <= kills; round++ {
		path := filepath.Join(t.TempDir(), "汇总.db")
		db, err := aggregate.Create(path, aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		child := storetest.StartChild(t, store.Clock, envChildDB+"="+path, envChildStick+"="+f.Stick, envChildKey+"="+f.Identity.String())
		var added []string // what the child said it took in
		if round == 0 {
			added, phases = child.Timed(-1)
			if _, err := child.Wait(); err != nil {
				t.Fatal(err)
			}
		} else {
			added = child.KillIn(t, rng, phases)
		}

		db, err = aggregate.Open(path, aggregate.Options{})
		if err != nil {
			t.Fatalf("round %d: the file does not open after the crash: %v", round, err)
		}
		// What it holds is what receiving the bundles it recorded gives.
		var dirs []string
		recorded := map[string]bool{}
		srcs, _ := db.Sources()
		for _, s := range srcs {
			for _, r := range s.Received {
				dirs = append(dirs, byHash[r.Hash])
				recorded[r.Hash] = true
			}
		}
		for _, h := range added {
			if !recorded[h] {
				t.Fatalf("round %d: the bundle with manifest %s was taken in and is lost", round, h)
			}
		}
		ref, _ := aggtest.NewAggregate(t)
		if len(dirs) > 0 {
			receive(t, ref, f.Options(true), dirs...)
		}
		if got, exp := snapshot(t, db), snapshot(t, ref); !reflect.DeepEqual(got, exp) {
			t.Errorf("round %d: after the crash (%d bundles recorded) the file holds %+v, those bundles give %+v", round, len(dirs), got, exp)
		}
		receive(t, db, f.Options(true), f.Stick)
		if got := snapshot(t, db); !reflect.DeepEqual(got, want) {
			t.Errorf("round %d: completed, the file holds %+v, want %+v", round, got, want)
		}
		db.Close()
		t.Logf("round %d: %d of 12 bundles taken in when the child stopped", round, len(dirs))
	}
	t.Logf("%d kills in %v; phases %v", kills, time.Since(start).Round(time.Millisecond), phases)
}

// state is what a file holds, for comparing two files.
type state struct {
	Check aggregate.CheckReport
	Year  map[string][3]int
}

func snapshot(t *testing.T, db *aggregate.DB) state {
	t.Helper()
	st := state{Check: mustCheck(t, db), Year: map[string][3]int{}}
	sum, err := db.Summary(aggregate.Period{From: "2026-01", To: "2026-12"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sum.Lines {
		st.Year[l.Community] = [3]int{l.ValidTotal(), l.VoidedTotal(), l.RefusalTotal()}
	}
	return st
}

// bundlesByHash maps each manifest hash on the stick to its folder.
func bundlesByHash(t *testing.T, stick string) map[string]string {
	t.Helper()
	dirs, _, err := aggregate.FindBundles([]string{stick})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(d, bundle.ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		out[bundle.HashManifest(raw)] = d
	}
	return out
}
