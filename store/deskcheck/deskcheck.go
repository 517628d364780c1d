// Package deskcheck answers, at the desk, "is this request something we
// must do?" (准入核查). A worker types what is asked — 开具无犯罪记录证明,
// 创卫检查台账, 居住证明 — and gets, in order of strength:
//
//   - 应当承担: an item of 附件1–3 (statutory duty, assisting government,
//     supervision), with its legal basis;
//   - 可以出具: one of the 12 certificates of 附件4;
//   - 已准入:   an approved admission in force (until its end);
//   - 未准入，可依法拒绝: none of these.
//
// A request that asks for a certificate (it says 证明) is judged against 附件4
// and admitted 证明事项 only: policy section 四 allows no other certificate,
// however close a duty's wording comes. Matching is by shared character
// pairs after generic words (开具、办理、社区…) are dropped: an item matches
// when it holds at least 60% of the request's pairs. A request typed in
// pinyin (jzzm) is matched through the search index instead.
package deskcheck

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/search"
)

// Verdict on a request.
type Verdict string

const (
	MustDo      Verdict = "应当承担"
	CanIssue    Verdict = "可以出具"
	Admitted    Verdict = "已准入"
	NotAdmitted Verdict = "未准入，可依法拒绝"
)

// Match is one list item or admission the request matches.
type Match struct {
	Verdict   Verdict
	List      *assets.List     // for list items
	Item      *assets.Item     // for list items
	Admission *store.Admission // for admissions in force
	Score     float64          // share of the request's pairs found, 0–1
}

// Result is the answer for one request.
type Result struct {
	Request string
	Verdict Verdict // the strongest verdict among the matches, or NotAdmitted
	Matches []Match // strongest first, then by score
	AsksFor bool    // the request asks for a certificate
}

// Threshold is the share of pairs an item must hold to match.
const Threshold = 0.6

// Checker holds the lists, prepared once.
type Checker struct {
	cat     *assets.Catalog
	entries []entry
	index   *search.Index
}

type entry struct {
	list *assets.List
	item *assets.Item
	text string // normalised item text (and category)
}

// New prepares the lists of cat.
func New(cat *assets.Catalog) *Checker {
	c := &Checker{cat: cat, index: search.New(nil)}
	for _, id := range assets.ListOrder {
		l := cat.List(id)
		for i := range l.Items {
			it := &l.Items[i]
			c.index.Add(uint64(len(c.entries)), search.Field{Text: it.Text, Kind: search.Text})
			c.entries = append(c.entries, entry{list: l, item: it, text: normalise(it.Category + it.Text)})
		}
	}
	return c
}

// generic words carry no meaning of their own in a request.
var generic = []string{
	"请帮忙", "帮忙", "麻烦", "需要", "要求", "一份", "一下", "相关", "有关", "材料",
	"开具", "出具", "办理", "提供", "盖章", "开个", "开", "社区居委会", "居委会", "社区", "居民", "协助", "开展", "做好", "工作", "的",
}

