package deskcheck

import (
	"time"

	"taizhang/assets"
)

// CertificateType reads text as the name of a certificate, as an old
// ledger's 证明类型 column writes it (居住证明, 在本社区居住的证明, jzzm),
// and returns the 附件4 item it names: the one sure match among the 12
// certificates. When no item, or more than one, is sure, item is nil and
// the result's matches say what came close. Admissions are not
// considered: what an old ledger holds is judged against the list alone.
func (c *Checker) CertificateType(text string) (item *assets.Item, res Result) {
	cert := true
	res = c.check(text, nil, time.Time{}, &cert)
	var sure []Match
	for _, m := range res.Matches {
		if m.Sure && m.List != nil && m.List.ID == assets.Certificates {
			sure = append(sure, m)
		}
	}
	if len(sure) == 1 {
		return sure[0].Item, res
	}
	return nil, res
}
