package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/mattn/go-runewidth"
)

// report is everything one run measured.
type report struct {
	opt      options
	machine  machineInfo
	sqlite   *sqlite3
	genTime  time.Duration
	csvBytes int64
	sample   sample
	loadEnd  string

	imported, rejected int
	tzImport           time.Duration
	// CPU time (user and system) of the whole import process: a figure that
	// a shared machine's load moves less than the time.
	tzImportCPU, sqImportCPU time.Duration
	tzBytes                  int64
	peakRSS                  int64

	sqImport, sqPlain time.Duration
	rounds            []float64 // the import's ratio in each round
	sqBytes           int64
	sqRows            int

	lookups []lookupResult
}

// lookupResult is one lookup on both sides. Cold is the first lookup:
// taizhang's opening the ledger (and, for a search, opening the index as
// the 证明 screen does: reading the copy beside the ledger, or building it)
// and looking up once, against a
// whole sqlite3 process that opens the file and looks up once; warm is one
// more lookup with all that done.
type lookupResult struct {
	label  string
	export bool
	// tzCold is tzOpen+tzBuild+tzFirst: what the program does for the
	// lookup; tzProcess is the whole child process, start and exit too.
	tzCold, tzOpen, tzBuild, tzFirst, tzWarm, tzProcess time.Duration
	sqCold, sqWarm                                      time.Duration
	tzHits, sqHits                                      int
	tzLoaded                                            int // cold runs that read the index rather than built it
}

// Targets: taizhang's time over sqlite3's, and the import's memory.
const (
	importTarget = 1.5
	lookupTarget = 1.0
	rssTarget    = 200 << 20
	bytesTarget  = 1200 // per certificate, everything included (issue 13)
)

func (rep *report) factor() float64 {
	if rep.opt.oldPC {
		return 2
	}
	return 1
}

