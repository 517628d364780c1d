package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"taizhang/store"
	"taizhang/store/bundle"
	"taizhang/store/certindex"
	"taizhang/store/demo"
	"taizhang/ui/certs"
)

// Each timed taizhang job runs in a child process of this program (the
// same executable with childEnv set), so that its memory peak is its own,
// the old-PC environment applies to it alone, and a "cold" lookup pays for
// the process start, the open and the index as the program does.
const childEnv = "TAIZHANG_BENCH_CHILD"

// profileEnv names the file a child writes its CPU profile to (--profile).
const profileEnv = "TAIZHANG_BENCH_CPUPROFILE"

// firstRows is how many rows of the hits the 证明 screen reads with the
// answer at 80×24: two pages of 21 lines (certs.Model.runSearch).
const firstRows = 42

// childResult is what a child prints, one JSON object.
type childResult struct {
	Imported int     `json:"imported,omitempty"`
	Rejected int     `json:"rejected,omitempty"`
	Seconds  float64 `json:"seconds,omitempty"` // the timed work
	PeakRSS  int64   `json:"peak_rss,omitempty"`
	Open     float64 `json:"open,omitempty"`
	Build    float64 `json:"build,omitempty"`  // the search index opened: read and caught up, or built
	Loaded   bool    `json:"loaded,omitempty"` // read from beside the ledger, not built
	Hits     int     `json:"hits"`
	Runs     int     `json:"runs,omitempty"`
	// cpu is the whole child process's CPU time, which the parent reads.
	cpu time.Duration
}

// childMain runs the job named by mode with args and prints its result.
//
//	import DB CSV                  a fresh ledger, then the importer with Apply
//	cold DB search|export Q DIR    open, (index,) one lookup; Seconds is the lookup
//	warm DB search|export Q DIR    the lookup repeated on an open ledger; Seconds per lookup
//
// An export writes a new file in DIR each time (see monthLookup).
func childMain(mode string, args []string, out io.Writer) error {
	if path := os.Getenv(profileEnv); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	var res childResult
	var err error
	switch {
	case mode == "import" && len(args) == 2:
		res, err = childImport(args[0], args[1])
	case (mode == "cold" || mode == "warm") && len(args) == 4:
		res, err = childLookup(mode == "warm", args[0], args[1], args[2], args[3])
	default:
		err = fmt.Errorf("child: bad job %s %q", mode, args)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(res)
}

// benchClock is the ledger's clock: a fixed day after the generated years,
// so that every run sees the same ledger.
func benchClock() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, store.Beijing) }

func childImport(dbPath, csvPath string) (childResult, error) {
	var res childResult
	db, err := store.Open(dbPath, store.Options{Now: benchClock})
	if err != nil {
		return res, err
	}
	if _, _, err := db.Setup(demo.Profile(), "李红梅", false); err != nil {
		db.Close()
		return res, err
	}
	start := startWatch()
	res.Imported, res.Rejected, err = importLedger(db, csvPath)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	res.Seconds = start.elapsed().Seconds()
	res.PeakRSS = peakRSS()
	return res, err
}

// peakRSS is this process's peak resident set (VmHWM), 0 where /proc is
// not there to say it.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// childLookup opens the ledger as the program does and runs one lookup:
// a search as the 证明 screen runs it (its index opened first, as the
// screen does when it opens: read from beside the ledger and caught up,
// or built; then written beside it if the screen would, after the timing),
// or one month written as CSV.
func childLookup(warm bool, dbPath, what, q, outDir string) (childResult, error) {
	var res childResult
	start := startWatch()
	db, err := store.Open(dbPath, store.Options{Now: benchClock})
	if err != nil {
		return res, err
	}
	defer db.Close()
	res.Open = start.elapsed().Seconds()
	var run func() (int, error)
	switch what {
	case "search":
		t := startWatch()
		ix, err := certs.OpenIndex(db)
		if err != nil {
			return res, err
		}
		res.Build = t.elapsed().Seconds()
		res.Loaded = ix.LoadError() == nil
		defer certs.SettleIndex(db, ix)
		run = func() (int, error) { return find(db, ix, q), nil }
	case "export":
		n := 0
		run = func() (int, error) {
			n++
			return exportMonth(db, q, filepath.Join(outDir, fmt.Sprintf("月-%d.csv", n)))
		}
	default:
		return res, fmt.Errorf("child: no lookup %q", what)
	}
	if !warm {
		t := startWatch()
		res.Hits, err = run()
		res.Seconds = t.elapsed().Seconds()
		return res, err
	}
	res.Seconds, res.Runs, res.Hits, err = repeat(run)
	return res, err
}

// find is one search of the 证明 screen: all hits, newest first, and the
// rows of the first two pages.
func find(db *store.DB, ix *certindex.Index, q string) int {
	ids, _ := certs.Find(db, ix, q, firstRows)
	return len(ids)
}

// repeat times run after a first call: batches of at least 50 ms, and the
// median batch's time per call.
func repeat(run func() (int, error)) (per float64, runs, hits int, err error) {
	if hits, err = run(); err != nil {
		return 0, 0, 0, err
	}
	var batches []float64
	for range 5 {
		n, start := 0, startWatch()
		for n == 0 || start.elapsed() < 50*time.Millisecond {
			if _, err := run(); err != nil {
				return 0, 0, 0, err
			}
			n++
		}
		runs += n
		batches = append(batches, start.elapsed().Seconds()/float64(n))
		runtime.GC() // between batches, as the program is idle between searches
	}
	return median(batches), runs, hits, nil
}

// exportMonth writes one month's certificates (2022-06) to path as CSV, as
// the month's register: each certificate read whole, oldest first, in one
// read of the store (MonthCertificates), cells neutralised as the export
// bundle's CSV files are. It returns the number of rows.
func exportMonth(db *store.DB, month, path string) (int, error) {
	t, err := store.ParseMonth(month)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	bw.WriteString("\uFEFF")
	w := csv.NewWriter(bw)
	w.UseCRLF = true
	w.Write([]string{"编号", "开具日期", "姓名", "身份证号", "证明类型", "用途", "住址", "经办人", "核实情况", "状态"})
	rec := make([]string, 10)
	n := 0
	err = db.MonthCertificates(t.Year(), t.Month(), func(c store.Certificate) error {
		for j, v := range [...]string{c.Serial, c.IssueDate, c.Name, c.IDNumber, c.TypeName, c.Purpose, c.Address, c.OperatorName, c.Verified, string(c.Status)} {
			rec[j] = bundle.Neutralise(v)
		}
		n++
		return w.Write(rec)
	})
	if err != nil {
		f.Close()
		return 0, err
	}
	w.Flush()
	err = errors.Join(w.Error(), bw.Flush(), f.Close())
	return n, err
}
