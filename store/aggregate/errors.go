package aggregate

import (
	"fmt"
	"strings"

	"taizhang/store"
)

// Reason is why a bundle was refused.
type Reason int

const (
	NotVerified Reason = iota + 1 // the bundle does not verify (bundle.VerifyError)
	Gap                           // bundles before it from the same window were not received
	BrokenLink                    // it does not link to the last bundle received from the window
	Overlap                       // it carries events already received in other bundles
	Conflict                      // the month was received with other contents
	ForeignKey                    // signed by another key than the one the window was first received with
	Incomplete                    // a bundle folder without its manifest
)

// RefusedError says why a bundle was not taken in and what to do. Nothing
// of the bundle was added.
type RefusedError struct {
	Reason Reason
	Msg    string
	Err    error
}

func (e *RefusedError) Error() string { return e.Msg }
func (e *RefusedError) Unwrap() error { return e.Err }

func refused(r Reason, format string, args ...any) *RefusedError {
	return &RefusedError{Reason: r, Msg: fmt.Sprintf(format, args...)}
}

// monthList writes months as 2026年9月、2026年10月 (the first and last of
// a long run with the count between).
func monthList(months []string) string {
	names := make([]string, len(months))
	for i, m := range months {
		names[i] = store.ChineseMonthOf(m)
	}
	if len(names) > 4 {
		return fmt.Sprintf("%s至%s共 %d 个月", names[0], names[len(names)-1], len(names))
	}
	return strings.Join(names, "、")
}

// monthsBetween are the months strictly after from and before to.
func monthsBetween(from, to string) []string {
	var out []string
	for m := nextMonth(from); m < to; m = nextMonth(m) {
		out = append(out, m)
	}
	return out
}
