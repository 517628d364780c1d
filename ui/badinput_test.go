package ui

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/xuri/excelize/v2"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/bundle"
	"taizhang/store/creditcode"
	"taizhang/store/fold"
	"taizhang/store/printout"
	"taizhang/ui/common"
)

// Bad input, end to end (issue 12 point 5). Every case is one row: what is
// typed, where, and the exact message the worker gets (empty: the input is
// to be saved, and then says what was kept). Each row runs through the
// store on its own copy of a ledger that already holds records; afterwards
// the ledger passes Check and every earlier record is as it was. Rows with
// ui set run again through the certificate form at 80×24: the message is
// on screen, and after the bad part is deleted the same form saves what
// was typed in every field.

// badEnv is one case's ledger.
type badEnv struct {
	db   *store.DB
	path string
	op   store.Operator
	cat  *assets.Catalog
	fx   badFixture
}

// badFixture is what the template ledger holds besides the profile and 王丽.
type badFixture struct {
	cert      store.Certificate // 张三, 居住证明 (type 1)
	jose      store.Certificate // José (NFC), type 1
	submitted store.Admission   // 已报送, waiting for the county's opinion
}

// badCase is one row of the table.
type badCase struct {
	name  string // what kind of bad input
	where string // the form and field it is typed into
	input string
	want  string // the message, with {db} and {dir} for the data file and its folder; "" means saved
	// opts sets up the open: the clock, the filesystem seam.
	opts func(t *testing.T, dir string, o *store.Options)
	// run feeds input to the store and returns its error.
	run func(t *testing.T, e *badEnv, input string) error
	// then checks what a saved input left (want "").
	then func(t *testing.T, e *badEnv)
	// edits names the earlier record the case changes on purpose.
	edits string
	ui    *badUI
}

// badUI runs a case through the certificate form.
type badUI struct {
	field  int    // the form field typed with the input: 1 姓名 … 6 核实情况 (certForm), 7 份数
	fix    int    // Backspaces that delete the bad part
	retype string // then typed
}

// certForm are the form's texts in order after the type; the case's field
// gets its input instead.
var certForm = []string{"jzzm", "李四", "", "潞州区英雄南路12号3单元501室", "办理子女入学", "长治市潞州区教育局", "入户走访，查验户口本"}

// copiesField is 份数, after certForm's fields.
const copiesField = 7

const (
	nfcJose = "Jos\u00e9"  // é as one character
	nfdJose = "Jose\u0301" // e and a combining acute accent
)

// creditCheck is the check character that completes first17.
func creditCheck(first17 string) string {
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if creditcode.Check(first17+string(c)) == nil {
			return string(c)
		}
	}
	return "?"
}

func certIn(name, id string) store.CertInput {
	return store.CertInput{TypeNo: 1, Name: name, IDNumber: id, Address: certForm[3], Purpose: certForm[4],
		Recipient: certForm[5], Verified: certForm[6], Copies: 1}
}

// issue saves a 居住证明 with one field replaced by input.
func issueWith(field int) func(*testing.T, *badEnv, string) error {
	return func(t *testing.T, e *badEnv, input string) error {
		in := certIn("李四", validID("14040319850202234"))
		*[]*string{nil, &in.Name, &in.IDNumber, &in.Address, &in.Purpose, &in.Recipient, &in.Verified}[field] = input
		_, err := e.db.IssueCertificate(e.op, in, e.cat, store.IssueOptions{})
		return err
	}
}

