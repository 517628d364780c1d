// Package common holds what every screen shares: the context (store,
// catalog, styles, clock, who is at the desk), the Screen interface, the
// messages screens send the root, the global keys and the width policy.
package common

import (
	"path/filepath"
	"strings"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/deskcheck"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// ScreenID names a screen the root can switch to.
type ScreenID string

const (
	HomeScreen     ScreenID = "home"
	ListsScreen    ScreenID = "lists"
	CertsScreen    ScreenID = "certs"
	CheckScreen    ScreenID = "check"
	AdmitScreen    ScreenID = "admissions"
	RefusalsScreen ScreenID = "refusals"
	SetupScreen    ScreenID = "setup"
	SettingsScreen ScreenID = "settings"
	ProfileScreen  ScreenID = "profile"
	PickerScreen   ScreenID = "picker"
	ExportScreen   ScreenID = "export"
)

// Context is shared by pointer: the root owns it and screens read it. Only
// the root changes it (on resize and on the messages below).
type Context struct {
	Store    *store.DB
	Catalog  *assets.Catalog
	Checker  *deskcheck.Checker // the lists prepared for 准入核查, built once
	Styles   Styles
	Keys     Keys
	Now      func() time.Time
	Profile  store.Profile
	Operator store.Operator
}

// Screen is one page of the program: a model that knows its size, its
// title and its keys.
type Screen interface {
	Init() tea.Cmd
	Update(tea.Msg) (Screen, tea.Cmd)
	View() string
	SetSize(width, height int)
	Title() string
	help.KeyMap
	// Keymap is every key the screen acts on, in any mode (besides the
	// form and list components it shows): taken from the table in keys.go.
	Keymap() []key.Binding
	// Capturing is true while a text field has focus: then every printable
	// key is typed into it and the root's single-letter shortcuts wait.
	Capturing() bool
}

// Navigate asks the root to show another screen.
type Navigate struct{ To ScreenID }

// NavigateWith shows another screen and hands it a message (e.g. a form
// to prefill).
type NavigateWith struct {
	To  ScreenID
	Msg tea.Msg
}

// ForScreen carries the result of a command to the screen that started it.
// The root hands it to that screen whichever screen is showing when it
// arrives, so a result is not lost when the worker has moved on (gh-dash
// wraps a section's messages with the section's id the same way).
type ForScreen struct {
	To  ScreenID
	Msg tea.Msg
}

// Route wraps cmd so that what it returns is delivered to screen id. Every
// screen's background commands (loads, searches, saves) go through it;
// messages meant for the root (Status, Navigate, ...) are sent unwrapped.
func Route(id ScreenID, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		switch msg := cmd().(type) {
		case nil:
			return nil
		case tea.BatchMsg: // the program runs a batch only unwrapped
			out := make(tea.BatchMsg, len(msg))
			for i, c := range msg {
				out[i] = Route(id, c)
			}
			return out
		default:
			return ForScreen{To: id, Msg: msg}
		}
	}
}

// SavingText is what a form or prompt shows while its save runs; keys that
// would save again are ignored meanwhile.
const SavingText = "正在保存…"

// PrefillRefusal opens the 拒绝登记 form with the request already typed
// (sent inside a NavigateWith by the desk check, when a request is not
// something the committee must do); once the form is saved or given up, the
// worker is taken back to screen Return. It lives here so that screens need
// not import each other.
type PrefillRefusal struct {
	Item   string
	Return ScreenID
}

// Back asks the root to go back to the home screen.
type Back struct{}

// Status shows a one-line message at the bottom of the screen.
type Status struct {
	Text string
	Err  bool
}

// ProfileChanged tells the root the community profile or the operator at the
// desk changed and should be read again.
type ProfileChanged struct{}

// OperatorChosen tells the root that who sits at the desk was chosen (at
// start, AtStart, or under 设置): it reads the context again and, when
// that operator has a PIN, asks it: always at start, else only when the
// operator changed.
type OperatorChosen struct{ AtStart bool }

// Cmd helpers.

func NavigateTo(id ScreenID) tea.Cmd { return func() tea.Msg { return Navigate{To: id} } }
func GoBack() tea.Msg                { return Back{} }
func Info(text string) tea.Cmd       { return func() tea.Msg { return Status{Text: text} } }
func Fail(err error) tea.Cmd {
	return func() tea.Msg { return Status{Text: err.Error(), Err: true} }
}

// NewHelp is a help view whose separators are drawn the same on every console.
func NewHelp(s Styles) help.Model {
	h := help.New()
	h.ShortSeparator = "  "
	h.FullSeparator = "    "
	h.Ellipsis = ".."
	h.Styles.ShortKey = s.Key
	h.Styles.ShortDesc = s.Help
	h.Styles.ShortSeparator = s.Help
	h.Styles.FullKey = s.Key
	h.Styles.FullDesc = s.Help
	h.Styles.FullSeparator = s.Help
	h.Styles.Ellipsis = s.Help
	return h
}

// NewInput is a one-line text field drawn the same way on every screen.
func NewInput(s Styles, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = Display(placeholder)
	in.PlaceholderStyle = s.Dim
	in.SetCursorMode(textinput.CursorStatic)
	return in
}

// SizeInput sets a field's width and cuts its placeholder to fit, so the
// field never draws its own ellipsis (…, which consoles disagree on).
func SizeInput(in *textinput.Model, w int, placeholder string) {
	in.Width = max(w, 4)
	in.Placeholder = Truncate(Display(placeholder), in.Width)
}

// InDataFolder names a file beside the data file (a printout) by its path
// from the data file's folder, 打印/2026-0001-张三.xlsx, so that a message
// naming it fits the status line; a file elsewhere keeps its full path.
func InDataFolder(dbPath, path string) string {
	rel, err := filepath.Rel(filepath.Dir(dbPath), path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return path
	}
	return "数据文件旁的 " + rel
}
