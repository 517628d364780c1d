package common

import (
	"reflect"

	"github.com/charmbracelet/bubbles/key"
)

// Keys is the one table of keys. Every screen's keymap, the list and form
// components and the root take their bindings from it, so a letter means
// the same thing on every screen and its help text is written once
// (gh-dash keeps its keys the same way, in internal/tui/keys). Keys_test
// checks that no letter is bound twice; ui's tests check that the screens
// use nothing else and that README's key table says what the keymaps do.
//
// Bindings without keys (Select, Months, ...) only label a group of keys
// on the bottom line.
type Keys struct {
	// Everywhere (letters only while no text field has focus). Lock asks
	// the PIN of the operator at the desk before anything shows again.
	Quit, ForceQuit, Help, Back, Lock key.Binding

	// Moving in a list or scrolling a page (the pager takes the same keys).
	Up, Down, UpArrow, DownArrow, PageUp, PageDown, Home, End key.Binding
	Select, Scroll, Pages                                     key.Binding // labels: 上/下 选择, 上/下 滚动, PgUp/PgDn 翻页
	Open, Search                                              key.Binding

	// Finding a phrase in a text (政策原文): no letters, which the table
	// gives other meanings (n is 新建).
	NextMatch, PrevMatch, EndFind, Leave key.Binding

	// Months of a register.
	PrevMonth, NextMonth, ThisMonth, Months key.Binding // Months labels [ ]
	// The receiving office's 汇总: a month, its quarter or its year.
	Span key.Binding

	// Records: certificates, refusals, approval forms, operators.
	New, Edit, Print, OpenFile, Void, Correct, ShowID, Linked key.Binding
	Submit, Opinion, Approve, Reject, Withdraw                key.Binding
	Rename, Retire, Choose                                    key.Binding
	// 设置: the desk operator's PIN, and the records old enough to review.
	PIN, Review key.Binding

	// The tabs of 清单.
	NextTab, PrevTab, Tabs, TabKeys key.Binding // TabKeys labels 左/右

	// 准入核查: Esc first clears the request (or a pick), then goes back;
	// Enter picks one of the 可能相关 candidates.
	Pick, Refuse, Clear, ClearBack key.Binding

	// Forms, and the questions a screen asks before it acts.
	NextField, PrevField, Switch, Save, Cancel, Confirm, Yes key.Binding

	// 月度导出, and the receiving office's key under 设置 (g for 公钥).
	Receiver, Toggle, Export key.Binding
	// The second backup location under 设置 (u for U盘).
	BackupCopy key.Binding
	// 导入旧台账 under 设置 (z, the one letter left).
	Import key.Binding
}

