package ui

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/demo"
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
		var m tea.Model = noBackup(New(db, cat, clock))
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
	var m tea.Model = noBackup(New(db, cat, clock))
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

var (
	ledgerOnce sync.Once
	ledgerPath string
	ledgerErr  error
)

// ledger100k is a demo ledger of 100,000 certificates over 20 months
// (5,000 a month), built once per test binary.
func ledger100k(b *testing.B) string {
	ledgerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "taizhang-ui-bench")
		if err != nil {
			ledgerErr = err
			return
		}
		ledgerPath = filepath.Join(dir, "100k.db")
		_, ledgerErr = demo.Fill(ledgerPath, demo.Options{Records: 100_000, Months: 20, Seed: 1, End: fixedNow}, nil)
	})
	if ledgerErr != nil {
		b.Fatal(ledgerErr)
	}
	return ledgerPath
}

// runCmds runs a command and feeds what it returns back, as the program
// would (batches included).
func runCmds(m tea.Model, cmd tea.Cmd) tea.Model {
	if cmd == nil {
		return m
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			m = runCmds(m, c)
		}
		return m
	}
	if msg == nil {
		return m
	}
	m, cmd = m.Update(msg)
	return runCmds(m, cmd)
}

func ledgerApp(b *testing.B) tea.Model {
	db, err := store.Open(ledger100k(b), store.Options{Now: clock})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	cat, _ := assets.LoadCatalog()
	var m tea.Model = noBackup(New(db, cat, clock))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	m = runCmds(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyEnter} }) // past the operator picker
	m = runCmds(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2")} })
	return m
}

// BenchmarkLedgerKey is one key in the ledger screen showing a month of
// about 5,000 certificates out of 100,000: Update and View.
func BenchmarkLedgerKey(b *testing.B) {
	m := ledgerApp(b)
	if !strings.Contains(m.View(), "2026年11月") {
		b.Fatalf("not on the ledger:\n%s", m.View())
	}
	keys := []tea.KeyMsg{{Type: tea.KeyDown}, {Type: tea.KeyPgDown}, {Type: tea.KeyDown}, {Type: tea.KeyPgUp}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, _ = m.Update(keys[i%len(keys)])
		_ = m.View()
	}
}

// BenchmarkLedgerOpenMonth is ] then [ : loading a month of ~5,000 rows and
// drawing it.
func BenchmarkLedgerOpenMonth(b *testing.B) {
	m := ledgerApp(b)
	keys := []string{"[", "]"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%2]
		m = runCmds(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)} })
		_ = m.View()
	}
}

// BenchmarkLedgerSearchKey is one key typed into the ledger search over
// 100,000 certificates: the index query, fetching the rows shown, and View.
func BenchmarkLedgerSearchKey(b *testing.B) {
	m := ledgerApp(b)
	m = runCmds(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/")} })
	keys := []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("w")}, {Type: tea.KeyRunes, Runes: []rune("a")}, {Type: tea.KeyRunes, Runes: []rune("n")}, {Type: tea.KeyRunes, Runes: []rune("g")},
		{Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}, {Type: tea.KeyBackspace}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i%len(keys)]
		m = runCmds(m, func() tea.Msg { return k })
		_ = m.View()
	}
}
