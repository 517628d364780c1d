package form

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
)

// FuzzFormInput types any text into a form's first field, a single-line
// Text or a multi-line Area (mode bit 2), the way bubbletea delivers it
// (mode&3): 0 a key per character, 1 a paste, 2 and 3 runs of characters
// that came in one read (fast typing, an input method committing a word), cut
// where chunks say. The form never panics, stays on the field, and the
// field holds what was typed: every printable character in order, white
// space as the field keeps it, control characters and U+FFFD dropped (as
// bubbles' sanitizer does), cut at CharLimit (limit, Text fields). A run
// of characters that spells a key's name ("tab", "esc", "ctrl+s") is text.
// Then the same text typed into a Choice field selects an option or none.
//
// CI runs it for a few seconds (.ci/run); the long run is
//
//	go test -run '^$' -fuzz '^FuzzFormInput$' -fuzztime 10m -parallel 1 ./ui/components/form
func FuzzFormInput(f *testing.F) {
	for _, s := range []struct {
		text   string
		chunks []byte
		mode   uint8
		limit  uint8
	}{
		{"张三", nil, 0, 0},
		{"查验病历及收入证明，入户走访核实", []byte{3, 1}, 2, 0},
		{"第一行\n第二行\r\n\t缩进", nil, 1, 0},
		{"第一行\n第二行\r\n\t缩进", nil, 5, 0},
		{"第一行\n第二行\r\n\t缩进", nil, 6, 0},
		{"第一行\n第二行", nil, 4, 0},
		{"𠮷野家 \u200b\u202eRTL\x1b[A\x00\x7f\xff", nil, 1, 0},
		{"𠮷野家 \u200b\u202eRTL\x1b[A\x00\x7f\xff", []byte{2}, 2, 0},
		{"=HYPERLINK(\"x\")", nil, 0, 5},
		{"一二三四五六七八九十", nil, 1, 4},
		{"down", []byte{4}, 4, 0},
		{"yy", []byte{2}, 2, 0},
		// Regression inputs (a run spelling a key's name, 120 lines typed
		// into an Area) are in testdata/fuzz/FuzzFormInput.
	} {
		f.Add(s.text, s.chunks, s.mode, s.limit)
	}
	f.Fuzz(func(t *testing.T, text string, chunks []byte, mode, limit uint8) {
		kind := Text
		if mode&4 != 0 {
			kind = Area
		}
		charLimit := 0
		if kind == Text {
			charLimit = int(limit % 64)
		}
		st := common.DefaultStyles()
		options := []Option{{"1", "居民"}, {"2", "单位"}, {"3", "长治市潞州区"}}
		m := New(&st,
			&Field{Key: "v", Label: "核实情况", Kind: kind, CharLimit: charLimit},
			&Field{Key: "next", Label: "下一项"},
			&Field{Key: "c", Label: "类别", Kind: Choice, Options: options},
		)
		m.SetSize(80, 20)
		msgs, want := keysFor(text, chunks, mode&3, kind)
		if charLimit > 0 { // the field holds a paste past its limit (up to pasteLimit) and says so
			want = want[:min(len(want), holdLimit(charLimit))]
		}
		for _, k := range msgs {
			m, _ = m.Update(k)
		}
		view := m.View()
		if got := m.Field("v").Value(); got != string(want) {
			t.Fatalf("field (kind %d) holds %q, want %q (typed %q)", kind, got, string(want), text)
		}
		if m.Outcome() != Editing || m.Field("next").Value() != "" || strings.Contains(view, Discard) {
			t.Fatalf("typing %q left the field: outcome %v, next field %q", text, m.Outcome(), m.Field("next").Value())
		}

		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
		msgs, _ = keysFor(text, chunks, 2, Text)
		for _, k := range msgs {
			m, _ = m.Update(k)
		}
		_ = m.View()
		if v := m.Field("c").Value(); v != "" && !slices.ContainsFunc(options, func(o Option) bool { return o.Value == v }) {
			t.Fatalf("choice holds %q", v)
		}
	})
}

// keysFor is the key messages that deliver text to a field of kind, and
// what the field then holds.
func keysFor(text string, chunks []byte, delivery uint8, kind Kind) ([]tea.KeyMsg, []rune) {
	runes := []rune(text)
	if delivery == 1 {
		return []tea.KeyMsg{{Type: tea.KeyRunes, Runes: slices.Clone(runes), Paste: true}}, pasted(runes, kind)
	}
	var msgs []tea.KeyMsg
	var want, run []rune
	c := 0
	flush := func() {
		if len(run) > 0 {
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: run})
			run = nil
		}
	}
	for _, r := range runes {
		switch {
		case r == '\n' || r == '\r':
			flush()
			if kind == Area {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyEnter})
				want = append(want, '\n')
			}
		case r == ' ':
			flush()
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
			want = append(want, ' ')
		case unicode.IsControl(r) || r == utf8.RuneError:
			flush() // a key, or bytes bubbletea cannot read: not text
		default:
			want = append(want, r)
			if delivery == 0 {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				continue
			}
			run = append(run, r)
			if len(chunks) > 0 && len(run) >= int(chunks[c%len(chunks)])%16+1 {
				flush()
				c++
			}
		}
	}
	flush()
	return msgs, want
}

// pasted is what a field keeps of pasted runes: bubbles drops U+FFFD and
// control characters; a line break becomes a space in a Text field and a
// new line in an Area, a tab a space or four.
func pasted(runes []rune, kind Kind) []rune {
	var out []rune
	for _, r := range runes {
		switch {
		case r == utf8.RuneError:
		case r == '\n' || r == '\r':
			if kind == Area {
				out = append(out, '\n')
			} else {
				out = append(out, ' ')
			}
		case r == '\t':
			if kind == Area {
				out = append(out, []rune("    ")...)
			} else {
				out = append(out, ' ')
			}
		case unicode.IsControl(r):
		default:
			out = append(out, r)
		}
	}
	return out
}
