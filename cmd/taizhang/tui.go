package main

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/ui"
	"taizhang/ui/input"
)

// frameRate is how often a second the screen may be redrawn. The screens
// schedule no timer (ui.TestIdleSchedulesNothing), but bubbletea v1's
// renderer wakes at this rate for the whole run to look for a new frame,
// idle or not, and cannot be told to stop. At its default of 60 that cost
// 1.5% CPU at the home screen (300 context switches a second); at 20 it is
// 0.6%, and a key's echo waits at most 50 ms.
const frameRate = 20

// runTUI opens the data file and runs the screens until the user quits.
func runTUI(path string) error {
	cat, err := assets.LoadCatalog()
	if err != nil {
		return err
	}
	var app *ui.App
	if err := guard(path, false); err != nil {
		return err
	}
	db, err := store.Open(path, store.Options{})
	switch {
	case errors.As(err, new(*store.AggregateFileError)):
		// A receiving office's file: the 汇总 screens instead of the desk,
		// reading only (bundles are taken in by taizhang receive).
		agg, err := aggregate.Open(path, aggregate.Options{ReadOnly: true})
		if err != nil {
			return err
		}
		defer agg.Close()
		app = ui.NewAggregate(agg, cat, nil)
	case err != nil:
		return err
	default:
		defer db.Close()
		app = ui.New(db, cat, nil)
	}
	opts := append([]tea.ProgramOption{tea.WithAltScreen(), tea.WithFPS(frameRate)}, input.ProgramOptions()...)
	ui.Version = version
	p := tea.NewProgram(app, opts...)
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("界面出错退出：%w（已保存的内容不受影响）", err)
	}
	return nil
}
