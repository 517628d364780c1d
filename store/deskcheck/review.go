package deskcheck

import (
	"strings"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

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
	cert := a.Kind == store.KindCertificate
	res := c.check(a.Item, nil, time.Time{}, &cert)
	for _, m := range res.Matches {
		if m.List == nil || !m.Sure {
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
