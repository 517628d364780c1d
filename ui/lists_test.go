package ui

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/ui/common"
)

// driver runs the app without a terminal at w×h: send feeds keys (a string
// is typed one rune at a time) and runs the commands they return; every
// frame is checked for size and width.
func driver(t *testing.T, db *store.DB, w, h int) (send func(keys ...any), view func() string) {
	t.Helper()
	var m tea.Model = newApp(t, db)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	send = func(keys ...any) {
		t.Helper()
		for _, k := range keys {
			var msgs []tea.KeyMsg
			switch k := k.(type) {
			case string:
				for _, r := range k {
					msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				}
			case tea.KeyType:
				msgs = append(msgs, tea.KeyMsg{Type: k})
			}
			for _, msg := range msgs {
				var cmd tea.Cmd
				m, cmd = m.Update(msg)
				m = drain(m, cmd)
			}
			checkFrame(t, m.View(), w, h)
		}
	}
	return send, func() string { return m.View() }
}

func wantIn(t *testing.T, v string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
}

// An item with an editorial note is marked in the list, the search results
// and its detail, which shows the printed words and the note; an inferred
// category says （推定）.
func TestListsMarkNotesAndInferredCategories(t *testing.T) {
	send, view := driver(t, newDB(t, true), 80, 24)
	send("1", "2")
	for i := 1; i < 14; i++ {
		send(tea.KeyDown)
	}
	wantIn(t, view(),
		"13. [注] [优抚] 协助人民政府或者它的派出机关做好优抚工作",
		"14. [教育（推定）] 加强对未成年人的校外教育工作",
		"附件2  第14项  类别：教育（推定）",
		"类别系推定：原件此行未印类别。")
	if v := view(); strings.Contains(v, "14. [注]") || strings.Contains(v, "第14项  类别：教育（推定）  [注]") {
		t.Errorf("item 14 has no note but is marked:\n%s", v)
	}

	send(tea.KeyUp, tea.KeyEnter)
	wantIn(t, view(),
		"附件2  第13项  类别：优抚  [注] 见整理说明",
		"原件所印：",
		"  协助人民政府或者它的派出机关做好优扶工作",
		"整理说明：",
		"系「优抚」之误")

	send(tea.KeyEsc, "/残疾人")
	wantIn(t, view(), "[依法履职]13. [注] 依法做好残疾人工作", "[协助政府]30. 做好社区残疾人工作")
}

// 准入核查 marks an annotated item, shows its note and an inferred category,
// and cites the clauses the embedded rules give when nothing matches.
func TestDeskCheckMarksAndCites(t *testing.T) {
	send, view := driver(t, newDB(t, true), 80, 24)
	send("4", "残疾人工作")
	wantIn(t, view(), "[依法履职]13. [注] 依法做好残疾人工作", "[协助政府]30. 做好社区残疾人工作", "整理说明：条款号照原件")

	send(tea.KeyCtrlU, "校外教育")
	wantIn(t, view(), "附件2 第14项：加强对未成年人的校外教育工作", "类别：教育（推定）")

	// A long detail says how to see the rest, and PgDn shows it.
	send(tea.KeyCtrlU, "社区协商")
	wantIn(t, view(), "[依法履职]10. [注] ", "原件所印：", "按 PgDn 往下看")
	send(tea.KeyPgDown)
	wantIn(t, view(), "整理说明：")

	send(tea.KeyCtrlU, "开具无犯罪记录证明")
	wantIn(t, view(), "依据长民发〔2017〕124号 三：各职能部门", "依据长民发〔2017〕124号 四：未列入清单但需出具证明的事项")
	send(tea.KeyCtrlU, "创卫检查台账")
	wantIn(t, view(), "依据长民发〔2017〕124号 四：工作事项进入社区")
	if strings.Contains(view(), "124号 三") {
		t.Errorf("a work request cites the clause on certificates:\n%s", view())
	}
	send(tea.KeyCtrlU)
	wantIn(t, view(), "可依法拒绝（长民发〔2017〕124号", "三、四）。")

	// The refusal form carried over from here cites the same clauses.
	send("开具无犯罪记录证明", tea.KeyCtrlR)
	wantIn(t, view(), "登记拒绝出具", "依据：长民发〔2017〕124号 三、四")
}