var badCases = []badCase{
	// Names.
	{name: "空姓名", where: "证明·姓名", input: "", want: "姓名：必须填写。", run: issueWith(1)},
	{name: "200 个字的姓名", where: "证明·姓名", input: strings.Repeat("张", 200),
		want: "姓名：太长（现在 200 个字），最多 30 个字，请删减。", run: issueWith(1), ui: &badUI{field: 1, fix: 198, retype: "四"}},
	{name: "姓名含控制字符", where: "证明·姓名", input: "张\a三",
		want: "姓名：“张”之后有一个看不见的控制字符（U+0007）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(1)},
	{name: "姓名含文字方向控制符", where: "证明·姓名", input: "李四\u202e",
		want: "姓名：“李四”之后有一个看不见的文字方向控制符（U+202E），它会让文字倒着或错位显示。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run:  issueWith(1), ui: &badUI{field: 1, fix: 1}},
	{name: "姓名含从左到右标记", where: "证明·姓名", input: "\u200e李四",
		want: "姓名：开头有一个看不见的文字方向控制符（U+200E），它会让文字倒着或错位显示。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(1)},
	{name: "姓名含表情符号", where: "证明·姓名", input: "李四😀",
		want: "姓名：不能含有表情符号“😀”，请只填写姓名的文字。", run: issueWith(1), ui: &badUI{field: 1, fix: 1}},
	{name: "姓名含国旗表情", where: "证明·姓名", input: "李四🇨🇳",
		want: "姓名：不能含有表情符号“🇨🇳”，请只填写姓名的文字。", run: issueWith(1)},
	{name: "姓名含组合表情", where: "证明·姓名", input: "李四👨‍👩‍👧",
		want: "姓名：不能含有表情符号“👨‍👩‍👧”，请只填写姓名的文字。", run: issueWith(1)},
	{name: "姓名含数字", where: "证明·姓名", input: "李四2",
		want: "姓名：不能含有数字“2”，请只填写姓名。", run: issueWith(1)},
	{name: "姓名含符号", where: "证明·姓名", input: "李四（小名）",
		want: "姓名：不能含有“（”；姓名只能是文字（少数民族或外国人姓名中间可用“·”隔开）。", run: issueWith(1)},
	{name: "姓名含零宽空格", where: "证明·姓名", input: "李\u200b四",
		want: "姓名：“李”之后有一个看不见的零宽字符（U+200B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(1)},
	{name: "姓名含零宽不连字", where: "证明·姓名", input: "李四\u200c",
		want: "姓名：“李四”之后有一个看不见的零宽字符（U+200C）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run:  issueWith(1), ui: &badUI{field: 1, fix: 1}},
	{name: "姓名含零宽连字", where: "证明·姓名", input: "李\u200d四",
		want: "姓名：“李”之后有一个看不见的零宽字符（U+200D）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(1)},
	{name: "姓名开头有字节顺序标记", where: "证明·姓名", input: "\ufeff李四",
		want: "姓名：开头有一个看不见的零宽字符（U+FEFF）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(1)},
	{name: "姓名含自造字", where: "证明·姓名", input: "李\ue000",
		want: "姓名：“李”之后有一个电脑自造的字（私用区字符 U+E000），别的电脑和打印件上显示不出来。请改用输入法中的标准汉字（生僻字可用输入法的生僻字功能查找）。", run: issueWith(1)},
	{name: "姓名是乱码", where: "证明·姓名", input: "李\xff四",
		want: "姓名：含有无法识别的字符（可能是从别的文件复制来的乱码），请清空这一栏，重新用键盘输入。", run: issueWith(1)},
	{name: "生僻字姓名", where: "证明·姓名", input: "𠮷祥",
		run: issueWith(1), then: func(t *testing.T, e *badEnv) {
			wantNewCert(t, e, func(c store.Certificate) bool { return c.Name == "𠮷祥" })
		}},
	{name: "少数民族姓名", where: "证明·姓名", input: "阿依古丽·买买提",
		run: issueWith(1), then: func(t *testing.T, e *badEnv) {
			wantNewCert(t, e, func(c store.Certificate) bool { return c.Name == "阿依古丽·买买提" })
		}},
	{name: "分解形式（NFD）的新姓名", where: "证明·姓名", input: nfdJose,
		run: issueWith(1), then: func(t *testing.T, e *badEnv) {
			wantNewCert(t, e, func(c store.Certificate) bool { return c.Name == nfcJose })
		}},
	{name: "分解形式（NFD）与已登记的组合形式（NFC）是同一姓名", where: "证明·姓名（同一身份证号、同类证明）", input: nfdJose,
		want: nfcJose + "在30天内已开过同类证明（编号 2026-0002，2026-11-29）。确需再开请确认。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.IssueCertificate(e.op, certIn(input, e.fx.jose.IDNumber), e.cat, store.IssueOptions{})
			return err
		}},
	{name: "分解形式（NFD）的同名经办人", where: "设置·经办人姓名", input: "Chloe\u0301",
		want: "经办人姓名：已有同名经办人“Chloé”，请加以区分（例如 张敏2）。",
		run:  func(t *testing.T, e *badEnv, input string) error { _, err := e.db.AddOperator(e.op, input); return err }},
	{name: "经办人姓名含零宽连字", where: "设置·经办人姓名", input: "王丽\u200d",
		want: "经办人姓名：“王丽”之后有一个看不见的零宽字符（U+200D）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run:  func(t *testing.T, e *badEnv, input string) error { _, err := e.db.AddOperator(e.op, input); return err }},
	{name: "经办人姓名含表情符号", where: "设置·经办人姓名", input: "小王👍",
		want: "经办人姓名：不能含有表情符号“👍”，请只填写姓名的文字。",
		run:  func(t *testing.T, e *badEnv, input string) error { _, err := e.db.AddOperator(e.op, input); return err }},
	{name: "经办人改名为空", where: "设置·经办人姓名", input: " \u3000 ",
		want: "经办人姓名：必须填写。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.RenameOperator(e.op, e.op.ID, input)
			return err
		}},

	// Free text: any printable text, emoji too, but nothing invisible, and held to its length.
	{name: "住址含表情符号", where: "证明·住址", input: "幸福里😀小区",
		run: issueWith(3), then: func(t *testing.T, e *badEnv) {
			wantNewCert(t, e, func(c store.Certificate) bool { return c.Address == "幸福里😀小区" })
		}},
	{name: "住址含控制字符", where: "证明·住址", input: "潞州区英雄南路12号\x1b[31m",
		want: "住址：“…雄南路12号”之后有一个看不见的控制字符（U+001B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run:  issueWith(3)},
	{name: "住址末尾有零宽空格", where: "证明·住址", input: "潞州区英雄南路12号​",
		want: "住址：“…雄南路12号”之后有一个看不见的零宽字符（U+200B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run:  issueWith(3), ui: &badUI{field: 3, fix: 1}},
	{name: "住址中表情后藏零宽不连字", where: "证明·住址", input: "幸福里😀‌小区",
		want: "住址：“幸福里😀”之后有一个看不见的零宽字符（U+200C）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(3)},
	{name: "用途含文字方向控制符", where: "证明·用途", input: "办理\u202e学入",
		want: "用途：“办理”之后有一个看不见的文字方向控制符（U+202E），它会让文字倒着或错位显示。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。", run: issueWith(4)},
	{name: "核实情况太长", where: "证明·核实情况", input: strings.Repeat("查", 201),
		want: "核实情况：太长（现在 201 个字），最多 200 个字，请删减。", run: issueWith(6)},
	{name: "拒绝说明含终端控制码", where: "拒绝·说明", input: "\x1b[2J请到派出所办理",
		want: "说明：开头有一个看不见的控制字符（U+001B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.AddRefusal(e.op, store.RefusalInput{Requester: "潞州区卫健局", RequesterKind: "单位", Item: "开具无犯罪记录证明",
				Reason: store.OtherReason, Detail: input})
			return err
		}},
	{name: "作废原因含文字方向控制符", where: "证明·作废原因", input: "录入错误\u2067",
		want: "作废原因：“录入错误”之后有一个看不见的文字方向控制符（U+2067），它会让文字倒着或错位显示。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.VoidCertificate(e.op, e.fx.cert.ID, input)
			return err
		}},
	{name: "准入事项含零宽空格", where: "准入·申请准入事务或工作项目", input: "高龄\u200b津贴证明",
		want: "申请准入事务或工作项目：“高龄”之后有一个看不见的零宽字符（U+200B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.SaveAdmissionDraft(e.op, store.Admission{Unit: "潞州区民政局", Item: input})
			return err
		}},
	{name: "社区名称含零宽空格", where: "设置·社区名称", input: "英雄南路\u200b社区",
		want: "社区名称：“英雄南路”之后有一个看不见的零宽字符（U+200B）。请清空这一栏，重新用键盘输入（不要从网页或微信复制粘贴）。",
		run: func(t *testing.T, e *badEnv, input string) error {
			p, _ := e.db.Profile()
			p.Community = input
			_, err := e.db.SaveProfile(e.op, p, true)
			return err
		}},

	// Text a spreadsheet would run: saved as typed, inert in every CSV and XLSX the program writes.
	{name: "CSV/公式注入（= + - @ 开头）", where: "证明、拒绝、准入、作废原因、意见的每个文字栏", input: `=HYPERLINK("http://x","点我")`,
		run: saveFormulaText, then: checkInert},

	// Digits.
	{name: "全角数字的身份证号", where: "证明·身份证号", input: "１４０４０３１９８５０２０２２３４" + string(validID("14040319850202234")[17]),
		run: issueWith(2), then: func(t *testing.T, e *badEnv) {
			wantNewCert(t, e, func(c store.Certificate) bool { return c.IDNumber == validID("14040319850202234") })
		}},
	{name: "身份证号校验位错", where: "证明·身份证号", input: "140403198502022349",
		want: "身份证号：校验位应为 " + validID("14040319850202234")[17:] + "（现为 9），号码中可能有录错的位，请逐位核对",
		run:  issueWith(2), ui: &badUI{field: 2, fix: 1, retype: validID("14040319850202234")[17:]}},
	{name: "统一社会信用代码校验码错", where: "准入·统一社会信用代码", input: "111404030123456780",
		want: "统一社会信用代码：校验码应为 " + creditCheck("11140403012345678") + "（现为 0），代码中可能有录错的位，请逐位核对。不知道代码可以不填。",
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.SaveAdmissionDraft(e.op, store.Admission{Unit: "潞州区民政局", CreditCode: input})
			return err
		}},
	{name: "全角的统一社会信用代码", where: "准入·统一社会信用代码", input: "１１１４０４０３０１２３４５６７８" + creditCheck("11140403012345678"),
		run: func(t *testing.T, e *badEnv, input string) error {
			_, err := e.db.SaveAdmissionDraft(e.op, store.Admission{Unit: "潞州区民政局", CreditCode: input})
			return err
		},
		then: func(t *testing.T, e *badEnv) {
			adms, _ := e.db.Admissions()
			if adms[0].CreditCode != "11140403012345678"+creditCheck("11140403012345678") {
				t.Errorf("credit code saved as %q", adms[0].CreditCode)
			}
		}},
	{name: "身份证号出生日期不存在", where: "证明·身份证号", input: validID("14040319850230234"),
		want: "身份证号：出生日期 19850230 不存在（第7-14位），请核对号码", run: issueWith(2)},
	{name: "身份证号出生日期在将来", where: "证明·身份证号", input: validID("14040320261230234"),
		want: "身份证号：出生日期不能晚于今天（号码中为 20261230），请核对号码", run: issueWith(2)},
	{name: "全角数字的联系电话", where: "设置·联系电话", input: "０３５５－２０２１２３４", edits: "profile",
		run: func(t *testing.T, e *badEnv, input string) error {
			p, _ := e.db.Profile()
			p.Phone = input
			_, err := e.db.SaveProfile(e.op, p, true)
			return err
		},
		then: func(t *testing.T, e *badEnv) {
			if p, _ := e.db.Profile(); p.Phone != "0355-2021234" {
				t.Errorf("phone saved as %q", p.Phone)
			}
		}},

	{name: "全角数字的份数", where: "证明·份数（界面）", input: "２", ui: &badUI{field: copiesField}},

	// Dates.
	{name: "不存在的日期（2月30日）", where: "准入·县级意见日期", input: "2026年2月30日",
		want: "县级意见日期：2026年2月只有 28 天，没有30日，请核对日期。", run: recordOpinion},
	{name: "不存在的月份", where: "准入·县级意见日期", input: "2026-13-01",
		want: "县级意见日期：没有13月，请核对月份。", run: recordOpinion},
	{name: "将来的日期", where: "准入·县级意见日期", input: "2026-11-30",
		want: "县级意见日期：2026年11月30日晚于今天（2026年11月29日），请核对；如电脑日期不对，请先校正电脑时间。", run: recordOpinion},
	{name: "将来的申请准入时间", where: "准入·申请准入时间（报送时）", input: "2026-12-01",
		want: "申请准入时间：2026年12月1日晚于今天（2026年11月29日），请核对；如电脑日期不对，请先校正电脑时间。", run: submitAppliedOn},
	{name: "不存在的申请准入时间", where: "准入·申请准入时间（报送时）", input: "2026-02-30",
		want: "申请准入时间：2026年2月只有 28 天，没有30日，请核对日期。", run: submitAppliedOn},

	// The PC and its disk.
	{name: "电脑时间被调回", where: "开具证明时（电脑时钟比最新记录早一天）", input: "李四",
		want: "电脑时间（2026-11-28 09:30）比台账中最新一条记录（2026-11-29 09:30）早了 1 天，日期或编号年份可能会错。请先核对电脑的日期和时间；确认无误再保存。",
		opts: func(_ *testing.T, _ string, o *store.Options) {
			o.Now = func() time.Time { return fixedNow.AddDate(0, 0, -1) }
		},
		run: issueWith(1)},
	{name: "第二个窗口", where: "启动第二个台账程序（同一数据文件）", input: "{db}",
		want: "数据文件 {db} 正被另一个台账窗口使用。请先关闭那个窗口，再重新打开本程序。",
		run: func(t *testing.T, e *badEnv, _ string) error {
			db, err := store.Open(e.path, store.Options{Now: clock})
			if err == nil {
				db.Close()
			}
			return err
		}},
	{name: "只读的数据文件夹", where: "启动（数据文件在只读文件夹中新建）", input: "{dir}/新台账.db",
		want: "文件夹 {dir} 是只读的或没有写入权限，无法在这里建立台账数据文件。请用 --db 把数据文件放到可以写入的文件夹（例如“文档”里），或请管理员给这个文件夹写入权限。",
		run: func(t *testing.T, e *badEnv, _ string) error {
			dir := filepath.Dir(e.path)
			o := store.Options{Now: clock}
			readOnly(t, dir, 0o500, &o)
			db, err := store.Open(filepath.Join(dir, "新台账.db"), o)
			if err == nil {
				db.Close()
			}
			if _, serr := os.Stat(filepath.Join(dir, "新台账.db")); serr == nil {
				t.Error("a half-made data file was left behind")
			}
			return err
		}},
	{name: "只读的数据文件", where: "启动（数据文件只读）", input: "{db}",
		want: "数据文件 {db}（或它所在的文件夹 {dir}）是只读的或没有写入权限，本程序要写入它才能使用。请在文件属性中取消“只读”，或把文件复制到可以写入的文件夹后用 --db 指定它；如在U盘上，请检查写保护开关。",
		run: func(t *testing.T, e *badEnv, _ string) error {
			e.db.Close()
			o := store.Options{Now: clock}
			readOnly(t, e.path, 0o400, &o)
			db, err := store.Open(e.path, o)
			if err == nil {
				db.Close()
			}
			os.Chmod(e.path, 0o600)
			reopen(t, e)
			return err
		}},
	{name: "只读的汇总文件", where: "接收单位·收包（汇总文件只读）", input: "{dir}/汇总.db",
		want: "数据文件 {dir}/汇总.db（或它所在的文件夹 {dir}）是只读的或没有写入权限，本程序要写入它才能使用。请在文件属性中取消“只读”，或把文件复制到可以写入的文件夹后用 --db 指定它；如在U盘上，请检查写保护开关。",
		run: func(t *testing.T, e *badEnv, path string) error {
			agg, err := aggregate.Create(path, aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			agg.Close()
			var o store.Options
			readOnly(t, path, 0o400, &o)
			agg, err = aggregate.Open(path, aggregate.Options{Now: clock, OpenFile: o.OpenFile})
			if err == nil {
				agg.Close()
			}
			return err
		}},
	{name: "磁盘已满（bbolt 不再扩大文件）", where: "开具证明（数据文件不能再变大）", input: "李四",
		want: "磁盘空间已满，这次的内容没有保存，之前保存的记录都还在。请清理数据文件所在的磁盘（{dir}）：删除不需要的文件、清空回收站，然后再保存一次。",
		run:  diskFull(false)},
	{name: "磁盘已满（系统拒绝写入，EFBIG）", where: "开具证明（系统不让数据文件再变大）", input: "李四",
		want: "磁盘空间已满，这次的内容没有保存，之前保存的记录都还在。请清理数据文件所在的磁盘（{dir}）：删除不需要的文件、清空回收站，然后再保存一次。",
		run:  diskFull(true)},
	{name: "磁盘已满（打印）", where: "打印证明（系统不让文件再变大）", input: "2026-0001",
		want: "磁盘已满，无法在“{dir}/打印”中保存打印文件。请清理磁盘（删除不需要的文件、清空回收站）后再打印；台账中的记录不受影响。",
		run: func(t *testing.T, e *badEnv, serial string) error {
			dir := printout.PrintDir(e.path)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			e.db.Close()
			_, err := runChild(t, e.path, "print")
			reopen(t, e)
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a half-written printout was left: %v", entries)
			}
			return err
		}},
	{name: "磁盘已满（导出）", where: "导出到U盘（写到一半U盘满了）", input: "2026-11",
		want: "导出没有完成（保存 ledger.db时出错：U盘或磁盘已满）。台账没有改动，这个月也没有标记为已导出。请删除U盘上不需要的文件，或换一个空间更大的U盘，然后重新导出。",
		run: func(t *testing.T, e *badEnv, month string) error {
			out := t.TempDir()
			_, err := bundle.Export(e.db, e.op, month, out, bundle.ExportOptions{FS: &bundle.FaultFS{At: 4, Err: syscall.ENOSPC}})
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("the failed export left %d entries on the stick", len(entries))
			}
			if recs, _ := e.db.Exports(); len(recs) != 0 {
				t.Errorf("the month was marked exported: %+v", recs)
			}
			return err
		}},
}

// readOnly makes path read-only (mode) for this test. Root writes through
// any mode, so under root the open goes through the filesystem seam
// instead, failing a write open with the EACCES a read-only folder or file
// gives.
func readOnly(t *testing.T, path string, mode os.FileMode, o *store.Options) {
	if os.Geteuid() != 0 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, st.Mode().Perm()) })
		return
	}
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE) != 0 {
			return nil, &os.PathError{Op: "open", Path: name, Err: syscall.EACCES}
		}
		return os.OpenFile(name, flag, perm)
	}
}

