// Package deskcheck answers, at the desk, "is this request something we
// must do?" (准入核查). A worker types what is asked — 开个居住证明,
// 创卫检查台账, 低保申请初审 — and gets one of:
//
//   - 应当承担: an item of 附件1–3 (statutory duty, assisting government,
//     supervision), with its legal basis;
//   - 可以出具: one of the 12 certificates of 附件4;
//   - 已准入:   an approved admission in force (until its end);
//   - 未生效:   an approved admission whose term has not begun (the
//     committee may still refuse until then);
//   - 未准入，可依法拒绝: none of these. When an item comes close but not
//     close enough, it is listed as 可能相关 and the verdict stays 未准入
//     until the worker picks it (Result.Pick).
//
// How a request is read (read.go): it asks for a certificate when it names
// one (证明, 鉴定意见, 政审, 盖章) and no task (台账, 检查, 报表…) follows;
// then only 附件4 and admitted 证明事项 can answer it (policy 三（五）, 四),
// otherwise only 附件1–3 and admitted 工作事项. The thing asked for (the
// head) is told apart from purpose clauses (…用于…, 给孩子上学…, …用) and
// spoken filler (开个, 麻烦, 帮忙). Items are matched by the curated keywords
// of assets/data/deskcheck.json (match.go): a strong keyword in the head
// names an item; a weak one, or one only in a purpose clause, makes it a
// candidate, and a word against the item (医院 for 在家死亡) keeps it one.
// When the head says no more than 证明 (办社保要社区开个证明), the rest of
// the request says which certificate. Generic words (工作, 活动, 开展, 协助,
// 办理…) never make a keyword. Admissions are matched by the share of their
// wording the request holds; a request typed in pinyin (jzzm, xfxc) through
// the search index's pinyin matching.
//
// The labelled set in testdata/requests.txt and the held-out set in
// testdata/holdout.txt measure the judge; see TestLabelledSet.
package deskcheck

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

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
	NotYet      Verdict = "未生效"
	NotAdmitted Verdict = "未准入，可依法拒绝"
	// Possible labels a candidate: an item close to the request, which the
	// worker may pick; the verdict stays NotAdmitted until then.
	Possible Verdict = "可能相关"
)

// MaxCandidates is how many candidates an uncertain result lists.
const MaxCandidates = 3

// Match is one list item or admission the request matches.
type Match struct {
	Verdict   Verdict          // what the item gives: MustDo, CanIssue, Admitted or NotYet
	Sure      bool             // strong enough to give the verdict; otherwise a candidate
	List      *assets.List     // for list items
	Item      *assets.Item     // for list items
	Admission *store.Admission // for admissions in force or not yet begun
	Score     float64          // 0–1
	Words     []string         // the request's words that matched
	Against   []string         // the request's words that keep the item from being sure (医院 for 在家死亡)
	Spans     []search.Span    // runes of Item.Text (or Admission.Item) to highlight
	cover     int              // runes of the head that matched, to order equal scores
}

// Label is the match's verdict as shown: its own when sure, 可能相关 for a
// candidate.
func (m Match) Label() Verdict {
	if m.Sure {
		return m.Verdict
	}
	return Possible
}

// Text is what the match is about: the item text or the admitted item.
func (m Match) Text() string {
	if m.Admission != nil {
		return m.Admission.Item
	}
	return m.Item.Text
}

// Result is the answer for one request.
type Result struct {
	Request         string
	Verdict         Verdict // MustDo, CanIssue, Admitted, NotYet or NotAdmitted
	AsksCertificate bool    // the request asks for a certificate
	// Matches are the sure matches, strongest first; when there is none,
	// up to MaxCandidates candidates (Uncertain).
	Matches []Match
	Picked  bool // the worker picked the only match among candidates
}

// Uncertain reports a result with candidates only: 可能相关.
func (r Result) Uncertain() bool { return r.Verdict == NotAdmitted && len(r.Matches) > 0 }

// Pick is the result once the worker has picked candidate i: its verdict,
// with that match alone.
func (r Result) Pick(i int) Result {
	if !r.Uncertain() || i < 0 || i >= len(r.Matches) {
		return r
	}
	m := r.Matches[i]
	m.Sure = true
	r.Verdict, r.Matches, r.Picked = m.Verdict, []Match{m}, true
	return r
}

// Checker holds the lists and keywords, prepared once. It is safe for
// concurrent use.
type Checker struct {
	cat     *assets.Catalog
	words   *assets.DeskWords
	dict    dict
	entries []entry
	pinyin  *search.Index
	docs    []pinyinDoc
}

// New prepares the lists of cat and the embedded keywords. The keywords are
// checked against the lists by assets' tests, so an error here is a broken
// build.
func New(cat *assets.Catalog) *Checker {
	w, err := assets.LoadDeskWords()
	if err != nil {
		panic(err)
	}
	c := &Checker{cat: cat, words: w}
	c.prepare()
	return c
}

// Check judges a request against the lists and the admissions in force
// today or approved to begin later.
func (c *Checker) Check(request string, admissions []store.Admission, today time.Time) Result {
	return c.check(request, admissions, today, nil)
}

// check judges a request; a non-nil asksCertificate fixes the kind instead
// of reading it from the request (an application says what it is).
func (c *Checker) check(request string, admissions []store.Admission, today time.Time, asksCertificate *bool) Result {
	res := Result{Request: request, Verdict: NotAdmitted}
	q := normalise(request)
	if strings.Trim(q, sep) == "" {
		return res
	}
	var ms []Match
	if letters, ok := pinyinQuery(q); ok {
		res.AsksCertificate = pinyinAsksCertificate(letters)
		if asksCertificate != nil {
			res.AsksCertificate = *asksCertificate
		}
		ms = c.matchPinyin(letters, res.AsksCertificate)
	} else {
		rd := c.read(q)
		if asksCertificate != nil && *asksCertificate != rd.cert {
			rd = c.readAs(q, *asksCertificate)
		}
		res.AsksCertificate = rd.cert
		ms = c.matchItems(rd)
		ms = append(ms, c.matchAdmissions(rd, admissions, today)...)
	}
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Sure != b.Sure {
			if a.Sure {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(rank(a.Verdict), rank(b.Verdict)), cmp.Compare(b.Score, a.Score), cmp.Compare(b.cover, a.cover))
	})
	if len(ms) > 0 && ms[0].Sure {
		n := 0
		for n < len(ms) && ms[n].Sure {
			n++
		}
		res.Matches = ms[:n]
		res.Verdict = ms[0].Verdict
		return res
	}
	for _, m := range ms {
		if m.Score >= minScore && len(res.Matches) < MaxCandidates {
			res.Matches = append(res.Matches, m)
		}
	}
	return res
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
	case NotYet:
		return 3
	}
	return 4
}
