package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"taizhang/store"
	"taizhang/store/demo"
)

// runDemo fills a new (or demo) data file with made-up records.
func runDemo(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	db := dbFlag(fs)
	records := fs.Int("records", 2000, "一个数字（证明份数），例如 --records 200")
	months := fs.Int("months", 12, "一个数字（月数），例如 --months 6")
	seed := fs.Int64("seed", 1, "一个整数")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("多余的参数“%s”。用法：taizhang demo --db 文件 [--records N] [--months M]", fs.Arg(0))}
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	if !dbGiven {
		return usageError{"请用 --db 指定演示数据文件，例如 taizhang demo --db demo.db。演示数据不会写入默认的台账文件。"}
	}
	if *records < 1 || *records > 1000000 {
		return usageError{"--records 请填 1 到 1000000 之间的数字。"}
	}
	if *months < 1 || *months > 120 {
		return usageError{"--months 请填 1 到 120 之间的数字。"}
	}

	if err := guard(*db, false); err != nil {
		return err
	}
	sum, err := demo.Fill(*db, demo.Options{Records: *records, Months: *months, Seed: *seed}, progressPrinter(errOut, *records, store.Clock))
	if err != nil {
		return err
	}
	fmt.Fprint(out, demoSummary(sum))
	return nil
}

// demoSummary says what a fill wrote, over which days, and how to open it;
// counts that are zero are left out.
func demoSummary(sum demo.Summary) string {
	var b strings.Builder
	verb := "已生成"
	if sum.Appended {
		verb = "已追加"
	}
	fmt.Fprintf(&b, "%s演示数据（%s至%s）：\n", verb, store.ChineseDate(sum.From), store.ChineseDate(sum.To))
	certs := fmt.Sprintf("  证明 %d 份", sum.Certificates)
	if sum.Voided > 0 {
		certs += fmt.Sprintf("，其中作废 %d 份", sum.Voided)
		if sum.Corrected > 0 {
			certs += fmt.Sprintf("（%d 份因更正作废）", sum.Corrected)
		}
	}
	if sum.Residents > 0 {
		certs += fmt.Sprintf("；涉及居民 %d 人", sum.Residents)
	}
	if sum.Prints > 0 {
		certs += fmt.Sprintf("；打印 %d 次", sum.Prints)
	}
	b.WriteString(certs + "\n")
	if sum.Refusals > 0 {
		fmt.Fprintf(&b, "  拒绝登记 %d 条\n", sum.Refusals)
	}
	fmt.Fprintf(&b, "  经办人 %d 位：%s\n", sum.Operators, strings.Join(demo.Operators[:], "、"))
	path := sum.Path
	if strings.ContainsAny(path, " \t") {
		path = `"` + path + `"`
	}
	fmt.Fprintf(&b, "数据文件：%s\n查看：taizhang --db %s\n", sum.Path, path)
	return b.String()
}

// progressPrinter reports every 5% of a fill of 5,000 certificates or more,
// with the time taken so far; smaller fills are quick and stay silent.
func progressPrinter(w io.Writer, records int, now func() time.Time) func(done, total int) {
	if records < 5000 {
		return nil
	}
	start, step := now(), records/20
	return func(done, total int) {
		if done%step == 0 || done == total {
			fmt.Fprintf(w, "已写入 %d / %d 份证明（%d%%），用时 %s\n", done, total, done*100/total, now().Sub(start).Round(time.Second))
		}
	}
}
