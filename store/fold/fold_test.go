package fold_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"taizhang/store"
	"taizhang/store/creditcode"
	"taizhang/store/fold"
	"taizhang/store/idcard"
	"taizhang/store/search"

	"golang.org/x/text/width"
)

// wide writes printable ASCII in its full-width form (U+FF01–U+FF5E) and a
// space as the ideographic space, by the definition of those blocks.
func wide(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			r = '\u3000'
		case r > ' ' && r < 0x7f:
			r += 0xFF01 - '!'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestWidth(t *testing.T) {
	var ascii strings.Builder
	for r := rune(' '); r < 0x7f; r++ {
		ascii.WriteRune(r)
	}
	for _, s := range []string{
		ascii.String(), // every printable ASCII character, the space too
		"14040319880808123x", "14040319880808123X", "91350100m000100y43",
		"2026-03-05", "2026/3/5", "2026.3", "2026年 3月 5日",
	} {
		if got := fold.Width(wide(s)); got != s {
			t.Errorf("Width(%q) = %q, want %q", wide(s), got, s)
		}
		if got := fold.Width(s); got != s {
			t.Errorf("Width(%q) changed ASCII/Han text to %q", s, got)
		}
	}
	// Han characters and the ideographic full stop and comma stay.
	if s := "长治市潞州区、英雄南路社区。"; fold.Width(s) != s {
		t.Errorf("Width(%q) = %q", s, fold.Width(s))
	}
}

// Full-width digits, ｘ/Ｘ, full-width letters and the ideographic space mean
// the same in an ID number, a credit code, a date, a month and a search query
// as their ASCII forms.
func TestFoldsTheSameEverywhere(t *testing.T) {
	first17 := "14040319880808123"
	id := first17 + string(idcard.CheckDigit(first17))
	for _, in := range []string{id, first17 + "x", first17 + "X", "1404 0319 8808 0812 3x", "1101a5"} {
		if got, want := idcard.Normalize(wide(in)), idcard.Normalize(in); got != want {
			t.Errorf("idcard.Normalize(%q) = %q, want %q as for %q", wide(in), got, want, in)
		}
	}
	today := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	want, err := idcard.Parse(id, today)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := idcard.Parse(wide(id), today); err != nil || got != want {
		t.Errorf("idcard.Parse(%q) = %+v, %v; want %+v", wide(id), got, err, want)
	}

	for _, in := range []string{"91350100M000100Y43", "91350100m000100y43", "9135 0100 M000 100Y 43"} {
		if got, want := creditcode.Normalize(wide(in)), creditcode.Normalize(in); got != want {
			t.Errorf("creditcode.Normalize(%q) = %q, want %q as for %q", wide(in), got, want, in)
		}
		if err := creditcode.Check(wide(in)); err != nil {
			t.Errorf("creditcode.Check(%q): %v", wide(in), err)
		}
	}

	for _, in := range []string{"2026-03-05", "2026/3/5", "2026.3.5", "20260305", "2026年 3月 5日", "2026 - 3 - 5"} {
		got, ok := store.NormalizeDate(wide(in))
		if want, _ := store.NormalizeDate(in); !ok || got != want {
			t.Errorf("NormalizeDate(%q) = %q %v, want %q as for %q", wide(in), got, ok, want, in)
		}
	}
	for _, in := range []string{"2026-03", "2026/3", "2026.3", "202603", "2026年 3月"} {
		got, ok := store.NormalizeMonth(wide(in))
		if want, _ := store.NormalizeMonth(in); !ok || got != want {
			t.Errorf("NormalizeMonth(%q) = %q %v, want %q as for %q", wide(in), got, ok, want, in)
		}
	}

	ix := search.New(nil)
	ix.Add(1, search.Field{Text: "张三", Kind: search.Name}, search.Field{Text: "14040219900101123X", Kind: search.Digits})
	ix.Add(2, search.Field{Text: "ABC 单位", Kind: search.Text}, search.Field{Text: "2026-0042", Kind: search.Code})
	ix.Add(3, search.Field{Text: wide("XYZ") + "公司", Kind: search.Text})
	for _, q := range []string{"123x", "123X", "abc", "ABC", "xyz", "2026-0042"} {
		want := ix.Search(q, 10)
		if len(want) == 0 {
			t.Fatalf("search %q finds nothing", q)
		}
		if got := ix.Search(wide(q), 10); !reflect.DeepEqual(got, want) {
			t.Errorf("search %q = %+v, want %+v as for %q", wide(q), got, want, q)
		}
	}
}

func BenchmarkWidthASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		fold.Width("14040319880808123X")
	}
}

// Width's shortcut for text Fold leaves alone gives what Fold gives, for
// every character and for bytes that are not UTF-8.
func TestWidthShortcut(t *testing.T) {
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		for _, s := range []string{string(r), "张" + string(r) + "三"} {
			if got, want := fold.Width(s), width.Fold.String(s); got != want {
				t.Fatalf("Width(%q) = %q, Fold gives %q", s, got, want)
			}
		}
	}
	for _, s := range []string{"\xef", "\xef\xbc", "\xe3\x80", "\xff\xfe", "居住\xef\xbd", "\xe3\x80\x80\xff"} {
		if got, want := fold.Width(s), width.Fold.String(s); got != want {
			t.Errorf("Width(%q) = %q, Fold gives %q", s, got, want)
		}
	}
}