// diskFull saves certificates until one fails: with bbolt's own limit on
// the file's size (MaxSize) in this process, or, on Linux, in a child
// process whose file size limit keeps the system from growing the file
// (limit is per process, so it touches nothing of this test run). Every
// certificate acknowledged before the failure must be in the ledger.
func diskFull(inChild bool) func(*testing.T, *badEnv, string) error {
	return func(t *testing.T, e *badEnv, name string) error {
		st, err := os.Stat(e.path)
		if err != nil {
			t.Fatal(err)
		}
		e.db.Close()
		var saved []string
		if inChild {
			saved, err = runChild(t, e.path, "fill")
		} else {
			if e.db, err = store.Open(e.path, store.Options{Now: clock, MaxSize: int(st.Size())}); err != nil {
				t.Fatal(err)
			}
			err = saveUntilFull(e, name, func(c store.Certificate) { saved = append(saved, c.Serial) })
			e.db.Close()
		}
		reopen(t, e)
		if len(saved) == 0 {
			t.Error("nothing was saved before the disk filled")
		}
		for _, s := range saved {
			if _, gerr := e.db.CertificateBySerial(s); gerr != nil {
				t.Errorf("certificate %s saved before the disk filled: %v", s, gerr)
			}
		}
		return err
	}
}

// saveUntilFull saves certificates for name until the ledger refuses one.
func saveUntilFull(e *badEnv, name string, saved func(store.Certificate)) error {
	for i := range 2000 {
		in := certIn(name, validID(fmt.Sprintf("140403198502%02d%03d", 1+i/1000, i%1000)))
		in.Verified = strings.Repeat("经查验户口簿", 30)
		c, err := e.db.IssueCertificate(e.op, in, e.cat, store.IssueOptions{AcceptDuplicate: true, AcceptPersonName: true})
		if err != nil {
			return err
		}
		saved(c)
	}
	return errors.New("the file grew past its limit")
}

