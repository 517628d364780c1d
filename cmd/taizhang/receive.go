package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/bundle"
)

// runReceive takes monthly bundles into the receiving office's aggregate
// file: a dry run unless --apply.
func runReceive(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("receive", flag.ContinueOnError)
	db := fs.String("db", "", "汇总文件的路径，例如 --db 汇总.db")
	identity := fs.String("identity", "", "本单位的私钥文件，例如 --identity 街道办.key")
	apply := fs.Bool("apply", false, "")
	acceptKey := fs.String("accept-key", "", "新的签名密钥指纹，例如 --accept-key 1A2B-3C4D-5E6F-7A8B")
	pos, err := parseWithArgs(fs, args)
	if err != nil {
		return err
	}
	const use = "用法：taizhang receive 导出包或U盘文件夹... --db 汇总文件 [--identity 私钥文件] [--apply] [--accept-key 指纹]"
	switch {
	case *db == "":
		return usageError{"缺少 --db（本单位的汇总文件，用 taizhang init --receiving-office 建立）。" + use}
	case len(pos) == 0:
		return usageError{"请给出要接收的导出包文件夹，或存放导出包的U盘（例如 E:\\）。" + use}
	}
	opt := aggregate.ReceiveOptions{Apply: *apply, AcceptKey: strings.TrimSpace(*acceptKey)}
	if *identity != "" {
		if opt.Identity, err = readIdentities(*identity); err != nil {
			return err
		}
	}
	dirs, bad, err := aggregate.FindBundles(pos)
	if err != nil {
		return err
	}
	if err := guard(*db, true); err != nil {
		return err
	}
	a, err := aggregate.Open(*db, aggregate.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	for _, o := range bad {
		fmt.Fprint(out, outcomeText(o))
	}
	opt.Report = func(o aggregate.Outcome) { fmt.Fprint(out, outcomeText(o)) }
	outcomes, err := a.Receive(dirs, opt)
	if err != nil {
		return err
	}
	return receiveSummary(out, append(bad, outcomes...), *apply, opt.Identity == nil)
}

// receiveSummary ends the listing: how many of each, and what to do next.
func receiveSummary(out io.Writer, all []aggregate.Outcome, apply, noIdentity bool) error {
	n := map[aggregate.Status]int{}
	needID := false
	for _, o := range all {
		n[o.Status]++
		needID = needID || errors.Is(o.Err, bundle.ErrNeedIdentity)
	}
	parts := []string{}
	for _, s := range []struct {
		st   aggregate.Status
		what string
	}{{aggregate.WouldAdd, "可以添加"}, {aggregate.Added, "已添加"}, {aggregate.AlreadyReceived, "以前已收到"}, {aggregate.Refused, "拒收"}} {
		if n[s.st] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d 个", s.what, n[s.st]))
		}
	}
	fmt.Fprintf(out, "\n共 %d 个导出包：%s。\n", len(all), strings.Join(parts, "，"))
	if !apply {
		fmt.Fprintln(out, "这是试运行，汇总文件没有改动。核对无误后，加上 --apply 再运行一次即可接收。")
	}
	if needID && noIdentity {
		fmt.Fprintln(out, "有加密的导出包：请加上 --identity 指定本单位用 taizhang keygen 生成的私钥文件。")
	}
	if n[aggregate.Refused] > 0 {
		return fmt.Errorf("有 %d 个导出包被拒收，原因见上；它们的内容一条也没有加入汇总文件。", n[aggregate.Refused])
	}
	return nil
}

// outcomeText is one bundle's lines: what it holds and what became of it.
func outcomeText(o aggregate.Outcome) string {
	var b strings.Builder
	m := o.Manifest
	what := fmt.Sprintf("%s %s", m.CountyName, m.Community)
	if m.Station >= 2 {
		what += fmt.Sprintf(" %d号窗口", m.Station)
	}
	what += fmt.Sprintf(" %s（第 %d 次导出）", store.ChineseMonthOf(m.Month), m.N)
	switch o.Status {
	case aggregate.Refused:
		if m.Month == "" {
			what = o.Dir
		}
		fmt.Fprintf(&b, "[拒收] %s\n       %s\n", what, o.Err)
		return b.String()
	case aggregate.AlreadyReceived:
		fmt.Fprintf(&b, "[已收到过] %s：", what)
		if e := o.Earlier; e != nil && e.N != m.N {
			fmt.Fprintf(&b, "与 %s 收到的第 %d 次导出内容相同，", store.StampText(e.Received), e.N)
		} else if e != nil {
			fmt.Fprintf(&b, "%s 已经收到，", store.StampText(e.Received))
		}
		b.WriteString("不再添加。\n")
		return b.String()
	}
	tag := "[可以添加]"
	if o.Status == aggregate.Added {
		tag = "[已添加]"
	}
	c := m.Counts
	fmt.Fprintf(&b, "%s %s：证明 %d 份（作废 %d 份，打印 %d 次），拒绝出具 %d 条，准入申请 %d 份；%s。\n",
		tag, what, c.Certificates, c.Voided, c.Prints, c.Refusals, c.Admissions, eventText(m))
	if c.Late > 0 {
		fmt.Fprintf(&b, "       其中 %d 条事件属于以前的月份（补录，或上月没有单独导出）。\n", c.Late)
	}
	if o.Status == aggregate.Added {
		ch := o.Changes
		fmt.Fprintf(&b, "       汇总文件中新增证明 %d 份、更新 %d 份，新增拒绝出具 %d 条，准入申请 %d 份%s。\n",
			ch.NewCerts, ch.UpdatedCerts, ch.NewRefusals, ch.Admissions, otherMonths(ch.CertMonths, m.Month))
	}
	switch {
	case o.NewSource && o.Source.Accepted != nil:
		fmt.Fprintf(&b, "       已按 --accept-key 接受新的签名密钥 %s，替换原来的 %s（已记录）。\n", m.Fingerprint, o.Source.Accepted.Previous)
	case o.NewSource:
		fmt.Fprintf(&b, "       第一次收到该社区（窗口）的导出包，签名指纹 %s：请打电话请社区读出“设置”中的指纹核对。\n", m.Fingerprint)
	}
	return b.String()
}

