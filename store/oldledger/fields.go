package oldledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"taizhang/store"
	"taizhang/store/fold"
	"taizhang/store/idcard"
)

// trim drops the spaces (also full-width and no-break ones) around a cell.
func trim(s string) string {
	if s == "" || s[0] > ' ' && s[len(s)-1] > ' ' && s[0] < 0x80 && s[len(s)-1] < 0x80 {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !cellSpace(first) && !cellSpace(last) { // most cells: Chinese at both ends
		return s
	}
	return strings.TrimFunc(s, cellSpace)
}

func cellSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00A0' || r == '\u3000' }

// excelEpoch is day 0 of Excel's 1900 date system, as it counts from
// March 1900 on (it takes 1900 for a leap year, so serial 60 is a day
// that never was).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, store.Beijing)

// parseDate reads a date as old ledgers write it: an Excel serial number
// (43529, also with a time as a fraction), 2019-03-05, 2019-3-5, 2019/3/5,
// 2019.3.5, 2019年3月5日, 20190305, each maybe followed by a time. It
// returns a Chinese reason when it cannot.
func parseDate(cell string) (time.Time, string) {
	s := fold.Width(trim(cell))
	if s == "" {
		return time.Time{}, ""
	}
	if t, ok := serialDate(s); ok {
		return t, ""
	}
	var nums [3]int
	var digits [3]int
	i, n := 0, 0
	for n < 3 {
		start := i
		v := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' && i-start < 8 {
			v = v*10 + int(s[i]-'0')
			i++
		}
		if i == start {
			break
		}
		nums[n], digits[n] = v, i-start
		n++
		if n == 3 || i == len(s) {
			break
		}
		sep, size := nextRune(s[i:])
		if !strings.ContainsRune(".-/年月", sep) {
			break
		}
		i += size
	}
	rest := strings.TrimLeft(s[i:], "日号. ")
	if n == 1 && digits[0] == 8 { // 20190305
		nums, digits, n = [3]int{nums[0] / 10000, nums[0] / 100 % 100, nums[0] % 100}, [3]int{4, 2, 2}, 3
	}
	bad := func() string {
		return fmt.Sprintf("日期“%s”看不懂，请写成 2019-03-05、2019/3/5、2019.3.5 或 2019年3月5日 这样的年月日。", cell)
	}
	switch {
	case n < 3 || digits[1] > 2 || digits[2] > 2:
		return time.Time{}, bad()
	case digits[0] != 4:
		return time.Time{}, fmt.Sprintf("日期“%s”的年份不是四位数，分不清是哪一年，请写成四位年份（例如 2019-03-05）。", cell)
	case rest != "" && !timeOfDay(rest):
		return time.Time{}, bad()
	}
	y, m, d := nums[0], nums[1], nums[2]
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, store.Beijing)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return time.Time{}, fmt.Sprintf("日期“%s”不存在（%d 年没有 %d 月 %d 日），请核对。", cell, y, m, d)
	}
	return t, ""
}

func nextRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// timeOfDay reports the time that may follow a date: 10:20, 10:20:30,
// T10:20:30.
func timeOfDay(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "T")
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == ':' || r == '.') {
			return false
		}
	}
	return strings.Contains(s, ":")
}

// serialDate reads an Excel serial date: 43529 or 43529.4375. Serials
// from 1 to 60 (January and February 1900) are not dates a ledger holds;
// they and anything past 9999 fall through as unreadable or too early.
func serialDate(s string) (time.Time, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) < 3 || len(whole) > 7 || !allDigits(whole) || !allDigits(frac) {
		return time.Time{}, false
	}
	n := 0
	for i := 0; i < len(whole); i++ {
		n = n*10 + int(whole[i]-'0')
	}
	if n <= 60 || n > 2958465 {
		return time.Time{}, false
	}
	return excelEpoch.AddDate(0, 0, n), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// idCell is what an ID number cell shows of Excel's handling.
type idCell int

const (
	idPlain   idCell = iota
	idDamaged        // Excel has cut it: refused, the reason says how
	idSuspect        // valid, but ends in 000 as a cut number does
)

