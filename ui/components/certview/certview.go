// Package certview draws certificates as the ledger shows them: a line of
// the month view or the search (RowText under TableHead) and the fields of
// the detail (FieldLines). The 证明 screen and the receiving office's
// read-only ledger show them the same way.
package certview

import (
	"fmt"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/idcard"
	"taizhang/ui/common"
)

// ShortType is the type's short name (居住证明) for lists: the one the
// search index finds (assets.ShortName).
func ShortType(types map[int]assets.CertTemplate, no int) string { return assets.ShortName(types, no) }

// Ledger columns: 状态 comes right after the date, so a narrow window
// (60 columns) never loses 有效/作废; there the ID number shows only its
// last four digits (what tells people apart) and the type gives way first.
const (
	serialW  = 10
	nameW    = 10
	typeMaxW = 20
	typeMinW = 8
	idFullW  = 18 // 140403********1231
	idTailW  = 8  // ****1231
)

// idW is the width of the ID column in a window w wide.
func idW(w int) int {
	if w >= 1+serialW+1+5+1+4+1+typeMaxW+1+nameW+1+idFullW {
		return idFullW
	}
	return idTailW
}

// typeW is the width of the type column in a window w wide.
func typeW(w int) int {
	fixed := 1 + serialW + 1 + 5 + 1 + 4 + 1 + 1 + nameW + 1
	return min(max(w-fixed-idW(w), typeMinW), typeMaxW)
}

// idText is the masked ID number as wide as the column.
func idText(number string, w int) string {
	masked := idcard.Mask(number)
	if w >= idFullW {
		return masked
	}
	r := []rune(masked)
	return "****" + string(r[max(len(r)-4, 0):])
}

// RowText is one ledger line in a window w wide: serial, date, status,
// type (its short name), name, masked ID.
func RowText(r store.CertRow, short string, w int) string {
	status := "有效"
	if r.Voided {
		status = "作废"
	}
	date := r.IssueDate
	if len(date) == 10 {
		date = date[5:]
	}
	serial := r.Serial
	if serial == "" { // imported from an old ledger that had no serial
		serial = noSerial
	}
	return fmt.Sprintf("%s %s %s %s %s %s", common.Pad(serial, serialW), date, status,
		common.Pad(short, typeW(w)), common.Pad(common.Display(r.Name), nameW), idText(r.IDNumber, idW(w)))
}

// noSerial stands for the serial of a certificate imported from an old
// ledger without one: 旧 marks every imported serial.
const noSerial = "旧(无编号)"

// MonthHead is the line over a month's rows: the month and how many
// certificates it has, valid and voided.
func MonthHead(s common.Styles, month time.Time, rows []store.CertRow, w int) string {
	var valid, voided int
	for _, r := range rows {
		if r.Voided {
			voided++
		} else {
			valid++
		}
	}
	head := fmt.Sprintf("%s  共 %d 份（有效 %d，作废 %d）", store.ChineseMonth(month), len(rows), valid, voided)
	return s.Title.Render(common.Truncate(head, w))
}

// SearchHead is the line under the search field: the index is being
// built, what to type (hint), nothing found,
// or how many were found.
func SearchHead(s common.Styles, ready bool, query, hint string, found, w int) string {
	switch {
	case !ready:
		return s.Dim.Render("正在建立查找索引……")
	case query == "":
		return s.Dim.Render(common.Truncate(hint, w))
	case found == 0:
		return s.Warn.Render(common.Truncate("没有找到。检查拼写，或按 Esc 回到按月查看。", w))
	}
	return s.Title.Render(common.Truncate(fmt.Sprintf("找到 %d 份（最相符、最新的在前）", found), w))
}

// TableHead is the column heads over RowText's lines.
func TableHead(s common.Styles, w int) string {
	head := fmt.Sprintf(" %s %s %s %s %s %s", common.Pad("编号", serialW), "日期 ", "状态",
		common.Pad("类型", typeW(w)), common.Pad("姓名", nameW), "身份证号")
	return s.Label.Render(common.Truncate(head, w))
}

// FieldLines are a certificate's fields, each shown whole, wrapped to w
// (p is the profile of the ledger it was issued in; reveal shows the
// whole ID number).
func FieldLines(s common.Styles, c store.Certificate, p store.Profile, reveal bool, w int) []string {
	var lines []string
	add := func(label, value string) {
		lines = append(lines, common.Labelled(s.Label.Render(label+"："), value, w)...)
	}
	status := s.OK.Render("有效")
	if c.Status == store.Voided {
		status = s.Error.Render("作废")
	}
	serial := c.FullSerial(p)
	if serial == "" {
		serial = noSerial
	}
	lines = append(lines, s.Title.Render("编号 "+serial)+"  "+status)
	if c.Imported {
		add("来源", "导入的旧台账（不是在本程序中开具的，不能再打印或更正）")
	}
	add("证明类型", c.TypeName)
	id := idcard.Mask(c.IDNumber)
	if reveal {
		id = c.IDNumber
	}
	add("姓名", fmt.Sprintf("%s    性别：%s    出生日期：%s", c.Name, c.Sex, store.ChineseDateOf(c.Birth)))
	add("身份证号", id)
	add("住址", orDash(c.Address))
	add("用途", c.Purpose)
	add("需证明单位", orDash(c.Recipient))
	add("核实情况", orDash(c.Verified))
	if c.Imported {
		add("签发日期", fmt.Sprintf("%s    经办人：%s", store.ChineseDateOf(c.IssueDate), orDash(c.OperatorName)))
		if c.Note != "" {
			add("备注", c.Note)
		}
	} else {
		add("份数", fmt.Sprintf("%d 份    签发日期：%s    经办人：%s", c.Copies, store.ChineseDateOf(c.IssueDate), c.OperatorName))
	}
	printed := "未打印"
	if c.Prints > 0 {
		printed = fmt.Sprintf("已打印 %d 次", c.Prints)
	}
	add("打印", printed)
	if c.Status == store.Voided {
		add("作废", fmt.Sprintf("%s（%s，%s）", c.VoidReasonText(), store.StampText(c.VoidedAt), c.VoidedBy))
	}
	return lines
}

func orDash(s string) string {
	if s == "" {
		return "（未填）"
	}
	return s
}
