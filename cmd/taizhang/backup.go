package main

import (
	"flag"
	"fmt"
	"io"

	"taizhang/store"
	"taizhang/store/backup"
)

// runBackup writes a snapshot of the ledger to a file of the user's choice.
func runBackup(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := dbFlag(fs)
	to := fs.String("out", "", "一个文件路径，例如 --out E:\\台账备份.db")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	const use = "用法：taizhang backup [--db 数据文件] --out 备份文件"
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("多余的参数“%s”。%s", fs.Arg(0), use)}
	case *to == "":
		return usageError{"缺少 --out（备份写到哪个文件，例如 E:\\台账备份.db）。" + use}
	}
	d, err := openReadOnly(*db)
	if err != nil {
		return err
	}
	defer d.Close()
	info, err := backup.WriteFile(d, *to)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已备份到 %s（%s），校验值写在 %s.sha256。\n恢复时运行：%s\n",
		info.Path, store.SizeText(info.Size), info.Path, backup.RestoreCommand(info.Path, d.Path()))
	return nil
}

// runRestore puts a backup back in place of the data file, after checking it
// and keeping the current file aside.
func runRestore(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	const use = "用法：taizhang restore 备份文件 [--db 数据文件]"
	if len(pos) != 1 {
		return usageError{"请写一个备份文件（路径含空格请加引号）。" + use}
	}
	res, err := backup.Restore(pos[0], *db, store.Clock())
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已恢复：%s\n备份核对通过：%s\n", *db, res.Report)
	if res.Aside != "" {
		fmt.Fprintf(out, "原来的数据文件没有删除，改名保存为 %s。\n", res.Aside)
	}
	return nil
}
