package oldledger

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/deskcheck"
	"taizhang/store/idcard"
)

// today is the clock of the test ledgers.
var today = time.Date(2026, 12, 2, 9, 0, 0, 0, store.Beijing)

var (
	judgeOnce sync.Once
	cat       *assets.Catalog
	judge     *deskcheck.Checker
)

// lists are the catalog and the desk judge, made once.
func lists(t testing.TB) (*assets.Catalog, *deskcheck.Checker) {
	judgeOnce.Do(func() {
		var err error
		if cat, err = assets.LoadCatalog(); err != nil {
			panic(err)
		}
		judge = deskcheck.New(cat)
	})
	return cat, judge
}

// newLedger is an empty ledger with its profile and an operator.
func newLedger(t testing.TB, dir string, opt store.Options) (*store.DB, store.Operator) {
	t.Helper()
	if opt.Now == nil {
		opt.Now = func() time.Time { return today }
	}
	db, err := store.Open(filepath.Join(dir, "taizhang.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, op, err := db.Setup(store.Profile{Community: "英雄南路社区", Street: "英雄南路街道办事处", CountyCode: "140403", SerialPrefix: "英南证"}, "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	return db, op
}

// options are the options of a test import.
func options(t testing.TB, apply bool) Options {
	c, j := lists(t)
	return Options{Apply: apply, Catalog: c, Checker: j}
}

// idNumber makes a valid ID number from its first 17 digits' seed.
func idNumber(area string, birth string, seq int) string {
	s := fmt.Sprintf("%s%s%03d", area, birth, seq%1000)
	return s + string(idcard.CheckDigit(s))
}

// writeFile writes text to a file in dir.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// csvText joins rows into CSV text (no quoting: the cells have no commas).
func csvText(rows ...[]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\r\n")
	}
	return b.String()
}
