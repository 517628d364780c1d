package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
	"taizhang/ui/receiving"
)

// TestMain removes what aggtest built for the receiving office's screens.
func TestMain(m *testing.M) {
	code := m.Run()
	aggtest.Cleanup()
	os.Exit(code)
}

// aggNow is a day after the fixture's bundles were made.
var aggNow = time.Date(2026, 12, 3, 10, 0, 0, 0, store.Beijing)

// received is an aggregate file that took in the fixture's stick: three
// windows of two communities, August to November 2026.
func received(t *testing.T) *aggregate.DB {
	t.Helper()
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	dirs, _, err := aggregate.FindBundles([]string{f.Stick})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Receive(dirs, f.Options(true)); err != nil {
		t.Fatal(err)
	}
	return db
}

func newAggApp(t *testing.T, db *aggregate.DB) *App {
	t.Helper()
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return NewAggregate(db, cat, func() time.Time { return aggNow })
}

// aggStates are every screen and mode of the receiving office's program.
var aggStates = []walkState{
	{"汇总首页", nil},
	{"接收情况", []string{"1"}},
	{"接收情况 台账", []string{"1", "enter"}},
	{"接收情况 台账 空月", []string{"1", "enter", "]"}},
	{"接收情况 查找", []string{"1", "enter", "/", "2026"}},
	{"接收情况 证明", []string{"1", "enter", "enter"}},
	{"接收情况 查到的证明", []string{"1", "enter", "/", "2026", "enter"}},
	{"汇总", []string{"2"}},
	{"汇总 季", []string{"2", "m"}},
	{"汇总 年 详情", []string{"2", "m", "m", "down", "enter"}},
	{"汇总 全部 详情", []string{"2", "enter"}},
}

func reachAgg(t *testing.T, db *aggregate.DB, st walkState, w, h int) *App {
	t.Helper()
	return walkTo(newAggApp(t, db), st, w, h)
}

// Every screen and mode fits the window, shows its keys whole on the
// bottom line at 80 columns, and draws nothing of ambiguous width (the
// bar chart is made of #).
func TestAggregateScreensFit(t *testing.T) {
	db := received(t)
	for _, size := range [][2]int{{80, 24}, {80, 25}, {60, 18}} {
		w, h := size[0], size[1]
		for _, st := range aggStates {
			t.Run(fmt.Sprintf("%dx%d %s", w, h, st.name), func(t *testing.T) {
				a := reachAgg(t, db, st, w, h)
				checkBottom(t, a, w, h)
				if a.status.Err {
					t.Errorf("error: %s", a.status.Text)
				}
			})
		}
	}
}

// What the screens say about the received bundles.
func TestAggregateScreensShow(t *testing.T) {
	db := received(t)
	view := func(keys ...string) string {
		return reachAgg(t, db, walkState{keys: keys}, 80, 24).View()
	}
	for _, c := range []struct {
		keys []string
		want []string
	}{
		{nil, []string{"潞州区民政局（接收单位）", "2 个社区 3 个窗口的导出包共 12 个", "2026年11月：有效证明"}},
		{[]string{"1"}, []string{"已收到 3 个窗口", "英雄南路社区", "东和社区", "2026-11", "无"}},
		{[]string{"1", "enter"}, []string{"英雄南路社区 证明台账（只读）", "2026年11月  共", "编号"}},
		{[]string{"1", "enter", "[", "["}, []string{"2026年9月  共"}},
		{[]string{"1", "enter", "enter"}, []string{"（只读）", "证明类型：", "来自：潞州区 英雄南路社区，第 1 号窗口"}},
		{[]string{"2"}, []string{"2026年11月 汇总（按月", "全部", "英雄南路社区", "东和社区"}},
		{[]string{"2", "m"}, []string{"2026年第4季度 汇总（按季"}},
		{[]string{"2", "m", "m"}, []string{"2026年 汇总（按年"}},
		{[]string{"2", "[", "[", "["}, []string{"2026年8月 汇总"}},
		{[]string{"2", "down", "enter"}, []string{"近12个月出具证明", "2026-11 |#", "2025-12 |"}},
		{[]string{"2", "down", "enter", "end"}, []string{"在效准入（2026年11月底）", "垃圾分类入户宣传"}},
	} {
		v := view(c.keys...)
		for _, w := range c.want {
			if !strings.Contains(v, w) {
				t.Errorf("%v: the screen lacks %q:\n%s", c.keys, w, v)
			}
		}
	}
	// The search finds a certificate of the window in any month.
	a := reachAgg(t, db, walkState{keys: []string{"1", "enter", "/"}}, 80, 24)
	src := a.screens[receiving.SourcesScreen]
	if !src.Capturing() {
		t.Fatal("the search field has no focus")
	}
	rows, err := db.MonthRows(1, 2026, time.September)
	if err != nil || len(rows) == 0 {
		t.Fatal(len(rows), err)
	}
	a = drainKeys(a, rows[0].Serial)
	if v := a.View(); !strings.Contains(v, "找到 1 份") || !strings.Contains(v, rows[0].Serial) {
		t.Errorf("search for %s:\n%s", rows[0].Serial, v)
	}
}

// The desk's program does not open an aggregate file (cmd/taizhang opens
// it with NewAggregate); Esc on the receiving office's screens leads to
// its own home.
func TestAggregateBackGoesHome(t *testing.T) {
	db := received(t)
	a := reachAgg(t, db, walkState{keys: []string{"2", "esc"}}, 80, 24)
	if a.active != receiving.HomeScreen {
		t.Errorf("Esc from 汇总 went to %s", a.active)
	}
	a = reachAgg(t, db, walkState{keys: []string{"1", "enter", "esc"}}, 80, 24)
	if a.active != receiving.SourcesScreen || !strings.Contains(a.View(), "已收到 3 个窗口") {
		t.Errorf("Esc from a ledger went to %s", a.active)
	}
}

func TestAggregateSummaryGolden(t *testing.T) {
	db := received(t)
	tm := start(t, newAggApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "2")
	waitFor(t, tm, "东和社区")
	typeText(tm, "m")
	waitFor(t, tm, "第4季度")
	tm.Send(press(tea.KeyDown))
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "2026-12 |")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

// A window whose later months have not come shows them as missing.
func TestAggregateShowsMissingMonths(t *testing.T) {
	f := aggtest.Build(t)
	db, _ := aggtest.NewAggregate(t)
	l := f.Ledgers[1]
	dirs := []string{l.Bundles["2026-08"], l.Bundles["2026-09"]}
	if out, err := db.Receive(dirs, f.Options(true)); err != nil || out[1].Status != aggregate.Added {
		t.Fatal(err)
	}
	v := reachAgg(t, db, walkState{keys: []string{"1"}}, 80, 24).View()
	for _, want := range []string{"缺 2 个月", "英雄南路社区 2号窗口缺少 2026年10月、2026年11月 的导出包"} {
		if !strings.Contains(v, want) {
			t.Errorf("the list lacks %q:\n%s", want, v)
		}
	}
	if v := reachAgg(t, db, walkState{}, 80, 24).View(); !strings.Contains(v, "有 1 个窗口缺少导出包") {
		t.Errorf("the home does not say a window is behind:\n%s", v)
	}
}
