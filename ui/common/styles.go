package common

import "github.com/charmbracelet/lipgloss"

// Styles are built once from the theme and shared by every screen. Colours
// are the 16 basic ANSI ones, which conhost, Windows Terminal and Linux
// consoles all draw.
type Styles struct {
	Header    lipgloss.Style // top bar
	Title     lipgloss.Style // a screen's heading
	Label     lipgloss.Style // form labels, "依据："
	Dim       lipgloss.Style // secondary text
	Selected  lipgloss.Style // the row under the cursor
	Match     lipgloss.Style // search hits inside text
	TabActive lipgloss.Style
	TabIdle   lipgloss.Style
	Error     lipgloss.Style
	Warn      lipgloss.Style
	OK        lipgloss.Style
	Key       lipgloss.Style // key names in help
	Help      lipgloss.Style // help descriptions
	Focused   lipgloss.Style // the focused form field's label
}

// DefaultStyles is the one theme.
func DefaultStyles() Styles {
	blue, yellow, red, green, grey := lipgloss.Color("4"), lipgloss.Color("3"), lipgloss.Color("1"), lipgloss.Color("2"), lipgloss.Color("8")
	return Styles{
		Header:    lipgloss.NewStyle().Reverse(true).Bold(true),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(blue),
		Label:     lipgloss.NewStyle().Bold(true),
		Dim:       lipgloss.NewStyle().Foreground(grey),
		Selected:  lipgloss.NewStyle().Reverse(true),
		Match:     lipgloss.NewStyle().Bold(true).Underline(true).Foreground(yellow),
		TabActive: lipgloss.NewStyle().Reverse(true).Bold(true),
		TabIdle:   lipgloss.NewStyle(),
		Error:     lipgloss.NewStyle().Foreground(red).Bold(true),
		Warn:      lipgloss.NewStyle().Foreground(yellow).Bold(true),
		OK:        lipgloss.NewStyle().Foreground(green).Bold(true),
		Key:       lipgloss.NewStyle().Bold(true),
		Help:      lipgloss.NewStyle().Foreground(grey),
		Focused:   lipgloss.NewStyle().Bold(true).Foreground(blue),
	}
}
