package ui

import (
	"path/filepath"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
)

// BenchmarkStartup is what a worker waits for: open the data file, load the
// embedded lists, build the screens and draw the first frame.
func BenchmarkStartup(b *testing.B) {
	path := filepath.Join(b.TempDir(), "b.db")
	db, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	p := store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}
	if _, _, err := db.Setup(p, "王丽", false); err != nil {
		b.Fatal(err)
	}
	db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := store.Open(path, store.Options{Now: clock})
		if err != nil {
			b.Fatal(err)
		}
		cat, err := assets.LoadCatalog()
		if err != nil {
			b.Fatal(err)
		}
		var m tea.Model = New(db, cat, clock)
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
		if m.View() == "" {
			b.Fatal("empty first frame")
		}
		db.Close()
	}
}

// BenchmarkListsKeystroke is one key typed into the lists search: Update
// (search over the four lists) and View.
func BenchmarkListsKeystroke(b *testing.B) {
	db, err := store.Open(filepath.Join(b.TempDir(), "b.db"), store.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p := store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403"}
	db.Setup(p, "王丽", false)
	cat, _ := assets.LoadCatalog()
	var m tea.Model = New(db, cat, clock)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	for _, k := range []string{"1", "/"} {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("x")}, {Type: tea.KeyRunes, Runes: []rune("f")}, {Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, _ = m.Update(keys[i%len(keys)])
		_ = m.View()
	}
}
