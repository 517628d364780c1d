package main

import (
	"strings"
	"testing"

	"taizhang/store"
)

// A forgotten PIN is cleared on the PC with a command, which the ledger
// records; an operator without a PIN, a name not in the ledger and a
// missing flag are refused with what to do.
func TestOperatorResetPIN(t *testing.T) {
	path := initLedger(t)
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	op, _ := db.Operator(db.LastOperator())
	if err := db.SetPIN(op, op.ID, "", "2580"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, e := runCmd("operator", "--reset-pin", "王丽", "--db", path)
	if code != 0 || !strings.Contains(out, "已清除经办人“王丽”的 PIN") {
		t.Fatalf("reset: %d %q %q", code, out, e)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := db.History(store.EvOperatorPIN, op.ID)
	if db.HasPIN(op.ID) || h[len(h)-1].Describe() != "在本机用命令重置 PIN" {
		t.Errorf("after reset: PIN %v, last event %q", db.HasPIN(op.ID), h[len(h)-1].Describe())
	}
	db.Close()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--reset-pin", "王丽", "--db", path}, 1, "没有设置 PIN"},
		{[]string{"--reset-pin", "张敏", "--db", path}, 1, "没有名叫“张敏”的经办人"},
		{[]string{"--db", path}, 2, "缺少 --reset-pin"},
		{[]string{"--reset-pin", "王丽", "--db", path + ".none"}, 1, "找不到数据文件"},
	} {
		code, _, e := runCmd(append([]string{"operator"}, c.args...)...)
		if code != c.code || !strings.Contains(e, c.want) {
			t.Errorf("%v: %d %q, want %d %q", c.args, code, e, c.code, c.want)
		}
	}
}
