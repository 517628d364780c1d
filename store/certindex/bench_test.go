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
// (Open: map, check the offsets, catch up with the ledger), then step by
// step: the file read into memory instead (as on Windows), its checksum
// (Settle checks it later), its decoding, the catch-up (nothing to add),
// and Open with the first query after it (a name, as a worker types it).
func BenchmarkLoadIndex100k(b *testing.B) {
	db := ledger100k(b)
	path := SnapshotPath(db.Path())
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("snapshot %.1f MB", float64(st.Size())/(1<<20))
	open := func(b *testing.B) *Index {
		x, err := Open(db)
		if err != nil || x.LoadError() != nil {
			b.Fatal(err, x.LoadError())
		}
		return x
	}
	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			open(b)
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
			if _, err := decode(data, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("catch-up", func(b *testing.B) {
		x, _ := decode(data, false)
		for b.Loop() {
			if _, err := x.CatchUp(db); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Open+name", func(b *testing.B) {
		for b.Loop() {
			open(b).Find("王颖")
		}
	})
}

// BenchmarkSaveIndex100k writes the snapshot (in the background, after a
// build or a large catch-up).
func BenchmarkSaveIndex100k(b *testing.B) {
	db := ledger100k(b)
	x, err := Open(db)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := x.Save(db); err != nil {
			b.Fatal(err)
		}
	}
}
