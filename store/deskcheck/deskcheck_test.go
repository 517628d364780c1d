package deskcheck

import (
	"slices"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

func checker(t testing.TB) *Checker {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return New(cat)
}

var today = testDay

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
		{"ＸＦＸＣ", MustDo, "消防宣传"},
		{"协助征兵", NotAdmitted, ""},
		{"安全生产检查", NotAdmitted, ""},
		{"低保申请初审", MustDo, "最低生活保障"},
		{"老人在家去世开个死亡证明", CanIssue, "死亡证明"},
		{"给孩子上学开个居住证明", CanIssue, "居住证明"},
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
	if r.Verdict != NotAdmitted || !r.AsksCertificate {
		t.Errorf("社区矫正证明: %s %v", r.Verdict, r.AsksCertificate)
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
	if r := c.Check("垃圾分类宣传", adm, time.Date(2027, 7, 1, 0, 0, 0, 0, testDay.Location())); r.Verdict != NotAdmitted {
		t.Errorf("after end: %s", r.Verdict)
	}
	// A certificate request needs an admitted 证明事项, not a 工作事项.
	cert := []store.Admission{admission(store.KindWork, "养犬登记证明", "2026-11", ""), admission(store.KindCertificate, "独居老人情况证明", "2026-01", "")}
	if r := c.Check("养犬登记证明", cert, today); r.Verdict != NotAdmitted {
		t.Errorf("work admission answered a certificate request: %s", r.Verdict)
	}
	if r := c.Check("养犬登记证明", []store.Admission{admission(store.KindWork, "养犬登记证明", "2027-01", "")}, today); r.Verdict != NotAdmitted {
		t.Errorf("work admission not yet begun answered a certificate request: %s", r.Verdict)
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
	if len(f) != 2 || !contains(f[0].Text, "已在证明清单内") || !contains(f[0].Text, "第3项") || !contains(f[1].Text, "市社区建设领导小组办公室") {
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

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// How a request is taken apart: its kind, the thing asked for, and whether
// that says no more than "a certificate".
func TestRead(t *testing.T) {
	c := checker(t)
	for _, tc := range []struct {
		request string
		cert    bool
		head    string
		bare    bool
	}{
		{"给孩子上学开个居住证明", true, "居住证明", false},
		{"开个亲属关系证明用于办理房产过户", true, "亲属关系证明", false},
		{"收入证明，办贷款用", true, "收入证明", false},
		{"办社保需要社区开的证明", true, "证明", true},
		{"孩子要当兵，政审要社区出意见", true, "出意见", true},
		{"证明我在本社区居住", true, "我在本社区居住证明", false},
		{"个人现实表现证明，考公务员政审用", true, "个人现实表现证明", false},
		{"大学生参军入伍政审盖章", true, "大学生参军入伍政审盖章", false},
		{"协助征兵", false, "协助征兵", false},
		{"居住证明出具情况统计报表", false, "居住证明出具情况统计报表", false}, // a task about certificates
		{"搞一次消防宣传活动", false, "搞一次消防宣传活动", false},
	} {
		rd := c.read(normalise(tc.request))
		if rd.cert != tc.cert || rd.head != tc.head || rd.bare != tc.bare {
			t.Errorf("%s: cert %v head %q bare %v, want %v %q %v", tc.request, rd.cert, rd.head, rd.bare, tc.cert, tc.head, tc.bare)
		}
	}
}

// Generic words never carry a match, alone or together.
func TestGenericWordsMatchNothing(t *testing.T) {
	c := checker(t)
	w := c.words
	requests := append(slices.Clone(w.Generic), strings.Join(w.Generic, ""), "协助开展工作", "开展活动", "办理相关事项", "配合做好相关工作")
	for _, g := range requests {
		if r := c.Check(g, nil, today); len(r.Matches) > 0 {
			t.Errorf("%s: %s %s", g, r.Verdict, key(r.Matches[0]))
		}
	}
}

// A weak match is a candidate: the verdict stays 未准入 until the worker
// picks it, and the words that matched are marked in the item text.
func TestCandidates(t *testing.T) {
	c := checker(t)
	r := c.Check("安全生产检查", nil, today)
	if !r.Uncertain() || key(r.Matches[0]) != "1.16" || r.Matches[0].Label() != Possible {
		t.Fatalf("安全生产检查: %s %+v", r.Verdict, r.Matches)
	}
	if got := marked(r.Matches[0]); !slices.Equal(got, []string{"安全生产"}) {
		t.Errorf("marked %q", got)
	}
	p := r.Pick(0)
	if p.Verdict != MustDo || !p.Picked || len(p.Matches) != 1 || !p.Matches[0].Sure || p.Uncertain() {
		t.Errorf("picked: %+v", p)
	}
	if r.Verdict != NotAdmitted {
		t.Error("picking changed the result it was picked from")
	}

	r = c.Check("xiaofang", nil, today)
	var keys []string
	for _, m := range r.Matches {
		keys = append(keys, key(m))
	}
	if !r.Uncertain() || !slices.Equal(keys, []string{"1.14", "2.3"}) {
		t.Errorf("xiaofang: %s %v", r.Verdict, keys)
	}
	r = c.Check("消防", nil, today)
	if !r.Uncertain() || len(r.Matches) > MaxCandidates {
		t.Errorf("消防: %s %d", r.Verdict, len(r.Matches))
	}
	if r := c.Check("老人", nil, today); len(r.Matches) > MaxCandidates {
		t.Errorf("老人: %d candidates", len(r.Matches))
	}
}

// Sure matches mark the item words their keywords stand for: 低保 marks
// 最低生活保障.
func TestMarks(t *testing.T) {
	c := checker(t)
	for _, tc := range []struct {
		request string
		marks   []string
	}{
		{"低保申请初审", []string{"最低生活保障"}},
		{"孩子要当兵，政审要社区出意见", []string{"应征入伍政审"}},
		{"计生奖励扶助家庭情况核实证明", []string{"计生奖励", "扶助", "家庭基本情况核实"}},
		{"协助开展消防宣传", []string{"协助开展消防宣传"}},
	} {
		r := c.Check(tc.request, nil, today)
		if len(r.Matches) == 0 || !r.Matches[0].Sure {
			t.Errorf("%s: %s", tc.request, r.Verdict)
			continue
		}
		if got := marked(r.Matches[0]); !slices.Equal(got, tc.marks) {
			t.Errorf("%s: marked %q, want %q", tc.request, got, tc.marks)
		}
	}
}

func marked(m Match) []string {
	var out []string
	runes := []rune(m.Text())
	for _, s := range m.Spans {
		out = append(out, string(runes[s.Start:s.End]))
	}
	return out
}

// Every result carries the policy sentence that gives it force.
func TestForce(t *testing.T) {
	c := checker(t)
	adm := []store.Admission{admission(store.KindCertificate, "独居老人情况证明", "2026-01", "")}
	for _, tc := range []struct {
		request string
		want    []string
	}{
		{"禁毒宣传", []string{"除法律、法规和规章有明确规定外"}},
		{"居住证明", []string{"严格落实附件4清单"}},
		{"独居老人证明", []string{"经审批同意后方可出具"}},
		{"无犯罪记录证明", []string{"也有权拒绝", "未列入清单但需出具证明的事项"}},
		{"安全生产检查", []string{"未经批准的工作事项一律不得进入社区"}},
	} {
		r := c.Check(tc.request, adm, today)
		f := c.Force(r)
		if len(f) != len(tc.want) {
			t.Errorf("%s: %+v", tc.request, f)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(f[i].Sentence, w) || f[i].Ref == "" {
				t.Errorf("%s: %+v lacks %q", tc.request, f[i], w)
			}
		}
	}
}

// 未生效 cites the admission rule first, then the grounds for refusing
// until the term begins.
func TestForceNotYet(t *testing.T) {
	c := checker(t)
	for _, tc := range []struct {
		adm     store.Admission
		request string
		want    []string
	}{
		{admission(store.KindCertificate, "独居老人情况证明", "2027-01", ""), "独居老人证明", []string{"经审批同意后方可出具", "也有权拒绝"}},
		{admission(store.KindWork, "垃圾分类入户宣传", "2027-01", ""), "垃圾分类宣传", []string{"未经批准的工作事项一律不得进入社区"}},
	} {
		r := c.Check(tc.request, []store.Admission{tc.adm}, today)
		f := c.Force(r)
		if r.Verdict != NotYet || len(f) != len(tc.want) {
			t.Errorf("%s: %s %+v", tc.request, r.Verdict, f)
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(f[i].Sentence, w) {
				t.Errorf("%s: %+v lacks %q", tc.request, f[i], w)
			}
		}
	}
}

// A word against an item keeps it a candidate and is named: 4.4 is death
// at home, not in hospital.
func TestAgainst(t *testing.T) {
	c := checker(t)
	r := c.Check("老人在医院去世，开个死亡证明", nil, today)
	if !r.Uncertain() || key(r.Matches[0]) != "4.4" || !slices.Equal(r.Matches[0].Against, []string{"医院"}) {
		t.Errorf("%s %+v", r.Verdict, r.Matches)
	}
	if r := c.Check("残疾人工作", nil, today); !slices.Equal(r.Matches[0].Words, []string{"残疾人"}) {
		t.Errorf("words %q", r.Matches[0].Words)
	}
}
