package aggregate_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"filippo.io/age"

	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
	"taizhang/store/bundle"
)

// The child process of TestCrashDuringApply: it takes the stick into the
// aggregate file and is killed on the way.
const (
	envChildDB    = "TAIZHANG_AGG_CHILD_DB"
	envChildStick = "TAIZHANG_AGG_CHILD_STICK"
	envChildKey   = "TAIZHANG_AGG_CHILD_KEY"
)

// runChild is the child's work (see TestMain).
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
		_, err = db.Receive(dirs, aggregate.ReceiveOptions{Identity: []age.Identity{id}, Apply: true})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// A receiving PC that dies (killed with SIGKILL, at random moments) while
// it takes a stick in leaves the aggregate file with whole bundles only:
// it checks, it holds exactly what receiving those bundles gives, and
// receiving the stick again completes it.
func TestCrashDuringApply(t *testing.T) {
	f := aggtest.Build(t)
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	full, _ := aggtest.NewAggregate(t)
	receive(t, full, f.Options(true), f.Stick)
	want := snapshot(t, full)

	byHash := bundlesByHash(t, f.Stick)
	took := time.Duration(0)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for round := 0; round < rounds; round++ {
		path := filepath.Join(t.TempDir(), "汇总.db")
		db, err := aggregate.Create(path, aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChildDB+"="+path, envChildStick+"="+f.Stick, envChildKey+"="+f.Identity.String())
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if round == 0 { // the first runs through, to time a whole run
			if err := cmd.Wait(); err != nil {
				t.Fatalf("child: %v", err)
			}
			took = time.Since(start)
		} else {
			time.Sleep(time.Duration(rng.Int64N(int64(took))))
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}

		db, err = aggregate.Open(path, aggregate.Options{})
		if err != nil {
			t.Fatalf("round %d: the file does not open after the crash: %v", round, err)
		}
		// What it holds is what receiving the bundles it recorded gives.
		var dirs []string
		srcs, _ := db.Sources()
		for _, s := range srcs {
			for _, r := range s.Received {
				dirs = append(dirs, byHash[r.Hash])
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
