package aggregate_test

import (
	"archive/zip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
)

// The report of the quarter: a sheet per view whose totals are the
// communities' own counts, A4 landscape, titled with the office and the
// period, and a bar chart of the last 12 months.
func TestReport(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	receive(t, db, f.Options(true), f.Stick)
	p, err := aggregate.ParsePeriod("2026-10..2026-12")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "汇总.xlsx")
	rep, err := db.WriteReport(p, path)
	if err != nil {
		t.Fatal(err)
	}
	// What the ledgers themselves count for October to December.
	valid, voided, refusals := 0, 0, 0
	for _, l := range f.Ledgers {
		for m, c := range aggtest.OwnCounts(t, l.Path) {
			if m >= "2026-10" && m <= "2026-12" {
				valid, voided, refusals = valid+total(c.Valid), voided+total(c.Voided), refusals+total(c.Refusals)
			}
		}
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), ","); got != "按社区和类型,拒绝理由,在效准入,逐月,近12个月" {
		t.Errorf("sheets %s", got)
	}
	for _, sh := range x.GetSheetList() {
		title, _ := x.GetCellValue(sh, "A1")
		if !strings.Contains(title, "潞州区民政局") || sh != aggregate.SheetTrend && sh != aggregate.SheetInForce && !strings.Contains(title, "2026年第4季度") {
			t.Errorf("%s: title %q", sh, title)
		}
		lay, _ := x.GetPageLayout(sh)
		if lay.Size == nil || *lay.Size != 9 || lay.Orientation == nil || *lay.Orientation != "landscape" {
			t.Errorf("%s: not A4 landscape", sh)
		}
	}
	rows, _ := x.GetRows(aggregate.SheetByType)
	head, last := rows[1], rows[len(rows)-1]
	if len(rows) != 2+2+1 || last[0] != "合计" {
		t.Fatalf("by type: %d rows, last %q", len(rows), last)
	}
	cell := func(name string) int {
		for i, h := range head {
			if h == name {
				n, _ := strconv.Atoi(last[i])
				return n
			}
		}
		t.Fatalf("no column %s in %q", name, head)
		return 0
	}
	if cell("有效合计") != valid || cell("作废") != voided || cell("拒绝出具") != refusals || cell("在效准入") != 1 || valid == 0 {
		t.Errorf("totals %d %d %d %d, the ledgers count %d %d %d and 1 admission", cell("有效合计"), cell("作废"), cell("拒绝出具"), cell("在效准入"), valid, voided, refusals)
	}
	if rep.Summary.Total.ValidTotal() != valid {
		t.Errorf("summary %d", rep.Summary.Total.ValidTotal())
	}
	trend, _ := x.GetRows(aggregate.SheetTrend)
	if len(trend) != 2+12+1 || trend[2][0] != "2026-01" || trend[13][0] != "2026-12" {
		t.Errorf("trend rows %q", trend)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	charts := 0
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 1 {
		t.Errorf("%d charts", charts)
	}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestPeriods(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11": "2026年11月", "2026-01..2026-12": "2026年", "2026-10..2026-12": "2026年第4季度",
		"2026-4..2026-6": "2026年第2季度", "2026-03..2026-05": "2026年3月至2026年5月", "2026年11月": "2026年11月",
	} {
		p, err := aggregate.ParsePeriod(in)
		if err != nil || p.String() != want {
			t.Errorf("%s: %q %v", in, p.String(), err)
		}
	}
	if _, err := aggregate.ParsePeriod("2026-12..2026-01"); err == nil {
		t.Error("a range backwards parsed")
	}
	q := aggregate.Period{From: "2026-10", To: "2026-12"}
	if n := q.Shift(1); n.From != "2027-01" || n.To != "2027-03" {
		t.Errorf("next quarter %+v", n)
	}
}
