package deskcheck

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/search"
)

const (
	strongWeight = 1.0
	weakWeight   = 0.5
	// contextWeight is what a keyword counts for outside the head: in a
	// purpose clause it hints at an item but does not name it.
	contextWeight = 0.5
	sureScore     = 0.9 // a strong keyword in the head, or a weak one backed by the context
	minScore      = 0.3 // below this a match is not worth showing
	// admissionShare is the share of an admission's wording the request must
	// hold, and of the request's wording the admission must hold.
	admissionShare = 0.6
)

// entry is one list item with its keywords.
type entry struct {
	list  *assets.List
	item  *assets.Item
	text  string // normalised item text: a request quoting it names it
	terms []term
	not   []int // dict ids
}

type term struct {
	parts  []int // dict ids, all in the request
	weight float64
	spans  []search.Span // the marks in the item text
}

// pinyinDoc is a document of the pinyin index: a keyword, or an item text.
type pinyinDoc struct {
	entry  int
	text   string
	weight float64 // for a keyword; 0 for an item text
	spans  []search.Span
}

func (c *Checker) prepare() {
	w := c.words
	for _, x := range []struct {
		words []string
		r     role
	}{{w.Generic, roleGeneric}, {w.Filler, roleFiller}, {w.Ask, roleAsk}, {w.Certificate, roleCert}, {w.Pronouns, rolePronoun},
		{w.Task, roleTask}, {w.Purpose, rolePurpose}, {w.PurposeEnd, rolePurposeEnd}} {
		c.dict.addAll(x.words, x.r)
	}
	items := slices.Clone(w.Items)
	slices.SortStableFunc(items, func(a, b assets.ItemWords) int {
		return cmp.Or(cmp.Compare(slices.Index(assets.ListOrder, a.List), slices.Index(assets.ListOrder, b.List)), cmp.Compare(a.No, b.No))
	})
	c.pinyin = search.New(nil)
	for _, iw := range items {
		l, it := iw.Item(c.cat)
		e := entry{list: l, item: it, text: normalise(it.Text)}
		for _, set := range []struct {
			terms  []string
			weight float64
		}{{iw.Strong, strongWeight}, {iw.Weak, weakWeight}} {
			for _, s := range set.terms {
				t := assets.ParseTerm(s, it.Text)
				tm := term{weight: set.weight}
				for _, p := range t.Parts {
					tm.parts = append(tm.parts, c.dict.add(p, roleTerm))
				}
				for _, m := range t.Marks {
					tm.spans = append(tm.spans, occurrences(it.Text, m)...)
				}
				e.terms = append(e.terms, tm)
				if len(t.Parts) == 1 {
					c.addPinyin(pinyinDoc{entry: len(c.entries), text: t.Parts[0], weight: set.weight, spans: tm.spans})
				}
			}
		}
		for _, s := range iw.Not {
			e.not = append(e.not, c.dict.add(s, roleNot))
		}
		c.addPinyin(pinyinDoc{entry: len(c.entries), text: it.Text})
		c.entries = append(c.entries, e)
	}
}

func (c *Checker) addPinyin(d pinyinDoc) {
	c.pinyin.Add(uint64(len(c.docs)), search.Field{Text: d.text, Kind: search.Text})
	c.docs = append(c.docs, d)
}

