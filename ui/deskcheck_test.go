package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
)

// A request that only comes close to an item shows it as 可能相关, with the
// policy sentence for refusing; the verdict stays 未准入 until the worker
// picks it.
func TestDeskCheckCandidatesGolden(t *testing.T) {
	tm := start(t, newApp(t, newDB(t, true)), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "4")
	waitFor(t, tm, "请求事项")
	typeText(tm, "安全生产检查")
	waitFor(t, tm, "可能相关")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

func TestDeskCheckPickCandidate(t *testing.T) {
	send, view := driver(t, newDB(t, true), 80, 24)
	send("4", "安全生产检查")
	wantIn(t, view(), "未准入，可依法拒绝  可能相关", "[依法履职]16. 向当地人民政府", "依据长民发〔2017〕124号 四：工作事项进入社区", "匹配：安全生产", "不合：请求中有「检查」", "Enter 选定")

	send(tea.KeyEnter)
	wantIn(t, view(), "应当承担  属于社区依法履职、协助政府或监督的事项（经办人选定，Esc 重选）", "附件1 第16项：")
	if strings.Contains(view(), "可能相关") {
		t.Errorf("still 可能相关 after the pick:\n%s", view())
	}
	send(tea.KeyCtrlR)
	wantIn(t, view(), "不宜拒绝")

	send(tea.KeyEsc)
	wantIn(t, view(), "可能相关", "请求事项：安全生产检查")
	send(tea.KeyCtrlR)
	wantIn(t, view(), "登记拒绝")
}

// Every verdict shows the policy sentence that gives it force.
func TestDeskCheckCitesForEveryVerdict(t *testing.T) {
	send, view := driver(t, newDB(t, true), 80, 24)
	send("4", "给孩子上学开个居住证明")
	wantIn(t, view(), "可以出具", "依据长民发〔2017〕124号 四：需社区居民委员会日常出具证明的事项严格落实附件4清", "附件4 第3项：居民在社区居住证明")
	send(tea.KeyCtrlU, "低保申请初审")
	wantIn(t, view(), "应当承担", "除法律、法规和规章有明确规定外", "附件2 第25项：", "匹配：低保")
	send(tea.KeyCtrlU, "协助征兵")
	wantIn(t, view(), "未准入，可依法拒绝", "附件1-3中没有这项工作", "未经批准的工作事项一律不得进入社")
}

// The words that matched are marked in each candidate row and in the
// detail.
func TestDeskCheckMarksMatchedWords(t *testing.T) {
	a := newApp(t, newDB(t, true))
	a.ctx.Styles.Match = lipgloss.NewStyle().Transform(func(s string) string { return "{" + s + "}" })
	var m tea.Model = a
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for _, r := range "4消防" {
		var cmd tea.Cmd
		m, cmd = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		m = drain(m, cmd)
	}
	wantIn(t, m.View(), "可能相关", " [协助政府] 3. 协助开展{消防}宣传", "附件1 第14项：确定{消防}安全管理人")
}

// Under the verdict and its policy sentences the chosen match's detail
// fills what is left of an 80x24 screen, and PgDn reads it to its end.
func TestDeskCheckDetailPagesUnderTheGrounds(t *testing.T) {
	db := newDB(t, true)
	it := newApp(t, db).ctx.Catalog.Lists[0].Items[9]
	send, view := driver(t, db, 80, 24)
	send("4", "社区协商")
	wantIn(t, view(), "依据长民发〔2017〕124号", "按 PgDn 往下看", "F1 全部按键")
	if n := strings.Count(view(), "\n") + 1; n > 24 {
		t.Fatalf("the screen is %d lines high:\n%s", n, view())
	}
	tail := []rune(it.NoteZh)
	for range 10 {
		send(tea.KeyPgDown)
	}
	wantIn(t, squeeze(view()), squeeze(string(tail[len(tail)-10:])))
	wantIn(t, view(), "依据长民发〔2017〕124号", "F1 全部按键")
}

// An approval whose term has not begun gives 未生效 with the admission rule
// and the right to refuse until then; Ctrl+R takes the request to the
// refusal form.
func TestDeskCheckNotYetMayBeRefused(t *testing.T) {
	db := newDB(t, true)
	approve(t, db, "高龄老人情况证明", "2027-01", "2027-12")
	send, view := driver(t, db, 80, 24)
	send("4", "高龄老人情况证明")
	wantIn(t, view(), "未生效（2027年1月起）  已批准准入，2027年1月起生效；此前可依法拒绝", "[未生效（2027年1月起）] 高龄老人情况证明",
		"经审批同意后方可出具", "也有权拒绝", "按 Ctrl+R 登记拒绝")
	send(tea.KeyCtrlR)
	wantIn(t, view(), "高龄老人情况证明")
	if strings.Contains(view(), "不宜拒绝") || strings.Contains(view(), "未生效") {
		t.Errorf("Ctrl+R did not open the refusal form:\n%s", view())
	}
}
