package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// An import writes exactly the file that chaining each certificate with
// chainEvent, as an issue does, would: every bucket, key, value and
// sequence. The rows cross the run's transaction batches, the ledger
// already holds events and certificates, and some rows have no old serial.
func TestImportRunIsChainEvent(t *testing.T) {
	db, op, _ := ledger(t)
	issueSome(t, db, op, 3)
	ref := t.TempDir() + "/ref.db"
	copyLedger(t, db, ref)

	r := rand.New(rand.NewPCG(5, 8))
	const n = 6644 // events, subjects and states of two levels of branch pages
	run, err := db.BeginImport(op)
	if err != nil {
		t.Fatal(err)
	}
	var certs []Certificate
	var arena Arena
	for i := range n {
		in := importInput([]string{"张三", "李四", "欧阳娜娜", "𠮷田"}[r.IntN(4)],
			validID(fmt.Sprintf("1404031990%02d%02d%03d", 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))),
			fmt.Sprintf("20%02d-%02d-%02d", 10+r.IntN(15), 1+r.IntN(12), 1+r.IntN(28)))
		in.Serial = fmt.Sprintf("%d-%03d", 2010+i%15, i)
		if i%7 == 0 {
			in.Serial = ""
		}
		c, err := in.Validate(catalog(t), db.Now())
		if err != nil {
			t.Fatal(err)
		}
		p := run.Prepare(c)
		switch i % 3 { // Add encodes what no encoder has
		case 1:
			if err := run.Encode(&p, &arena); err != nil {
				t.Fatal(err)
			}
		case 2:
			if err := run.Encode(&p, nil); err != nil {
				t.Fatal(err)
			}
		}
		if c, err = run.Add(p); err != nil {
			t.Fatal(err)
		}
		if i%500 == 0 { // what Add took is no longer needed
			arena.Reset()
		}
		certs = append(certs, c)
	}
	now := run.now
	if _, err := run.Commit(); err != nil {
		t.Fatal(err)
	}

	want, err := bolt.Open(ref, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	err = want.Update(func(tx *bolt.Tx) error {
		for _, c := range certs {
			if _, err := chainEvent(tx, op, now, EvCertImport, c.ID, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.bolt.View(func(have *bolt.Tx) error {
		return want.View(func(want *bolt.Tx) error { return sameFile(have, want) })
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func issueSome(t *testing.T, db *DB, op Operator, n int) {
	t.Helper()
	ids := []string{validID("14040319700303001"), validID("14040219850505432"), validID("14040319900101123")}
	for i := range n {
		in := input([]string{"王五", "李四", "张三"}[i%3], ids[i%3], 3+i%2)
		if _, err := db.IssueCertificate(op, in, catalog(t), IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

func copyLedger(t *testing.T, db *DB, path string) {
	t.Helper()
	err := db.bolt.View(func(tx *bolt.Tx) error { return tx.CopyFile(path, 0o600) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// sameFile compares every bucket of two files: keys, values, sequences.
func sameFile(have, want *bolt.Tx) error {
	var names [][]byte
	if err := want.ForEach(func(name []byte, _ *bolt.Bucket) error {
		names = append(names, append([]byte(nil), name...))
		return nil
	}); err != nil {
		return err
	}
	hn := 0
	have.ForEach(func([]byte, *bolt.Bucket) error { hn++; return nil })
	if hn != len(names) {
		return fmt.Errorf("%d buckets, want %d", hn, len(names))
	}
	for _, name := range names {
		hb := have.Bucket(name)
		if hb == nil {
			return fmt.Errorf("bucket %s missing", name)
		}
		if err := sameBucket(hb, want.Bucket(name), string(name)); err != nil {
			return err
		}
	}
	return nil
}

func next2(a, b *bolt.Cursor) (ak, av, bk, bv []byte) {
	ak, av = a.Next()
	bk, bv = b.Next()
	return
}

// keyList sorts as bytes.Compare does, keys with zero bytes, common
// prefixes and lengths on both sides of its 16-byte prefix included.
func TestKeyListSortsAsBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 9))
	var l keyList
	var want [][]byte
	for range 3*entBlock + 500 { // sorted blocks merged
		k := make([]byte, r.IntN(24))
		for i := range k {
			k[i] = []byte{0, 1, 'a', 0xff}[r.IntN(4)]
		}
		l.add([]byte{byte(len(want))}, k[:len(k)/2], k[len(k)/2:])
		want = append(want, k)
	}
	l.finish()
	slices.SortFunc(want, bytes.Compare)
	src := l.source()
	for i := range want {
		k, v := src.next()
		if !bytes.Equal(k, want[i]) || len(v) != 1 {
			t.Fatalf("entry %d: %x=%x, want %x", i, k, v, want[i])
		}
	}
	if k, _ := src.next(); k != nil {
		t.Fatalf("an entry too many: %x", k)
	}
}
