package oldledger

import (
	"fmt"
	"sort"
	"strings"
)

// String is the report as the command line prints it.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "旧台账 %s：读到 %d 行记录。\n", r.File, r.Rows)
	if len(r.Skipped) > 0 {
		fmt.Fprintf(&b, "没有表头、未读取的工作表：%s。\n", strings.Join(r.Skipped, "、"))
	}
	verb := "可以导入"
	if r.Applied {
		verb = "已导入"
	}
	fmt.Fprintf(&b, "%s %d 份", verb, r.Valid)
	if r.Already > 0 {
		fmt.Fprintf(&b, "；以前已经导入过 %d 份，这次跳过", r.Already)
	}
	fmt.Fprintf(&b, "；不能导入 %d 行。\n", r.Rejected)
	if r.Valid == 0 && r.Already > 0 {
		b.WriteString("这个文件以前已经导入过，这次没有新增任何记录。\n")
	}
	if r.Valid > 0 {
		b.WriteString("按证明类型：\n")
		for _, t := range sortedKeys(r.ByType, func(a, b string) bool { return r.ByType[a] > r.ByType[b] || r.ByType[a] == r.ByType[b] && a < b }) {
			fmt.Fprintf(&b, "  %6d 份  %s\n", r.ByType[t], t)
		}
		var years []string
		for _, y := range sortedKeys(r.ByYear, func(a, b int) bool { return a < b }) {
			years = append(years, fmt.Sprintf("%d 年 %d 份", y, r.ByYear[y]))
		}
		fmt.Fprintf(&b, "按年份：%s。\n", strings.Join(years, "，"))
	}
	if r.Legacy15 > 0 {
		fmt.Fprintf(&b, "其中 %d 个 15 位老身份证号已按国家标准（GB 11643）换算为 18 位保存。\n", r.Legacy15)
	}
	if r.Rejected > 0 {
		fmt.Fprintf(&b, "不能导入的行（共 %d 行，连同原因写在 %s）：\n", r.Rejected, r.RejectedFile)
		for _, x := range r.Rejections {
			fmt.Fprintf(&b, "  %s第 %d 行：%s\n", sheetText(x.Sheet), x.Line, x.Reason)
		}
		if n := r.Rejected - len(r.Rejections); n > 0 {
			fmt.Fprintf(&b, "  ……另有 %d 行，见 %s\n", n, r.RejectedFile)
		}
	}
	return b.String()
}

func sortedKeys[K comparable, V any](m map[K]V, less func(a, b K) bool) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	return keys
}
