package bundle

import (
	"fmt"
	"strings"

	"taizhang/store"
)

// String is the summary shown after an export.
func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "导出包：%s\n", r.Path)
	describe(&b, r.Manifest, r.Bytes)
	fmt.Fprintf(&b, "本单位签名指纹：%s（接收单位可打电话核对）\n", r.Manifest.Fingerprint)
	return b.String()
}

// String is the summary of a bundle that verified.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "核验通过：%s\n", r.Dir)
	describe(&b, r.Manifest, r.Bytes)
	fmt.Fprintf(&b, "签名密钥指纹：%s（请与社区“设置”中显示的指纹核对）\n", r.Manifest.Fingerprint)
	if r.ContentsChecked {
		b.WriteString("每个文件的哈希、清单签名、计数和事件链都相符。\n")
	} else {
		b.WriteString("文件已加密，没有提供私钥：只核对了每个文件的哈希和清单签名，没有核对内容和事件链。用 --identity 指定本单位的私钥文件可以完整核验。\n")
	}
	if len(r.Extra) > 0 {
		fmt.Fprintf(&b, "文件夹中另有 %s，不属于导出包，未核验。\n", strings.Join(r.Extra, "、"))
	}
	return b.String()
}

// describe writes what a bundle holds, for both summaries.
func describe(b *strings.Builder, m Manifest, bytes int64) {
	station := ""
	if m.Station >= 2 {
		station = fmt.Sprintf("%d 号窗口，", m.Station)
	}
	fmt.Fprintf(b, "%s（%s %s），%s%s，本月第 %d 次导出，导出时间 %s\n",
		m.Community, m.CountyName, m.CountyCode, station, store.ChineseMonthOf(m.Month), m.N, createdText(m.Created))
	c := m.Counts
	fmt.Fprintf(b, "证明 %d 份（作废 %d 份，打印 %d 次），拒绝出具 %d 条，准入申请 %d 份；事件 %d 条（%s）",
		c.Certificates, c.Voided, c.Prints, c.Refusals, c.Admissions, c.Events, eventRange(m))
	if c.Late > 0 {
		fmt.Fprintf(b, "，其中 %d 条属于以前的月份", c.Late)
	}
	if c.Imported > 0 {
		fmt.Fprintf(b, "；导入旧台账的证明 %d 份", c.Imported)
	}
	b.WriteString("\n")
	enc := "未加密"
	if m.Encrypted {
		enc = "已加密（只有接收单位的私钥能打开）"
	}
	if m.MaskedID {
		enc += "，表格中的身份证号已隐去中间 8 位"
	}
	fmt.Fprintf(b, "文件 %d 个，共 %s，%s\n", len(m.Files)+1, store.SizeText(bytes), enc)
}

func createdText(rfc string) string {
	if len(rfc) >= 16 {
		return strings.Replace(rfc[:16], "T", " ", 1)
	}
	return rfc
}
