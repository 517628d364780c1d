package store

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"taizhang/store/fold"
)

var (
	monthRE  = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$`)
	monthRE6 = regexp.MustCompile(`^(\d{4})(\d{2})$`)
	dateRE   = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$`)
	dateRE8  = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// parseMonth reads a year and month typed as 2026-03, 2026-3, 2026年3月,
// 2026/3, 2026.3 or 202603 (full-width digits too), years 2000–2099.
func parseMonth(s string) (time.Time, bool) {
	s = fold.Width(strings.TrimSpace(s))
	m := monthRE.FindStringSubmatch(s)
	if m == nil {
		m = monthRE6.FindStringSubmatch(s)
	}
	if m == nil {
		return time.Time{}, false
	}
	y, mo := atoi(m[1]), atoi(m[2])
	if y < 2000 || y > 2099 || mo < 1 || mo > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), 1, 0, 0, 0, 0, time.UTC), true
}

// parseDate reads a real date typed as 2026-03-05, 2026-3-5, 2026年3月5日,
// 2026/3/5, 2026.3.5 or 20260305 (full-width digits too), years 2000–2099.
func parseDate(s string) (time.Time, bool) {
	s = fold.Width(strings.TrimSpace(s))
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		m = dateRE8.FindStringSubmatch(s)
	}
	if m == nil {
		return time.Time{}, false
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if y < 2000 || y > 2099 || t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// NormalizeMonth turns a typed year and month into "2006-01".
func NormalizeMonth(s string) (string, bool) {
	t, ok := parseMonth(s)
	if !ok {
		return s, false
	}
	return t.Format("2006-01"), true
}

// NormalizeDate turns a typed date into "2006-01-02".
func NormalizeDate(s string) (string, bool) {
	t, ok := parseDate(s)
	if !ok {
		return s, false
	}
	return t.Format(time.DateOnly), true
}

// dateMsg says why typed text is not a date: a day the month does not have
// (2026年2月30日), a month that does not exist, or a form not understood.
func dateMsg(s string) string {
	s = fold.Width(strings.TrimSpace(s))
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		m = dateRE8.FindStringSubmatch(s)
	}
	if m == nil {
		return msgDate
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	switch {
	case y < 2000 || y > 2099:
		return "年份“" + m[1] + "”不对，请填写 2000 年到 2099 年之间的日期，例如 2026-03-05。"
	case mo < 1 || mo > 12:
		return "没有" + strconv.Itoa(mo) + "月，请核对月份。"
	}
	days := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return strconv.Itoa(y) + "年" + strconv.Itoa(mo) + "月只有 " + strconv.Itoa(days) + " 天，没有" + strconv.Itoa(d) + "日，请核对日期。"
}
