package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"taizhang/store"
	"taizhang/ui/common"
)

const longVerified = "经入户走访及查验户口簿、不动产登记信息，该户常住人口三人，家庭年收入约1.8万元，长期患病，主要劳动力丧失劳动能力，无其他经济来源，生活确实十分困难，情况属实。"

// squeeze is text as a reader follows it across lines: styling and every
// space (indentation, the space a wrap drops) taken out.
func squeeze(s string) string {
	return strings.Join(strings.Fields(ansi.Strip(s)), "")
}

// wantWhole fails unless every value appears whole and in order in text.
func wantWhole(t *testing.T, text string, values ...string) {
	t.Helper()
	flat := squeeze(text)
	at := 0
	for _, v := range values {
		v = squeeze(common.Display(v))
		i := strings.Index(flat[at:], v)
		if i < 0 {
			t.Errorf("%q is not shown whole after what comes before it:\n%s", v, text)
			continue
		}
		at += i + len(v)
	}
}

// readThrough scrolls a detail that fills the body from top to end one
// line at a time and returns every line it showed, in order.
func readThrough(t *testing.T, send func(...any), view func() string) string {
	t.Helper()
	body := func() []string {
		lines := strings.Split(view(), "\n")
		return lines[1 : len(lines)-2] // header above; status and help below
	}
	send(tea.KeyHome)
	var out []string
	prev := ""
	for range 500 {
		b := body()
		v := strings.Join(b, "\n")
		if v == prev { // the end: the last frame shows the rest
			return strings.Join(append(out[:len(out)-1], b...), "\n")
		}
		prev = v
		out = append(out, b[0])
		send(tea.KeyDown)
	}
	t.Fatal("the detail never reached its end")
	return ""
}

func issueLong(t *testing.T, db *store.DB) store.Certificate {
	t.Helper()
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	in := store.CertInput{TypeNo: 9, Name: "欧阳明明", IDNumber: validID("14040319800101123"),
		Address: "长治市潞州区英雄南路街道英雄南路社区幸福小区12号楼3单元501室（租住）", Purpose: "申请城乡居民最低生活保障，向潞州区民政局提交家庭经济状况证明材料",
		Recipient: "长治市潞州区民政局社会救助科", Verified: longVerified, Copies: 2}
	c, err := db.IssueCertificate(op, in, cat, store.IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var detailSizes = [][2]int{{80, 24}, {100, 24}, {60, 18}}

// Every field of a certificate is shown whole at any width, and a detail
// longer than the screen scrolls: a wrapped line used to be one cell too
// wide and lost its last character to the frame ("，长" at 80 columns),
// and a long detail dropped its middle.
func TestCertDetailShowsEveryFieldWhole(t *testing.T) {
	for _, size := range detailSizes {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			db := newDB(t, true)
			c := issueLong(t, db)
			op, _ := db.Operator(db.LastOperator())
			reason := "居民告知用途填写有误，原证明需收回作废，另行开具用于申请临时救助的经济困难证明"
			if _, err := db.VoidCertificate(op, c.ID, reason); err != nil {
				t.Fatal(err)
			}
			send, view := driver(t, db, size[0], size[1])
			send("2", tea.KeyEnter)
			wantWhole(t, readThrough(t, send, view), c.TypeName, c.Name, c.Address, c.Purpose, c.Recipient, c.Verified, reason, "经过：", "开具 2026-0001")
		})
	}
}

func TestCertDetailGolden(t *testing.T) {
	db := newDB(t, true)
	issueLong(t, db)
	tm := openScreen(t, db, "2", "共 1 份")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "经过")
	golden.RequireEqual(t, []byte(finalView(t, tm, 80, 24)))
}

// The refusal, the approval form (its detail and the opinion form's head),
// a list item and a desk-check match show every field whole.
func TestDetailsShowEveryFieldWhole(t *testing.T) {
	refusal := store.RefusalInput{Requester: "长治市潞州区某某街道办事处综合行政执法队", RequesterKind: "单位",
		Item:   "为辖区内一家拟开办的餐饮店出具「无油烟扰民、邻里无异议、消防通道畅通」的证明，并加盖居委会公章",
		Reason: store.RefusalReasons[len(store.RefusalReasons)-1], Detail: longVerified + "请到潞州区市场监督管理局或生态环境分局办理。"}
	adm := store.Admission{
		Unit: "长治市潞州区卫生健康局疾病预防控制科（爱国卫生运动委员会办公室）", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis,
		Item: "辖区内老年人、慢性病患者及重点人群健康档案入户核查与信息更新工作", Kind: store.KindWork,
		Basis: "《中华人民共和国基本医疗卫生与健康促进法》第二十四条、《国家基本公共卫生服务规范（第三版）》", AppliedOn: "2026-11-01",
		Term: store.TermPhased, From: "2026-12", To: "2027-11",
		Powers: "入户核查时可查阅居民健康档案的基本信息，可要求相关居民配合提供近一年的体检报告与就诊记录", Funding: "按每户每次十五元的标准由区财政拨付社区，年底一次结清",
		LetterContent: longVerified, LetterNecessity: "社区熟悉居民情况，" + longVerified, LetterSchedule: "2026年12月至2027年11月，每季度一次",
		LetterStaffing: "社区网格员五人", LetterFunding: "区财政", LetterPowers: "查阅健康档案",
	}
	for _, size := range detailSizes[:2] {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			db := newDB(t, true)
			op, _ := db.Operator(db.LastOperator())
			if _, err := db.AddRefusal(op, refusal); err != nil {
				t.Fatal(err)
			}
			a, err := db.SaveAdmissionDraft(op, adm)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SubmitAdmission(op, a.ID); err != nil {
				t.Fatal(err)
			}
			send, view := driver(t, db, size[0], size[1])

			send("3", tea.KeyEnter)
			wantWhole(t, readThrough(t, send, view), refusal.Requester, refusal.Item, string(refusal.Reason), refusal.Detail)
			send(tea.KeyEsc, tea.KeyEsc)

			send("5", tea.KeyEnter)
			wantWhole(t, readThrough(t, send, view), adm.Item, adm.Unit, adm.Basis, adm.Powers, adm.Funding,
				adm.LetterContent, adm.LetterNecessity, adm.LetterSchedule)
			send("i")
			wantWhole(t, view(), "录入", adm.Item, adm.Unit)
			send(tea.KeyEsc, "y", tea.KeyEsc, tea.KeyEsc)

			cat := newApp(t, db).ctx.Catalog
			it := cat.Lists[0].Items[9] // 附件1 第10项: a long basis and a note
			send("1", tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyDown, tea.KeyEnter)
			wantWhole(t, readThrough(t, send, view), append(append([]string{it.Text}, it.Basis...), it.Reading, it.NoteZh)...)
		})
	}
}

// A desk-check match shows its detail whole, wrapped to the width.
func TestDeskCheckDetailWhole(t *testing.T) {
	for _, w := range []int{80, 100} {
		db := newDB(t, true)
		it := newApp(t, db).ctx.Catalog.Lists[0].Items[9]
		send, view := driver(t, db, w, 60)
		send("4", "社区协商")
		wantWhole(t, view(), append(append([]string{it.Text}, it.Basis...), it.Reading, it.NoteZh)...)
	}
}
