package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/deskcheck"
	"taizhang/store/idcard"
)

// TestMain lets the test binary serve as the benchmark's child process.
func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := childMain(mode, os.Args[1:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBench runs the whole program on a small ledger, with sqlite3 when it
// is installed and without (the comparison is skipped, taizhang's side
// still runs). The full run is:
//
//	go run ./cmd/taizhang-bench            (100,000 rows)
//	go run ./cmd/taizhang-bench --old-pc
func TestBench(t *testing.T) {
	cases := []struct {
		name, sqlite string
	}{{"sqlite3", "sqlite3"}, {"without sqlite3", "no-such-sqlite3"}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withSQLite := findSQLite(c.sqlite) != nil
			if c.sqlite == "sqlite3" && !withSQLite {
				t.Skip("sqlite3 is not installed")
			}
			dir := t.TempDir()
			var out, errOut bytes.Buffer
			if code := run([]string{"--rows", "300", "--repeat", "1", "--keep", dir, "--sqlite", c.sqlite}, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
			}
			text := out.String()
			t.Log("\n" + text)
			for _, want := range []string{"导入 300 行", "taizhang 导入 300 行、拒收 0 行", "身份证尾号", "姓名", "整月导出 CSV", "每张证明占用磁盘", "CPU 时间"} {
				if !strings.Contains(text, want) {
					t.Errorf("the report lacks %q", want)
				}
			}
			// Each lookup finds what the generator put in the file, on both sides.
			hits := regexp.MustCompile(`结果 taizhang (\d+) 条(，sqlite3 (\d+) 条)?`).FindAllStringSubmatch(text, -1)
			if len(hits) != 4 {
				t.Fatalf("%d lookups reported, want 4", len(hits))
			}
			for _, h := range hits {
				if h[1] == "0" || withSQLite && (h[3] == "" || h[3] == "0") {
					t.Errorf("a lookup found nothing: %s", h[0])
				}
			}
			verdicts := regexp.MustCompile(`(?m) (PASS|FAIL)$`).FindAllString(text, -1)
			if withSQLite {
				if len(verdicts) != 1+2*4+2 { // import, two per lookup, bytes, memory
					t.Errorf("%d lines with PASS or FAIL, want 11", len(verdicts))
				}
				if !strings.Contains(text, "sqlite3 表中 300 行") {
					t.Error("sqlite3 did not load every row")
				}
				if !regexp.MustCompile(`各轮比值：\d+\.\d\dx\n`).MatchString(text) {
					t.Error("the report lacks the import's ratio of each round")
				}
			} else if !strings.Contains(text, "跳过 sqlite3 一侧") {
				t.Error("the report does not say that the comparison was skipped")
			}
			if _, err := os.Stat(filepath.Join(dir, "taizhang.db")); err != nil {
				t.Errorf("--keep did not keep the ledger: %v", err)
			}
		})
	}
}

