package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sqlite3 is the sqlite3 command-line program the comparison runs: each
// job one process, its script on standard input, timed from start to exit.
type sqlite3 struct {
	path    string
	version string
}

// findSQLite finds name on PATH; nil when it is not there.
func findSQLite(name string) *sqlite3 {
	p, err := exec.LookPath(name)
	if err != nil {
		return nil
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil {
		return nil
	}
	v, _, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	return &sqlite3{path: p, version: v}
}

// run runs script against db in one process and returns its wall time
// and what it printed.
func (s *sqlite3) run(db, script string) (time.Duration, []byte, error) {
	d, _, out, err := s.runCPU(db, script)
	return d, out, err
}

// runCPU is run that also returns the process's CPU time.
func (s *sqlite3) runCPU(db, script string) (wall, cpu time.Duration, out []byte, err error) {
	cmd := exec.Command(s.path, "-bail", db)
	cmd.Stdin = strings.NewReader(script)
	var stdout, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &errOut
	start := startWatch()
	err = cmd.Run()
	wall = start.elapsed()
	if err == nil && errOut.Len() > 0 {
		err = fmt.Errorf("%s", strings.TrimSpace(errOut.String()))
	} else if err != nil {
		err = fmt.Errorf("sqlite3: %v: %s", err, strings.TrimSpace(errOut.String()))
	}
	return wall, cpuOf(cmd.ProcessState), stdout.Bytes(), err
}

// The table holds the CSV's columns as text, as .import makes them.
const createTable = `CREATE TABLE ledger(seq INTEGER, serial TEXT, date TEXT, name TEXT, id_number TEXT,
  type TEXT, purpose TEXT, address TEXT, operator TEXT, verified TEXT, remark TEXT);
`

// The indexes a lookup needs: an ID number, a name, a month.
const createIndexes = `CREATE INDEX ledger_id ON ledger(id_number);
CREATE INDEX ledger_name ON ledger(name);
CREATE INDEX ledger_date ON ledger(date);
`

// quote is a file name as a dot-command argument.
func quote(path string) string { return "'" + path + "'" }

// importScript loads csvPath (a title row and a header row above the data)
// into a new table, with the indexes or without.
func importScript(csvPath string, indexes bool) string {
	s := createTable + ".mode csv\n.import --skip 2 " + quote(csvPath) + " ledger\n"
	if indexes {
		s += createIndexes
	}
	return s
}

// A lookup in SQL: the statement, and what sets it up.
type sqlLookup struct {
	setup string             // dot-commands and pragmas before the statement
	each  func(i int) string // before statement i (.once for an export), or nil
	query string
	count string // the statement that counts its rows
	clean func() // after each process, or nil
}

func idSuffixLookup(digits string) sqlLookup {
	where := "WHERE id_number LIKE '%" + digits + "'"
	return sqlLookup{query: "SELECT * FROM ledger " + where + ";\n", count: "SELECT count(*) FROM ledger " + where + ";\n"}
}

// nameLookup finds the names that begin with name; with case-sensitive
// LIKE the name index serves it.
func nameLookup(name string) sqlLookup {
	where := "WHERE name LIKE '" + strings.ReplaceAll(name, "'", "''") + "%'"
	return sqlLookup{setup: "PRAGMA case_sensitive_like=ON;\n",
		query: "SELECT * FROM ledger " + where + ";\n", count: "SELECT count(*) FROM ledger " + where + ";\n"}
}

// monthLookup writes month (2022-06) as CSV with a header row, each time
// to a new file (out(i)): replacing a file would wait for the disk on ext4,
// which flushes a file truncated and written again when it is closed.
func monthLookup(month, dir string) sqlLookup {
	emptyDir(dir)
	n := 0
	out := func(int) string { n++; return filepath.Join(dir, fmt.Sprintf("月-%d.csv", n)) }
	t, _ := time.Parse("2006-01", month)
	where := fmt.Sprintf("WHERE date >= '%s' AND date < '%s'", t.Format(time.DateOnly), t.AddDate(0, 1, 0).Format(time.DateOnly))
	return sqlLookup{setup: ".mode csv\n.headers on\n", each: func(i int) string { return ".once " + quote(out(i)) + "\n" },
		query: "SELECT * FROM ledger " + where + " ORDER BY date;\n", count: "SELECT count(*) FROM ledger " + where + ";\n",
		clean: func() { emptyDir(dir) }}
}

// script runs the lookup n times.
func (l sqlLookup) script(n int) string {
	var b strings.Builder
	b.WriteString(l.setup)
	for i := range n {
		if l.each != nil {
			b.WriteString(l.each(i))
		}
		b.WriteString(l.query)
	}
	return b.String()
}

// runLookup runs the lookup n times in one process.
func (s *sqlite3) runLookup(db string, l sqlLookup, n int) (time.Duration, []byte, error) {
	d, out, err := s.run(db, l.script(n))
	if l.clean != nil {
		l.clean()
	}
	return d, out, err
}

// hits counts the lookup's rows.
func (s *sqlite3) hits(db string, l sqlLookup) (int, error) {
	_, out, err := s.run(db, l.count)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}

// cold is the median wall time of a process that runs the lookup once.
func (s *sqlite3) cold(db string, l sqlLookup, runs int) (time.Duration, error) {
	var ds []time.Duration
	for range runs {
		d, _, err := s.runLookup(db, l, 1)
		if err != nil {
			return 0, err
		}
		ds = append(ds, d)
	}
	return medianDuration(ds), nil
}

// warm is the time of one more lookup in a process that has the database
// open and has run it before: the difference between a process running it
// 1+n times and one running it once (the fastest of three, as a start is
// only ever slowed), over n. n grows until the n lookups take 0.3 s, far
// above how much a process's start varies; the result is the median of
// runs such differences.
func (s *sqlite3) warm(db string, l sqlLookup, runs int) (time.Duration, error) {
	diff := func(n int) (time.Duration, error) {
		one := time.Duration(1<<63 - 1)
		for range 3 {
			d, _, err := s.runLookup(db, l, 1)
			if err != nil {
				return 0, err
			}
			one = min(one, d)
		}
		more, _, err := s.runLookup(db, l, 1+n)
		return more - one, err
	}
	n := 16
	for ; n < 1<<16; n *= 4 {
		d, err := diff(n)
		if err != nil {
			return 0, err
		}
		if d >= 300*time.Millisecond {
			break
		}
	}
	var ds []time.Duration
	for range runs {
		d, err := diff(n)
		if err != nil {
			return 0, err
		}
		ds = append(ds, d/time.Duration(n))
	}
	return max(medianDuration(ds), 0), nil
}
