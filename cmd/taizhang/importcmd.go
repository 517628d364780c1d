package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"taizhang/store"
	"taizhang/store/backup"
	"taizhang/store/oldledger"
)

// runImport reads an office's old ledger (导入旧台账): a dry run that says
// what would be imported and why each refused row is refused, or with
// --apply the import, after a backup.
func runImport(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	apply := fs.Bool("apply", false, "")
	operator := fs.String("operator", "", "经办人的姓名，例如 --operator 王丽")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	const use = "用法：taizhang import 旧台账.xlsx|旧台账.csv [--db 数据文件] [--apply] [--operator 经办人]"
	if len(pos) != 1 {
		return usageError{"请写一个要导入的文件（Excel 工作簿 .xlsx 或 CSV；路径含空格请加引号）。" + use}
	}
	if err := mustExist(*db); err != nil {
		return err
	}
	if err := guard(*db, false); err != nil {
		return err
	}
	d, err := store.Open(*db, store.Options{ReadOnly: !*apply})
	if err != nil {
		return err
	}
	defer d.Close()
	opt := oldledger.Options{Apply: *apply, Progress: importProgress(errOut, store.Clock)}
	if *apply {
		if opt.Operator, err = exportOperator(d, *operator); err != nil {
			return err
		}
		saved, err := backup.BeforeImport(d)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "导入前已备份：%s\n", saved.Path)
	}
	rep, err := oldledger.Import(d, pos[0], opt)
	if err != nil {
		return err
	}
	fmt.Fprint(out, rep.String())
	switch {
	case !*apply && rep.Valid > 0:
		fmt.Fprintln(out, "这是试运行，台账没有改动。核对无误后，加上 --apply 再运行一次即可导入（同一文件导入两次不会重复）。")
	case !*apply:
		fmt.Fprintln(out, "这是试运行，台账没有改动。")
	case rep.Valid > 0:
		fmt.Fprintln(out, "导入的证明编号前加“旧”字（如 旧2019-035），在证明列表中按原日期所在的月份查看；它们随本月的导出包交出。")
	}
	return nil
}

// importProgress prints every 10% of a file of 10,000 rows or more, with
// the time taken so far.
func importProgress(w io.Writer, now func() time.Time) func(done, total int) {
	start, next := now(), 10
	return func(done, total int) {
		if total < 10000 || total == 0 {
			return
		}
		if pct := done * 100 / total; pct >= next || done == total {
			fmt.Fprintf(w, "已读 %d / %d 行（%d%%），用时 %s\n", done, total, pct, now().Sub(start).Round(time.Second))
			next = pct/10*10 + 10
		}
	}
}
