package oldledger

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/bundle"
)

// The import's events are dated the day it ran, so the certificates travel
// in the bundle of that month: counted as imported (not as issued that
// month), listed with their old serials and marked 导入旧台账, and the
// bundle verifies.
func TestImportTravelsInTheMonthsBundle(t *testing.T) {
	dir := t.TempDir()
	db, op := newLedger(t, dir, store.Options{})
	text, _ := smallLedger(t)
	if rep, err := Import(db, writeFile(t, dir, "旧台账.csv", []byte(text)), options(t, true)); err != nil || rep.Valid != 2 {
		t.Fatalf("%v\n%s", err, rep)
	}
	out := filepath.Join(dir, "U盘")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	res, err := bundle.Export(db, op, today.Format("2006-01"), out, bundle.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Manifest.Counts
	if c.Imported != 2 || c.Certificates != 0 || len(c.ByType) != 0 {
		t.Errorf("counts: %+v", c)
	}
	if _, err := bundle.Verify(res.Path, bundle.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(res.Path, "证明.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"旧2020-001", "旧2020-002", "导入旧台账", "低保户"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("证明.csv does not hold %q", want)
		}
	}

	// The receiving office takes the bundle in; the certificates count in
	// the months of their dates.
	agg, err := aggregate.Create(filepath.Join(dir, "汇总.db"), aggregate.Office{Name: "英雄南路街道办事处"},
		aggregate.Options{Now: func() time.Time { return today.AddDate(0, 0, 1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer agg.Close()
	outs, err := agg.Receive([]string{res.Path}, aggregate.ReceiveOptions{Apply: true})
	if err != nil || len(outs) != 1 || outs[0].Status != aggregate.Added {
		t.Fatalf("receive: %+v %v", outs, err)
	}
	if months := outs[0].Changes.CertMonths; months["2020-01"] != 1 || months["2020-02"] != 1 {
		t.Errorf("certificates per month at the receiving office: %v", months)
	}
	if _, err := agg.Check(); err != nil {
		t.Fatal(err)
	}
}
