package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store/storetest"
)

// envIssueChild names the ledger the child of TestCrashWhileIssuing works on.
const envIssueChild = "TAIZHANG_CRASH_ISSUE_DB"

// issueLoop is the child of TestCrashWhileIssuing: it issues certificates
// one save at a time through the API the 开具 screen uses, voids every
// fourth, and prints each save once it has returned, until it is killed.
func issueLoop(path string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	db, err := Open(path, Options{})
	if err != nil {
		return fail(err)
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		return fail(err)
	}
	ops, err := db.Operators()
	if err != nil || len(ops) == 0 {
		return fail(fmt.Errorf("no operator: %v", err))
	}
	op := ops[0]
	// Whatever a killed run saved counts, so every person is new.
	for i := db.CertCount(); ; i++ {
		c, err := db.IssueCertificate(op, crashInput(i), cat, IssueOptions{})
		if err != nil {
			return fail(err)
		}
		fmt.Printf("issue %s %d %s\n", c.Serial, c.ID, c.IDNumber)
		if i%4 == 3 {
			if _, err := db.VoidCertificate(op, c.ID, "信息填写有误"); err != nil {
				return fail(err)
			}
			fmt.Printf("void %s\n", c.Serial)
		}
	}
}

// crashInput is the i-th certificate of the loop: a person of its own (born
// i days after 1950-01-01), one of the 12 types in turn.
func crashInput(i int) CertInput {
	birth := time.Date(1950, 1, 1, 0, 0, 0, 0, Beijing).AddDate(0, 0, i)
	id := validID(fmt.Sprintf("140403%s%03d", birth.Format("20060102"), i%1000))
	names := []string{"张伟", "王芳", "李娜", "刘洋", "陈静", "赵磊", "孙丽"}
	return input(names[i%len(names)], id, 1+i%12)
}

// acked is a certificate the child said was saved.
type acked struct {
	id       uint64
	idNumber string
	voided   bool
}

// A PC that loses power while certificates are being issued keeps every
// certificate whose save returned: the child issues in a loop and is
// killed with SIGKILL at random moments (during a save, between saves,
// while it opens the file); after each kill the file opens, Check proves
// it, every certificate (and void) the child acknowledged is there as it
// was saved, and the year's serials run from 1 without a gap or a repeat,
// across restarts. The default run kills a few times; the full one is
//
//	TAIZHANG_CRASH_KILLS=250 go test -count=1 -run TestCrashWhileIssuing ./store/
func TestCrashWhileIssuing(t *testing.T) {
	kills := storetest.CrashKills(t, 25, 10)
	rng := storetest.CrashRand(t)
	path := filepath.Join(t.TempDir(), "taizhang.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Setup(testProfile(), "王丽", false); err != nil {
		t.Fatal(err)
	}
	db.Close()

	saved := map[string]*acked{}
	note := func(line string) {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "issue":
			if saved[f[1]] != nil {
				t.Fatalf("serial %s given twice", f[1])
			}
			id, _ := strconv.ParseUint(f[2], 10, 64)
			saved[f[1]] = &acked{id: id, idNumber: f[3]}
		case len(f) == 2 && f[0] == "void" && saved[f[1]] != nil:
			saved[f[1]].voided = true
		default:
			t.Fatalf("the child printed %q", line)
		}
	}
	// The first child saves a few times to time the phases the others are
	// killed in: starting (opening the file), and three saves.
	start := time.Now()
	child := storetest.StartChild(t, Clock, envIssueChild+"="+path)
	lines, phases := child.Timed(4)
	for _, line := range append(lines, child.Kill()...) {
		note(line)
	}
	if len(phases) < 4 {
		_, err := child.Wait()
		t.Fatalf("the child stopped by itself: %v", err)
	}
	checkAfterKill(t, path, 1, saved)
	for round := 2; round <= kills; round++ {
		child := storetest.StartChild(t, Clock, envIssueChild+"="+path)
		for _, line := range child.KillIn(t, rng, phases) {
			note(line)
		}
		checkAfterKill(t, path, round, saved)
	}
	took := time.Since(start)
	t.Logf("%d kills in %v (%.1f kills/s), %d certificates acknowledged; phases %v",
		kills, took.Round(time.Millisecond), float64(kills)/took.Seconds(), len(saved), phases)
}

// checkAfterKill opens the ledger the child was killed on and proves it
// holds what the child acknowledged.
func checkAfterKill(t *testing.T, path string, round int, saved map[string]*acked) {
	t.Helper()
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("kill %d: the ledger does not open: %v", round, err)
	}
	defer db.Close()
	rep, err := db.Check()
	if err != nil {
		t.Fatalf("kill %d: check: %v", round, err)
	}
	for serial, a := range saved {
		c, err := db.CertificateBySerial(serial)
		switch {
		case err != nil:
			t.Fatalf("kill %d: certificate %s was acknowledged and is lost: %v", round, serial, err)
		case c.ID != a.id || c.IDNumber != a.idNumber:
			t.Fatalf("kill %d: certificate %s is #%d for %s, was saved as #%d for %s", round, serial, c.ID, c.IDNumber, a.id, a.idNumber)
		case a.voided && c.Status != Voided:
			t.Fatalf("kill %d: certificate %s was voided and is valid again", round, serial)
		}
	}
	// Per year, the serials are 1…n: none skipped, none given twice.
	nos := map[string][]bool{}
	n := 0
	err = db.AllRows(func(r CertRow) {
		n++
		year, no, _ := strings.Cut(r.Serial, "-")
		i, _ := strconv.Atoi(no)
		for len(nos[year]) <= i {
			nos[year] = append(nos[year], false)
		}
		if i == 0 || nos[year][i] {
			t.Fatalf("kill %d: serial %s repeated or malformed", round, r.Serial)
		}
		nos[year][i] = true
	})
	if err != nil {
		t.Fatal(err)
	}
	for year, seen := range nos {
		for i := 1; i < len(seen); i++ {
			if !seen[i] {
				t.Fatalf("kill %d: serial %s-%04d is missing", round, year, i)
			}
		}
	}
	// A kill loses at most the acknowledgement of the save it interrupted.
	if n != rep.Certificates || n < len(saved) || n-len(saved) > round {
		t.Fatalf("kill %d: the ledger holds %d certificates (check: %d), %d were acknowledged", round, n, rep.Certificates, len(saved))
	}
}