// normalise folds width and case and keeps letters and digits only.
func normalise(s string) string {
	s = norm.NFKC.String(strings.ToLower(s))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// core is the request less generic words, with synonyms spelled out.
func core(request string) (text string, asksCertificate bool) {
	s := normalise(request)
	asksCertificate = strings.Contains(s, "证明") || strings.Contains(s, "鉴定意见")
	s = search.DefaultSynonyms().Replace(s) // the words people say, as the lists write them
	s = strings.ReplaceAll(s, "证明", sep)
	for _, g := range generic {
		s = strings.ReplaceAll(s, g, sep)
	}
	return s, asksCertificate
}

// sep stands where a generic word was, so no pair spans it.
const sep = "|"

// pairs are the overlapping two-character pieces of each segment of s (or
// the single character when that is all the request holds).
func pairs(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, seg := range strings.Split(s, sep) {
		r := []rune(seg)
		for i := 0; i+1 < len(r); i++ {
			if p := string(r[i : i+2]); !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		if one := strings.ReplaceAll(s, sep, ""); len([]rune(one)) == 1 {
			out = append(out, one)
		}
	}
	return out
}

func score(ps []string, text string) float64 {
	if len(ps) == 0 {
		return 0
	}
	n := 0
	for _, p := range ps {
		if strings.Contains(text, p) {
			n++
		}
	}
	return float64(n) / float64(len(ps))
}

// Check judges a request against the lists and the admissions in force.
func (c *Checker) Check(request string, admissions []store.Admission, today time.Time) Result {
	res := Result{Request: request, Verdict: NotAdmitted}
	text, asks := core(request)
	res.AsksFor = asks
	if strings.TrimSpace(request) == "" {
		return res
	}
	if folded := norm.NFKC.String(request); isASCIILetters(folded) {
		c.checkPinyin(&res, folded, asks)
	} else if strings.Trim(text, sep) != "" {
		ps := pairs(text)
		for _, e := range c.entries {
			v := verdictOf(e.list)
			if asks && v != CanIssue {
				continue
			}
			if s := score(ps, e.text); s >= Threshold {
				res.Matches = append(res.Matches, Match{Verdict: v, List: e.list, Item: e.item, Score: s})
			}
		}
		for i := range admissions {
			a := &admissions[i]
			if !a.InForce(today) || (asks && a.Kind != store.KindCertificate) {
				continue
			}
			if s := score(ps, normalise(a.Item)); s >= Threshold {
				res.Matches = append(res.Matches, Match{Verdict: Admitted, Admission: a, Score: s})
			}
		}
	}
	sort.SliceStable(res.Matches, func(i, j int) bool {
		a, b := res.Matches[i], res.Matches[j]
		if rank(a.Verdict) != rank(b.Verdict) {
			return rank(a.Verdict) < rank(b.Verdict)
		}
		return a.Score > b.Score
	})
	if len(res.Matches) > 0 {
		res.Verdict = res.Matches[0].Verdict
	}
	return res
}

func (c *Checker) checkPinyin(res *Result, q string, asks bool) {
	for _, h := range c.index.Search(q, 0) {
		e := c.entries[h.ID]
		res.Matches = append(res.Matches, Match{Verdict: verdictOf(e.list), List: e.list, Item: e.item, Score: 1})
	}
}

// Grounds are the policy's sentences that let the committee refuse a
// request it found nothing for: for a certificate, that departments' own
// certificates may not be asked of the committee and that one not on 附件4
// needs an admission; for work, that it needs an admission.
func (c *Checker) Grounds(asksCertificate bool) []assets.Citation {
	if asksCertificate {
		return []assets.Citation{c.cat.Cite(assets.RuleDepartmentDuty), c.cat.Cite(assets.RuleUnlistedCertificate)}
	}
	return []assets.Citation{c.cat.Cite(assets.RuleUnapprovedWork)}
}

// RefusalSource names the clauses that ground any refusal, as
// 长民发〔2017〕124号 三、四.
func (c *Checker) RefusalSource() string {
	var refs []string
	for _, g := range append(c.Grounds(true), c.Grounds(false)...) {
		if !slices.Contains(refs, g.Ref) {
			refs = append(refs, g.Ref)
		}
	}
	return assets.DocNo + " " + strings.Join(refs, "、")
}

// ItemRef names a list item in a sentence: 附件2（协助政府）第13项“…”, with
// assets.NoteMark after an item whose printed wording was changed or remarked on.
func ItemRef(l *assets.List, it *assets.Item) string {
	s := fmt.Sprintf("附件%d（%s）第%d项“%s”", l.Annex, l.Short, it.No, it.Text)
	if it.Annotated() {
		s += assets.NoteMark
	}
	return s
}

func verdictOf(l *assets.List) Verdict {
	if l.ID == assets.Certificates {
		return CanIssue
	}
	return MustDo
}

func rank(v Verdict) int {
	switch v {
	case MustDo:
		return 0
	case CanIssue:
		return 1
	case Admitted:
		return 2
	}
	return 3
}

func isASCIILetters(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == ' ') {
			return false
		}
	}
	return true
}

// Finding is one result of reviewing an application before it is submitted.
type Finding struct {
	Warn bool   // true: the worker should think twice; false: for information
	Text string // Chinese sentence
}

// nothing reports whether a powers or funding field says there is none.
func nothing(s string) bool {
	s = strings.TrimSpace(s)
	switch s {
	case "", "无", "没有", "暂无", "无。", "/", "-", "—", "否", "不涉及":
		return true
	}
	return false
}

// Review checks an application the way the policy asks, for the worker to
// read and confirm before submitting it.
func (c *Checker) Review(a store.Admission) []Finding {
	var out []Finding
	if nothing(a.Funding) || nothing(a.Powers) {
		var missing []string
		if nothing(a.Powers) {
			missing = append(missing, "未下放权限")
		}
		if nothing(a.Funding) {
			missing = append(missing, "未划拨经费")
		}
		out = append(out, Finding{true, "不符合“权随责走、费随事转”（" + strings.Join(missing, "、") + "）：委托社区承接的事务应同时下放权限并提供经费保障或实行购买服务（" +
			c.cat.Cite(assets.RulePowersAndFunds).Source() + "）。"})
	}
	res := c.Check(a.Item, nil, time.Time{})
	for _, m := range res.Matches {
		if m.List == nil {
			continue
		}
		switch {
		case m.Verdict == MustDo && a.Kind == store.KindWork:
			out = append(out, Finding{true, "已在清单内，无需准入：" + ItemRef(m.List, m.Item) + "。"})
		case m.Verdict == CanIssue && a.Kind == store.KindCertificate:
			out = append(out, Finding{true, "已在证明清单内：" + ItemRef(m.List, m.Item) + "，无需准入即可出具。"})
		}
	}
	if a.UnitLevel != "" {
		out = append(out, Finding{false, "审批机关：" + store.ApprovingBody(a.UnitLevel) + "（依据附件5备注2）。"})
	}
	return out
}
