package common

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"
	"golang.org/x/text/width"

	"taizhang/assets"
)

// lipgloss and go-runewidth (which bubbles' text fields use) measure every
// character the same way, ambiguous ones included.
func TestWidthPolicyAgrees(t *testing.T) {
	for _, s := range []string{"居民在社区居住证明", "abc", "“引号”", "……", "·", "─│", "①", "𠮷祥", "ＡＢＣ", "←↑→↓", "☐☑"} {
		if a, b := lipgloss.Width(s), runewidth.StringWidth(s); a != b {
			t.Errorf("%q: lipgloss %d, runewidth %d", s, a, b)
		}
	}
}

// Display leaves nothing ambiguous in the policy texts.
func TestDisplayRemovesAmbiguous(t *testing.T) {
	cat, _ := assets.LoadCatalog()
	texts := []string{assets.Policy()}
	for _, l := range cat.Lists {
		for _, it := range l.Items {
			texts = append(texts, it.Text, it.Reading, it.NoteZh, strings.Join(it.Basis, ""))
		}
	}
	for _, s := range texts {
		for _, r := range Display(s) {
			if width.LookupRune(r).Kind() == width.EastAsianAmbiguous {
				t.Errorf("%q (U+%04X) survives Display in %q", r, r, s)
				break
			}
		}
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		in   string
		w    int
		want []string
	}{
		{"居民在社区居住证明", 8, []string{"居民在社", "区居住证", "明"}},
		{"短", 10, []string{"短"}},
		// A closing mark does not start a line: the character before it goes down too.
		{"一二三四，五", 8, []string{"一二三", "四，五"}},
		// A Latin word that fits is kept whole; a line ends at a space near its end.
		{"编号 2026-0042 已作废", 12, []string{"编号", "2026-0042", "已作废"}},
		// A line ends after punctuation near its end rather than inside a phrase,
		{"经查验户口簿，该居民现年八十岁", 16, []string{"经查验户口簿，", "该居民现年八十岁"}},
		// but not far back.
		{"经查验，该居民现年八十岁与子女同住", 18, []string{"经查验，该居民现年", "八十岁与子女同住"}},
		// An opening mark does not end a line.
		{"繁体字「規」改为「规」", 8, []string{"繁体字", "「規」", "改为", "「规」"}},
		// A number with a decimal point is one word.
		{"年收入约1.8万元", 9, []string{"年收入约", "1.8万元"}},
		// A book title up to half a line long is kept whole.
		{"该居民夫妻只生育一个女孩，申办《独生子女父母光荣证》", 44, []string{"该居民夫妻只生育一个女孩，申办", "《独生子女父母光荣证》"}},
		{"第一段\n第二段", 20, []string{"第一段", "第二段"}},
		// A number after Chinese text is kept whole without splitting the character before it.
		{"应当承担附件1-3项", 12, []string{"应当承担附件", "1-3项"}},
	}
	for _, c := range cases {
		got := Wrap(c.in, c.w)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
		for _, l := range got {
			if !utf8.ValidString(l) {
				t.Errorf("Wrap(%q, %d): %q is not valid UTF-8", c.in, c.w, l)
			}
			if Width(l) > c.w {
				t.Errorf("Wrap(%q, %d): %q is %d wide", c.in, c.w, l, Width(l))
			}
		}
	}
}

// The hint under an ID number never splits the kind of document it names,
// at any width (it used to show 港澳台居民居 / 住证), and loses nothing.
func TestWrapKeepsTerms(t *testing.T) {
	hint := "810000199001011234，性别 男，出生日期 1990年1月1日，港澳台居民居住证"
	for w := 16; w <= 80; w++ {
		lines := Wrap(hint, w)
		whole := false
		for _, l := range lines {
			whole = whole || strings.Contains(l, "港澳台居民居住证")
			if Width(l) > w {
				t.Errorf("width %d: %q is %d wide", w, l, Width(l))
			}
		}
		if !whole {
			t.Errorf("width %d splits the term: %q", w, lines)
		}
		if squeeze(strings.Join(lines, "")) != squeeze(hint) {
			t.Errorf("width %d loses text: %q", w, lines)
		}
	}
}

// squeeze drops the spaces a wrap may drop at a break.
func squeeze(s string) string { return strings.ReplaceAll(s, " ", "") }

func TestLabelled(t *testing.T) {
	value := "经入户走访及查验户口簿、不动产登记信息，该户常住人口三人，家庭年收入约1.8万元，长期患病，主要劳动力丧失劳动能力。"
	for _, w := range []int{30, 59, 60, 79, 80, 81, 99, 100} {
		lines := Labelled("核实情况：", value, w)
		for _, l := range lines {
			if Width(l) > w {
				t.Errorf("width %d: %q is %d wide", w, l, Width(l))
			}
		}
		if !strings.HasPrefix(lines[0], "核实情况：") || squeeze(strings.Join(lines, "")) != "核实情况："+value {
			t.Errorf("width %d: %q", w, lines)
		}
	}
	// A head that leaves little room puts the value below it.
	if got := Labelled("划拨给社区的工作经费及相关保障：", "无", 40); len(got) != 2 || got[1] != "  无" {
		t.Errorf("long head: %q", got)
	}
}

func TestTruncateAndPad(t *testing.T) {
	if got := Truncate("居民在社区居住证明", 9); got != "居民在.." || Width(got) > 9 {
		t.Errorf("truncate: %q", got)
	}
	if got := Pad("张三", 6); got != "张三  " {
		t.Errorf("pad: %q", got)
	}
	if got := Pad("欧阳明明明", 6); Width(got) != 6 {
		t.Errorf("pad cut: %q", got)
	}
}

func FuzzWrap(f *testing.F) {
	for _, s := range []string{"居民在社区居住证明", "附件1-3项abc def", "一，二。三", "𠮷祥 2026-0001"} {
		f.Add(s, 7)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		if !utf8.ValidString(s) || w < 2 || w > 200 {
			return
		}
		lines := Wrap(s, w)
		if got, want := squeeze(strings.Join(lines, "")), squeeze(strings.ReplaceAll(s, "\n", "")); got != want {
			t.Fatalf("Wrap(%q, %d) lost text: %q", s, w, lines)
		}
		for _, l := range lines {
			if !utf8.ValidString(l) {
				t.Fatalf("Wrap(%q, %d) gave invalid UTF-8 %q", s, w, l)
			}
			if Width(l) > w && Width(l) > 2 {
				t.Fatalf("Wrap(%q, %d) gave %q, %d wide", s, w, l, Width(l))
			}
		}
	})
}