// matchItems scores the list items of the request's kind: 附件4 for a
// certificate, 附件1–3 for work.
func (c *Checker) matchItems(rd reading) []Match {
	inHead := c.dict.found(rd.head, roleTerm|roleNot)
	inCtx := c.dict.found(rd.context, roleTerm|roleNot)
	inAll := make(bits, len(inHead))
	for i := range inAll {
		inAll[i] = inHead[i] | inCtx[i]
	}
	var out []Match
	for i := range c.entries {
		e := &c.entries[i]
		if (e.list.ID == assets.Certificates) != rd.cert {
			continue
		}
		headMiss, ctxMiss := 1.0, 1.0
		var words []int
		var spans []search.Span
		cover := 0
		for _, t := range e.terms {
			switch {
			case allIn(t.parts, inHead):
				headMiss *= 1 - t.weight
				for _, p := range t.parts {
					if !slices.Contains(words, p) {
						words = append(words, p)
						cover += utf8.RuneCountInString(c.dict.words[p])
					}
				}
			case allIn(t.parts, inAll): // in the context, or split between it and the head
				ctxMiss *= 1 - t.weight
				for _, p := range t.parts {
					if !slices.Contains(words, p) {
						words = append(words, p)
					}
				}
			default:
				continue
			}
			spans = append(spans, t.spans...)
		}
		if e.text != "" && strings.Contains(rd.head, e.text) {
			headMiss = 0
			cover += utf8.RuneCountInString(e.item.Text)
			spans = append(spans, search.Span{Start: 0, End: utf8.RuneCountInString(e.item.Text)})
		}
		if headMiss == 1 && ctxMiss == 1 {
			continue
		}
		wctx := contextWeight
		if rd.bare {
			wctx = 1 // 办社保要社区开个证明: the rest says which certificate
		}
		score := min(1, 1-headMiss+wctx*(1-ctxMiss))
		var against []string
		for _, id := range e.not {
			if inHead.has(id) || inCtx.has(id) {
				against = append(against, c.dict.words[id])
			}
		}
		if len(against) > 0 {
			score = min(score, weakWeight)
		}
		m := Match{Verdict: verdictOf(e.list), Sure: score >= sureScore && len(against) == 0, List: e.list, Item: e.item, Score: score,
			Against: against, Spans: merge(spans), cover: cover}
		for _, id := range words {
			m.Words = append(m.Words, c.dict.words[id])
		}
		m.Words = longest(m.Words)
		out = append(out, m)
	}
	return out
}

// longest drops the words that are part of another: 残疾 beside 残疾人.
func longest(words []string) []string {
	var out []string
	for i, w := range words {
		inside := false
		for j, v := range words {
			inside = inside || j != i && len(v) > len(w) && strings.Contains(v, w)
		}
		if !inside {
			out = append(out, w)
		}
	}
	return out
}

func allIn(ids []int, b bits) bool {
	for _, id := range ids {
		if !b.has(id) {
			return false
		}
	}
	return true
}

// matchAdmissions scores the admissions of the request's kind that are in
// force (Admitted) or approved but not yet begun (NotYet) by the wording
// they share with the head, generic words and filler aside.
func (c *Checker) matchAdmissions(rd reading, admissions []store.Admission, today time.Time) []Match {
	req := c.content(rd.head)
	if req == "" {
		return nil
	}
	var out []Match
	for i := range admissions {
		a := &admissions[i]
		v := Admitted
		if a.NotYetInForce(today) {
			v = NotYet
		} else if !a.InForce(today) {
			continue
		}
		if (a.Kind == store.KindCertificate) != rd.cert {
			continue
		}
		item := c.content(normalise(a.Item))
		common := shared([]rune(req), []rune(item))
		if len(common) == 0 {
			continue
		}
		n := 0
		for _, s := range common {
			n += utf8.RuneCountInString(s)
		}
		p := float64(n) / float64(utf8.RuneCountInString(req))
		r := float64(n) / float64(utf8.RuneCountInString(item))
		m := Match{Verdict: v, Sure: min(p, r) >= admissionShare, Admission: a, Score: 2 * p * r / (p + r), Words: common, cover: n}
		for _, s := range common {
			m.Spans = append(m.Spans, occurrences(a.Item, s)...)
		}
		m.Spans = merge(m.Spans)
		out = append(out, m)
	}
	return out
}

