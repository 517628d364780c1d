package main

import (
	"flag"
	"fmt"
	"io"

	"taizhang/store"
)

// runOperator does what only the PC itself may do for an operator: clear
// a forgotten PIN. The reset is an event of the ledger (who, when), so
// the history shows it; the operator then sets a new PIN under 设置.
func runOperator(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	db := dbFlag(fs)
	name := fs.String("reset-pin", "", "经办人姓名")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	const use = "用法：taizhang operator --reset-pin 经办人姓名 [--db 数据文件]"
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("多余的参数“%s”。%s", fs.Arg(0), use)}
	case *name == "":
		return usageError{"缺少 --reset-pin（要重置谁的 PIN）。" + use}
	}
	if err := mustExist(*db); err != nil {
		return err
	}
	d, err := store.Open(*db, store.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	o, err := d.ResetPIN(*name)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已清除经办人“%s”的 PIN（已记入台账）。打开台账后，请在“设置”中按 d 重新设置 PIN。\n", o.Name)
	return nil
}
