package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"taizhang/store"
	"taizhang/store/demo"
)

// runDemo fills a new (or demo) data file with made-up records.
func runDemo(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	db := dbFlag(fs)
	records := fs.Int("records", 2000, "")
	months := fs.Int("months", 12, "")
	seed := fs.Int64("seed", 1, "")
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

	sum, err := demo.Fill(*db, demo.Options{Records: *records, Months: *months, Seed: *seed}, progressPrinter(errOut, *records, store.Clock))
	if err != nil {
		return err
	}
	verb := "已生成"
	if sum.Appended {
		verb = "已追加"
	}
	fmt.Fprintf(out, "%s演示数据：证明 %d 份（作废 %d 份、更正 %d 份），拒绝登记 %d 条，经办人 %d 位。数据文件：%s\n",
		verb, sum.Certificates, sum.Voided, sum.Corrected, sum.Refusals, sum.Operators, sum.Path)
	return nil
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
