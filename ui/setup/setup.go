// Package setup is the community profile form: shown on first run, and
// again from 设置 to correct it.
package setup

import (
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/ui/common"
	"taizhang/ui/components/form"
)

// Model is the setup screen.
type Model struct {
	ctx    *common.Context
	first  bool            // first run: there is nothing to go back to
	id     common.ScreenID // SetupScreen on the first run, else ProfileScreen
	form   form.Model
	width  int
	height int
}

// Field keys, named after the store's FieldError labels.
const (
	fCommunity = "社区名称"
	fStreet    = "所属街道办事处"
	fCounty    = "县（市、区）"
	fPrefix    = "证明编号前缀"
	fPhone     = "联系电话"
	fStation   = "窗口号"
	fOperator  = "经办人姓名"
)

// New makes the form; first is true on the first run of a new ledger.
func New(ctx *common.Context, first bool) *Model {
	m := &Model{ctx: ctx, first: first, id: common.ProfileScreen}
	if first {
		m.id = common.SetupScreen
	}
	m.reset()
	return m
}

func (m *Model) reset() {
	divs, _ := assets.LoadDivisions()
	var counties []form.Option
	for _, d := range divs.Current {
		counties = append(counties, form.Option{Value: d.Code, Label: d.Name + " " + d.Code})
	}
	fields := []*form.Field{
		{Key: fCommunity, Label: "社区名称", Required: true, CharLimit: 30, Placeholder: "如：英雄南路社区"},
		{Key: fStreet, Label: "所属街道办事处", Required: true, CharLimit: 30, Placeholder: "如：英雄南路街道办事处"},
		{Key: fCounty, Label: "县（市、区）", Required: true, Kind: form.Choice, Options: counties,
			Placeholder: "左/右 切换，或输入汉字、拼音、首字母（lz）"},
		{Key: fPrefix, Label: "证明编号前缀", CharLimit: 12, Placeholder: "印在编号前，如：英南证（可不填）"},
		{Key: fPhone, Label: "联系电话", CharLimit: 20, Placeholder: "如：0355-2021234"},
		{Key: fStation, Label: "窗口号", CharLimit: 2, Placeholder: "1", Hint: stationHint},
	}
	if m.first {
		fields = append(fields, &form.Field{Key: fOperator, Label: "经办人姓名", Required: true, CharLimit: 20, Placeholder: "坐在窗口办事的工作人员"})
	}
	for _, f := range fields {
		f.Check = checker(f.Key)
	}
	m.form = form.New(&m.ctx.Styles, fields...)
	m.form.SetValue(fStation, strconv.Itoa(m.ctx.Profile.StationNo()))
	if !m.first {
		p := m.ctx.Profile
		m.form.SetValue(fCommunity, p.Community)
		m.form.SetValue(fStreet, p.Street)
		m.form.SetValue(fCounty, p.CountyCode)
		m.form.SetValue(fPrefix, p.SerialPrefix)
		m.form.SetValue(fPhone, p.Phone)
	}
	m.form.SetSize(m.width, m.height-3)
}

// checker validates one field through the store's own rules, so the screen
// and `taizhang init` refuse the same things.
func checker(field string) func(string) error {
	return func(v string) error {
		p := store.Profile{Community: "社区名称", Street: "街道办事处", CountyCode: "140403"}
		switch field {
		case fCommunity:
			p.Community = v
		case fStreet:
			p.Street = v
		case fCounty:
			p.CountyCode = v
		case fPrefix:
			p.SerialPrefix = v
		case fPhone:
			p.Phone = v
		case fStation:
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 1 {
				return errors.New(stationError)
			}
			p.Station = n
		case fOperator:
			return nil
		}
		p = p.Normalize()
		var fe *store.FieldError
		if err := p.Validate(); errors.As(err, &fe) && fe.Field == field {
			return errors.New(fe.Msg)
		}
		return nil
	}
}

// stationError is what a window number that is not 1–99 gets.
const stationError = "请填 1 到 99 之间的数字；只有一台电脑的社区填 1。"

// stationHint says what the window number is for.
func stationHint(string) string {
	return "只有一台电脑的社区填 1；有几台电脑各自开证明时，每台填不同的号，编号会带上窗口号（如 2026-2-0001）。"
}

// Init fills the form from the current profile each time it is shown.
func (m *Model) Init() tea.Cmd {
	if !m.first {
		m.reset()
	}
	return nil
}

func (m *Model) Title() string {
	if m.first {
		return "首次设置"
	}
	return "设置：社区信息"
}

func (m *Model) Capturing() bool { return true }

func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.form.SetSize(w, h-3)
}

// saved is the result of the save command.
type saved struct{ err error }

func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	if msg, ok := msg.(saved); ok {
		return m, m.afterSave(msg.err)
	}
	var cmd tea.Cmd
	m.form, cmd = m.form.Update(msg)
	switch m.form.Outcome() {
	case form.Submitted:
		return m, m.save()
	case form.Cancelled:
		if m.first {
			return m, tea.Quit
		}
		m.reset()
		return m, common.GoBack
	}
	return m, cmd
}

// save writes the profile in a command; the form shows 正在保存… and
// ignores keys until the result comes back.
func (m *Model) save() tea.Cmd {
	v := m.form.Values()
	p := store.Profile{
		Community: v[fCommunity], Street: v[fStreet], CountyCode: v[fCounty],
		SerialPrefix: v[fPrefix], Phone: v[fPhone], ReceiverKey: m.ctx.Profile.ReceiverKey,
		RetentionYears: m.ctx.Profile.RetentionYears, // set under 设置 (旧记录复核), not in this form
	}
	p.Station, _ = strconv.Atoi(strings.TrimSpace(v[fStation])) // checked by the form; empty is 1
	first, by := m.first, m.ctx.Operator
	m.form.SetSaving(true)
	return common.Save(m.id, m.ctx.Store, func(db *store.DB) (tea.Msg, error) {
		var err error
		if first {
			_, _, err = db.Setup(p, v[fOperator], false)
		} else {
			_, err = db.SaveProfile(by, p, true)
		}
		return saved{err}, err
	})
}

func (m *Model) afterSave(err error) tea.Cmd {
	m.form.SetSaving(false)
	switch {
	case m.form.ShowStoreError(err):
		return nil
	case err != nil:
		return common.Fail(err)
	}
	m.first = false
	m.reset()
	return tea.Batch(func() tea.Msg { return common.ProfileChanged{} }, common.Info("社区信息已保存。"), common.GoBack)
}

func (m *Model) View() string {
	s := m.ctx.Styles
	intro := "请填写本社区的信息。带 * 的必须填写；这些信息会印在证明上，以后可在“设置”中修改。"
	if !m.first {
		intro = "修改本社区的信息。改动只影响以后打印的证明，已打印的不变。"
	}
	lines := common.Wrap(common.Display(intro), m.width-2)
	var b strings.Builder
	for _, l := range lines[:min(len(lines), 2)] {
		b.WriteString(" " + s.Dim.Render(l) + "\n")
	}
	b.WriteString("\n")
	b.WriteString(m.form.View())
	return b.String()
}

func (m *Model) ShortHelp() []key.Binding  { return m.form.ShortHelp() }
func (m *Model) FullHelp() [][]key.Binding { return m.form.FullHelp() }

// Keymap: the setup screen is its form.
func (m *Model) Keymap() []key.Binding { return nil }
