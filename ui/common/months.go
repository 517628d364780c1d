package common

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
)

// MonthMove is where a month key takes a view of month: [ the month
// before, ] the month after, t this month (now's); ok is false for any
// other key.
func (k Keys) MonthMove(km tea.KeyMsg, month, now time.Time) (time.Time, bool) {
	switch {
	case key.Matches(km, k.PrevMonth):
		return month.AddDate(0, -1, 0), true
	case key.Matches(km, k.NextMonth):
		return month.AddDate(0, 1, 0), true
	case key.Matches(km, k.ThisMonth):
		return store.MonthStart(now), true
	}
	return month, false
}
