package bundle

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"taizhang/store"
	"taizhang/store/demo"
)

// A month of 5,000 certificates (November 2026), for the benchmarks:
//
//	go test ./store/bundle/ -run '^$' -bench . -benchtime 10x
var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

func bigLedger(b *testing.B) string {
	b.Helper()
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bundle-bench-*")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "big.db")
		_, bigErr = demo.Fill(bigPath, demo.Options{Records: 5000, Months: 1, Seed: 1, End: time.Date(2026, 11, 30, 17, 0, 0, 0, store.Beijing)}, nil)
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	path := filepath.Join(b.TempDir(), "ledger.db")
	copyTo(b, bigPath, path)
	return path
}

func openBig(b *testing.B) (*store.DB, store.Operator) {
	b.Helper()
	db, err := store.Open(bigLedger(b), store.Options{Now: (&clock{exportDay}).now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ops, err := db.Operators()
	if err != nil {
		b.Fatal(err)
	}
	return db, ops[0]
}

// BenchmarkExport is the whole export of the month, encrypted: segment,
// all files, read-back and the export event.
func BenchmarkExport(b *testing.B) {
	db, op := openBig(b)
	id, _ := age.GenerateX25519Identity()
	out := b.TempDir()
	var res Result
	for b.Loop() {
		var err error
		if res, err = Export(db, op, "2026-11", out, ExportOptions{Recipient: id.Recipient().String()}); err != nil {
			b.Fatal(err)
		}
	}
	if res.Manifest.Counts.Certificates < 4900 {
		b.Fatalf("the month has %d certificates", res.Manifest.Counts.Certificates)
	}
	b.ReportMetric(float64(res.Bytes)/1e6, "MB/bundle")
}

// BenchmarkVerify verifies that bundle in full with the receiving
// office's identity: hashes, signature, decryption, chain and records.
func BenchmarkVerify(b *testing.B) {
	db, op := openBig(b)
	id, _ := age.GenerateX25519Identity()
	res, err := Export(db, op, "2026-11", b.TempDir(), ExportOptions{Recipient: id.Recipient().String()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := Verify(res.Path, VerifyOptions{Identity: []age.Identity{id}})
		if err != nil || !rep.ContentsChecked {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite is Write alone, encrypted: the files of the bundle from a
// segment already built (the part of the export this package does).
func BenchmarkWrite(b *testing.B) {
	db, _ := openBig(b)
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		b.Fatal(err)
	}
	defer seg.Close()
	s, err := db.Signer()
	if err != nil {
		b.Fatal(err)
	}
	id, _ := age.GenerateX25519Identity()
	opt := Options{Ledger: seg.File(), Signer: s, Now: db.Now, Recipient: id.Recipient().String()}
	out := b.TempDir()
	for b.Loop() {
		if _, err := Write(nil, out, seg, opt); err != nil {
			b.Fatal(err)
		}
	}
}
