package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"taizhang/assets"
	"taizhang/store"
)

// runInit writes the community profile and first operator without the
// screens, for setting up many PCs.
func runInit(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	db := dbFlag(fs)
	var p store.Profile
	fs.StringVar(&p.Community, "community", "", "社区名称，例如 --community 英雄南路社区")
	fs.StringVar(&p.Street, "street", "", "所属街道办事处，例如 --street 英雄南路街道办事处")
	fs.StringVar(&p.CountyCode, "county", "", "县（市、区）代码，例如 --county 140403（潞州区）")
	fs.StringVar(&p.Phone, "phone", "", "联系电话，例如 --phone 0355-2021234")
	fs.StringVar(&p.SerialPrefix, "prefix", "", "证明编号前缀，例如 --prefix 英南证")
	fs.IntVar(&p.Station, "station", 1, "窗口号 1–99，例如 --station 2（只有一台电脑时不用填）")
	operator := fs.String("operator", "", "经办人姓名，例如 --operator 王丽")
	force := fs.Bool("force", false, "")
	receiving := fs.Bool("receiving-office", false, "")
	office := fs.String("office", "", "接收单位名称，例如 --office 英雄南路街道办事处")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("多余的参数“%s”。含空格的名称请加引号。", fs.Arg(0))}
	}
	dbGiven := false
	fs.Visit(func(f *flag.Flag) { dbGiven = dbGiven || f.Name == "db" })
	switch {
	case *receiving && !dbGiven:
		// Never the desk's default file: the desk would then open an aggregate.
		return usageError{"请用 --db 指定汇总文件的位置，例如 --db 汇总.db。用法：taizhang init --receiving-office --office 单位名称 --db 汇总文件"}
	case *receiving:
		return initAggregate(*db, *office, out)
	case *office != "":
		return usageError{"--office 只用于接收单位：taizhang init --receiving-office --office 单位名称 --db 汇总文件"}
	}
	if p.CountyCode != "" { // a wrong code first: the list of right ones helps most
		if err := checkCounty(p.CountyCode); err != nil {
			return err
		}
	}
	for _, req := range []struct{ flag, v string }{{"--community", p.Community}, {"--street", p.Street}, {"--county", p.CountyCode}, {"--operator", *operator}} {
		if req.v == "" {
			return usageError{fmt.Sprintf("缺少 %s。用法：taizhang init --db 数据文件 --community 社区名称 --street 街道办事处 --county 县区代码 --operator 经办人 [--phone 电话]", req.flag)}
		}
	}
	// What Setup would refuse is refused before the file is opened, so a
	// mistake leaves no new file behind.
	check := p.Normalize()
	if err := check.Validate(); err != nil {
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

// checkCounty refuses a code that is not a current Changzhi division and
// lists the codes to choose from.
func checkCounty(code string) error {
	divs, err := assets.LoadDivisions()
	if err != nil {
		return err
	}
	code = strings.TrimSpace(code)
	if _, ok := divs.Find(code); ok {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "--county %s 不是长治市现行的县（市、区）代码。", code)
	for _, l := range divs.Legacy {
		if l.Code == code {
			if now, ok := divs.Find(l.Now); ok {
				fmt.Fprintf(&b, "%s 是2018年区划调整前%s的代码，现为 %s %s。", code, l.Name, now.Code, now.Name)
			}
		}
	}
	b.WriteString("请填下列代码之一：")
	for _, d := range divs.Current {
		fmt.Fprintf(&b, "\n  %s %s", d.Code, d.Name)
	}
	return usageError{b.String()}
}

func writeJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
