package ui

import (
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
)

// BenchmarkAggregateFirstScreen opens a 1,000,000-certificate aggregate
// file and draws the receiving office's first screen with what it loads,
// then the year's 汇总 with its chart. The file is the one the
// store/aggregate benchmarks build:
//
//	TAIZHANG_BENCH_DIR=/tmp/aggbench go test ./store/aggregate/ -run '^$' -bench FirstScreen -benchtime 1x
//	TAIZHANG_BIG_AGGREGATE=/tmp/aggbench/big.db go test ./ui/ -run '^$' -bench Aggregate
func BenchmarkAggregateFirstScreen(b *testing.B) {
	path := os.Getenv("TAIZHANG_BIG_AGGREGATE")
	if path == "" {
		b.Skip("TAIZHANG_BIG_AGGREGATE names no aggregate file")
	}
	now := func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, store.Beijing) }
	for b.Loop() {
		db, err := aggregate.Open(path, aggregate.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		cat, err := assets.LoadCatalog()
		if err != nil {
			b.Fatal(err)
		}
		a := NewAggregate(db, cat, now)
		var m tea.Model = a
		m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
		m = drain(m, a.Init())
		if v := m.View(); !strings.Contains(v, "有效证明") {
			b.Fatalf("first screen:\n%s", v)
		}
		db.Close()
	}
}

// BenchmarkAggregateYear is the 汇总 screen switched to the year: load
// and draw.
func BenchmarkAggregateYear(b *testing.B) {
	path := os.Getenv("TAIZHANG_BIG_AGGREGATE")
	if path == "" {
		b.Skip("TAIZHANG_BIG_AGGREGATE names no aggregate file")
	}
	db, err := aggregate.Open(path, aggregate.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	cat, _ := assets.LoadCatalog()
	a := NewAggregate(db, cat, func() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, store.Beijing) })
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 25})
	m = drainKeys(drain(m, a.Init()).(*App), "2")
	for b.Loop() {
		m = drainKeys(m.(*App), "m", "m", "enter") // 按年, the detail of 全部 with its chart
		if v := m.View(); !strings.Contains(v, "2026-12 |") {
			b.Fatalf("year:\n%s", v)
		}
		m = drainKeys(m.(*App), "esc", "m") // back to 按月
	}
}
