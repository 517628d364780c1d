package ui

import (
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/ui/common"
	"taizhang/ui/lock"
	"taizhang/ui/receiving"
)

// NewAggregate wires the receiving office's screens (package receiving)
// for an aggregate file, in place of the desk's: a home, 接收情况 and 汇总.
// now may be nil (the file's clock).
func NewAggregate(db *aggregate.DB, cat *assets.Catalog, now func() time.Time) *App {
	if now == nil {
		now = db.Now
	}
	clock := now
	ctx := &common.Context{Catalog: cat, Styles: common.DefaultStyles(), Keys: common.DefaultKeys(),
		Now: func() time.Time { return clock().In(store.Beijing) }}
	a := &App{ctx: ctx, width: 80, height: 24, home: receiving.HomeScreen, office: db.Office().Name, lock: lock.New(ctx), timer: tick}
	a.screens = map[common.ScreenID]common.Screen{
		receiving.HomeScreen:    receiving.NewHome(ctx, db),
		receiving.SourcesScreen: receiving.NewSources(ctx, db),
		receiving.SummaryScreen: receiving.NewSummary(ctx, db),
	}
	a.active = receiving.HomeScreen
	return a
}
