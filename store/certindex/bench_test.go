package certindex

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"taizhang/store"
)

// A ledger of 100,000 imported certificates (over 2019–2026) and its
// snapshot, made once per test binary:
//
//	go test -run '^$' -bench 'Index100k' -benchtime 20x ./store/certindex
var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

func ledger100k(b *testing.B) *store.DB {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "taizhang-certindex-bench")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "taizhang.db")
		db, op := newLedger(b, dir)
		importOld(b, db, op, rand.New(rand.NewPCG(1, 1)), 100_000, nil)
		x, err := Build(db)
		if err == nil {
			err = x.Save(db)
		}
		bigErr = err
		db.Close()
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	db, err := store.Open(bigPath, store.Options{Now: func() time.Time { return today }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkBuildIndex100k builds the index from the ledger: what the 证明
// screen did every time it first opened.
func BenchmarkBuildIndex100k(b *testing.B) {
	db := ledger100k(b)
	for b.Loop() {
		if _, err := Build(db); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadIndex100k reads the snapshot back as the screen now does
// (Load: read, check, catch up with the ledger), then step by step: the
// file read, its checks and decoding, the catch-up (nothing to add), and
// the first query after all that (a name, as a worker types it).
func BenchmarkLoadIndex100k(b *testing.B) {
	db := ledger100k(b)
	path := SnapshotPath(db.Path())
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("snapshot %.1f MB", float64(st.Size())/(1<<20))
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			if _, err := load(db, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := readFile(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	data, _ := readFile(path)
	b.Run("checksum", func(b *testing.B) {
		for b.Loop() {
			checksum(data)
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := decode(data, true); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("catch-up", func(b *testing.B) {
		x, _ := decode(data, true)
		for b.Loop() {
			if _, err := x.CatchUp(db); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Load+name", func(b *testing.B) {
		for b.Loop() {
			x, err := load(db, true)
			if err != nil {
				b.Fatal(err)
			}
			x.Find("王颖")
		}
	})
}

// BenchmarkSaveIndex100k writes the snapshot (in the background, after a
// build or a large catch-up).
func BenchmarkSaveIndex100k(b *testing.B) {
	db := ledger100k(b)
	x, err := load(db, true)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := x.Save(db); err != nil {
			b.Fatal(err)
		}
	}
}
