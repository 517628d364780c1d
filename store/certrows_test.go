package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestCertRows: the rows of issued, voided, corrected and imported
// certificates are what their whole records make; an id not on record is
// left out.
func TestCertRows(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	var ids []uint64
	for i, name := range []string{"张三", "李𠮷", "王五"} {
		c, err := db.IssueCertificate(op, input(name, validID("1404031990010112"+string(rune('0'+i))), 3), cat, IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if _, err := db.VoidCertificate(op, ids[0], "姓名写错"); err != nil {
		t.Fatal(err)
	}
	fixed, err := db.CorrectCertificate(op, ids[1], input("李𠮷", validID("14040319900101121"), 4), cat, IssueOptions{AcceptPersonName: true})
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, fixed.ID)
	run, imported := importRows(t, db, op, importInput("赵六", validID("14040319800101123"), "2019-03-05"))
	if _, err := run.Commit(); err != nil {
		t.Fatal(err)
	}
	ids = append(ids, imported[0].ID)
	clk.set(clk.t.AddDate(0, 2, 0))

	rows, err := db.CertRows(append(ids, 999))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ids) {
		t.Errorf("%d rows for %d certificates on record", len(rows), len(ids))
	}
	for _, id := range ids {
		c, err := db.Certificate(id)
		if err != nil {
			t.Fatal(err)
		}
		if want := CertRowOf(c); rows[id] != want {
			t.Errorf("row of %d: %+v, want %+v", id, rows[id], want)
		}
	}
	if !rows[ids[0]].Voided || !rows[ids[1]].Voided || !rows[imported[0].ID].Imported() {
		t.Errorf("voided or imported not shown: %+v", rows)
	}
}

// TestCertRowsSince: the rows above an id (a few one by one, many as the
// month rows lie) with the log's last event read with them; a mark the
// log does not hold (another hash, an event it has not got) reads nothing.
func TestCertRowsSince(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	all := func(after uint64, since LogMark) ([]uint64, LogMark) {
		t.Helper()
		var ids []uint64
		head, last, err := db.CertRowsSince(after, since, func(r CertRow) {
			c, err := db.Certificate(r.ID)
			if err != nil || CertRowOf(c) != r {
				t.Errorf("row %+v is not its certificate's (%v)", r, err)
			}
			ids = append(ids, r.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, h, _ := db.VerifyChain(); h != head.Hash {
			t.Errorf("head %+v, the chain ends with %s", head, h)
		}
		if n := uint64(db.CertCount()); last != n {
			t.Errorf("last id %d, %d certificates", last, n)
		}
		slices.Sort(ids)
		return ids, head
	}
	if ids, head := all(0, LogMark{}); len(ids) != 0 || head.Seq == 0 {
		t.Fatalf("an empty ledger: rows %v, head %+v", ids, head)
	}
	var want []uint64
	var marks []LogMark
	for i := range 17 {
		c, err := db.IssueCertificate(op, input("张三", validID(fmt.Sprintf("14040319900101%03d", i)), 3), cat, IssueOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			if _, err := db.VoidCertificate(op, c.ID, "姓名写错"); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, c.ID)
		_, m := all(0, LogMark{})
		marks = append(marks, m)
	}
	for _, after := range []int{0, 1, 10, 15, 16, 17} {
		ids, _ := all(uint64(after), marks[max(after-1, 0)])
		if !slices.Equal(ids, want[after:]) {
			t.Errorf("rows after %d: %v", after, ids)
		}
	}
	other := marks[5]
	other.Hash = strings.Repeat("0", 64)
	for _, m := range []LogMark{other, {Seq: marks[16].Seq + 1, Hash: marks[16].Hash}} {
		called := false
		if _, _, err := db.CertRowsSince(0, m, func(CertRow) { called = true }); !errors.Is(err, ErrOtherLedger) || called {
			t.Errorf("mark %+v: %v, rows read %v", m, err, called)
		}
	}
}

// BenchmarkSearchRows reads the rows of a search's first two pages (42
// hits) of a ledger of 5,000: CertRows against each certificate read whole.
func BenchmarkSearchRows(b *testing.B) {
	db, err := Open(bench5k(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ids := make([]uint64, 42)
	for i := range ids {
		ids[i] = uint64(1 + i*97)
	}
	b.Run("CertRows", func(b *testing.B) {
		for b.Loop() {
			if rows, err := db.CertRows(ids); err != nil || len(rows) != len(ids) {
				b.Fatal(len(rows), err)
			}
		}
	})
	b.Run("Certificate", func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				if _, err := db.Certificate(id); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