// content is s without generic words, certificate words, the words that
// ask, filler of two runes or more, and 的.
func (c *Checker) content(s string) string {
	return dropDe.Replace(c.dict.strip(s, roleGeneric|roleCert|roleAsk|roleFiller, 2))
}

var dropDe = strings.NewReplacer("的", "", sep, "")

// shared are the common substrings of a and b, of two runes or more,
// longest first, each rune used once.
func shared(a, b []rune) []string {
	a, b = slices.Clone(a), slices.Clone(b)
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	var out []string
	for {
		n, endA, endB := 0, 0, 0
		clear(prev)
		for i := 1; i <= len(a); i++ {
			for j := 1; j <= len(b); j++ {
				cur[j] = 0
				if a[i-1] == b[j-1] && a[i-1] >= 0 {
					cur[j] = prev[j-1] + 1
					if cur[j] > n {
						n, endA, endB = cur[j], i, j
					}
				}
			}
			prev, cur = cur, prev
		}
		if n < 2 {
			return out
		}
		out = append(out, string(b[endB-n:endB]))
		for k := 0; k < n; k++ {
			a[endA-n+k], b[endB-n+k] = -1, -2 // used: match nothing again
		}
	}
}

// matchPinyin scores the items of the request's kind whose keywords or
// text the letters spell: a keyword spelled whole counts as itself, four
// or more runes of an item text as a strong keyword, fewer as a weak one.
func (c *Checker) matchPinyin(letters string, cert bool) []Match {
	best := map[int]*Match{}
	var order []int
	for _, h := range c.pinyin.Search(letters, 0) {
		d := c.docs[h.ID]
		e := &c.entries[d.entry]
		if (e.list.ID == assets.Certificates) != cert {
			continue
		}
		var score float64
		var spans []search.Span
		var word string
		if d.weight > 0 {
			if len(h.Spans) != 1 || h.Spans[0] != (search.Span{Start: 0, End: utf8.RuneCountInString(d.text)}) {
				continue
			}
			score, spans, word = d.weight, d.spans, d.text
		} else {
			runes := []rune(d.text)
			for _, s := range h.Spans {
				if n := s.End - s.Start; n >= 2 {
					score = max(score, min(1, float64(n)/4))
					spans = append(spans, s)
					word = string(runes[s.Start:s.End])
				}
			}
			if score >= sureScore {
				score = strongWeight
			} else if score > 0 {
				score = weakWeight
			}
		}
		if score == 0 {
			continue
		}
		m := best[d.entry]
		if m == nil {
			m = &Match{Verdict: verdictOf(e.list), List: e.list, Item: e.item}
			best[d.entry] = m
			order = append(order, d.entry)
		}
		m.Score = max(m.Score, score)
		m.Sure = m.Score >= sureScore
		m.Spans = merge(append(m.Spans, spans...))
		if !slices.Contains(m.Words, word) {
			m.Words = append(m.Words, word)
			m.cover += utf8.RuneCountInString(word)
		}
	}
	slices.Sort(order)
	var out []Match
	for _, i := range order {
		out = append(out, *best[i])
	}
	return out
}

// occurrences are the rune spans of every occurrence of word in text.
func occurrences(text, word string) []search.Span {
	var out []search.Span
	if word == "" {
		return nil
	}
	n := utf8.RuneCountInString(word)
	for off := 0; ; {
		i := strings.Index(text[off:], word)
		if i < 0 {
			return out
		}
		start := utf8.RuneCountInString(text[:off+i])
		out = append(out, search.Span{Start: start, End: start + n})
		off += i + len(word)
	}
}

// merge sorts spans and joins those that overlap or touch.
func merge(spans []search.Span) []search.Span {
	if len(spans) < 2 {
		return spans
	}
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b search.Span) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	out := s[:1]
	for _, x := range s[1:] {
		if last := &out[len(out)-1]; x.Start <= last.End {
			last.End = max(last.End, x.End)
		} else {
			out = append(out, x)
		}
	}
	return out
}
