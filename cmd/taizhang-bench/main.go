// Command taizhang-bench measures taizhang against the sqlite3 command-line
// program on one machine and one input: it generates an office's old
// ledger as CSV (100,000 rows by default), imports it into a fresh ledger
// and, where sqlite3 is on PATH, into an sqlite3 table with the indexes a
// lookup needs; then runs an ID-number suffix search, a name search and a
// month written as CSV on both, and prints the times, their ratios against
// the targets, the bytes on disk per certificate and the import's peak
// memory.
//
//	taizhang-bench [--rows 100000] [--seed 1] [--keep DIR] [--repeat 3] [--old-pc] [--sqlite sqlite3] [--profile DIR]
//
// --old-pc runs taizhang's side as on an old office PC (GOMAXPROCS=1
// GOMEMLIMIT=1GiB) against twice the targets.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

func main() {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := childMain(mode, os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	rows    int
	seed    uint64
	keep    string
	repeat  int
	oldPC   bool
	sqlite  string
	profile string
}

// oldPCEnv is an old office PC: one core, and a memory limit.
var oldPCEnv = []string{"GOMAXPROCS=1", "GOMEMLIMIT=1GiB"}

func run(args []string, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("taizhang-bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	var o options
	fs.IntVar(&o.rows, "rows", 100_000, "生成的旧台账行数")
	fs.Uint64Var(&o.seed, "seed", 1, "随机种子（同一种子生成同一文件）")
	fs.StringVar(&o.keep, "keep", "", "把生成的文件留在这个文件夹（不给则用临时文件夹，结束后删除）")
	fs.IntVar(&o.repeat, "repeat", 3, "每项计时重复几次，取中位数")
	fs.BoolVar(&o.oldPC, "old-pc", false, "老电脑模式：taizhang 一侧以 GOMAXPROCS=1 GOMEMLIMIT=1GiB 运行，目标放宽一倍")
	fs.StringVar(&o.sqlite, "sqlite", "sqlite3", "对比用的 sqlite3 程序")
	fs.StringVar(&o.profile, "profile", "", "taizhang 一侧每个子进程的 CPU 剖析（pprof）写到这个文件夹")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.rows < 10 || o.repeat < 1 || fs.NArg() > 0 {
		fmt.Fprintln(errOut, "用法：taizhang-bench [--rows 行数（至少10）] [--seed 种子] [--keep 文件夹] [--repeat 次数] [--old-pc] [--sqlite sqlite3]")
		return 2
	}
	if err := bench(o, out, errOut); err != nil {
		fmt.Fprintln(errOut, "出错：", err)
		return 1
	}
	return 0
}

// runner runs the jobs of one benchmark.
type runner struct {
	opt      options
	dir      string
	self     string
	sq       *sqlite3 // nil: the comparison is skipped
	progress io.Writer
	profiles int
}

func bench(o options, out, progress io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir := o.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "taizhang-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return err
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o700); err != nil {
			return err
		}
	}
	if strings.Contains(dir, "'") {
		return fmt.Errorf("文件夹 %s 的名字里有单引号，sqlite3 的命令不便引用，请换一个文件夹", dir)
	}
	r := &runner{opt: o, dir: dir, self: self, sq: findSQLite(o.sqlite), progress: progress}
	rep, err := r.measure()
	if err != nil {
		return err
	}
	rep.print(out)
	return nil
}

