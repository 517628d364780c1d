package store

import "time"

// Beijing is China Standard Time, a fixed UTC+8 with no daylight saving, so
// no time-zone database is needed (Windows PCs often have none, and many
// office PCs are set to the wrong zone). Every date, month key, serial year
// and printed date of the ledger is read in this zone.
var Beijing = time.FixedZone("CST", 8*60*60)

// systemClock is the only place the program reads the PC's clock.
func systemClock() time.Time { return time.Now() }

// beijingClock turns any clock into one that reads Beijing time.
func beijingClock(now func() time.Time) func() time.Time {
	if now == nil {
		now = systemClock
	}
	return func() time.Time { return now().In(Beijing) }
}

// Clock is the ledger's clock for code that has no open ledger (the
// command line's progress lines, the demo generator's default end date).
func Clock() time.Time { return beijingClock(nil)() }

// MonthStart is the first day of t's month at midnight, Beijing time.
func MonthStart(t time.Time) time.Time {
	t = t.In(Beijing)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Beijing)
}
