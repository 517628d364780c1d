package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"taizhang/store"
	"taizhang/store/backup"
	"taizhang/store/bundle"
)

// runExport writes a month's bundle, as the 导出 screen does.
func runExport(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := dbFlag(fs)
	month := fs.String("month", "", "")
	outDir := fs.String("out", "", "")
	recipient := fs.String("recipient", "", "")
	mask := fs.Bool("mask-id", false, "")
	operator := fs.String("operator", "", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	const use = "用法：taizhang export [--db 数据文件] --month 2026-11 --out 文件夹 [--recipient 公钥] [--mask-id] [--operator 经办人]"
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("多余的参数“%s”。%s", fs.Arg(0), use)}
	case *month == "":
		return usageError{"缺少 --month（要导出的月份，例如 2026-11）。" + use}
	case *outDir == "":
		return usageError{"缺少 --out（导出到哪个文件夹，通常是U盘，例如 E:\\）。" + use}
	}
	m, err := store.ParseMonth(*month)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := mustExist(*db); err != nil {
		return err
	}
	if err := guard(*db, false); err != nil {
		return err
	}
	d, err := store.Open(*db, store.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	op, err := exportOperator(d, *operator)
	if err != nil {
		return err
	}
	p, err := d.Profile()
	if err != nil {
		return err
	}
	key := strings.TrimSpace(*recipient)
	if key == "" {
		key = p.ReceiverKey
	}
	saved, err := backup.BeforeExport(d)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "导出前已备份：%s\n", saved.Path)
	res, err := bundle.Export(d, op, m.Format("2006-01"), *outDir, bundle.ExportOptions{Recipient: key, MaskID: *mask, Version: version})
	if err != nil {
		return err
	}
	fmt.Fprint(out, res.String())
	if !res.Manifest.Encrypted {
		fmt.Fprintln(out, "注意：没有设置接收单位的公钥，文件未加密，里面有居民的姓名和身份证号，请妥善保管U盘。")
	}
	return nil
}

// exportOperator is who makes the export: the operator named, or the one at
// the desk last time, or the only active one.
func exportOperator(d *store.DB, name string) (store.Operator, error) {
	ops, err := d.Operators()
	if err != nil {
		return store.Operator{}, err
	}
	last := d.LastOperator()
	var active []store.Operator
	for _, o := range ops {
		switch {
		case o.Retired:
		case name != "" && o.Name == strings.TrimSpace(name):
			return o, nil
		case name == "" && o.ID == last:
			return o, nil
		default:
			active = append(active, o)
		}
	}
	switch {
	case name != "":
		return store.Operator{}, usageError{fmt.Sprintf("没有名叫“%s”的在职经办人。请检查 --operator 的姓名。", name)}
	case len(active) == 1:
		return active[0], nil
	}
	return store.Operator{}, usageError{"请用 --operator 指明由哪位经办人导出。"}
}
