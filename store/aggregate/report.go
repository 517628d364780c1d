package aggregate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/printout"
)

// Sheet names of the report, in order.
const (
	SheetByType   = "按社区和类型"
	SheetRefusals = "拒绝理由"
	SheetInForce  = "在效准入"
	SheetMonthly  = "逐月"
	SheetTrend    = "近12个月"
)

// TrendMonths is how many months the charts show.
const TrendMonths = 12

// Report is what WriteReport wrote.
type Report struct {
	Path    string
	Summary Summary
	Trend   Trend
}

// WriteReport writes the 汇总 of period p to an .xlsx file at path for
// upload or printing: a sheet per view (by community and certificate
// type, refusals by reason, admissions in force, month by month) with
// totals, and the certificates of the last 12 months with a bar chart; A4
// landscape, titles naming the office and the period. The file is written
// under a temporary name and renamed, so a failure leaves no half file.
func (db *DB) WriteReport(p Period, path string) (Report, error) {
	rep := Report{Path: path}
	var err error
	if rep.Summary, err = db.Summary(p); err != nil {
		return rep, err
	}
	if rep.Trend, err = db.Trend(p.To, TrendMonths); err != nil {
		return rep, err
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := reportStyles(f)
	if err != nil {
		return rep, err
	}
	office := db.office.Name
	if err := f.SetDocProps(&excelize.DocProperties{Title: office + " " + p.String() + " 汇总", Creator: "台账 taizhang",
		Created: db.now().Format(time.RFC3339), Language: "zh-CN"}); err != nil {
		return rep, err
	}
	s := rep.Summary
	tables := []table{byTypeTable(s), refusalTable(s), inForceTable(s), monthlyTable(s), trendTable(rep.Trend)}
	for i, t := range tables {
		t.title = office + " " + t.title
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), t.name); err != nil {
				return rep, err
			}
		} else if _, err := f.NewSheet(t.name); err != nil {
			return rep, err
		}
		if err := t.write(f, st); err != nil {
			return rep, err
		}
	}
	if err := trendChart(f, rep.Trend, office); err != nil {
		return rep, err
	}
	return rep, saveFile(f, path)
}

// saveFile writes the workbook beside path and renames it into place.
func saveFile(f *excelize.File, path string) error {
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return fmt.Errorf("报表文件名要以 .xlsx 结尾（例如 --out 汇总.xlsx），“%s”不是。", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".汇总-*.xlsx")
	if err != nil {
		return fmt.Errorf("无法在 %s 写入报表：%w。请检查文件夹是否存在、是否可写。", filepath.Dir(path), err)
	}
	_, err = f.WriteTo(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("写入报表 %s 失败：%w。如果它正在 Excel 或 WPS 中打开，请先关闭它再重试。", path, err)
	}
	return nil
}

// sheetStyles of the report; inertOf maps a style to its inert variant
// (printout.InertStyle), for text a spreadsheet would take for a formula.
type sheetStyles struct {
	title, head, cell, total int
	inertOf                  map[int]int
}

func (s sheetStyles) inert(style int) int { return s.inertOf[style] }

func reportStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	specs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.head, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
			Alignment: &excelize.Alignment{Vertical: "center", Horizontal: "center", WrapText: true}}},
		{&s.cell, excelize.Style{Border: border}},
		{&s.total, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border}},
	}
	s.inertOf = map[int]int{}
	for _, sp := range specs {
		id, err := f.NewStyle(&sp.style)
		if err != nil {
			return s, err
		}
		*sp.dst = id
		if s.inertOf[id], err = printout.InertStyle(f, id); err != nil {
			return s, err
		}
	}
	return s, nil
}

// table is one sheet: a title, a header row, the rows, and a totals row.
type table struct {
	name, title string
	head        []string
	widths      []float64 // per column; the last repeats
	rows        [][]any
	total       []any // nil: no totals row
}

