package deskcheck

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// sep stands for punctuation and spaces in a normalised request: clauses
// are split there and no keyword spans it.
const sep = "|"

// normalise folds width and case, keeps letters and digits, and turns
// every run of anything else into sep.
func normalise(s string) string {
	s = norm.NFKC.String(strings.ToLower(s))
	var b strings.Builder
	gap := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteString(sep)
			}
			gap = false
			b.WriteRune(r)
		} else {
			gap = true
		}
	}
	return b.String()
}

// reading is a request taken apart: what is asked for and what else is
// said.
type reading struct {
	cert    bool   // a certificate is asked for
	head    string // the thing asked for
	context string // purpose clauses and the rest, joined by sep
	bare    bool   // the head says no more than "a certificate" (开个证明)
}

// read takes a normalised request apart, deciding its kind from its words.
func (c *Checker) read(q string) reading {
	mains, rest := c.clauses(q)
	if mi, o, ok, taskAfter := c.lastCertificateWord(mains); ok && !taskAfter {
		return c.readCertificate(mains, rest, mi, o)
	}
	return reading{head: strings.Join(mains, sep), context: strings.Join(rest, sep)}
}

// readAs takes a request apart as the kind given.
func (c *Checker) readAs(q string, cert bool) reading {
	mains, rest := c.clauses(q)
	if !cert {
		return reading{head: strings.Join(mains, sep), context: strings.Join(rest, sep)}
	}
	if mi, o, ok, _ := c.lastCertificateWord(mains); ok {
		return c.readCertificate(mains, rest, mi, o)
	}
	return reading{cert: true, head: strings.Join(mains, sep), context: strings.Join(rest, sep)}
}

// clauses splits q at sep and sets purpose clauses apart: from a purpose
// word (用于, 为了…) to the end of its clause, and a later clause that ends
// in one (…办贷款用, 单位要).
func (c *Checker) clauses(q string) (mains, purposes []string) {
	for i, cl := range strings.Split(q, sep) {
		if cl == "" {
			continue
		}
		if i > 0 && c.dict.endsWith(cl, rolePurposeEnd) {
			purposes = append(purposes, cl)
			continue
		}
		at := -1
		c.dict.scan(cl, rolePurpose, func(o occ) {
			if at < 0 || o.start < at {
				at = o.start
			}
		})
		if at >= 0 {
			purposes = append(purposes, cl[at:])
			cl = cl[:at]
		}
		if cl != "" {
			mains = append(mains, cl)
		}
	}
	return mains, purposes
}

// lastCertificateWord finds the last word that asks for a certificate
// (证明, 政审, 盖章…) in the main clauses, and whether a task word (台账,
// 报表…) follows it in its clause.
func (c *Checker) lastCertificateWord(mains []string) (mi int, last occ, ok, taskAfter bool) {
	for i, m := range mains {
		c.dict.scan(m, roleCert, func(o occ) {
			if !ok || i > mi || o.end > last.end || o.end == last.end && o.start < last.start {
				mi, last, ok = i, o, true
			}
		})
	}
	if ok {
		c.dict.scan(mains[mi][last.end:], roleTask, func(occ) { taskAfter = true })
	}
	return mi, last, ok, taskAfter
}

// readCertificate: the head is the certificate named in clause mi, from the
// last word that asks (开个, 需要, 的, 社区…) to the certificate word o;
// "证明我在本社区居住" is read as "我在本社区居住证明". Everything else is
// context.
func (c *Checker) readCertificate(mains, purposes []string, mi int, o occ) reading {
	m := mains[mi]
	var head string
	var rest []string
	if c.dict.words[o.id] == "证明" && c.dict.startsWith(m[o.end:], rolePronoun) {
		head = m[o.end:] + m[o.start:o.end]
		rest = append(rest, m[:o.start])
	} else {
		from := 0
		c.dict.scan(m[:o.start], roleAsk, func(a occ) { from = max(from, a.end) })
		// 开证明, 出证明: the verb alone, right before the certificate word.
		if r, _ := utf8.DecodeLastRuneInString(m[:o.start]); r == '开' || r == '出' {
			from = o.start
		}
		head = m[from:o.end]
		rest = append(rest, m[:from], m[o.end:])
	}
	for i, x := range mains {
		if i != mi {
			rest = append(rest, x)
		}
	}
	rest = append(rest, purposes...)
	var ctx []string
	for _, x := range rest {
		if x != "" {
			ctx = append(ctx, x)
		}
	}
	return reading{cert: true, head: head, context: strings.Join(ctx, sep), bare: c.dict.coveredBy(head, roleCert|roleAsk|roleFiller|roleGeneric)}
}

// pinyinQuery reports a request typed in pinyin letters only, and the
// letters.
func pinyinQuery(q string) (string, bool) {
	letters := strings.ReplaceAll(q, sep, "")
	if letters == "" {
		return "", false
	}
	for i := 0; i < len(letters); i++ {
		if c := letters[i]; c < 'a' || c > 'z' {
			return "", false
		}
	}
	return letters, true
}

// pinyinAsksCertificate: a pinyin request ending in zm or zhengming (证明).
func pinyinAsksCertificate(letters string) bool {
	return strings.HasSuffix(letters, "zm") || strings.HasSuffix(letters, "zhengming")
}
