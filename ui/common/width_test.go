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
		// A Latin word that fits is kept whole.
		{"编号 2026-0042 已作废", 12, []string{"编号", "2026-0042 已", "作废"}},
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
		for _, l := range Wrap(s, w) {
			if !utf8.ValidString(l) {
				t.Fatalf("Wrap(%q, %d) gave invalid UTF-8 %q", s, w, l)
			}
			if Width(l) > w && Width(l) > 2 {
				t.Fatalf("Wrap(%q, %d) gave %q, %d wide", s, w, l, Width(l))
			}
		}
	})
}