// Environment of the child process.
const (
	childStep = "TAIZHANG_BADINPUT_CHILD"
	childDB   = "TAIZHANG_BADINPUT_DB"
)

// runChild runs step of TestBadInputChild on the ledger at path in a child
// process and returns the serials it saved and the error it ended with.
func runChild(t *testing.T, path, step string) ([]string, error) {
	t.Helper()
	if !fileSizeLimits {
		t.Skip("the file size limit is set on Linux only")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBadInputChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), childStep+"="+step, childDB+"="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var saved []string
	var failed error
	for _, l := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(l, "saved "); ok {
			saved = append(saved, s)
		}
		if s, ok := strings.CutPrefix(l, "error "); ok {
			failed = errors.New(s)
		}
	}
	if failed == nil {
		t.Fatalf("the child's step %s did not fail:\n%s", step, out)
	}
	return saved, failed
}

// TestBadInputChild is the child process of runChild; run by itself it
// does nothing.
func TestBadInputChild(t *testing.T) {
	step, path := os.Getenv(childStep), os.Getenv(childDB)
	if step == "" {
		t.Skip("the child process of TestBadInput's full-disk cases")
	}
	db, err := store.Open(path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e := &badEnv{db: db, path: path, cat: cat}
	e.op, _ = db.Operator(db.LastOperator())
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	switch step {
	case "fill":
		limitFileSize(t, st.Size())
		err = saveUntilFull(e, "李四", func(c store.Certificate) { fmt.Println("saved", c.Serial) })
	case "print":
		c, cerr := db.CertificateBySerial("2026-0001")
		if cerr != nil {
			t.Fatal(cerr)
		}
		p, _ := db.Profile()
		tpl, _ := assets.CertTemplates()
		limitFileSize(t, 0)
		_, err = printout.SaveCertificate(printout.PrintDir(path), p, c, tpl[c.TypeNo])
	}
	if err != nil {
		fmt.Println("error", err)
	}
}

func reopen(t *testing.T, e *badEnv) {
	t.Helper()
	e.db.Close()
	db, err := store.Open(e.path, store.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
}

func recordOpinion(t *testing.T, e *badEnv, date string) error {
	_, err := e.db.RecordOpinion(e.op, e.fx.submitted.ID, store.LevelCounty, "同意", date)
	return err
}

func submitAppliedOn(t *testing.T, e *badEnv, date string) error {
	a := e.fx.submitted.Redraft()
	a.AppliedOn = date
	a, err := e.db.SaveAdmissionDraft(e.op, a)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.SubmitAdmission(e.op, a.ID)
	return err
}

// wantNewCert: one certificate more than the template, and ok says it is
// as saved.
func wantNewCert(t *testing.T, e *badEnv, ok func(store.Certificate) bool) {
	t.Helper()
	c, err := e.db.CertificateBySerial("2026-0003")
	if err != nil || !ok(c) {
		t.Errorf("saved certificate %+v %v", c, err)
	}
}

// badTemplate builds the ledger every case starts from.
func badTemplate(t *testing.T) (string, badFixture) {
	t.Helper()
	db := newDB(t, true)
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	var fx badFixture
	var err error
	if fx.cert, err = db.IssueCertificate(op, certIn("张三", validID("14040319900101123")), cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	if fx.jose, err = db.IssueCertificate(op, certIn(nfcJose, validID("14040319900303456")), cat, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddRefusal(op, store.RefusalInput{Requester: "潞州区卫健局", RequesterKind: "单位", Item: "开具无犯罪记录证明", Reason: store.DepartmentsDuty}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddOperator(op, "Chloé"); err != nil {
		t.Fatal(err)
	}
	approve(t, db, "高龄津贴申领生存状况证明", "2026-11", "2027-10")
	a, err := db.SaveAdmissionDraft(op, store.Admission{Unit: "长治市潞州区人社局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis,
		Item: "就业困难人员认定证明", Kind: store.KindCertificate, Basis: "《就业促进法》", AppliedOn: "2026-11-10",
		Term: store.TermLong, From: "2026-12", Powers: "无", Funding: "无", LetterContent: "出具认定证明", LetterNecessity: "认定需要",
		LetterSchedule: "长期", LetterStaffing: "社区干部", LetterFunding: "无", LetterPowers: "无"})
	if err != nil {
		t.Fatal(err)
	}
	if fx.submitted, err = db.SubmitAdmission(op, a.ID); err != nil {
		t.Fatal(err)
	}
	path := db.Path()
	db.Close()
	return path, fx
}

// badSnapshot is every record of the ledger, as JSON by record.
func badSnapshot(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	put := func(key string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[key] = string(b)
	}
	if err := db.AllRows(func(r store.CertRow) {
		c, err := db.Certificate(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		put(fmt.Sprintf("cert %d", r.ID), c)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.AllRefusals(func(r store.Refusal) { put(fmt.Sprintf("refusal %d", r.ID), r) }); err != nil {
		t.Fatal(err)
	}
	adms, err := db.Admissions()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range adms {
		put(fmt.Sprintf("admission %d", a.ID), a)
	}
	ops, err := db.Operators()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		put(fmt.Sprintf("operator %d", o.ID), o)
	}
	p, err := db.Profile()
	if err != nil {
		t.Fatal(err)
	}
	put("profile", p)
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	tpl, fx := badTemplate(t)
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "台账.db")
			copyFile(t, tpl, path)
			o := store.Options{Now: clock}
			if c.opts != nil {
				c.opts(t, dir, &o)
			}
			db, err := store.Open(path, o)
			if err != nil {
				t.Fatal(err)
			}
			e := &badEnv{db: db, path: path, cat: cat, fx: fx}
			defer func() { e.db.Close() }()
			e.op, _ = db.Operator(db.LastOperator())
			before := badSnapshot(t, db)
			fill := strings.NewReplacer("{db}", path, "{dir}", dir)

			if c.run == nil { // the screen alone reads this input
				badInForm(t, e.db, c)
				return
			}
			err = c.run(t, e, fill.Replace(c.input))
			switch want := fill.Replace(c.want); {
			case want == "" && err != nil:
				t.Errorf("%s 输入 %q：not saved: %v", c.where, c.input, err)
			case want != "" && err == nil:
				t.Errorf("%s 输入 %q：saved, want %s", c.where, c.input, want)
			case want != "" && err.Error() != want:
				t.Errorf("%s 输入 %q：\n got %s\nwant %s", c.where, c.input, err, want)
			}
			if c.then != nil {
				c.then(t, e)
			}
			if _, err := e.db.Check(); err != nil {
				t.Errorf("check after the case: %v", err)
			}
			after := badSnapshot(t, e.db)
			for k, v := range before {
				if after[k] != v && k != c.edits {
					t.Errorf("%s changed:\n was %s\n now %s", k, v, after[k])
				}
			}
			if c.ui != nil {
				e.db.Close()
				copyFile(t, tpl, path)
				if e.db, err = store.Open(path, store.Options{Now: clock}); err != nil {
					t.Fatal(err)
				}
				badInForm(t, e.db, c)
			}
		})
	}
}

// badInForm types the case into the certificate form at 80×24: the message
// shows under the field; deleting the bad part (and typing retype) and
// saving again saves every field as typed.
func badInForm(t *testing.T, db *store.DB, c badCase) {
	t.Helper()
	vals := append(append([]string(nil), certForm...), "1")
	vals[2] = validID("14040319850202234")
	vals[c.ui.field] = c.input
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "选择经办人") // the template has two operators
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "2")
	waitFor(t, tm, "共 2 份")
	typeText(tm, "n")
	waitFor(t, tm, "证明类型")
	for i, v := range vals {
		if i > 0 {
			tm.Send(press(tea.KeyTab))
		}
		if i == copiesField {
			tm.Send(press(tea.KeyBackspace)) // the preset 1
		}
		typeText(tm, v)
	}
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	if c.want != "" {
		_, msg, _ := strings.Cut(c.want, "：")
		shown := squash(common.Display(msg))
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(squash(ansi.Strip(string(b))), shown) },
			teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
		if db.CertCount() != 2 {
			t.Fatal("saved with the bad input")
		}
		for range c.ui.fix {
			tm.Send(press(tea.KeyBackspace))
		}
		typeText(tm, c.ui.retype)
		tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	}
	waitFor(t, tm, "已保存，编号 英南证2026-0003")
	finalView(t, tm, 80, 24)
	got, err := db.CertificateBySerial("2026-0003")
	if err != nil {
		t.Fatal(err)
	}
	r := []rune(vals[c.ui.field])
	vals[c.ui.field] = string(r[:len(r)-c.ui.fix]) + c.ui.retype
	kept := []string{"", got.Name, got.IDNumber, got.Address, got.Purpose, got.Recipient, got.Verified, strconv.Itoa(got.Copies)}
	for i := 1; i < len(vals); i++ {
		if kept[i] != fold.Width(store.CleanText(vals[i])) && kept[i] != store.CleanText(vals[i]) {
			t.Errorf("field %d saved %q, typed %q", i, kept[i], vals[i])
		}
	}
}

