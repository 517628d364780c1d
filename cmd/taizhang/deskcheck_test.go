package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"taizhang/store"
)

// The JSON has exactly the fields issue 9 gives, for list items and
// admissions alike.
func TestDeskcheckJSON(t *testing.T) {
	code, out, e := runCmd("deskcheck", "--json", "低保申请初审")
	if code != 0 {
		t.Fatalf("%d %s", code, e)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &top); err != nil {
		t.Fatal(err)
	}
	if got := keys(top); !slices.Equal(got, []string{"asks_certificate", "matches", "request", "verdict"}) {
		t.Errorf("fields %v", got)
	}
	var r struct {
		Request         string           `json:"request"`
		Verdict         string           `json:"verdict"`
		AsksCertificate bool             `json:"asks_certificate"`
		Matches         []map[string]any `json:"matches"`
	}
	json.Unmarshal([]byte(out), &r)
	if r.Request != "低保申请初审" || r.Verdict != "应当承担" || r.AsksCertificate || len(r.Matches) != 1 {
		t.Fatalf("%+v", r)
	}
	m := r.Matches[0]
	if got := keys(m); !slices.Equal(got, []string{"admission_id", "annex", "basis", "item", "no", "score", "verdict"}) {
		t.Errorf("match fields %v", got)
	}
	if m["verdict"] != "应当承担" || m["annex"] != 2.0 || m["no"] != 25.0 || m["score"] != 1.0 || m["admission_id"] != nil ||
		!strings.Contains(m["item"].(string), "最低生活保障") || len(m["basis"].([]any)) != 1 {
		t.Errorf("match %v", m)
	}

	// The words given are one request; flags may follow them. A candidate
	// is 可能相关 while the verdict stays 未准入.
	code, out, _ = runCmd("deskcheck", "安全生产", "检查", "--json")
	json.Unmarshal([]byte(out), &r)
	if code != 0 || r.Request != "安全生产 检查" || r.Verdict != "未准入，可依法拒绝" || len(r.Matches) != 1 || r.Matches[0]["verdict"] != "可能相关" {
		t.Errorf("%d %s", code, out)
	}
	// Nothing found: an empty list, not null.
	if _, out, _ = runCmd("deskcheck", "--json", "创卫检查台账"); !strings.Contains(out, `"matches": []`) {
		t.Errorf("%s", out)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The text names the verdict, the item with its basis and the policy
// sentence; every verdict exits 0.
func TestDeskcheckText(t *testing.T) {
	for _, tc := range []struct {
		request string
		want    []string
	}{
		{"老人在家去世开个死亡证明", []string{"（证明事项）", "核查结果：可以出具", "[可以出具] 附件4 第4项：居民在家正常死亡证明", "依据长民发〔2017〕124号 四：需社区居民委员会"}},
		{"搞一次消防宣传活动", []string{"（工作事项）", "核查结果：应当承担", "附件2 第3项：协助开展消防宣传", "依据：《中华人民共和国消防法》第六条", "匹配：消防宣传"}},
		{"开具无犯罪记录证明", []string{"核查结果：未准入，可依法拒绝", "依据长民发〔2017〕124号 三：各职能部门"}},
		{"老人在医院去世，开个死亡证明", []string{"可能相关", "请求中有「医院」，与本项不符"}},
	} {
		code, out, e := runCmd("deskcheck", tc.request)
		if code != 0 {
			t.Errorf("%s: exit %d %s", tc.request, code, e)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.request, w, out)
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if w := displayWidth(l); w > 80 {
				t.Errorf("%s: line %d is %d cells wide", tc.request, i+1, w)
			}
		}
	}
	if code, _, e := runCmd("deskcheck"); code != 2 || !strings.Contains(e, "请写出对方的请求事项") {
		t.Errorf("no request: %d %q", code, e)
	}
}

// With --db the admissions in force count; the file is only read, and a
// file that is not there is not created.
func TestDeskcheckAdmissionsFromDB(t *testing.T) {
	path := initLedger(t)
	a := approveInLedger(t, path, "2025-02")
	before, _ := os.ReadFile(path)

	if _, out, _ := runCmd("deskcheck", "--json", "垃圾分类宣传"); !strings.Contains(out, "未准入") {
		t.Errorf("without --db: %s", out)
	}
	code, out, e := runCmd("deskcheck", "--db", path, "--json", "垃圾分类宣传")
	var r struct {
		Verdict string `json:"verdict"`
		Matches []struct {
			AdmissionID *uint64 `json:"admission_id"`
			Annex       *int    `json:"annex"`
			Basis       []string
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Verdict != "已准入" || r.Matches[0].AdmissionID == nil || *r.Matches[0].AdmissionID != a.ID ||
		r.Matches[0].Annex != nil || r.Matches[0].Basis[0] != a.Basis {
		t.Errorf("with --db: %d %s %s", code, out, e)
	}
	if code, out, _ := runCmd("deskcheck", "--db", path, "垃圾分类宣传"); code != 0 || !strings.Contains(out, "[已准入] 准入审批") || !strings.Contains(out, "未经批准的工作事项一律不得进入社区") {
		t.Errorf("text: %s", out)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("deskcheck changed the data file")
	}

	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, e := runCmd("deskcheck", "--db", missing, "居住证明"); code != 1 || !strings.Contains(e, "找不到数据文件") {
		t.Errorf("missing file: %d %q", code, e)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("deskcheck created the data file")
	}
}

// approveInLedger records the approved admission 垃圾分类入户宣传 (工作事项,
// 长期 from the month from) in the ledger at path.
func approveInLedger(t *testing.T, path, from string) store.Admission {
	t.Helper()
	d, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	op, _ := d.Operator(d.LastOperator())
	a, err := d.SaveAdmissionDraft(op, store.Admission{
		Unit: "长治市潞州区城市管理局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis, Item: "垃圾分类入户宣传", Kind: store.KindWork,
		Basis: "《长治市生活垃圾分类管理条例》第十条", AppliedOn: "2025-01-02", Term: store.TermLong, From: from,
		Powers: "入户宣传", Funding: "每户10元", LetterContent: "入户宣传", LetterNecessity: "推行垃圾分类",
		LetterSchedule: "长期", LetterStaffing: "网格员", LetterFunding: "区财政", LetterPowers: "入户宣传",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SubmitAdmission(op, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.RecordOpinion(op, a.ID, "县级", "同意", "2025-01-10"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DecideAdmission(op, a.ID, true, "准入", "2025-01-12"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	return a
}

// An approval whose term has not begun is found as 未生效, which may still
// be refused, with the admission rule and the grounds for refusing.
func TestDeskcheckNotYetInForce(t *testing.T) {
	path := initLedger(t)
	d, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	from := d.Now().AddDate(1, 0, 0).Format("2006-01")
	d.Close()
	a := approveInLedger(t, path, from)
	code, out, e := runCmd("deskcheck", "--db", path, "--json", "垃圾分类宣传")
	var r struct {
		Verdict string `json:"verdict"`
		Matches []struct {
			Verdict     string  `json:"verdict"`
			AdmissionID *uint64 `json:"admission_id"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || r.Verdict != "未生效" || len(r.Matches) != 1 ||
		r.Matches[0].Verdict != "未生效" || r.Matches[0].AdmissionID == nil || *r.Matches[0].AdmissionID != a.ID {
		t.Errorf("json: %d %s %s", code, out, e)
	}
	code, out, _ = runCmd("deskcheck", "--db", path, "垃圾分类宣传")
	if code != 0 || !strings.Contains(out, "起生效；此前可依法拒绝") || !strings.Contains(out, "[未生效] 准入审批") || !strings.Contains(out, "未经批准的工作事项一律不得进入社区") {
		t.Errorf("text: %s", out)
	}
}
