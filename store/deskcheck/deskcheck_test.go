package deskcheck

import (
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

func checker(t *testing.T) *Checker {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return New(cat)
}

var today = time.Date(2026, 11, 29, 0, 0, 0, 0, time.Local)

// The verdicts over the real lists. Expected items are named by their text
// in the catalogue, not by hand-copied numbers.
func TestVerdicts(t *testing.T) {
	c := checker(t)
	cases := []struct {
		request string
		want    Verdict
		top     string // a substring of the first match's item text
	}{
		{"开具无犯罪记录证明", NotAdmitted, ""},
		{"创卫检查台账", NotAdmitted, ""},
		{"出具亲属关系证明", NotAdmitted, ""},
		{"婚姻状况证明", NotAdmitted, ""},
		{"人口普查入户登记", NotAdmitted, ""},
		{"居住证明", CanIssue, "居住证明"},
		{"开个经济困难证明", CanIssue, "经济困难证明"},
		{"应征入伍政审", CanIssue, "政审鉴定意见"},
		{"jzzm", CanIssue, "居住证明"},
		{"消防宣传", MustDo, "协助开展消防宣传"},
		{"禁毒宣传", MustDo, "禁毒"},
		{"低保", MustDo, "最低生活保障"},
		{"调解民间纠纷", MustDo, "调解民间纠纷"},
		{"社区矫正", MustDo, "社区矫正"},
		{"ＸＩＡＯＦＡＮＧ", MustDo, "消防"},
	}
	for _, tc := range cases {
		r := c.Check(tc.request, nil, today)
		if r.Verdict != tc.want {
			t.Errorf("%s: %s, want %s (%d matches)", tc.request, r.Verdict, tc.want, len(r.Matches))
			continue
		}
		if tc.top != "" && !contains(r.Matches[0].Item.Text, tc.top) {
			t.Errorf("%s: first match %q, want one with %q", tc.request, r.Matches[0].Item.Text, tc.top)
		}
	}
}

// A certificate request is judged on 附件4 only, however close a duty's
// wording comes: 犯罪 appears in 附件2 (社区矫正) but 无犯罪记录证明 is not ours.
func TestCertificateRequestIgnoresDuties(t *testing.T) {
	c := checker(t)
	r := c.Check("社区矫正证明", nil, today)
	if r.Verdict != NotAdmitted || !r.AsksFor {
		t.Errorf("社区矫正证明: %s %v", r.Verdict, r.AsksFor)
	}
}

func admission(kind, item, from, to string) store.Admission {
	term := store.TermTemporary
	if to == "" {
		term = store.TermLong
	}
	return store.Admission{ID: 1, Unit: "长治市潞州区城市管理局", Item: item, Kind: kind, Term: term, From: from, To: to, Status: store.AdmApproved}
}

func TestAdmissionsInForce(t *testing.T) {
	c := checker(t)
	adm := []store.Admission{admission(store.KindWork, "垃圾分类入户宣传", "2026-11", "2027-06")}
	r := c.Check("垃圾分类宣传", adm, today)
	if r.Verdict != Admitted || r.Matches[0].Admission == nil {
		t.Fatalf("in force: %s", r.Verdict)
	}
	// Before its term it is found, as not yet in force.
	if r := c.Check("垃圾分类宣传", adm, time.Date(2026, 10, 31, 0, 0, 0, 0, store.Beijing)); r.Verdict != NotYet || r.Matches[0].Admission == nil {
		t.Errorf("before its term: %s", r.Verdict)
	}
	// After its end it no longer counts.
	if r := c.Check("垃圾分类宣传", adm, time.Date(2027, 7, 1, 0, 0, 0, 0, time.Local)); r.Verdict != NotAdmitted {
		t.Errorf("after end: %s", r.Verdict)
	}
	// A certificate request needs an admitted 证明事项, not a 工作事项.
	cert := []store.Admission{admission(store.KindWork, "养犬登记证明", "2026-11", ""), admission(store.KindCertificate, "独居老人情况证明", "2026-01", "")}
	if r := c.Check("养犬登记证明", cert, today); r.Verdict != NotAdmitted {
		t.Errorf("work admission answered a certificate request: %s", r.Verdict)
	}
	if r := c.Check("开具独居老人情况证明", cert, today); r.Verdict != Admitted {
		t.Errorf("certificate admission: %s", r.Verdict)
	}
}

func TestReview(t *testing.T) {
	c := checker(t)
	a := store.Admission{Item: "协助开展消防宣传", Kind: store.KindWork, UnitLevel: store.UnitCountyLevel, Powers: "无", Funding: "每年2000元"}
	f := c.Review(a)
	var warnFunding, listed, body bool
	for _, x := range f {
		warnFunding = warnFunding || x.Warn && contains(x.Text, "权随责走") && contains(x.Text, "未下放权限")
		listed = listed || x.Warn && contains(x.Text, "已在清单内")
		body = body || contains(x.Text, "县（市、区）社区建设工作领导机构")
	}
	if !warnFunding || !listed || !body {
		t.Errorf("findings %+v", f)
	}
	cert := store.Admission{Item: "居民在社区居住证明", Kind: store.KindCertificate, UnitLevel: store.UnitCityLevel, Powers: "核实权", Funding: "专项经费"}
	f = c.Review(cert)
	if len(f) != 2 || !contains(f[0].Text, "已在证明清单内") || !contains(f[1].Text, "市社区建设领导小组办公室") {
		t.Errorf("certificate findings %+v", f)
	}
}

// Refusals and reviews cite the clause the embedded rules give, and an
// annotated item is marked where a finding names it.
func TestCitationsAndMarks(t *testing.T) {
	c := checker(t)
	g := c.Grounds(true)
	if len(g) != 2 || g[0].Ref != "三" || !contains(g[0].Sentence, "社区居民委员会也有权拒绝") ||
		g[1].Ref != "四" || !contains(g[1].Sentence, "未列入清单但需出具证明的事项") {
		t.Errorf("certificate grounds %+v", g)
	}
	if g := c.Grounds(false); len(g) != 1 || g[0].Ref != "四" || !contains(g[0].Sentence, "未经批准的工作事项一律不得进入社区") {
		t.Errorf("work grounds %+v", g)
	}
	if got := c.RefusalSource(); got != "长民发〔2017〕124号 三、四" {
		t.Errorf("refusal source %q", got)
	}

	f := c.Review(store.Admission{Item: "依法做好残疾人工作", Kind: store.KindWork, UnitLevel: store.UnitCityLevel, Powers: "无", Funding: "无"})
	var cited, marked, plain bool
	for _, x := range f {
		cited = cited || contains(x.Text, "权随责走") && contains(x.Text, "（长民发〔2017〕124号 四）")
		marked = marked || contains(x.Text, "附件1（依法履职）第13项“依法做好残疾人工作”[注]")
		plain = plain || contains(x.Text, "附件2（协助政府）第30项“做好社区残疾人工作”。")
	}
	if !cited || !marked || !plain {
		t.Errorf("findings (cited %v, annotated item marked %v, plain item unmarked %v) %+v", cited, marked, plain, f)
	}
}

func BenchmarkCheck(b *testing.B) {
	cat, _ := assets.LoadCatalog()
	c := New(cat)
	for i := 0; i < b.N; i++ {
		c.Check("开具无犯罪记录证明", nil, today)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s == sub || index(s, sub) >= 0)
}

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}