func (rep *report) print(w io.Writer) {
	m := rep.machine
	fmt.Fprintln(w, "taizhang 与 sqlite3 对比（同一台机器、同一输入、一次运行）")
	fmt.Fprintf(w, "机器：%s，%d 核，%s/%s，%s%s\n", m.cpu, m.cores, runtime.GOOS, runtime.GOARCH, m.goVersion, m.env)
	if rep.sqlite != nil {
		fmt.Fprintf(w, "对比：sqlite3 %s（%s）\n", rep.sqlite.version, rep.sqlite.path)
	} else {
		fmt.Fprintf(w, "对比：找不到 %s，跳过 sqlite3 一侧，只量 taizhang。\n", rep.opt.sqlite)
	}
	if m.load != "" {
		fmt.Fprintf(w, "负载（1/5/15 分钟平均）：开始时 %s，结束时 %s\n", m.load, rep.loadEnd)
	}
	if rep.opt.oldPC {
		fmt.Fprintf(w, "模式：老电脑（taizhang 一侧 %s），目标放宽一倍\n", strings.Join(oldPCEnv, " "))
	} else {
		fmt.Fprintln(w, "模式：普通")
	}
	fmt.Fprintf(w, "输入：旧台账.csv %s 行，%s，种子 %d，生成用时 %s；每项计时 %d 次取中位数\n\n",
		thousands(int64(rep.opt.rows)), mb(rep.csvBytes), rep.opt.seed, dur(rep.genTime), rep.opt.repeat)

	t := &table{}
	t.head("项目", "taizhang", "sqlite3", "比值", "目标", "结果")
	f := rep.factor()
	t.compare(fmt.Sprintf("导入 %s 行（校验、链、索引、落盘）", thousands(int64(rep.opt.rows))), rep.tzImport, rep.sqImport, importTarget*f)
	t.row("  sqlite3 只 .import、不建索引（参考）", "", dur(rep.sqPlain), "", "", "")
	note := fmt.Sprintf("    taizhang 导入 %s 行、拒收 %s 行", thousands(int64(rep.imported)), thousands(int64(rep.rejected)))
	if rep.sqlite != nil {
		note += fmt.Sprintf("；sqlite3 表中 %s 行", thousands(int64(rep.sqRows)))
	}
	t.note(note)
	cpu := fmt.Sprintf("    CPU 时间（用户+系统，整个进程，含 taizhang 的程序启动）：taizhang %s", dur(rep.tzImportCPU))
	if rep.sqlite != nil {
		cpu += fmt.Sprintf("，sqlite3 %s，比值 %s", dur(rep.sqImportCPU), ratio(float64(rep.tzImportCPU), float64(rep.sqImportCPU)))
	}
	t.note(cpu)
	if len(rep.rounds) > 0 {
		var rs []string
		for _, x := range rep.rounds {
			rs = append(rs, fmt.Sprintf("%.2fx", x))
		}
		t.note("    两边轮流导入（每轮 taizhang、sqlite3 各一次），各轮比值：" + strings.Join(rs, "、"))
	}
	for _, l := range rep.lookups {
		t.note(l.label)
		if l.export {
			t.compare("  每次导出（台账已打开）", l.tzWarm, l.sqWarm, lookupTarget*f)
			t.compare("  首次（打开+导出；sqlite3 整个进程）", l.tzCold, l.sqCold, lookupTarget*f)
		} else {
			t.compare("  每次查询（台账已打开、索引已备好）", l.tzWarm, l.sqWarm, lookupTarget*f)
			t.compare("  首次（打开+索引+查询；sqlite3 整个进程）", l.tzCold, l.sqCold, lookupTarget*f)
		}
		detail := fmt.Sprintf("    taizhang 首次：打开 %s", dur(l.tzOpen))
		switch {
		case l.export:
		case l.tzLoaded == rep.opt.repeat:
			detail += fmt.Sprintf("，读入搜索索引 %s", dur(l.tzBuild))
		case l.tzLoaded == 0:
			detail += fmt.Sprintf("，建搜索索引 %s", dur(l.tzBuild))
		default:
			detail += fmt.Sprintf("，搜索索引 %s（%d 次中 %d 次读入、其余新建）", dur(l.tzBuild), rep.opt.repeat, l.tzLoaded)
		}
		detail += fmt.Sprintf("，%s %s（进程启动与退出另需 %s，不计入）；结果 taizhang %d 条",
			map[bool]string{true: "导出", false: "查询"}[l.export], dur(l.tzFirst), dur(max(l.tzProcess-l.tzCold, 0)), l.tzHits)
		if rep.sqlite != nil {
			detail += fmt.Sprintf("，sqlite3 %d 条", l.sqHits)
		}
		t.note(detail)
	}
	tzPer, sqPer := perRow(rep.tzBytes, rep.imported), perRow(rep.sqBytes, rep.sqRows)
	t.row("每张证明占用磁盘", bytesText(tzPer), bytesIf(sqPer, rep.sqlite != nil), ratio(tzPer, sqPer), "<= "+bytesText(bytesTarget), pass(tzPer <= bytesTarget))
	t.note(fmt.Sprintf("    taizhang.db %s / %s 张", mb(rep.tzBytes), thousands(int64(rep.imported))) +
		map[bool]string{true: fmt.Sprintf("；sqlite.db（含三个索引）%s / %s 行", mb(rep.sqBytes), thousands(int64(rep.sqRows)))}[rep.sqlite != nil])
	if rep.peakRSS > 0 {
		t.row("导入时内存峰值（VmHWM）", mb(rep.peakRSS), "", "", "<= "+mb(rssTarget), pass(rep.peakRSS <= rssTarget))
	} else {
		t.row("导入时内存峰值", "本系统无法读取", "", "", "<= "+mb(rssTarget), "")
	}
	t.print(w)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "说明：比值 = taizhang 时间 / sqlite3 时间，不超过目标为 PASS。")
	fmt.Fprintln(w, "  导入：taizhang 是旧台账导入（--apply：逐行校验、每行一条链式事件、建各索引和搜索索引、写成新文件并同步磁盘后替换），计新台账上导入到关闭文件；")
	fmt.Fprintln(w, "        sqlite3 是一个进程：建表、.mode csv、.import --skip 2（跳过标题行和表头）、建身份证号/姓名/日期三个索引，计进程启动到退出。")
	fmt.Fprintln(w, "  查询：taizhang 用“证明”屏幕的搜索（打开屏幕时读入台账旁保存的搜索索引、补上此后的证明，没有或不能用时才新建；每次查询再读出前两页的行）；")
	fmt.Fprintln(w, "        身份证号在任意位置、编号也会命中，所以条数可能多于 sqlite3 的 LIKE '%尾号'；姓名 sqlite3 用 LIKE '姓名%' 走姓名索引。")
	fmt.Fprintln(w, "  导出：taizhang 按月读出该月证明写成 CSV；sqlite3 用 .once 文件 + SELECT … WHERE 日期在该月（走日期索引）。")
	fmt.Fprintln(w, "  首次：taizhang 计新进程里打开台账、（搜索时）像“证明”屏幕那样备好搜索索引、查询一次，不计 Go 程序本身的启动（每天开程序时一次）；")
	fmt.Fprintln(w, "        sqlite3 计整个进程（启动、打开、查询、退出）。")
	fmt.Fprintln(w, "  每次：taizhang 在进程内重复计时；sqlite3 用一个进程跑 1+n 次与只跑 1 次（三次中最快的）的时间差除以 n，n 使差值超过 0.3 秒。")
}

