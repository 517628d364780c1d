package oldledger

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"taizhang/store"
)

// benchRows is the size of the benchmark's old ledger, as issue 13's
// side-by-side benchmark (cmd/taizhang-bench) imports it.
const benchRows = 100_000

// sampleFile writes the sample ledger of n rows once per benchmark.
func sampleFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "旧台账.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeSample(f, n); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkImport100k imports the 100,000-row sample into an empty ledger:
// read, validated, chained, indexed and synced to disk. It reports the time
// and the allocations per row.
//
//	go test -run '^$' -bench Import100k -benchtime 3x ./store/oldledger/
//	GOMAXPROCS=1 GOMEMLIMIT=1GiB go test -run '^$' -bench Import100k -benchtime 3x ./store/oldledger/
func BenchmarkImport100k(b *testing.B) { benchImport(b, true) }

// BenchmarkImport100kDryRun is the same without the writing: what reading
// and checking the file costs.
func BenchmarkImport100kDryRun(b *testing.B) { benchImport(b, false) }

func benchImport(b *testing.B, apply bool) {
	path := sampleFile(b, benchRows)
	opt := options(b, apply)
	var ms runtime.MemStats
	var allocs uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, _ := newLedger(b, b.TempDir(), store.Options{})
		runtime.ReadMemStats(&ms)
		allocs -= ms.Mallocs
		b.StartTimer()
		rep, err := Import(db, path, opt)
		b.StopTimer()
		runtime.ReadMemStats(&ms)
		allocs += ms.Mallocs
		if err != nil {
			b.Fatal(err)
		}
		if rep.Valid != benchRows {
			b.Fatalf("%d rows valid of %d\n%s", rep.Valid, benchRows, rep)
		}
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
	b.ReportMetric(float64(allocs)/float64(b.N*benchRows), "allocs/row")
}
