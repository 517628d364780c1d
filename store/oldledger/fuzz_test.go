package oldledger

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"taizhang/store"
)

var (
	fuzzOnce sync.Once
	fuzzDB   *store.DB
	fuzzDir  string
)

// FuzzOldLedgerReader feeds any bytes to the importer as an old ledger (a
// CSV, or a workbook when they start as a zip does) in a dry run: it must
// never panic, and what it reports must add up: every row read is valid,
// imported before or rejected with its line and a reason, and the
// rejected-rows file holds them all.
//
// The seeds run with go test; to fuzz (a workbook input takes
// milliseconds, so the minimisation of a large one is cut short):
//
//	go test -run '^$' -fuzz FuzzOldLedgerReader -fuzztime 10m -fuzzminimizetime 5s -parallel 1 ./store/oldledger/
func FuzzOldLedgerReader(f *testing.F) {
	text, _ := smallLedger(f)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(text)
	for _, s := range []string{
		text, "\uFEFF" + text, gb, strings.ReplaceAll(text, ",", "\t"),
		"姓名,身份证号,证明类型,日期\n张三,1.40403E+17,居住证明,43529\n",
		"姓名,身份证号,证明类型,日期\n\"张,三\",\"140403\"\"1990\",jzzm,2019年3月5日\n,,,\n",
		"证明\n姓名,身份证号,类型,用途,日期\n,,,,\n李四,140403900101123,在本社区居住的证明,上学,2019.3.5 10:20\n",
		"姓名,身份证号,证明类型,日期\n" + strings.Repeat("王五,140403199001011000,死亡证明,2019/13/40\n", 3),
		"", "\xff\xfe", "PK\x03\x04", "\"",
	} {
		f.Add([]byte(s))
	}
	f.Add(fuzzWorkbook(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzOnce.Do(func() {
			var err error
			if fuzzDir, err = os.MkdirTemp("", "oldledger-fuzz-*"); err != nil {
				panic(err)
			}
			// Kept open for the process: each input is only read against it.
			fuzzDB, err = store.Open(filepath.Join(fuzzDir, "taizhang.db"), store.Options{Now: func() time.Time { return today }})
			if err != nil {
				panic(err)
			}
			if _, _, err = fuzzDB.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}, "王丽", false); err != nil {
				panic(err)
			}
		})
		path := filepath.Join(t.TempDir(), "旧台账.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		opt := options(t, false)
		rep, err := Import(fuzzDB, path, opt)
		if err != nil {
			return
		}
		if rep.Rows != rep.Valid+rep.Rejected+rep.Already {
			t.Fatalf("%d rows read, %d valid, %d rejected, %d imported before", rep.Rows, rep.Valid, rep.Rejected, rep.Already)
		}
		if len(rep.Rejections) != min(rep.Rejected, MaxListed) {
			t.Fatalf("%d rejections listed of %d", len(rep.Rejections), rep.Rejected)
		}
		for _, x := range rep.Rejections {
			if x.Line <= 0 || x.Reason == "" {
				t.Fatalf("rejection without a line or reason: %+v", x)
			}
		}
		if rep.Rejected == 0 {
			if rep.RejectedFile != "" {
				t.Fatal("a rejected-rows file without rejected rows")
			}
			return
		}
		raw, err := os.ReadFile(rep.RejectedFile)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF"))))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("the rejected-rows file does not read back: %v", err)
		}
		rows := 0
		for _, rec := range recs {
			if len(rec) >= 3 && rec[1] != "行号" {
				rows++
			}
		}
		if rows != rep.Rejected {
			t.Fatalf("the rejected-rows file holds %d rows, %d were rejected", rows, rep.Rejected)
		}
	})
}

// fuzzWorkbook is a small workbook, for the fuzzer to start from.
func fuzzWorkbook(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range [][]any{
		{"证明登记台账"},
		{"姓名", "身份证号", "证明类型", "日期"},
		{"张三", idNumber("140403", "19800101", 1), "居住证明", 43529},
		{"李四", 140403900101123, "jzzm", "2019.3.5"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