// readID reads an ID number cell. A number Excel has already damaged is
// refused and never repaired: in scientific notation or with a decimal
// point and more than 15 digits (1.40403E+17: Excel keeps 15 significant
// digits of a number), or of 18 digits that fail the check digit and
// either end in 000 (cut to 15 digits) or are exactly what a number
// stored as a float prints. A number written that way with 15 digits or
// fewer (an old 15-digit ID number) lost nothing and is read as its
// digits. A valid number that ends in 000 is suspect: it is refused only
// when the file shows damage elsewhere. id is the text to parse.
func readID(cell string) (id string, kind idCell, reason string) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, fold.Width(cell))
	const fix = "后几位已经丢失，无法恢复。请从原始登记材料查出完整号码，在 Excel 中先把这一列设为“文本”格式再录入，然后重新导入。"
	if digits, n, ok := numberDigits(s); ok {
		if n > 15 {
			how := "存成了带小数点的数字"
			if strings.ContainsAny(s, "Ee") {
				how = "变成了科学计数法"
			}
			return s, idDamaged, fmt.Sprintf("身份证号“%s”已被 Excel %s（%d 位的号码只剩 15 位有效数字），%s", trim(cell), how, n, fix)
		}
		s = digits
	}
	if len(s) != 18 || !allDigits(s) || idcard.CheckDigit(s[:17]) == s[17] {
		if len(s) == 18 && strings.HasSuffix(s, "000") && allDigits(s) {
			return s, idSuspect, ""
		}
		return s, idPlain, ""
	}
	if strings.HasSuffix(s, "000") {
		return s, idDamaged, fmt.Sprintf("身份证号“%s”末三位是 000 且校验位不对：这是 Excel 把号码当成数字、只保留 15 位有效数字造成的，%s", trim(cell), fix)
	}
	return s, idPlain, ""
}

// floatHint is added to the check-digit error of a number that reads
// exactly as a program prints a float (140403199001011230): it may have
// been stored as a number, or simply mistyped, so the hint says both.
func floatHint(id string) string {
	if len(id) != 18 || !allDigits(id) {
		return ""
	}
	if f, err := strconv.ParseFloat(id, 64); err != nil || strconv.FormatFloat(f, 'f', -1, 64) != id {
		return ""
	}
	return "如果原表这一列是数字格式，也可能是 Excel 只保留 15 位有效数字、后几位已经丢失，请从原始登记材料核对完整号码。"
}

// numberDigits reads a number written in scientific notation (1.40403E+17)
// or with a decimal point (140403900101123.0): its digits and how many the
// whole number has. ok is false for anything else.
func numberDigits(s string) (digits string, n int, ok bool) {
	mant, exp, sci := strings.Cut(strings.ToUpper(s), "E")
	whole, frac, dot := strings.Cut(mant, ".")
	if !sci && !dot || whole == "" || !allDigits(whole) || !allDigits(frac) {
		return "", 0, false
	}
	e := 0
	if sci {
		v, err := strconv.Atoi(strings.TrimPrefix(exp, "+"))
		if err != nil || v < 0 || v > 30 {
			return "", 0, false
		}
		e = v
	}
	all := strings.TrimLeft(whole+frac, "0")
	n = len(strings.TrimLeft(whole, "0")) + e
	if len(strings.TrimLeft(whole, "0")) == 0 {
		return "", 0, false
	}
	if len(strings.TrimRight(all, "0")) > n { // a fraction is left: not a whole number
		return "", 0, false
	}
	if len(all) < n {
		all += strings.Repeat("0", n-len(all))
	}
	return all[:n], n, true
}

// suspectReason is why a valid number ending in 000 is refused in a file
// where Excel has cut other ID numbers.
const suspectReason = "这个文件中有被 Excel 截断的身份证号（末三位变成 000），这个号码也以 000 结尾，无法确认是否完整。请与原始登记材料核对，确认无误后单独再导入这一行。"

// normaliseType is a type cell as the judge reads it: full-width forms
// folded, spaces dropped (居 住 证 明).
func normaliseType(cell string) string {
	s := fold.Width(trim(cell))
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