// squash drops the white space a screen puts between the lines of a
// wrapped message.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
}

// formulaTexts are the starts a spreadsheet would run, one per field.
var formulaTexts = []string{`=HYPERLINK("http://x","点我")`, "+86 0355 2021234", "-2+3", "@SUM(A1)", "=1+1"}

func formula(i int) string { return formulaTexts[i%len(formulaTexts)] }

// saveFormulaText puts formula-like text in every free-text field of a
// certificate (and a voided one's reason), a refusal and an approved
// application with its opinions.
func saveFormulaText(t *testing.T, e *badEnv, input string) error {
	in := certIn("李四", validID("14040319850202234"))
	in.Address, in.Purpose, in.Recipient, in.Verified = input, formula(1), formula(2), formula(3)
	if _, err := e.db.IssueCertificate(e.op, in, e.cat, store.IssueOptions{}); err != nil {
		return err
	}
	in.Name, in.IDNumber = "王五", validID("14040319800404567")
	c, err := e.db.IssueCertificate(e.op, in, e.cat, store.IssueOptions{})
	if err != nil {
		return err
	}
	if _, err := e.db.VoidCertificate(e.op, c.ID, formula(4)); err != nil {
		return err
	}
	if _, err := e.db.AddRefusal(e.op, store.RefusalInput{Requester: input, RequesterKind: "单位", Item: formula(1),
		Reason: store.OtherReason, Detail: formula(2)}); err != nil {
		return err
	}
	a := e.fx.submitted.Redraft()
	for i, f := range []*string{&a.Unit, &a.Item, &a.Basis, &a.Powers, &a.Funding, &a.LetterContent, &a.LetterNecessity,
		&a.LetterSchedule, &a.LetterStaffing, &a.LetterFunding, &a.LetterPowers} {
		*f = formula(i) + " 事项"
	}
	a.Term, a.From, a.To = store.TermPhased, "2026-11", "2027-06"
	if a, err = e.db.SaveAdmissionDraft(e.op, a); err != nil {
		return err
	}
	if _, err := e.db.SubmitAdmission(e.op, a.ID); err != nil {
		return err
	}
	if _, err := e.db.RecordOpinion(e.op, a.ID, store.LevelCounty, formula(3), "2026-11-28"); err != nil {
		return err
	}
	_, err = e.db.DecideAdmission(e.op, a.ID, true, formula(4), "2026-11-29")
	return err
}

