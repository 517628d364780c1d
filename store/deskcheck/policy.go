package deskcheck

import (
	"slices"
	"strings"

	"taizhang/assets"
)

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

// Force are the policy's sentences that give a result its force: the
// admission rule and its exception for work the law assigns (应当承担),
// 附件4 (可以出具), the admission rule (已准入), the admission rule and the
// grounds for refusing until the term begins (未生效), or the grounds for
// refusing (未准入, also while candidates wait to be picked).
func (c *Checker) Force(r Result) []assets.Citation {
	switch r.Verdict {
	case MustDo:
		return []assets.Citation{c.cat.Cite(assets.RuleUnapprovedWork)}
	case CanIssue:
		return []assets.Citation{c.cat.Cite(assets.RuleCertificateList)}
	case Admitted:
		return []assets.Citation{c.admissionRule(r.AsksCertificate)}
	case NotYet:
		out := []assets.Citation{c.admissionRule(r.AsksCertificate)}
		for _, g := range c.Grounds(r.AsksCertificate) {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
		return out
	}
	return c.Grounds(r.AsksCertificate)
}

// admissionRule is the sentence that lets an admitted item into the
// community: 经审批同意后方可出具 for a certificate, the approval of work.
func (c *Checker) admissionRule(asksCertificate bool) assets.Citation {
	if asksCertificate {
		return c.cat.Cite(assets.RuleUnlistedCertificate)
	}
	return c.cat.Cite(assets.RuleUnapprovedWork)
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
