package main

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/ui"
	"taizhang/ui/input"
)

// runTUI opens the data file and runs the screens until the user quits.
func runTUI(path string) error {
	cat, err := assets.LoadCatalog()
	if err != nil {
		return err
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	opts := append([]tea.ProgramOption{tea.WithAltScreen()}, input.ProgramOptions()...)
	p := tea.NewProgram(ui.New(db, cat, nil), opts...)
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("界面出错退出：%w（已保存的内容不受影响）", err)
	}
	return nil
}
