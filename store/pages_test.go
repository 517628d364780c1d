package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"taizhang/store/storetest"
)

// A sound file of every shape passes the page walk: values that run over
// several pages, a bucket of thousands of keys (branch pages), nested and
// inline buckets, free pages over several freelist pages; and the walk finds a page that is its own
// child.
func TestWalkPagesSoundFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shapes.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 { // several commits leave free pages
		err = b.Update(func(tx *bolt.Tx) error {
			big, _ := tx.CreateBucketIfNotExists([]byte("big"))
			for i := range 4 {
				if err := big.Put(fmt.Appendf(nil, "v%d", i), bytes.Repeat([]byte{byte(round + i)}, 3<<12+i*1000)); err != nil {
					return err
				}
			}
			many, _ := tx.CreateBucketIfNotExists([]byte("many"))
			for i := range 5000 {
				if err := many.Put(fmt.Appendf(nil, "%08d", i), fmt.Appendf(nil, "记录 %d 第 %d 轮", i, round)); err != nil {
					return err
				}
			}
			outer, _ := tx.CreateBucketIfNotExists([]byte("outer"))
			small, _ := outer.CreateBucketIfNotExists([]byte("inline"))
			small.Put([]byte("k"), []byte("v"))
			nested, _ := outer.CreateBucketIfNotExists([]byte("nested"))
			for i := range 800 {
				nested.Put(fmt.Appendf(nil, "%06d", i), bytes.Repeat([]byte("x"), 40))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// A bucket of some thousand pages dropped: a freelist over several pages.
	err = b.Update(func(tx *bolt.Tx) error {
		gone, _ := tx.CreateBucket([]byte("gone"))
		for i := range 30000 {
			gone.Put(fmt.Appendf(nil, "%08d", i), bytes.Repeat([]byte("y"), 100))
		}
		return nil
	})
	if err == nil {
		err = b.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket([]byte("gone")) })
	}
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	walk := func(path string) error {
		_, m, err := examineHead(path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return walkPages(f, m.pageSize, m)
	}
	if err := walk(path); err != nil {
		t.Fatalf("a sound file: %v", err)
	}
	if res := examineBolt(path); !res.OK {
		t.Fatalf("a sound file: %+v", res)
	}
	raw, _ := os.ReadFile(path)
	loop := filepath.Join(t.TempDir(), "loop.db")
	os.WriteFile(loop, storetest.RootLoop(raw), 0o600)
	if err := walk(loop); err == nil {
		t.Error("a page that is its own child passed")
	}
}
