package input

import (
	"reflect"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func runes(rs ...rune) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: rs} }

func TestJoinSurrogates(t *testing.T) {
	const hi, lo = 0xD842, 0xDFB7 // 𠮷
	type step struct {
		in   tea.Msg
		want tea.Msg // nil: held back
	}
	tick := struct{}{}
	cases := map[string][]step{
		"halves in two messages":   {{runes(hi), nil}, {runes(lo), runes('𠮷')}},
		"halves in one message":    {{runes('a', hi, lo, 'b'), runes('a', '𠮷', 'b')}},
		"other messages between":   {{runes(hi), nil}, {tick, tick}, {runes(lo, 'c'), runes('𠮷', 'c')}},
		"first half then a letter": {{runes(hi), nil}, {runes('a'), runes('a')}},
		"first half then a key":    {{runes(hi), nil}, {tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyEnter}}, {runes(lo), nil}},
		"second half alone":        {{runes(lo), nil}, {runes('a', lo), runes('a')}},
		"no halves":                {{runes('中', '文'), runes('中', '文')}, {tea.KeyMsg{Type: tea.KeyTab}, tea.KeyMsg{Type: tea.KeyTab}}},
	}
	for name, steps := range cases {
		join := JoinSurrogates()
		for i, s := range steps {
			if got := join(nil, s.in); !reflect.DeepEqual(got, s.want) {
				t.Errorf("%s, step %d: %#v, want %#v", name, i+1, got, s.want)
			}
		}
	}
}
