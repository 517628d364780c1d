package store

import (
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

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

// ClockBehindError: the PC clock is earlier than the newest record, so the
// date or the serial year may be wrong. The user must confirm before saving.
type ClockBehindError struct{ Now, Newest time.Time }

func (e *ClockBehindError) Error() string {
	return fmt.Sprintf("电脑时间（%s）比台账中最新一条记录（%s）早了%s，日期或编号年份可能会错。请先核对电脑的日期和时间；确认无误再保存。",
		StampText(e.Now), StampText(e.Newest), spanText(e.Newest.Sub(e.Now)))
}

// spanText says how long d is in the words a worker would use: to the
// minute under a day, to the hour above.
func spanText(d time.Duration) string {
	if d >= 24*time.Hour {
		d = d.Round(time.Hour)
	} else {
		d = d.Round(time.Minute)
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	minutes := int(d % time.Hour / time.Minute)
	var parts []string
	add := func(n int, unit string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, unit))
		}
	}
	switch {
	case days >= 365:
		add(days/365, "年")
		add(days%365, "天")
	case days > 0:
		add(days, "天")
		add(hours, "小时")
	default:
		add(hours, "小时")
		add(minutes, "分钟")
	}
	if len(parts) == 0 {
		return "不到 1 分钟"
	}
	return " " + strings.Join(parts, " ")
}

// newestTime is the time of the newest event (meta/newest), zero in a new file.
func newestTime(tx *bolt.Tx) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, string(tx.Bucket(bucketMeta).Get(keyNewest)))
	return t.In(Beijing)
}

// raiseNewest moves meta/newest forward to t; it never moves back, so a
// save made with the clock behind (and confirmed) does not hide the newest
// record's time from the next check.
func raiseNewest(tx *bolt.Tx, t time.Time) error {
	if !t.After(newestTime(tx)) {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(keyNewest, []byte(t.Format(time.RFC3339Nano)))
}

// checkClock refuses a write whose time is earlier than the newest record
// unless the worker has confirmed it (AcceptClockBehind).
func (db *DB) checkClock(tx *bolt.Tx, now time.Time) error {
	if newest := newestTime(tx); now.Before(newest) && !db.clockAccepted {
		return &ClockBehindError{Now: now, Newest: newest}
	}
	return nil
}

// AcceptClockBehind is the ledger for one save the worker confirmed after a
// ClockBehindError: the same file, with the clock check waived. Use it for
// that save only and keep using db for the next one, which asks again.
func (db *DB) AcceptClockBehind() *DB { return db.accepting(true) }

func (db *DB) accepting(ok bool) *DB {
	if !ok || db.clockAccepted {
		return db
	}
	c := *db
	c.clockAccepted = true
	return &c
}

// Newest is the time of the newest record in the ledger (zero when empty).
func (db *DB) Newest() time.Time {
	var t time.Time
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		t = newestTime(tx)
		return nil
	})
	return t
}

// PreviousMonth is the first day of the month before t's, Beijing time: the
// month an export or a summary opens on.
func PreviousMonth(t time.Time) time.Time { return MonthStart(t).AddDate(0, -1, 0) }