// checkInert: the ledger holds the text as typed; the month's CSV files
// carry it behind an apostrophe; in 台账.xlsx, the printouts and the
// receiving office's report every cell is text (no formula) and one that
// starts like a formula has the inert style.
func checkInert(t *testing.T, e *badEnv) {
	c, err := e.db.CertificateBySerial("2026-0003")
	if err != nil || c.Address != formula(0) || c.Verified != formula(3) {
		t.Fatalf("ledger holds %+v %v", c, err)
	}
	res, err := bundle.Export(e.db, e.op, "2026-11", t.TempDir(), bundle.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"证明.csv", "拒绝.csv", "准入.csv"} {
		b, err := os.ReadFile(filepath.Join(res.Path, name))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		quoted := 0
		for _, row := range rows {
			for _, cell := range row {
				if store.FormulaLike(cell) {
					t.Errorf("%s: cell %q starts like a formula", name, cell)
				}
				for _, f := range formulaTexts {
					if strings.HasPrefix(cell, "'"+f) {
						quoted++
					}
				}
			}
		}
		if quoted == 0 {
			t.Errorf("%s holds none of the texts", name)
		}
	}
	book := openXLSX(t, filepath.Join(res.Path, bundle.WorkbookFile))
	xlsxInert(t, "台账.xlsx", book, formulaTexts...)

	p, _ := e.db.Profile()
	tpl, _ := assets.CertTemplates()
	f, err := printout.Certificate(p, c, tpl[c.TypeNo])
	if err != nil {
		t.Fatal(err)
	}
	xlsxInert(t, "证明打印件", f, formula(1))
	adms, _ := e.db.Admissions()
	if f, err = printout.Admission(p, adms[0]); err != nil {
		t.Fatal(err)
	}
	xlsxInert(t, "准入审批表", f, formula(0)+" 事项", formula(3))

	agg, err := aggregate.Create(filepath.Join(t.TempDir(), "汇总.db"), aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer agg.Close()
	if _, err := agg.Receive([]string{res.Path}, aggregate.ReceiveOptions{Apply: true}); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(t.TempDir(), "报表.xlsx")
	if _, err := agg.WriteReport(aggregate.MonthPeriod("2026-11"), report); err != nil {
		t.Fatal(err)
	}
	xlsxInert(t, "汇总报表", openXLSX(t, report), formula(0)+" 事项", formula(1)+" 事项")
}

func openXLSX(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// xlsxInert checks every cell of every sheet, and that each of texts is
// some cell's whole value.
func xlsxInert(t *testing.T, what string, f *excelize.File, texts ...string) {
	t.Helper()
	seen := map[string]bool{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fm, _ := f.GetCellFormula(sh, cell); fm != "" {
					t.Errorf("%s %s!%s is a formula: %q", what, sh, cell, fm)
				}
				if !store.FormulaLike(v) {
					continue
				}
				seen[v] = true
				if st, _ := f.GetCellStyle(sh, cell); !printout.Inert(f, st) {
					t.Errorf("%s %s!%s %q is not kept as text", what, sh, cell, v)
				}
			}
		}
	}
	for _, s := range texts {
		if !seen[s] {
			t.Errorf("%s holds no cell %q", what, s)
		}
	}
}