func (t table) write(f *excelize.File, st sheetStyles) error {
	sh := t.name
	if err := printout.TableSheet(f, sh, t.title, 2); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(t.head))
	if err := f.SetCellValue(sh, "A1", t.title); err != nil {
		return err
	}
	title := st.title
	if store.FormulaLike(t.title) {
		title = st.inert(title)
	}
	if err := f.SetCellStyle(sh, "A1", "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sh, "A1", last+"1"); err != nil {
		return err
	}
	for i := range t.head {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sh, col, col, t.widths[min(i, len(t.widths)-1)]); err != nil {
			return err
		}
	}
	put := func(row int, vals []any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			return err
		}
		end, _ := excelize.CoordinatesToCellName(len(t.head), row)
		if err := f.SetCellStyle(sh, cell, end, style); err != nil {
			return err
		}
		// Names and items come from the communities' bundles: keep text a
		// spreadsheet would take for a formula as text.
		for i, v := range vals {
			if s, ok := v.(string); ok && store.FormulaLike(s) {
				c, _ := excelize.CoordinatesToCellName(i+1, row)
				if err := f.SetCellStyle(sh, c, c, st.inert(style)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	heads := make([]any, len(t.head))
	for i, h := range t.head {
		heads[i] = h
	}
	if err := put(2, heads, st.head); err != nil {
		return err
	}
	for i, r := range t.rows {
		if err := put(3+i, r, st.cell); err != nil {
			return err
		}
	}
	if t.total != nil {
		if err := put(3+len(t.rows), t.total, st.total); err != nil {
			return err
		}
	}
	return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}

// ShortTypes maps a certificate type's full name to its short one (居住证明);
// admitted types keep their full name.
func ShortTypes() map[string]string {
	out := map[string]string{}
	cat, err := assets.LoadCatalog()
	if err != nil {
		return out
	}
	tpl, _ := assets.CertTemplates()
	for _, it := range cat.List(assets.Certificates).Items {
		if t, ok := tpl[it.No]; ok {
			out[it.Text] = t.Short
		}
	}
	return out
}

// ShortType is a type's short name.
func ShortType(short map[string]string, name string) string {
	if s, ok := short[name]; ok {
		return s
	}
	return name
}

func place(l Line) []any { return []any{l.CountyName, l.Community} }

// perCommunity is a table with a row per community (county, community,
// then cells) and a row of totals.
func perCommunity(s Summary, name, title string, widths []float64, cols []string, cells func(Line) []any) table {
	t := table{name: name, title: s.Period.String() + " " + title, head: append([]string{"县（市、区）", "社区"}, cols...), widths: widths}
	for _, l := range s.Lines {
		t.rows = append(t.rows, append(place(l), cells(l)...))
	}
	t.total = append([]any{"合计", fmt.Sprintf("%d 个社区", len(s.Lines))}, cells(s.Total)...)
	return t
}

func byTypeTable(s Summary) table {
	short := ShortTypes()
	cols := []string{"窗口数"}
	for _, ty := range s.Types {
		cols = append(cols, ShortType(short, ty))
	}
	cols = append(cols, "有效合计", "作废", "拒绝出具", "在效准入")
	return perCommunity(s, SheetByType, "出具证明汇总（按社区和证明类型，有效份数）", []float64{12, 18, 7, 10}, cols, func(l Line) []any {
		r := []any{l.Stations}
		for _, ty := range s.Types {
			r = append(r, l.Valid[ty])
		}
		return append(r, l.ValidTotal(), l.VoidedTotal(), l.RefusalTotal(), len(l.InForce))
	})
}

func refusalTable(s Summary) table {
	var cols []string
	for _, r := range store.RefusalReasons {
		cols = append(cols, string(r))
	}
	return perCommunity(s, SheetRefusals, "拒绝出具登记汇总（按理由）", []float64{12, 18, 12}, append(cols, "合计"), func(l Line) []any {
		var r []any
		for _, reason := range store.RefusalReasons {
			r = append(r, l.Refusals[string(reason)])
		}
		return append(r, l.RefusalTotal())
	})
}

func monthlyTable(s Summary) table {
	months := s.Period.Months()
	return perCommunity(s, SheetMonthly, "逐月出具证明（有效份数）", []float64{12, 18, 9}, append(months, "合计"), func(l Line) []any {
		var r []any
		for _, m := range months {
			r = append(r, l.ByMonth[m])
		}
		return append(r, l.ValidTotal())
	})
}

func inForceTable(s Summary) table {
	end := endOf(s.Period.To)
	t := table{name: SheetInForce, title: "截至" + store.ChineseDate(end) + "在效的准入事项",
		head:   []string{"县（市、区）", "社区", "申请单位", "准入事项", "类别", "期限", "起止", "准入日期"},
		widths: []float64{12, 18, 24, 30, 10, 8, 18, 12}}
	for _, l := range s.Lines {
		for _, a := range l.InForce {
			decided := ""
			if a.Decision != nil {
				decided = a.Decision.Date
			}
			t.rows = append(t.rows, append(place(l), a.Unit, a.Item, a.Kind, a.Term, store.ChineseMonthOf(a.From)+"至"+a.Until(), decided))
		}
	}
	t.total = []any{"合计", fmt.Sprintf("%d 项", len(t.rows)), "", "", "", "", "", ""}
	return t
}

func trendTable(tr Trend) table {
	t := table{name: SheetTrend, title: fmt.Sprintf("近%d个月出具证明（有效份数，截至%s）", TrendMonths, store.ChineseMonthOf(tr.Months[len(tr.Months)-1])),
		head: []string{"月份", "证明（份）"}, widths: []float64{12, 12}}
	sum := 0
	for i, m := range tr.Months {
		t.rows = append(t.rows, []any{m, tr.Total[i]})
		sum += tr.Total[i]
	}
	t.total = []any{"合计", sum}
	return t
}

// trendChart puts a bar chart of the 近12个月 sheet's figures beside them.
func trendChart(f *excelize.File, tr Trend, office string) error {
	last := 2 + len(tr.Months)
	return f.AddChart(SheetTrend, "D2", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("'%s'!$B$2", SheetTrend),
			Categories: fmt.Sprintf("'%s'!$A$3:$A$%d", SheetTrend, last),
			Values:     fmt.Sprintf("'%s'!$B$3:$B$%d", SheetTrend, last),
		}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: office + " 近12个月出具证明"}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		Dimension: excelize.ChartDimension{Width: 640, Height: 320},
	})
}
