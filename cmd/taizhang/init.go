package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"taizhang/store"
)

// runInit writes the community profile and first operator without the
// screens, for setting up many PCs.
func runInit(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	db := dbFlag(fs)
	var p store.Profile
	fs.StringVar(&p.Community, "community", "", "")
	fs.StringVar(&p.Street, "street", "", "")
	fs.StringVar(&p.CountyCode, "county", "", "")
	fs.StringVar(&p.Phone, "phone", "", "")
	fs.StringVar(&p.SerialPrefix, "prefix", "", "")
	fs.IntVar(&p.Station, "station", 1, "")
	operator := fs.String("operator", "", "")
	force := fs.Bool("force", false, "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("多余的参数“%s”。含空格的名称请加引号。", fs.Arg(0))}
	}
	for _, req := range []struct{ flag, v string }{{"--community", p.Community}, {"--street", p.Street}, {"--county", p.CountyCode}, {"--operator", *operator}} {
		if req.v == "" {
			return usageError{fmt.Sprintf("缺少 %s。用法：taizhang init --db 数据文件 --community 社区名称 --street 街道办事处 --county 县区代码 --operator 经办人 [--phone 电话]", req.flag)}
		}
	}
	d, err := store.Open(*db, store.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	saved, op, err := d.Setup(p, *operator, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已设置：%s（%s %s，%s），第 %d 号窗口，经办人 %s。数据文件：%s\n",
		saved.CommitteeName(), saved.CountyName, saved.CountyCode, saved.Street, saved.StationNo(), op.Name, d.Path())
	if s, err := d.Signer(); err == nil {
		fmt.Fprintf(out, "本单位签名指纹：%s（请告知接收单位，以便核对导出包）\n", store.Fingerprint(s.Public))
	}
	return nil
}

func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
