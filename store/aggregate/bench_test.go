package aggregate

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"filippo.io/age"
	bolt "go.etcd.io/bbolt"

	"taizhang/store"
	"taizhang/store/bundle"
	"taizhang/store/demo"
	"taizhang/store/search"
)

// Benchmarks of the receiving office (issue 11 point 4):
//
//	go test ./store/aggregate/ -run '^$' -bench . -benchtime 1x
//
// The inputs take a few minutes to build: ten real bundles of 5,000
// certificates (a demo ledger of ten months, exported month by month,
// encrypted) and an aggregate of 1,000,000 certificates (300 windows, 12
// months, written straight through apply). With TAIZHANG_BENCH_DIR set
// they are kept there and reused by the next run (and by the ui
// benchmark: TAIZHANG_BIG_AGGREGATE=$TAIZHANG_BENCH_DIR/big.db).

func benchDir(b *testing.B) string {
	if d := os.Getenv("TAIZHANG_BENCH_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o700); err != nil {
			b.Fatal(err)
		}
		return d
	}
	d, err := os.MkdirTemp("", "taizhang-aggbench-*")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(d) })
	return d
}

type benchClock struct{ t time.Time }

func (c *benchClock) now() time.Time { return c.t }

// benchBundles are ten bundles of about 5,000 certificates each, and the
// identity that opens them.
func benchBundles(b *testing.B, dir string) ([]string, age.Identity) {
	b.Helper()
	out := filepath.Join(dir, "bundles")
	keyFile := filepath.Join(dir, "office.key")
	if _, err := os.Stat(keyFile); err != nil {
		os.RemoveAll(out)
		if _, err := bundle.Keygen(keyFile); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Open(keyFile)
	if err != nil {
		b.Fatal(err)
	}
	ids, err := age.ParseIdentities(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	if dirs, _, err := FindBundles([]string{out}); err == nil && len(dirs) == 10 {
		return dirs, ids[0]
	}
	os.RemoveAll(out)
	ledger := filepath.Join(dir, "ledger.db")
	os.Remove(ledger)
	end := time.Date(2026, 10, 31, 17, 0, 0, 0, store.Beijing)
	if _, err := demo.Fill(ledger, demo.Options{Records: 50000, Months: 10, Seed: 11, End: end}, nil); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(ledger, store.Options{Now: (&benchClock{time.Date(2026, 11, 2, 9, 0, 0, 0, store.Beijing)}).now})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ops, _ := db.Operators()
	os.MkdirAll(out, 0o700)
	recipient := ids[0].(*age.X25519Identity).Recipient().String()
	var dirs []string
	for m := time.Date(2026, 1, 1, 0, 0, 0, 0, store.Beijing); m.Before(end); m = m.AddDate(0, 1, 0) {
		res, err := bundle.Export(db, ops[0], m.Format("2006-01"), out, bundle.ExportOptions{Recipient: recipient})
		if err != nil {
			b.Fatal(err)
		}
		dirs = append(dirs, res.Path)
	}
	return dirs, ids[0]
}

// BenchmarkReceive takes ten bundles of about 5,000 certificates each
// (encrypted) into a new aggregate file, verified and applied.
func BenchmarkReceive(b *testing.B) {
	dir := benchDir(b)
	dirs, id := benchBundles(b, dir)
	certs := 0
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "agg.db")
		db, err := Create(path, Office{Name: "测试单位"}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		out, err := db.Receive(dirs, ReceiveOptions{Identity: []age.Identity{id}, Apply: true})
		if err != nil {
			b.Fatal(err)
		}
		certs = 0
		for _, o := range out {
			if o.Status != Added {
				b.Fatalf("%s: %v %v", o.Dir, o.Status, o.Err)
			}
			certs += o.Manifest.Counts.Certificates
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(dirs)), "ms/bundle")
	b.ReportMetric(float64(certs)/float64(len(dirs)), "certs/bundle")
}

// Size of the big aggregate: 300 windows × 12 months × 278 certificates.
const (
	bigSources   = 300
	bigMonths    = 12
	bigPerMonth  = 278
	bigRefusalIn = 20 // a refusal per 20 certificates
)

// bigAggregate is an aggregate file of 1,000,800 certificates of 2026.
func bigAggregate(b *testing.B, dir string) string {
	b.Helper()
	path := filepath.Join(dir, "big.db")
	if db, err := Open(path, Options{ReadOnly: true}); err == nil {
		srcs, _ := db.Sources()
		db.Close()
		if len(srcs) == bigSources {
			return path
		}
	}
	os.Remove(path)
	db, err := Create(path, Office{Name: "长治市民政局"}, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(3, 4))
	srcs := make([]Source, bigSources)
	for m := 0; m < bigMonths; m++ {
		month := fmt.Sprintf("2026-%02d", m+1)
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for s := range srcs {
				p, in := syntheticMonth(r, &srcs[s], s, m, month)
				if _, err := apply(tx, &p, in); err != nil {
					return err
				}
				srcs[s] = p.src
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return path
}

var (
	benchSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	benchGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰文华红玉萍建国志林海燕鹏辉玲飞婷斌宇浩凯健俊帆帅旭宁龙欣博晨阳佳瑞")
)

// syntheticMonth is one window's month as a bundle would bring it.
func syntheticMonth(r *rand.Rand, src *Source, s, m int, month string) (plan, incoming) {
	p := plan{src: *src, isNew: m == 0}
	if p.isNew {
		p.src = Source{Profile: store.Profile{Community: fmt.Sprintf("城%03d社区", s/2+1), Street: "某街道办事处",
			CountyCode: "140403", CountyName: "潞州区", Station: s%2 + 1}, SigningKey: fmt.Sprintf("key-%03d", s), Fingerprint: fmt.Sprintf("%04X-0000-0000-0000", s)}
	}
	hash := fmt.Sprintf("%064x", s*100+m)
	p.src.Last += 2 * bigPerMonth
	p.src.Head = hash
	p.src.Received = append(p.src.Received, Received{Month: month, N: 1, First: p.src.Last - 2*bigPerMonth + 1, Last: p.src.Last, Head: hash, Hash: hash})
	p.bundle = Bundle{Hash: hash, Month: month, N: 1}
	var in incoming
	types := []string{"居民在社区居住证明", "经济困难证明", "社会保险办理证明", "死亡证明", "就业失业登记证明"}
	for i := 0; i < bigPerMonth; i++ {
		id := uint64(m*bigPerMonth + i + 1)
		c := store.Certificate{ID: id, Serial: fmt.Sprintf("2026-%04d", id), Year: 2026, No: int(id), TypeNo: 3, TypeName: types[r.IntN(len(types))],
			Name:     string(benchSurnames[r.IntN(len(benchSurnames))]) + string(benchGiven[r.IntN(len(benchGiven))]) + string(benchGiven[r.IntN(len(benchGiven))]),
			IDNumber: fmt.Sprintf("1404031%03d%02d%02d%04d", 940+r.IntN(80), 1+r.IntN(12), 1+r.IntN(28), r.IntN(10000)), Sex: "男", Birth: "1980-01-01",
			Address: "潞州区英雄南路12号3单元502室", Purpose: "办理子女入学", Recipient: "长治市潞州区东街小学",
			Verified: "经核实，该居民自2009年起在本社区居住至今。", Copies: 1, IssueDate: fmt.Sprintf("%s-%02d", month, 1+r.IntN(28)),
			Issued: time.Date(2026, time.Month(m+1), 1, 9, 0, 0, 0, store.Beijing), OperatorID: 1, OperatorName: "王丽娟", Prints: 1,
			Issuer: &store.Issuer{Committee: "英雄南路社区居民委员会", Prefix: "演示", Phone: "0355-2021234"}, Status: store.Valid}
		if r.IntN(40) == 0 {
			c.Status, c.VoidReason = store.Voided, "姓名写错"
		}
		raw, _ := json.Marshal(c)
		in.certs = append(in.certs, certIn{store.CertHead{ID: c.ID, Serial: c.Serial, TypeNo: c.TypeNo, TypeName: c.TypeName,
			Name: c.Name, IDNumber: c.IDNumber, IssueDate: c.IssueDate, Status: c.Status}, raw})
		if i%bigRefusalIn == 0 {
			rf := store.Refusal{ID: id, Date: c.IssueDate, Requester: "某物业公司", RequesterKind: "单位", Item: "创卫台账",
				Reason: store.RefusalReasons[r.IntN(len(store.RefusalReasons))]}
			raw, _ := json.Marshal(rf)
			in.refusals = append(in.refusals, recordIn[store.Refusal]{rf, raw})
		}
	}
	return p, in
}

// BenchmarkFirstScreen opens the 1,000,000-certificate file and reads
// what the 汇总 program's first screen shows: every window with its last
// month and gaps, and this month's totals.
func BenchmarkFirstScreen(b *testing.B) {
	path := bigAggregate(b, benchDir(b))
	for b.Loop() {
		db, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		srcs, err := db.Sources()
		if err != nil || len(srcs) != bigSources {
			b.Fatal(len(srcs), err)
		}
		for _, s := range srcs {
			_ = s.Missing("2026-11")
		}
		if _, err := db.Summary(MonthPeriod("2026-11")); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkYearSummary is the 汇总 of 2026 (1,000,800 certificates) and its
// 12-month trend, as the 汇总 screen asks for them.
func BenchmarkYearSummary(b *testing.B) {
	db, err := Open(bigAggregate(b, benchDir(b)), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var s Summary
	for b.Loop() {
		if s, err = db.Summary(Period{"2026-01", "2026-12"}); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Trend("2026-12", TrendMonths); err != nil {
			b.Fatal(err)
		}
	}
	if n := s.Total.ValidTotal() + s.Total.VoidedTotal(); n != bigSources*bigMonths*bigPerMonth {
		b.Fatalf("the year holds %d certificates", n)
	}
}

// BenchmarkSearch is a search in one community's ledger of the big file
// (3,336 certificates), after its index is built (BenchmarkSearchIndex).
func BenchmarkSearch(b *testing.B) {
	db, err := Open(bigAggregate(b, benchDir(b)), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ix := searchIndex(b, db, 150)
	queries := []string{"zhang", "王", "1234", "2026-0042", "lij"}
	hits := 0
	for b.Loop() {
		for _, q := range queries {
			hits += len(ix.Search(q, 0))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(queries)), "µs/search")
	if hits == 0 {
		b.Fatal("no hits")
	}
}

// BenchmarkSearchIndex builds a community's search index (in the
// background when its ledger is opened) and reads a month of it.
func BenchmarkSearchIndex(b *testing.B) {
	db, err := Open(bigAggregate(b, benchDir(b)), Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for b.Loop() {
		searchIndex(b, db, 150)
		if rows, err := db.MonthRows(150, 2026, time.November); err != nil || len(rows) != bigPerMonth {
			b.Fatal(len(rows), err)
		}
	}
}

func searchIndex(b *testing.B, db *DB, src uint64) *search.Index {
	ix := search.New(nil)
	err := db.AllRows(src, func(r store.CertRow) {
		ix.Add(r.ID, search.Field{Text: r.Name, Kind: search.Name}, search.Field{Text: r.IDNumber, Kind: search.Digits},
			search.Field{Text: r.Serial, Kind: search.Code})
	})
	if err != nil || ix.Len() != bigMonths*bigPerMonth {
		b.Fatal(ix.Len(), err)
	}
	return ix
}

// BenchmarkReceiveIntoBig takes the ten bundles into a copy of the
// 1,000,000-certificate file.
func BenchmarkReceiveIntoBig(b *testing.B) {
	dir := benchDir(b)
	big := bigAggregate(b, dir)
	dirs, id := benchBundles(b, dir)
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "big.db")
		if err := copyFile(big, path); err != nil {
			b.Fatal(err)
		}
		db, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		out, err := db.Receive(dirs, ReceiveOptions{Identity: []age.Identity{id}, Apply: true})
		if err != nil || out[len(out)-1].Status != Added {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(dirs)), "ms/bundle")
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// BenchmarkReceive100 takes in 100 bundles of 5,000 certificates, one
// from each of 100 communities (encrypted), into a new aggregate file. Its
// input takes several minutes to build, so it runs only with
// TAIZHANG_BENCH_100=1 (and TAIZHANG_BENCH_DIR to keep the input):
//
//	TAIZHANG_BENCH_100=1 TAIZHANG_BENCH_DIR=/tmp/aggbench go test ./store/aggregate/ -run '^$' -bench Receive100 -benchtime 1x
func BenchmarkReceive100(b *testing.B) {
	if os.Getenv("TAIZHANG_BENCH_100") == "" {
		b.Skip("set TAIZHANG_BENCH_100=1 to build 100 bundles")
	}
	dir := benchDir(b)
	_, id := benchBundles(b, dir)
	out := filepath.Join(dir, "bundles100")
	dirs, _, err := FindBundles([]string{out})
	if err != nil || len(dirs) != 100 {
		os.RemoveAll(out)
		dirs = build100(b, dir, out, id)
	}
	for b.Loop() {
		db, err := Create(filepath.Join(b.TempDir(), "agg.db"), Office{Name: "长治市民政局"}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		got, err := db.Receive(dirs, ReceiveOptions{Identity: []age.Identity{id}, Apply: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range got {
			if o.Status != Added {
				b.Fatalf("%s: %v", o.Dir, o.Err)
			}
		}
		db.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(len(dirs)), "ms/bundle")
}

// build100 makes 100 communities' ledgers of 5,000 certificates in
// October 2026 and exports each one's month, two at a time.
func build100(b *testing.B, dir, out string, id age.Identity) []string {
	recipient := id.(*age.X25519Identity).Recipient().String()
	end := time.Date(2026, 10, 31, 17, 0, 0, 0, store.Beijing)
	if err := os.MkdirAll(out, 0o700); err != nil {
		b.Fatal(err)
	}
	dirs := make([]string, 100)
	errs := make(chan error, 100)
	sem := make(chan struct{}, 2)
	for i := range dirs {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			path := filepath.Join(dir, fmt.Sprintf("ledger%03d.db", i))
			p := store.Profile{Community: fmt.Sprintf("第%03d社区", i+1), Street: "某街道办事处", CountyCode: "140403", SerialPrefix: "演示"}
			if _, err := os.Stat(path); err != nil { // a ledger made by an earlier run is exported again
				if _, err := demo.Fill(path, demo.Options{Records: 5000, Months: 1, Seed: int64(100 + i), End: end, Profile: &p}, nil); err != nil {
					errs <- err
					return
				}
			}
			db, err := store.Open(path, store.Options{Now: (&benchClock{time.Date(2026, 11, 2, 9, 0, 0, 0, store.Beijing)}).now})
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			ops, _ := db.Operators()
			res, err := bundle.Export(db, ops[0], "2026-10", out, bundle.ExportOptions{Recipient: recipient})
			if err == nil {
				dirs[i] = res.Path
			}
			errs <- err
		}()
	}
	for range dirs {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	return dirs
}
