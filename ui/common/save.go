package common

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
)

// AskClock asks the root to put a clock warning to the worker: the store
// refused a save because the PC clock is earlier than the newest record.
// Y runs Retry (the same write with the check waived, once); N or Esc
// delivers Refused to the screen, which shows it as it shows any failure.
type AskClock struct {
	Screen  ScreenID
	Err     *store.ClockBehindError
	Refused tea.Msg
	Retry   tea.Cmd
}

// Save runs a store write for screen id in a command and delivers its
// result to that screen. write gets the ledger to write to and returns the
// screen's result message and the store's error. When the error is a
// ClockBehindError the worker is asked first (AskClock), for every kind of
// write, so no screen needs its own clock prompt.
func Save(id ScreenID, db *store.DB, write func(*store.DB) (tea.Msg, error)) tea.Cmd {
	return func() tea.Msg {
		msg, err := write(db)
		var cb *store.ClockBehindError
		if errors.As(err, &cb) {
			return AskClock{Screen: id, Err: cb, Refused: ForScreen{To: id, Msg: msg}, Retry: func() tea.Msg {
				msg, _ := write(db.AcceptClockBehind())
				return ForScreen{To: id, Msg: msg}
			}}
		}
		return ForScreen{To: id, Msg: msg}
	}
}

// ClockQuestion is the line under the warning: what Y and N do.
const ClockQuestion = "按 Y 仍按电脑时间保存；按 Esc 不保存（先去校正电脑的日期和时间）。"