// table lays out rows of cells in columns that line up with Chinese text
// (two cells a character) and notes that span the row.
type table struct{ rows []tableRow }

type tableRow struct {
	cells []string
	note  bool // one cell, printed as it is
}

func (t *table) head(cells ...string) { t.row(cells...) }

func (t *table) row(cells ...string) { t.rows = append(t.rows, tableRow{cells: cells}) }

func (t *table) note(s string) { t.rows = append(t.rows, tableRow{[]string{s}, true}) }

func (t *table) compare(label string, tz, sq time.Duration, target float64) {
	if sq == 0 {
		t.row(label, dur(tz), "—", "—", fmt.Sprintf("<= %.1fx", target), "—")
		return
	}
	r := float64(tz) / float64(sq)
	t.row(label, dur(tz), dur(sq), ratioText(r), fmt.Sprintf("<= %.1fx", target), pass(r <= target))
}

// ratioText shows two significant digits of a small ratio.
func ratioText(r float64) string {
	if r < 0.1 {
		return fmt.Sprintf("%.3fx", r)
	}
	return fmt.Sprintf("%.2fx", r)
}

var width = runewidth.Condition{EastAsianWidth: false}

func (t *table) print(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		if r.note {
			continue
		}
		for j, c := range r.cells {
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], width.StringWidth(c))
		}
	}
	for _, r := range t.rows {
		if r.note {
			fmt.Fprintln(w, r.cells[0])
			continue
		}
		var b strings.Builder
		for j, c := range r.cells {
			pad := widths[j] - width.StringWidth(c)
			if j == 0 {
				b.WriteString(c + strings.Repeat(" ", pad))
			} else {
				b.WriteString("  " + strings.Repeat(" ", pad) + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func pass(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func ratio(a, b float64) string {
	if b == 0 {
		return "—"
	}
	return ratioText(a / b)
}

func perRow(bytes int64, rows int) float64 {
	if rows == 0 {
		return 0
	}
	return float64(bytes) / float64(rows)
}

func bytesIf(b float64, ok bool) string {
	if !ok {
		return "—"
	}
	return bytesText(b)
}

func bytesText(b float64) string {
	if b >= 1000 {
		return fmt.Sprintf("%.2f KB", b/1000)
	}
	return fmt.Sprintf("%.0f B", b)
}

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// dur is a time as the table shows it: milliseconds below a second.
func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3f s", d.Seconds())
}

// thousands writes n with a comma every three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
