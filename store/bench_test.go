package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/store/search"
)

// The benchmark ledger: 100,000 certificates, 5,000 a month over 20 months,
// built once per test binary with Batch (one commit per month).
const (
	benchCerts    = 100_000
	benchPerMonth = 5_000
)

// benchFile is a benchmark ledger built once per test binary.
type benchFile struct {
	once sync.Once
	path string
	err  error
}

func (f *benchFile) get(b *testing.B, name string, n, perMonth int) string {
	f.once.Do(func() {
		dir, err := os.MkdirTemp("", "taizhang-bench")
		if err != nil {
			f.err = err
			return
		}
		f.path = filepath.Join(dir, name)
		f.err = BuildBenchLedger(f.path, n, perMonth)
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.path
}

var bench100k, bench5kFile benchFile

// benchLedger returns the path of the benchmark ledger, building it on first use.
func benchLedger(b *testing.B) string { return bench100k.get(b, "100k.db", benchCerts, benchPerMonth) }

// bench5k is a ledger of one month of 5,000 certificates.
func bench5k(b *testing.B) string { return bench5kFile.get(b, "5k.db", benchPerMonth, benchPerMonth) }

// BuildBenchLedger writes n certificates, perMonth a month ending in
// November 2026, with names that repeat the way real ones do.
func BuildBenchLedger(path string, n, perMonth int) error {
	clk := &clock{t: time.Date(2026, 11, 1, 8, 0, 0, 0, Beijing).AddDate(0, -(n/perMonth - 1), 0)}
	db, err := Open(path, Options{Now: clk.now})
	if err != nil {
		return err
	}
	defer db.Close()
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		return err
	}
	cat, err := assetsCatalog()
	if err != nil {
		return err
	}
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗单曾解仇")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂𠮷")
	for done := 0; done < n; {
		month := clk.now()
		err := db.Batch(func(bt *Batch) error {
			for i := 0; i < perMonth && done < n; i, done = i+1, done+1 {
				name := string(surnames[done%len(surnames)]) + string(given[(done/7)%len(given)]) + string(given[(done/3)%len(given)])
				id := fmt.Sprintf("1404%02d%04d%02d%02d%03d", 3+done%4, 1940+done%70, 1+done%12, 1+done%28, done%1000)
				in := CertInput{TypeNo: 1 + done%12, Name: name, IDNumber: id + string(idCheck(id)), Address: "潞州区英雄南路12号",
					Purpose: "办理入学", Recipient: "长治市潞州区教育局", Verified: "经查验户口簿，情况属实", Copies: 1}
				clk.set(clk.t.Add(4 * time.Minute))
				if _, err := bt.IssueCertificate(op, in, cat, IssueOptions{AcceptDuplicate: true, AcceptPersonName: true}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		clk.set(time.Date(month.Year(), month.Month()+1, 1, 8, 0, 0, 0, Beijing))
	}
	return nil
}

// BenchmarkIssueCertificate saves one certificate into a ledger of 100,000:
// validation, duplicate check, serial, event and records in one commit.
func BenchmarkIssueCertificate(b *testing.B) {
	path := benchLedger(b)
	// The clock starts after the newest record, however often the
	// benchmark has already run on the shared file.
	clk := &clock{t: time.Date(2026, 11, 29, 9, 0, 0, 0, Beijing)}
	db, err := Open(path, Options{Now: clk.now})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if newest := db.Newest(); !clk.t.After(newest) {
		clk.set(newest.Add(time.Minute))
	}
	op, _ := db.Operator(db.LastOperator())
	cat, _ := assetsCatalog()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := input("张三", validID(fmt.Sprintf("14040319900101%03d", i%1000)), 3)
		if _, err := db.IssueCertificate(op, in, cat, IssueOptions{AcceptDuplicate: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/save")
}

// BenchmarkMonthRows opens one month of 5,000 certificates.
func BenchmarkMonthRows(b *testing.B) {
	db, err := Open(benchLedger(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows, err := db.MonthRows(2026, 10)
		if err != nil || len(rows) != benchPerMonth {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

// BenchmarkMonthCertificates reads one month of 5,000 certificates whole:
// in one transaction with the packed decoder (MonthCertificates), one
// Certificate call a row (as the month's export did), and in one
// transaction through the events' JSON (what materialise did before).
func BenchmarkMonthCertificates(b *testing.B) {
	db, err := Open(benchLedger(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rows, err := db.MonthRows(2026, 10)
	if err != nil || len(rows) != benchPerMonth {
		b.Fatalf("%d rows, %v", len(rows), err)
	}
	perCert := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchPerMonth/1e3, "µs/cert")
	}
	b.Run("month", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := db.MonthCertificates(2026, 10, func(Certificate) error { n++; return nil }); err != nil || n != benchPerMonth {
				b.Fatalf("%d certificates, %v", n, err)
			}
		}
		perCert(b)
	})
	b.Run("each", func(b *testing.B) {
		for b.Loop() {
			for _, r := range rows {
				if _, err := db.Certificate(r.ID); err != nil {
					b.Fatal(err)
				}
			}
		}
		perCert(b)
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			db.bolt.View(func(tx *bolt.Tx) error {
				states := tx.Bucket(bucketCertState)
				for _, r := range rows {
					st, err := getCertState(states, r.ID)
					if err == nil {
						_, err = jsonCertificate(tx, st)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				return nil
			})
		}
		perCert(b)
	})
}

// BenchmarkLedgerIndex builds the ledger's search index over 100,000 rows
// and reports the heap it keeps.
func BenchmarkLedgerIndex(b *testing.B) {
	db, err := Open(benchLedger(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	search.DefaultPinyin()
	var heap float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix := search.New(nil)
		db.AllRows(func(r CertRow) {
			ix.Add(r.ID, search.Field{Text: r.Name, Kind: search.Name}, search.Field{Text: r.IDNumber, Kind: search.Digits}, search.Field{Text: r.Serial, Kind: search.Code})
		})
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		if ix.Len() < benchCerts {
			b.Fatalf("indexed %d", ix.Len())
		}
		runtime.KeepAlive(ix)
	}
	b.ReportMetric(heap, "MB-heap")
}

// BenchmarkVerifyChain checks every hash of a 100,000-certificate log.
func BenchmarkVerifyChain(b *testing.B) {
	db, err := Open(benchLedger(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := db.VerifyChain(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck proves a 100,000-certificate ledger: the chain, the replay
// into a scratch file and the comparison of every derived bucket.
func BenchmarkCheck(b *testing.B) {
	db, err := Open(benchLedger(b), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := db.Check(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
}

// BenchmarkGuard is what proving the data file adds to the program's
// start (Guard: a child process walks every page, runs bbolt's check and
// reads every value), on ledgers of 5,000 and 100,000 certificates; the
// "-inprocess" runs do the child's work without the child, to show what
// starting it costs.
func BenchmarkGuard(b *testing.B) {
	for _, l := range []struct {
		name string
		path func(*testing.B) string
	}{{"5k", bench5k}, {"100k", benchLedger}} {
		path := l.path(b)
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(l.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := Guard(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Size())/(1<<20), "MB-file")
		})
		b.Run(l.name+"-inprocess", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if res := examineBolt(path); !res.OK {
					b.Fatal(res)
				}
			}
		})
	}
}
