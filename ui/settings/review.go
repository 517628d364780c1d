package settings

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/idcard"
	"taizhang/ui/common"
)

// 旧记录复核: the certificates and refusals older than the profile's
// number of years, listed for the committee to review (paper copies,
// archiving). The program never deletes a record; e changes the years.

// oldRecord is one line of the review, a certificate or a refusal.
type oldRecord struct{ date, line string }

// oldRead is the review's list as read for a number of years.
type oldRead struct {
	years    int
	cutoff   time.Time
	certs    int
	refusals int
	rows     []oldRecord
	err      error
}

const yearsHint = "1–100"

// openReview shows the review and reads its list for years.
func (m *Model) openReview(years int) tea.Cmd {
	m.reviewing = true
	m.old = oldRead{years: years}
	m.oldList.SetLen(0)
	db, cutoff := m.ctx.Store, store.RetentionCutoff(m.ctx.Now(), years)
	return common.Route(m.id(), func() tea.Msg { return readOld(db, years, cutoff) })
}

func readOld(db *store.DB, years int, cutoff time.Time) oldRead {
	certs, refusals, err := db.OldRecords(cutoff)
	r := oldRead{years: years, cutoff: cutoff, certs: len(certs), refusals: len(refusals), err: err}
	for _, c := range certs {
		status := "有效"
		if c.Voided {
			status = "作废"
		}
		line := fmt.Sprintf("证明 %s %s %s %s %s", c.IssueDate, common.Pad(c.Serial, 10), status,
			common.Pad(common.Display(c.Name), 10), idcard.Mask(c.IDNumber))
		r.rows = append(r.rows, oldRecord{c.IssueDate, line})
	}
	for _, f := range refusals {
		line := fmt.Sprintf("拒绝 %s %s  %s", f.Date, common.Display(f.Requester), common.Display(f.Item))
		r.rows = append(r.rows, oldRecord{f.Date, line})
	}
	sort.SliceStable(r.rows, func(i, j int) bool { return r.rows[i].date < r.rows[j].date })
	return r
}

func (m *Model) reviewKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(km, k.Back):
		m.reviewing = false
		return nil
	case key.Matches(km, k.Profile):
		m.edit = years
		m.yearsIn.SetValue(strconv.Itoa(m.old.years))
		m.yearsIn.CursorEnd()
		return m.yearsIn.Focus()
	}
	m.oldList.Update(km)
	return nil
}

func (m *Model) yearsKey(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, m.keys.Cancel):
		m.edit, m.err = none, ""
		m.yearsIn.Blur()
		return nil
	case key.Matches(km, m.keys.Confirm):
		n, err := strconv.Atoi(strings.TrimSpace(m.yearsIn.Value()))
		if err != nil || n < 1 || n > store.MaxRetentionYears {
			m.err = fmt.Sprintf("请填 1 到 %d 之间的年数。", store.MaxRetentionYears)
			return nil
		}
		p, by := m.ctx.Profile, m.ctx.Operator
		p.RetentionYears = n
		m.busy = true
		return common.Save(m.id(), m.ctx.Store, func(db *store.DB) (tea.Msg, error) {
			_, err := db.SaveProfile(by, p, true)
			return saved{change: yearsSet, years: n, err: err}, err
		})
	}
	m.err = ""
	var cmd tea.Cmd
	m.yearsIn, cmd = m.yearsIn.Update(km)
	return cmd
}

// afterYears closes the edit and reads the list for the new years.
func (m *Model) afterYears(msg saved, profileChanged tea.Cmd) tea.Cmd {
	m.edit = none
	m.yearsIn.Blur()
	return tea.Batch(profileChanged, m.openReview(msg.years),
		common.Info(fmt.Sprintf("复核年限已改为 %d 年（记入台账）。", msg.years)))
}

func (m *Model) reviewView() string {
	s := m.ctx.Styles
	var b strings.Builder
	line := func(str string) { b.WriteString(common.Truncate(str, m.width) + "\n") }
	line(s.Title.Render("旧记录复核") + s.Dim.Render("（只列出，供复核；本程序不删除任何记录）"))
	r := m.old
	switch {
	case r.err != nil:
		line(s.Error.Render(common.Display(r.err.Error())))
	case r.cutoff.IsZero():
		line(s.Dim.Render("正在读取……"))
	default:
		line(fmt.Sprintf("  早于 %s（%d 年前）的记录：证明 %d 份，拒绝登记 %d 条。", store.ChineseDate(r.cutoff), r.years, r.certs, r.refusals))
	}
	for _, l := range common.Wrap("这些记录仍完整保存在台账中。纸质材料是否销毁、电子记录是否移交档案，请按规定报批后处理。", m.width-4) {
		line("  " + s.Dim.Render(l))
	}
	if m.edit == years {
		line(s.Label.Render("复核年限（年）：") + "[" + m.yearsIn.View() + "]")
	} else if len(r.rows) == 0 && !r.cutoff.IsZero() {
		line(s.Dim.Render("  没有这么旧的记录。按 e 修改年限。"))
	}
	if m.busy {
		line(s.Dim.Render(common.SavingText))
	}
	if m.err != "" {
		line(s.Error.Render(m.err))
	}
	b.WriteString(m.oldList.View(m.width, s, func(i int, _ bool) string { return " " + common.Truncate(r.rows[i].line, m.width-2) }))
	return b.String()
}