// The admission screen names the opinion rows as the approval form prints
// them.
func TestAdmissionOpinionLabels(t *testing.T) {
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	a, err := db.SaveAdmissionDraft(op, store.Admission{
		Unit: "长治市民政局", UnitLevel: store.UnitCityLevel, Scope: store.ScopeThis, Item: "困难群众入户核查", Kind: store.KindWork,
		Basis: "《社会救助暂行办法》", AppliedOn: "2026-11-01", Term: store.TermPhased, From: "2026-11", To: "2027-10",
		Powers: "入户核查", Funding: "每户10元", LetterContent: "入户核查", LetterNecessity: "救助需要",
		LetterSchedule: "一年", LetterStaffing: "网格员", LetterFunding: "市财政", LetterPowers: "入户核查",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitAdmission(op, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordOpinion(op, a.ID, "县级", "同意，报市里审批", "2026-11-20"); err != nil {
		t.Fatal(err)
	}
	send, view := driver(t, db, 80, 24)
	send("5", tea.KeyEnter)
	wantIn(t, view(), "县（市、区）社区建设领导机构意见：同意，报市里审批")
	send("i")
	wantIn(t, view(), "录入长治市社区建设领导小组办公室意见")
	send("同意", tea.KeyCtrlS)
	wantIn(t, view(), "长治市社区建设领导小组办公室意见：同意（")
}

// The 政策原文 tab shows the revised policy text, 〖〗 and all.
func TestListsPolicyTab(t *testing.T) {
	send, view := driver(t, newDB(t, true), 80, 24)
	send("1", "5")
	wantIn(t, view(), "关于减轻城乡社区负担提升社区服务效能的实施意见", "整理说明：本文据长民发〔2017〕124号", "〖〗内的字为整理时补入")
	for i := 0; i < 30; i++ {
		send(tea.KeyPgDown)
	}
	wantIn(t, view(), "长治市民政局办公室　　2017年10月24日印发")
}

// The policy tab scrolls with Home/End/PgUp/PgDn, rewraps its paragraphs
// when the window changes (a text wrapped for 100 columns used to break
// into alternating long and short lines at 80), shows no English, and `/`
// finds a phrase in it rather than opening the lists' search.
func TestPolicyTabScrollsAndFinds(t *testing.T) {
	db := newDB(t, true)
	var m tea.Model = newApp(t, db)
	m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 24})
	m = pressAll(m, "1", "5")
	m, _ = m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	paras := strings.Split(common.Display(assets.Policy()), "\n")
	note := paras[2] // 整理说明：…, the first long paragraph
	if !strings.HasPrefix(note, "整理说明") {
		t.Fatalf("paragraph 3 is %q", note)
	}
	wantIn(t, m.View(), strings.Join(common.Wrap(note, 80), "\n"))
	// Page through: no line of the text has a Latin letter.
	for range len(paras) {
		lines := strings.Split(m.View(), "\n")
		for _, l := range lines[1 : len(lines)-2] {
			if !strings.HasPrefix(l, "（下面还有") && strings.ContainsFunc(l, func(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }) {
				t.Errorf("the policy shows English: %q", l)
			}
		}
		m = drain(m, func() tea.Msg { return tea.KeyMsg{Type: tea.KeyPgDown} })
	}

	send, view := driver(t, db, 80, 24)
	send("1", "5")
	top := view()
	send(tea.KeyEnd)
	wantIn(t, view(), "2017年10月24日印发")
	send(tea.KeyPgUp)
	if strings.Contains(view(), "2017年10月24日印发") {
		t.Errorf("PgUp did not scroll back:\n%s", view())
	}
	send(tea.KeyHome)
	if view() != top {
		t.Errorf("Home is not the top:\n%s", view())
	}
	send(tea.KeyPgDown)
	if view() == top {
		t.Error("PgDn did not scroll")
	}

	phrase := "台账"
	n := strings.Count(common.Display(assets.Policy()), phrase)
	send("/", phrase)
	if strings.Contains(view(), "在四个清单中查找") {
		t.Fatalf("/ opened the lists' search:\n%s", view())
	}
	wantIn(t, view(), phrase, fmt.Sprintf("第 1/%d 处", n))
	send(tea.KeyEnter)
	wantIn(t, view(), fmt.Sprintf("第 2/%d 处", n))
	send(tea.KeyCtrlP)
	wantIn(t, view(), fmt.Sprintf("第 1/%d 处", n))
	send(tea.KeyEsc, tea.KeyEnter, tea.KeyEnter, tea.KeyEnter)
	wantIn(t, view(), fmt.Sprintf("第 4/%d 处", n), "「台账」")
	send(tea.KeyCtrlP)
	wantIn(t, view(), fmt.Sprintf("第 3/%d 处", n))
	send("n", "N") // n is 新建 on every screen; it does not step here
	wantIn(t, view(), fmt.Sprintf("第 3/%d 处", n))
	send("/", tea.KeyCtrlU, "没有这句话")
	wantIn(t, view(), "未找到")
	send(tea.KeyEsc, tea.KeyEsc)
	if strings.Contains(view(), "查找：") {
		t.Errorf("Esc left the search on:\n%s", view())
	}
	send(tea.KeyEsc)
	wantIn(t, view(), "按数字键进入")
}
