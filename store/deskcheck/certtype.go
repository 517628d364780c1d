package deskcheck

import (
	"slices"
	"time"

	"taizhang/assets"
)

// CertificateType reads text as the name of a certificate, as an old
// ledger's 证明类型 column writes it (居住证明, 在本社区居住的证明, jzzm),
// and returns the 附件4 item it names: the one sure match among the 12
// certificates, or, of several, the one whose matched words hold all the
// others' (计生奖励证明 names item 10 by 计生 and 奖励, item 9 by 计生
// alone). Otherwise item is nil and the result's matches say what came
// close. Admissions are not considered: an old ledger is judged against
// the list alone.
func (c *Checker) CertificateType(text string) (item *assets.Item, res Result) {
	cert := true
	res = c.check(text, nil, time.Time{}, &cert)
	var sure []Match
	for _, m := range res.Matches {
		if m.Sure && m.List != nil && m.List.ID == assets.Certificates {
			sure = append(sure, m)
		}
	}
	for _, m := range sure {
		if holdsAll(m, sure) {
			return m.Item, res
		}
	}
	return nil, res
}

// holdsAll reports whether m matched every word the other matches did,
// and more.
func holdsAll(m Match, all []Match) bool {
	for _, o := range all {
		if o.Item == m.Item {
			continue
		}
		if len(o.Words) >= len(m.Words) {
			return false
		}
		for _, w := range o.Words {
			if !slices.Contains(m.Words, w) {
				return false
			}
		}
	}
	return true
}
