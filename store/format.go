package store

import (
	"fmt"
	"time"
)

// ChineseDate writes a date the way Chinese documents print it:
// 2026年11月29日, with no zero padding.
func ChineseDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// ChineseMonth writes 2026年11月.
func ChineseMonth(t time.Time) string {
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// ChineseWeekday writes 星期日 … 星期六.
func ChineseWeekday(t time.Time) string { return weekdays[t.Weekday()] }

// ChineseDateOf writes a stored date (2006-01-02) in Chinese form; text
// that is not such a date is returned as it is.
func ChineseDateOf(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return ChineseDate(t)
}

// ChineseMonthOf writes a stored month (2006-01) as 2006年1月; other text
// is returned as it is.
func ChineseMonthOf(month string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return ChineseMonth(t)
}

// StampText writes a stored moment (an event's time, when a record was
// saved) as 2006-01-02 15:04 in Beijing time, whatever zone it was saved in.
func StampText(t time.Time) string { return t.In(Beijing).Format("2006-01-02 15:04") }

// SizeText is a file size for people: 1.2 MB, 350 KB, 12 字节.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}

// dateOnly is t.Format(time.DateOnly) without Format's reading of the
// layout on every call: an import writes two dates a row.
func dateOnly(t time.Time) string {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format(time.DateOnly)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}
