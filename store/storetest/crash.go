package storetest

// Crash tests run the test binary again as a child process (its TestMain
// sees an environment variable and does the child's work instead of the
// tests), kill the child with SIGKILL at random moments and check what the
// file it wrote holds. `go test ./...` kills a few times; the full run is
//
//	TAIZHANG_CRASH_KILLS=250 go test -count=1 -timeout 30m -run Crash ./store/...
//
// and TAIZHANG_CRASH_SEED=n repeats the random choices of a failed run (each
// test logs its seed).

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment variables of the crash tests.
const (
	EnvCrashKills = "TAIZHANG_CRASH_KILLS"
	EnvCrashSeed  = "TAIZHANG_CRASH_SEED"
)

// CrashKills is how many times a crash test kills its child:
// $TAIZHANG_CRASH_KILLS when set, else def, or short under -short. It skips
// the test on Windows.
func CrashKills(t testing.TB, def, short int) int {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the crash tests kill their child with SIGKILL, a Unix signal; on Windows Process.Kill is TerminateProcess, which these tests have not been run against (they run in the Linux CI)")
	}
	if s := os.Getenv(EnvCrashKills); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a number of kills", EnvCrashKills, s)
		}
		return n
	}
	if testing.Short() {
		return short
	}
	return def
}

// CrashRand is the random source of a crash test's kill moments, seeded from
// $TAIZHANG_CRASH_SEED or at random; the seed is logged.
func CrashRand(t testing.TB) *rand.Rand {
	t.Helper()
	seed := rand.Uint64()
	if s := os.Getenv(EnvCrashSeed); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: want a number", EnvCrashSeed, s)
		}
	}
	t.Logf("%s=%d", EnvCrashSeed, seed)
	return rand.New(rand.NewPCG(seed, 12))
}

// Between is a random duration in [lo, hi).
func Between(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(rng.Int64N(int64(hi-lo)))
}

// Child is the test binary running as a crash test's child.
type Child struct {
	clock  func() time.Time // the test's clock: phases are differences of it
	start  time.Time
	cmd    *exec.Cmd
	lines  chan line
	stderr bytes.Buffer
	once   sync.Once
	err    error
}

// StartChild runs the test binary again with env added ("NAME=value"; the
// package's TestMain looks for it) and with its temp folder under the
// test's, so what a killed child leaves there is cleaned up. The child's
// stdout is read line by line (Next); clock stamps when each line came.
func StartChild(t testing.TB, clock func() time.Time, env ...string) *Child {
	t.Helper()
	c := &Child{clock: clock, lines: make(chan line, 1024)}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	tmp := t.TempDir()
	c.cmd.Env = append(append(os.Environ(), "TMPDIR="+tmp, "TMP="+tmp, "TEMP="+tmp), env...)
	c.cmd.Stderr = &c.stderr
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c.start = clock()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.lines <- line{sc.Text(), clock()}
		}
	}()
	return c
}

// line is a line of the child's output and when it was read.
type line struct {
	text string
	at   time.Time
}

// Next waits for the child's next line of output; false once the child
// has closed its stdout (ended).
func (c *Child) Next() (string, bool) {
	l, ok := <-c.lines
	return l.text, ok
}

// Timed reads n lines (all, to the child's end, when n < 0) and returns
// them with the phases they took: phase 0 from the child's start to its
// first line, phase i from line i to the next (or to the end).
func (c *Child) Timed(n int) (lines []string, phases []time.Duration) {
	last := c.start
	for n < 0 || len(lines) < n {
		l, ok := <-c.lines
		if !ok {
			phases = append(phases, c.clock().Sub(last))
			break
		}
		phases = append(phases, l.at.Sub(last))
		last = l.at
		lines = append(lines, l.text)
	}
	return lines, phases
}

// KillIn kills the child at a random moment of a phase chosen at random,
// phases being those of a child that ran through (Timed): it waits for the
// phase's first line, then up to the time the phase took. It returns every
// line the child printed. A child that ended by itself before the kill
// must have succeeded, and the phase it outlived is shortened in phases to
// the time waited, so that later kills fall within the run (the timed run,
// the first, is the slowest).
func (c *Child) KillIn(t testing.TB, rng *rand.Rand, phases []time.Duration) []string {
	t.Helper()
	phase := rng.IntN(len(phases))
	var lines []string
	for len(lines) < phase {
		l, ok := c.Next()
		if !ok {
			break
		}
		lines = append(lines, l)
	}
	wait := Between(rng, 0, phases[phase])
	time.Sleep(wait)
	lines = append(lines, c.Kill()...)
	if st := c.cmd.ProcessState; st.Exited() { // not by the signal
		if _, err := c.Wait(); err != nil {
			t.Fatal(err)
		}
		phases[phase] = wait
	}
	return lines
}

// Kill kills the child with SIGKILL, waits for it to end and returns the
// lines it printed that Next has not returned: whatever it wrote before it
// died is still in the pipe.
func (c *Child) Kill() []string {
	_ = c.cmd.Process.Kill()
	rest, _ := c.Wait()
	return rest
}

// Wait waits for the child to end and returns the lines Next has not
// returned, and an error (with what it wrote to stderr) if it failed.
func (c *Child) Wait() ([]string, error) {
	var rest []string
	for l := range c.lines {
		rest = append(rest, l.text)
	}
	c.once.Do(func() {
		if err := c.cmd.Wait(); err != nil {
			c.err = fmt.Errorf("child: %v: %s", err, strings.TrimSpace(c.stderr.String()))
		}
	})
	return rest, c.err
}