// child runs one job in a child process and returns its result and wall time.
func (r *runner) child(mode string, args ...string) (childResult, time.Duration, error) {
	var res childResult
	cmd := exec.Command(r.self, args...)
	cmd.Env = append(os.Environ(), childEnv+"="+mode)
	if r.opt.oldPC {
		cmd.Env = append(cmd.Env, oldPCEnv...)
	}
	if r.opt.profile != "" {
		r.profiles++
		name := fmt.Sprintf("%02d-%s", r.profiles, mode)
		if mode != "import" {
			name += "-" + args[1] // search or export
		}
		cmd.Env = append(cmd.Env, profileEnv+"="+filepath.Join(r.opt.profile, name+".pprof"))
	}
	var errOut strings.Builder
	cmd.Stderr = &errOut
	start := startWatch()
	b, err := cmd.Output()
	wall := start.elapsed()
	if err != nil {
		return res, wall, fmt.Errorf("%s %s：%v %s", mode, strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	res.cpu = cpuOf(cmd.ProcessState)
	return res, wall, json.Unmarshal(b, &res)
}

// cpuOf is the CPU time (user and system) a process that ended used.
func cpuOf(ps *os.ProcessState) time.Duration {
	if ps == nil {
		return 0
	}
	return ps.UserTime() + ps.SystemTime()
}

func (r *runner) say(format string, args ...any) {
	fmt.Fprintf(r.progress, format+"\n", args...)
}

// measure runs everything and gathers the report.
func (r *runner) measure() (*report, error) {
	o := r.opt
	rep := &report{opt: o, machine: machine(), sqlite: r.sq}
	csvPath := filepath.Join(r.dir, "旧台账.csv")
	r.say("生成 %d 行旧台账……", o.rows)
	start := startWatch()
	s, err := generate(csvPath, o.rows, o.seed)
	if err != nil {
		return nil, err
	}
	rep.genTime = start.elapsed()
	rep.sample = s
	if st, err := os.Stat(csvPath); err == nil {
		rep.csvBytes = st.Size()
	}

	tzDB, sqDB, err := r.importBoth(rep, csvPath)
	if err != nil {
		return nil, err
	}
	lookups := []struct {
		label, what, q string
		sql            sqlLookup
	}{
		{fmt.Sprintf("身份证尾号 %s（6位）", s.ID6), "search", s.ID6, idSuffixLookup(s.ID6)},
		{fmt.Sprintf("身份证尾号 %s（4位）", s.ID4), "search", s.ID4, idSuffixLookup(s.ID4)},
		{fmt.Sprintf("姓名 %s", s.Name), "search", s.Name, nameLookup(s.Name)},
		{fmt.Sprintf("%s 整月导出 CSV", s.Month), "export", s.Month, monthLookup(s.Month, filepath.Join(r.dir, "sqlite-导出"))},
	}
	for _, l := range lookups {
		r.say("%s……", l.label)
		m, err := r.lookup(tzDB, sqDB, l.what, l.q, l.sql)
		if err != nil {
			return nil, err
		}
		m.label, m.export = l.label, l.what == "export"
		rep.lookups = append(rep.lookups, m)
	}
	rep.loadEnd = loadAverage()
	return rep, nil
}

// importBoth imports the file repeat times on each side, round by round
// (taizhang, then sqlite3's .import alone and with the indexes), so that
// a machine that slows down or speeds up meanwhile weighs on both sides
// alike. It keeps the last ledger and the indexed database for the
// lookups (sqDB is "" without sqlite3).
func (r *runner) importBoth(rep *report, csvPath string) (tzDB, sqDB string, err error) {
	tzDB = filepath.Join(r.dir, "taizhang.db")
	var tz, tzCPU, plain, sq, sqCPU []time.Duration
	for i := range r.opt.repeat {
		r.say("第 %d 轮：taizhang 导入……", i+1)
		os.Remove(tzDB)
		res, _, err := r.child("import", tzDB, csvPath)
		if err != nil {
			return "", "", err
		}
		tz, tzCPU = append(tz, seconds(res.Seconds)), append(tzCPU, res.cpu)
		rep.imported, rep.rejected = res.Imported, res.Rejected
		rep.peakRSS = max(rep.peakRSS, res.PeakRSS)
		if r.sq == nil {
			continue
		}
		r.say("第 %d 轮：sqlite3 .import，再加索引……", i+1)
		d, _, err := r.sqliteImport(csvPath, false)
		if err != nil {
			return "", "", err
		}
		plain = append(plain, d)
		if d, cpu, err := r.sqliteImport(csvPath, true); err != nil {
			return "", "", err
		} else {
			sq, sqCPU = append(sq, d), append(sqCPU, cpu)
		}
		rep.rounds = append(rep.rounds, float64(tz[i])/float64(sq[i]))
	}
	rep.tzImport, rep.tzImportCPU = medianDuration(tz), medianDuration(tzCPU)
	st, err := os.Stat(tzDB)
	if err != nil {
		return "", "", err
	}
	rep.tzBytes = st.Size()
	if r.sq == nil {
		return tzDB, "", nil
	}
	rep.sqPlain, rep.sqImport, rep.sqImportCPU = medianDuration(plain), medianDuration(sq), medianDuration(sqCPU)
	sqDB = filepath.Join(r.dir, "sqlite.db")
	if st, err = os.Stat(sqDB); err != nil {
		return "", "", err
	}
	rep.sqBytes = st.Size()
	rep.sqRows, err = r.sq.hits(sqDB, sqlLookup{count: "SELECT count(*) FROM ledger;"})
	return tzDB, sqDB, err
}

// sqliteImport runs sqlite3's .import into a new database, with the
// indexes (sqlite.db, kept) or without (removed after).
func (r *runner) sqliteImport(csvPath string, indexes bool) (wall, cpu time.Duration, err error) {
	db := filepath.Join(r.dir, "sqlite-plain.db")
	if indexes {
		db = filepath.Join(r.dir, "sqlite.db")
	}
	os.Remove(db)
	wall, cpu, _, err = r.sq.runCPU(db, importScript(csvPath, indexes))
	if !indexes {
		os.Remove(db)
	}
	return wall, cpu, err
}

// lookup times one lookup on both sides, cold and warm.
func (r *runner) lookup(tzDB, sqDB, what, q string, l sqlLookup) (lookupResult, error) {
	var m lookupResult
	out := filepath.Join(r.dir, "taizhang-导出")
	defer os.RemoveAll(out)
	var colds, walls, opens, builds, queries []time.Duration
	for range r.opt.repeat {
		emptyDir(out)
		res, wall, err := r.child("cold", tzDB, what, q, out)
		if err != nil {
			return m, err
		}
		open, build, query := seconds(res.Open), seconds(res.Build), seconds(res.Seconds)
		colds, walls = append(colds, open+build+query), append(walls, wall)
		opens, builds, queries = append(opens, open), append(builds, build), append(queries, query)
		m.tzHits = res.Hits
		if res.Loaded {
			m.tzLoaded++
		}
	}
	m.tzCold, m.tzProcess = medianDuration(colds), medianDuration(walls)
	m.tzOpen, m.tzBuild, m.tzFirst = medianDuration(opens), medianDuration(builds), medianDuration(queries)
	emptyDir(out)
	res, _, err := r.child("warm", tzDB, what, q, out)
	if err != nil {
		return m, err
	}
	m.tzWarm = seconds(res.Seconds)
	if r.sq == nil {
		return m, nil
	}
	if m.sqHits, err = r.sq.hits(sqDB, l); err != nil {
		return m, err
	}
	if m.sqCold, err = r.sq.cold(sqDB, l, r.opt.repeat); err != nil {
		return m, err
	}
	m.sqWarm, err = r.sq.warm(sqDB, l, r.opt.repeat)
	if l.clean != nil {
		os.RemoveAll(filepath.Join(r.dir, "sqlite-导出"))
	}
	return m, err
}

// emptyDir makes dir an empty folder.
func emptyDir(dir string) {
	os.RemoveAll(dir)
	os.MkdirAll(dir, 0o700)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func medianDuration(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func median(fs []float64) float64 {
	s := slices.Clone(fs)
	slices.Sort(s)
	return s[len(s)/2]
}

// machineInfo is what the report says about the machine.
type machineInfo struct {
	cpu       string
	cores     int
	goVersion string
	load      string
	env       string
}

func machine() machineInfo {
	m := machineInfo{cpu: runtime.GOARCH, cores: runtime.NumCPU(), goVersion: runtime.Version(), load: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m.cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	for _, k := range []string{"GOMAXPROCS", "GOMEMLIMIT", "GOGC"} {
		if v := os.Getenv(k); v != "" {
			m.env += " " + k + "=" + v
		}
	}
	return m
}

// loadAverage is the 1, 5 and 15 minute load average, "" where the system
// does not say.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