// eventText is the bundle's run of events.
func eventText(m bundle.Manifest) string {
	if m.Last == 0 {
		return "本月没有新事件"
	}
	return fmt.Sprintf("事件第 %d–%d 条", m.First, m.Last)
}

// otherMonths names the months of issue other than the bundle's own:
// （其中签发于2026年10月的 2 份）.
func otherMonths(byMonth map[string]int, month string) string {
	var ms []string
	for k := range byMonth {
		if k != month {
			ms = append(ms, k)
		}
	}
	if len(ms) == 0 {
		return ""
	}
	sort.Strings(ms)
	parts := make([]string, len(ms))
	for i, k := range ms {
		parts[i] = fmt.Sprintf("%s %d 份", store.ChineseMonthOf(k), byMonth[k])
	}
	return "（涉及以前月份签发的证明：" + strings.Join(parts, "、") + "）"
}

// runReport writes the 汇总 of a month or a run of months to an .xlsx file.
func runReport(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	db := fs.String("db", "", "汇总文件的路径，例如 --db 汇总.db")
	month := fs.String("month", "", "月份或月份范围，例如 --month 2026-11 或 --month 2026-01..2026-12")
	file := fs.String("out", "", "报表文件，例如 --out 汇总.xlsx")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	const use = "用法：taizhang report --db 汇总文件 --month 2026-11[..2026-12] --out 报表.xlsx"
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("多余的参数“%s”。%s", fs.Arg(0), use)}
	case *db == "":
		return usageError{"缺少 --db（本单位的汇总文件）。" + use}
	case *month == "":
		return usageError{"缺少 --month（一个月如 2026-11；一季度如 2026-10..2026-12；全年如 2026-01..2026-12）。" + use}
	case *file == "":
		return usageError{"缺少 --out（报表保存到哪个文件，例如 --out 汇总.xlsx）。" + use}
	}
	p, err := aggregate.ParsePeriod(*month)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := guard(*db, true); err != nil {
		return err
	}
	a, err := aggregate.Open(*db, aggregate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.WriteReport(p, *file)
	if err != nil {
		return err
	}
	t := rep.Summary.Total
	fmt.Fprintf(out, "已写入报表：%s\n%s %s：%d 个社区，有效证明 %d 份（作废 %d 份），拒绝出具 %d 条，在效准入 %d 项。\n",
		rep.Path, rep.Summary.Office, p, len(rep.Summary.Lines), t.ValidTotal(), t.VoidedTotal(), t.RefusalTotal(), len(t.InForce))
	return nil
}

// initAggregate makes a receiving office's aggregate file (init
// --receiving-office).
func initAggregate(path, office string, out io.Writer) error {
	if office == "" {
		return usageError{"缺少 --office（接收单位名称，例如 --office 英雄南路街道办事处）。用法：taizhang init --receiving-office --office 单位名称 --db 汇总文件"}
	}
	a, err := aggregate.Create(path, aggregate.Office{Name: office}, aggregate.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(out, "已建立接收单位“%s”的汇总文件：%s\n下一步：用 taizhang keygen --out 私钥文件 生成本单位的密钥，把公钥发给各社区；收到U盘后用 taizhang receive U盘 --db %s --identity 私钥文件 接收。\n",
		a.Office().Name, path, path)
	return nil
}

// checkAggregate proves an aggregate file (check on a receiving office's file).
func checkAggregate(path string, out io.Writer) error {
	a, err := aggregate.Open(path, aggregate.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Check()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "核对通过（接收单位“%s”的汇总文件）：%s\n数据文件：%s\n", a.Office().Name, rep, path)
	return nil
}
