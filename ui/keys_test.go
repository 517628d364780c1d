package ui

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"

	"taizhang/ui/common"
	"taizhang/ui/components/form"
	"taizhang/ui/components/listview"
)

// letter reports whether k is typed as one character that a screen gives
// a meaning to: a letter or a sign (digits choose by number).
func letter(k string) bool {
	r, n := utf8.DecodeRuneInString(k)
	return n == len(k) && n > 0 && unicode.IsPrint(r) && !unicode.IsDigit(r) && r != ' '
}

// digits reports whether every key of b is a digit (the home menu's).
func digits(b key.Binding) bool {
	for _, k := range b.Keys() {
		if r, n := utf8.DecodeRuneInString(k); n != len(k) || !unicode.IsDigit(r) {
			return false
		}
	}
	return len(b.Keys()) > 0
}

// screenKeys is, per screen, every binding it acts on (its Keymap) and
// every binding its bottom line and its ? page show in each state of the
// walk.
func screenKeys(t *testing.T) map[string][]key.Binding {
	t.Helper()
	db := seeded(t)
	out := map[string][]key.Binding{}
	for id, scr := range newApp(t, db).screens {
		out[string(id)] = append(out[string(id)], scr.Keymap()...)
	}
	shown := func(a *App) {
		scr := a.screens[a.active]
		out[string(a.active)] = append(out[string(a.active)], scr.ShortHelp()...)
		for _, g := range scr.FullHelp() {
			out[string(a.active)] = append(out[string(a.active)], g...)
		}
	}
	for _, st := range walkStates {
		shown(reach(t, db, st, 80, 24))
	}
	// The receiving office's program (an aggregate file).
	agg := received(t)
	for id, scr := range newAggApp(t, agg).screens {
		out[string(id)] = append(out[string(id)], scr.Keymap()...)
	}
	for _, st := range aggStates {
		shown(reachAgg(t, agg, st, 80, 24))
	}
	return out
}

func same(a, b key.Binding) bool {
	return a.Help() == b.Help() && strings.Join(a.Keys(), " ") == strings.Join(b.Keys(), " ")
}

// Every screen's keys come from the one table in ui/common (the home
// menu's digits and help labels aside), and no letter means two things
// across the screens.
func TestScreensTakeKeysFromTheTable(t *testing.T) {
	table := common.Bindings(common.DefaultKeys())
	meaning := map[string]string{}
	where := map[string]string{}
	for screen, list := range screenKeys(t) {
		for _, b := range list {
			if len(b.Keys()) == 0 || digits(b) {
				continue
			}
			found := false
			for _, tb := range table {
				found = found || same(b, tb)
			}
			if !found {
				t.Errorf("%s: %s %s %v is not a binding of the key table", screen, b.Help().Key, b.Help().Desc, b.Keys())
			}
			for _, k := range b.Keys() {
				if !letter(k) {
					continue
				}
				if m, ok := meaning[k]; ok && m != b.Help().Desc {
					t.Errorf("%q means %q on %s and %q on %s", k, m, where[k], b.Help().Desc, screen)
				}
				meaning[k], where[k] = b.Help().Desc, screen
			}
		}
	}
	if len(meaning) < 20 {
		t.Errorf("only %d letters found: did the walk reach the screens?", len(meaning))
	}
}

// readmeKeys parses README's key table: per row (界面), the keys in
// backquotes each with the words after it, as the help shows them.
func readmeKeys(t *testing.T) map[string][][2]string {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## 界面按键")
	if start < 0 {
		t.Fatal("README has no 界面按键 section")
	}
	text = text[start:]
	if end := strings.Index(text[1:], "\n## "); end > 0 {
		text = text[:end+1]
	}
	entry := regexp.MustCompile("^`([^`]+)` (.+)$")
	out := map[string][][2]string{}
	for _, line := range strings.Split(text, "\n") {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if !strings.HasPrefix(line, "| ") || len(cells) != 2 || cells[0] == "界面" || cells[0] == "---" {
			continue
		}
		for _, e := range strings.Split(cells[1], "，") {
			m := entry.FindStringSubmatch(e)
			if m == nil {
				t.Errorf("README row %s: cannot read %q (want `key` 说明)", cells[0], e)
				continue
			}
			out[cells[0]] = append(out[cells[0]], [2]string{m[1], m[2]})
		}
	}
	return out
}

// README's key table says what the keymaps do: every key it lists is
// bound with those words on that screen, and every key a screen binds is
// in its row or in a row shared by all screens.
func TestReadmeKeyTable(t *testing.T) {
	rows := readmeKeys(t)
	k := common.DefaultKeys()
	f1 := k.Help
	f1.SetHelp("F1", k.Help.Help().Desc)
	var formKeys []key.Binding
	formKeys = append(formKeys, form.New(&common.Styles{}).Keymap()...)
	shared := map[string][]key.Binding{
		"全部界面": {k.Help, k.Quit, k.ForceQuit, k.Back, k.Lock},
		"列表":   append(listview.DefaultKeys().FullHelp(), k.Open, k.Search),
		"表单":   formKeys,
		"询问":   {k.Yes, k.Confirm, k.Back},
		"输入框":  {k.UpArrow, k.DownArrow, f1},
	}
	screens := map[string]string{"首页": "home", "清单": "lists", "证明": "certs", "拒绝": "refusals", "准入核查": "check",
		"准入审批": "admissions", "设置": "settings", "导出": "export", "汇总首页": "agg.home", "接收情况": "agg.sources", "汇总": "agg.summary"}
	keys := screenKeys(t)
	has := func(list []key.Binding, e [2]string) bool {
		for _, b := range list {
			if b.Help().Key == e[0] && b.Help().Desc == e[1] && len(b.Keys()) > 0 {
				return true
			}
		}
		return false
	}
	for row, entries := range rows {
		list, ok := shared[row]
		if id, isScreen := screens[row]; isScreen {
			list, ok = keys[id], true
		}
		if !ok {
			t.Errorf("README row %q names no screen", row)
			continue
		}
		for _, e := range entries {
			if !has(list, e) {
				t.Errorf("README row %s: `%s` %s is not bound so on that screen", row, e[0], e[1])
			}
		}
	}
	for row, id := range screens {
		if len(rows[row]) == 0 {
			t.Errorf("README has no row for %s", row)
		}
		for _, b := range keys[id] {
			if len(b.Keys()) == 0 {
				continue
			}
			e := [2]string{b.Help().Key, b.Help().Desc}
			documented := false
			for r, entries := range rows {
				if r == row || shared[r] != nil {
					for _, x := range entries {
						documented = documented || x == e
					}
				}
			}
			if !documented {
				t.Errorf("%s binds `%s` %s, which README's key table does not list", row, e[0], e[1])
			}
		}
	}
}