// DefaultKeys declares every key once; help is generated from them.
func DefaultKeys() Keys {
	return Keys{
		Quit:      Bind("q", "退出", "q"),
		ForceQuit: Bind("Ctrl+C", "立即退出", "ctrl+c"),
		Help:      Bind("?", "全部按键", "?", "f1"),
		Back:      Bind("Esc", "返回", "esc"),
		Lock:      Bind("Ctrl+L", "锁屏", "ctrl+l"),

		Up:        Bind("上/k", "上移", "up", "k"),
		Down:      Bind("下/j", "下移", "down", "j"),
		UpArrow:   Bind("上", "上一条", "up"),
		DownArrow: Bind("下", "下一条", "down"),
		PageUp:    Bind("PgUp", "上一页", "pgup"),
		PageDown:  Bind("PgDn", "下一页", "pgdown"),
		Home:      Bind("Home", "开头", "home"),
		End:       Bind("End", "末尾", "end"),
		Select:    Label("上/下", "选择"),
		Scroll:    Label("上/下", "滚动"),
		Pages:     Label("PgUp/PgDn", "翻页"),
		Open:      Bind("Enter", "打开", "enter"),
		Search:    Bind("/", "查找", "/"),

		NextMatch: Bind("Enter", "下一处", "enter"),
		PrevMatch: Bind("Ctrl+P", "上一处", "ctrl+p"),
		EndFind:   Bind("Esc", "结束查找", "esc"),
		Leave:     Bind("Esc", "结束输入", "esc"),

		PrevMonth: Bind("[", "上个月", "["),
		NextMonth: Bind("]", "下个月", "]"),
		ThisMonth: Bind("t", "本月", "t"),
		Months:    Label("[ ]", "换月"),
		Span:      Bind("m", "月/季/年", "m"),

		New:      Bind("n", "新建", "n"),
		Edit:     Bind("e", "修改", "e"),
		Print:    Bind("p", "打印", "p"),
		OpenFile: Bind("o", "打开打印文件", "o"),
		Void:     Bind("v", "作废", "v"),
		Correct:  Bind("c", "更正", "c"),
		ShowID:   Bind("h", "显示号码", "h"),
		Linked:   Bind("l", "关联证明", "l"),
		Submit:   Bind("s", "核查并报送", "s"),
		Opinion:  Bind("i", "录入意见", "i"),
		Approve:  Bind("a", "准入", "a"),
		Reject:   Bind("b", "不予准入", "b"),
		Withdraw: Bind("w", "撤回", "w"),
		Rename:   Bind("r", "改名", "r"),
		Retire:   Bind("x", "停用/恢复", "x"),
		Choose:   Bind("Enter", "设为当前经办人", "enter"),
		PIN:      Bind("d", "设置 PIN", "d"),
		Review:   Bind("f", "旧记录复核", "f"),

		NextTab: Bind("右/Tab", "下一个清单", "right", "tab"),
		PrevTab: Bind("左", "上一个清单", "left", "shift+tab"),
		Tabs:    Bind("1-5", "切换清单", "1", "2", "3", "4", "5"),
		TabKeys: Label("左/右", "换清单"),

		Pick:      Bind("Enter", "选定", "enter"),
		Refuse:    Bind("Ctrl+R", "登记拒绝", "ctrl+r"),
		Clear:     Bind("Ctrl+U", "清空", "ctrl+u"),
		ClearBack: Bind("Esc", "清空/返回", "esc"),

		NextField: Bind("Tab", "下一项", "tab", "down", "enter"),
		PrevField: Bind("Shift+Tab", "上一项", "shift+tab", "up"),
		Switch:    Bind("左/右", "切换选项", "left", "right"),
		Save:      Bind("Ctrl+S", "保存", "ctrl+s"),
		Cancel:    Bind("Esc", "取消", "esc"),
		Confirm:   Bind("Enter", "确定", "enter"),
		Yes:       Bind("Y", "确认", "y", "Y"),

		Receiver: Bind("g", "接收单位公钥", "g"),
		Toggle:   Bind("空格", "勾选", " "),
		Export:   Bind("Enter", "开始导出", "enter", "ctrl+s"),

		BackupCopy: Bind("u", "第二备份位置", "u"),
		Import:     Bind("z", "导入旧台账", "z"),
	}
}

// MenuKey is a digit that opens the numbered entry shown on screen (the
// home menu): digits choose by number wherever a screen numbers things.
func MenuKey(digit, name string) key.Binding { return Bind(digit, name, digit) }

// Bind is a key binding with help text. Outside this file only MenuKey
// and the tests use it: screens take their keys from Keys.
func Bind(help string, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// Label is help text for a group of keys bound elsewhere (上/下 选择).
func Label(help, desc string) key.Binding { return key.NewBinding(key.WithHelp(help, desc)) }

// Shown reports whether a binding belongs on the help line: it has help
// text and is either enabled or a label.
func Shown(b key.Binding) bool {
	return b.Help().Key != "" && (b.Enabled() || len(b.Keys()) == 0)
}

// Bindings lists the key bindings held in a keymap struct (fields of type
// key.Binding, and of structs of them, in order): a screen's Keymap.
func Bindings(keymap any) []key.Binding {
	var out []key.Binding
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch {
		case v.Type() == reflect.TypeOf(key.Binding{}):
			out = append(out, v.Interface().(key.Binding))
		case v.Kind() == reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(reflect.ValueOf(keymap))
	return out
}
