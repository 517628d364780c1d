package input

import (
	"os"
	"unicode/utf16"

	tea "github.com/charmbracelet/bubbletea"
)

// ProgramOptions are the tea.NewProgram options that keep typed and
// pasted text whole: the terminal read through a File (Unix), and
// characters outside the BMP joined from their UTF-16 halves (Windows).
func ProgramOptions() []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithFilter(JoinSurrogates())}
	if in := terminalInput(os.Stdin); in != nil {
		opts = append(opts, tea.WithInput(in))
	}
	return opts
}

// JoinSurrogates returns a tea filter that joins the two UTF-16 halves of
// a character outside the BMP into one rune. bubbletea v1 on the Windows
// console makes one key message of each console key record, and a record
// holds one UTF-16 unit: 𠮷 comes as two messages of half a character,
// which a text input would store as two U+FFFD. A half without its other
// half is dropped. Elsewhere no halves arrive and every message passes as
// it is.
func JoinSurrogates() func(tea.Model, tea.Msg) tea.Msg {
	var high rune // a first half waiting for its second
	return func(_ tea.Model, msg tea.Msg) tea.Msg {
		k, ok := msg.(tea.KeyMsg)
		if !ok {
			return msg
		}
		if k.Type != tea.KeyRunes {
			high = 0
			return msg
		}
		if high == 0 && !hasSurrogate(k.Runes) {
			return msg
		}
		runes := make([]rune, 0, len(k.Runes)+1)
		for _, r := range k.Runes {
			switch {
			case high != 0 && isLow(r):
				runes = append(runes, utf16.DecodeRune(high, r))
				high = 0
			case isHigh(r):
				high = r
			case isLow(r):
				high = 0
			default:
				high = 0
				runes = append(runes, r)
			}
		}
		if len(runes) == 0 {
			return nil
		}
		k.Runes = runes
		return k
	}
}

func isHigh(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func isLow(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

func hasSurrogate(rs []rune) bool {
	for _, r := range rs {
		if utf16.IsSurrogate(r) {
			return true
		}
	}
	return false
}
