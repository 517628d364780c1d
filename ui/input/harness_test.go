package input

import (
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/ui/common"
	"taizhang/ui/components/form"
)

// formModel is a form with one field, as a program; Ctrl+C ends it.
type formModel struct {
	form    form.Model
	started chan struct{}
}

// Init runs once bubbletea has set up the terminal (raw mode).
func (m formModel) Init() tea.Cmd {
	close(m.started)
	return nil
}

func (m formModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.Type == tea.KeyCtrlC {
		return m, tea.Quit
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.Update(msg)
	return m, cmd
}

func (m formModel) View() string { return m.form.View() }

// running is a program with one field of a form.
type running struct {
	p    *tea.Program
	done chan tea.Model
	err  error
}

// start runs a program with one field of the kind, reading in, and
// returns once the terminal is set up.
func start(t *testing.T, kind form.Kind, in io.Reader, opts ...tea.ProgramOption) *running {
	t.Helper()
	st := common.DefaultStyles()
	f := form.New(&st, &form.Field{Key: "v", Label: "核实情况", Kind: kind})
	f.SetSize(80, 24)
	m := formModel{form: f, started: make(chan struct{})}
	opts = append(opts, tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	r := &running{p: tea.NewProgram(m, opts...), done: make(chan tea.Model, 1)}
	go func() {
		final, err := r.p.Run()
		r.err = err
		r.done <- final
	}()
	select {
	case <-m.started:
	case <-time.After(30 * time.Second):
		r.p.Kill()
		t.Fatal("the program did not start")
	}
	return r
}

// value waits for the program to end and returns what the field holds.
func (r *running) value(t *testing.T) string {
	t.Helper()
	select {
	case final := <-r.done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return final.(formModel).form.Field("v").Value()
	case <-time.After(30 * time.Second):
		r.p.Kill()
		t.Fatal("the program did not end")
		return ""
	}
}

// repeatRunes is n runes taken in turn from s.
func repeatRunes(s string, n int) string {
	rs := []rune(s)
	out := make([]rune, n)
	for i := range out {
		out[i] = rs[i%len(rs)]
	}
	return string(out)
}

// The two UTF-16 halves Windows gives for 𠮷 reach the field as one
// character through the filter ProgramOptions installs.
func TestSurrogateHalvesArriveJoined(t *testing.T) {
	r := start(t, form.Text, nil, ProgramOptions()...)
	for _, c := range []rune{'野', 0xD842, 0xDFB7, '家'} {
		r.p.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{c}})
	}
	r.p.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if got := r.value(t); got != "野𠮷家" {
		t.Fatalf("field holds %q, want %q", got, "野𠮷家")
	}
}

func firstDiff(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			return i
		}
	}
	return min(len(ra), len(rb))
}

func lastRunes(s string, n int) string {
	rs := []rune(s)
	return string(rs[max(len(rs)-n, 0):])
}