// TestOldPC: children run with one core and the memory limit, against
// twice the targets.
func TestOldPC(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--rows", "100", "--repeat", "1", "--old-pc", "--sqlite", "no-such-sqlite3"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"GOMAXPROCS=1 GOMEMLIMIT=1GiB", "<= 3.0x", "<= 2.0x"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the old-PC report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestGenerate: the same seed gives the same file, another seed another;
// every row is one the issue form accepts, its type one that the judge of
// 准入核查 maps to its item; dates run forward within the years, serials
// are unique; the sample is in the file.
func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	const rows = 3000
	a, b, c := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv"), filepath.Join(dir, "c.csv")
	s, err := generate(a, rows, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := generate(b, rows, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := generate(c, rows, 8); err != nil {
		t.Fatal(err)
	}
	fa, _ := os.ReadFile(a)
	fb, _ := os.ReadFile(b)
	fc, _ := os.ReadFile(c)
	if !bytes.Equal(fa, fb) {
		t.Error("the same seed gave two different files")
	}
	if bytes.Equal(fa, fc) {
		t.Error("another seed gave the same file")
	}
	if !bytes.HasPrefix(fa, []byte("\uFEFF"+title)) {
		t.Error("the file does not start with the byte-order mark and the title row")
	}

	r := csv.NewReader(bytes.NewReader(fa))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != rows+2 || strings.Join(recs[1], ",") != strings.Join(header, ",") {
		t.Fatalf("%d records, header %q", len(recs), recs[1])
	}
	today := benchClock()
	judged := map[string]int{}
	serials := map[string]bool{}
	last, id6, id4, name, month := "", 0, 0, 0, 0
	for i, rec := range recs[2:] {
		date, serial, id := rec[2], rec[1], strings.ToUpper(rec[4])
		if date < last || date < firstDay.Format(time.DateOnly) || date > lastDay.Format(time.DateOnly) {
			t.Fatalf("row %d: date %s after %s or outside the years", i+1, date, last)
		}
		last = date
		if serials[serial] || !strings.HasPrefix(serial, date[:4]+"-") {
			t.Errorf("row %d: serial %s repeated or not of its year", i+1, serial)
		}
		serials[serial] = true
		if _, err := idcard.Parse(id, today); err != nil {
			t.Errorf("row %d: ID number %s: %v", i+1, id, err)
		}
		if _, err := store.CheckName(strings.TrimSpace(rec[3])); err != nil {
			t.Errorf("row %d: name %q: %v", i+1, rec[3], err)
		}
		judged[rec[5]]++
		if strings.HasSuffix(id, s.ID6) {
			id6++
		}
		if strings.HasSuffix(id, s.ID4) {
			id4++
		}
		if strings.TrimSpace(rec[3]) == s.Name {
			name++
		}
		if strings.HasPrefix(date, s.Month+"-") {
			month++
		}
	}
	if id6 == 0 || id4 == 0 || name == 0 || month != s.MonthRows || month == 0 {
		t.Errorf("sample %+v: %d IDs end in ID6, %d in ID4, %d rows of the name, %d of the month", s, id6, id4, name, month)
	}
	if len(s.ID6) != 6 || len(s.ID4) != 4 {
		t.Errorf("sample %+v: suffixes of the wrong length", s)
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	judge := deskcheck.New(cat)
	for _, k := range kinds {
		for _, sp := range k.spellings {
			res := judge.Check(sp, nil, today)
			if res.Verdict != deskcheck.CanIssue || len(res.Matches) != 1 || res.Matches[0].Item.No != k.no {
				t.Errorf("%s: the judge says %s %v, want item %d alone", sp, res.Verdict, res.Matches, k.no)
			}
			if judged[sp] == 0 && rows >= 3000 {
				t.Errorf("%s never appears in %d rows", sp, rows)
			}
		}
	}
}

// TestExportMonth: the month's register holds, oldest first, each of the
// month's certificates as db.Certificate reads it (a voided one too).
func TestExportMonth(t *testing.T) {
	dir := t.TempDir()
	csvPath, dbPath := filepath.Join(dir, "旧台账.csv"), filepath.Join(dir, "taizhang.db")
	s, err := generate(csvPath, 2000, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := childImport(dbPath, csvPath); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dbPath, store.Options{Now: benchClock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, _ := store.ParseMonth(s.Month)
	rows, err := db.MonthRows(m.Year(), m.Month())
	if err != nil || len(rows) < 2 {
		t.Fatalf("%d rows in %s: %v", len(rows), s.Month, err)
	}
	op, _ := db.Operator(db.LastOperator())
	if _, err := db.VoidCertificate(op, rows[1].ID, "=打印错误"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "月.csv")
	n, err := exportMonth(db, s.Month, out)
	if err != nil || n != len(rows) {
		t.Fatalf("%d rows written of %d: %v", n, len(rows), err)
	}
	b, _ := os.ReadFile(out)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != len(rows)+1 {
		t.Fatalf("%d records: %v", len(recs), err)
	}
	for i, rec := range recs[1:] {
		c, err := db.Certificate(rows[len(rows)-1-i].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{c.Serial, c.IssueDate, c.Name, c.IDNumber, c.TypeName, c.Purpose, c.Address, c.OperatorName, c.Verified, string(c.Status)}
		if strings.Join(rec, "|") != strings.Join(want, "|") {
			t.Errorf("row %d: %q, want %q", i+1, rec, want)
		}
	}
}
