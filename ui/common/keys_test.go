package common

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
)

// command reports whether k is a key typed as one character that a screen
// gives a meaning to: a letter or a sign. Digits choose by number (the
// home menu, the tabs of 清单) and are left out.
func command(k string) bool {
	r, n := utf8.DecodeRuneInString(k)
	return n == len(k) && n > 0 && unicode.IsPrint(r) && !unicode.IsDigit(r) && r != ' '
}

// Each letter or sign is bound once in the table: one meaning everywhere.
func TestTableBindsEachLetterOnce(t *testing.T) {
	table := Bindings(DefaultKeys())
	if len(table) < 40 {
		t.Fatalf("only %d bindings found in the table", len(table))
	}
	owner := map[string]key.Binding{}
	for _, b := range table {
		if len(b.Keys()) > 0 && b.Help().Key == "" {
			t.Errorf("keys %v have no help text", b.Keys())
		}
		for _, k := range b.Keys() {
			if !command(k) {
				continue
			}
			if o, ok := owner[k]; ok {
				t.Errorf("%q means both %q and %q", k, o.Help().Desc, b.Help().Desc)
			}
			owner[k] = b
		}
	}
	for _, k := range []string{"n", "p", "s", "o", "a", "r", "h", "l", "q", "?", "/", "["} {
		if _, ok := owner[k]; !ok {
			t.Errorf("%q is not in the table", k)
		}
	}
}

// The help text fits the bottom line: no description is long enough to
// push 全部按键 off an 80-column line on its own.
func TestTableHelpIsShort(t *testing.T) {
	for _, b := range Bindings(DefaultKeys()) {
		if w := Width(b.Help().Key) + 1 + Width(b.Help().Desc); w > 20 {
			t.Errorf("%s %s is %d cells wide", b.Help().Key, b.Help().Desc, w)
		}
	}
}

func TestShortName(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"李四", 10, "李四"},
		{"长治市潞州区城市管理局", 22, "长治市潞州区城市管理局"},
		{"长治市潞州区城市管理局", 16, "潞州区城市管理局"},
		{"长治市潞州区城市管理局", 12, "城市管理局"},
		{"长治市潞州区英雄南路物业管理有限公司", 20, "英雄南路物业管理"},
		{"山西省长治市城区某某公司", 8, "城区某.."}, // 城区 begins words too: kept
		{"潞州区", 4, "潞.."},
	} {
		if got := ShortName(c.in, c.w); got != c.want {
			t.Errorf("ShortName(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
