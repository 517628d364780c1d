package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A file laid out by bulkFile is a bbolt file like one bbolt wrote: the
// same buckets, keys, values and sequences; bbolt's own check and the
// guard's page walk pass; and bbolt can write on it (puts that split its
// full pages, deletes that merge them, a bucket dropped) and check it
// again. The source has what the layout must get right: empty values,
// values of several pages, an empty bucket, small (inline) buckets,
// sub-buckets, and buckets deep enough for two levels of branches.
func TestBulkFileIsBbolt(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	b, err := bolt.Open(src, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	r := rand.New(rand.NewPCG(1, 2))
	value := func() []byte {
		switch r.IntN(50) {
		case 0, 1, 2, 3, 4:
			return nil
		case 5:
			return bytes.Repeat([]byte{byte(r.IntN(256))}, r.IntN(20000))
		}
		return fmt.Appendf(nil, "%0*d", r.IntN(300), r.Int())
	}
	err = b.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("empty")); err != nil {
			return err
		}
		small, _ := tx.CreateBucket([]byte("small"))
		small.Put([]byte("a"), []byte("1"))
		small.SetSequence(7)
		big, _ := tx.CreateBucket([]byte("big"))
		big.SetSequence(123456)
		for range 20000 {
			if err := big.Put(u64(uint64(r.IntN(1<<20))), value()); err != nil {
				return err
			}
		}
		outer, _ := tx.CreateBucket([]byte("outer"))
		for i := range 300 {
			outer.Put(fmt.Appendf(nil, "k%05d", i), value())
		}
		inner, _ := outer.CreateBucket([]byte("k00150x"))
		inner.SetSequence(9)
		for range 2000 {
			inner.Put(fmt.Appendf(nil, "%d", r.Int()), value())
		}
		tiny, _ := outer.CreateBucket([]byte("tiny"))
		tiny.Put([]byte("x"), nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "out.db")
	err = b.View(func(tx *bolt.Tx) error {
		bf, err := createBulkFile(out, tx.DB().Info().PageSize, 0)
		if err != nil {
			return err
		}
		defer bf.close()
		top := newNodeWriter(bf)
		err = tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			v, err := bf.copyBucket(bk, nil, bk.Sequence())
			top.add(name, v, bucketLeafFlag)
			return err
		})
		if err != nil {
			return err
		}
		return bf.finish(bf.tree(top.pages()))
	})
	if err != nil {
		t.Fatal(err)
	}

	checkBulk(t, out)
	have, err := bolt.Open(out, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer have.Close()
	err = have.View(func(h *bolt.Tx) error {
		return b.View(func(w *bolt.Tx) error {
			if err := sameFile(h, w); err != nil {
				return err
			}
			return sameBucket(h.Bucket([]byte("outer")), w.Bucket([]byte("outer")), "outer")
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = have.Update(func(tx *bolt.Tx) error {
		big := tx.Bucket([]byte("big"))
		for range 5000 {
			if err := big.Put(u64(uint64(r.IntN(1<<20))), value()); err != nil {
				return err
			}
		}
		c := big.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if r.IntN(3) == 0 {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		tx.Bucket([]byte("outer")).Bucket([]byte("tiny")).Put([]byte("y"), []byte("z"))
		return tx.DeleteBucket([]byte("small"))
	})
	if err != nil {
		t.Fatal(err)
	}
	have.Close()
	checkBulk(t, out)
}

// checkBulk runs the guard's page walk and bbolt's check on the file.
func checkBulk(t *testing.T, path string) {
	t.Helper()
	_, m, err := examineHead(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := walkPages(f, m.pageSize, m); err != nil {
		t.Fatalf("page walk: %v", err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("bbolt check: %v", err)
	}
}

// sameBucket compares two buckets and their sub-buckets.
func sameBucket(have, want *bolt.Bucket, name string) error {
	if have.Sequence() != want.Sequence() {
		return fmt.Errorf("%s: sequence %d, want %d", name, have.Sequence(), want.Sequence())
	}
	hc, wc := have.Cursor(), want.Cursor()
	hk, hv := hc.First()
	wk, wv := wc.First()
	for ; hk != nil || wk != nil; hk, hv, wk, wv = next2(hc, wc) {
		if !bytes.Equal(hk, wk) || !bytes.Equal(hv, wv) || (hv == nil) != (wv == nil) {
			return fmt.Errorf("%s: %q=%q, want %q=%q", name, hk, hv, wk, wv)
		}
		if wv == nil {
			if err := sameBucket(have.Bucket(hk), want.Bucket(wk), name+"/"+string(wk)); err != nil {
				return err
			}
		}
	}
	return nil
}
