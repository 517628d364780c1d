package printout

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

// oldFindings are conclusions and claims of a check that the templates used
// to print whatever the worker had entered.
var oldFindings = []string{
	"正常死亡", "遵纪守法", "表现良好", "未发现不宜入伍", "同意其应征入伍", "经济确有困难",
	"走访", "入户", "核实", "寒暑假期间",
}

// gaps are what an empty field leaves in a sentence.
var gaps = []string{
	"，，", "，。", "。，", "。。", "：。", "：，", "（）", "（，", "，）", "、，", "、。",
	"在，", "在。", "住，", "住。", "于，", "于。", "为，", "为。", "明位于", "证明（",
}

// TestRequiredFieldsOnlyPrintNoGap renders every type with only the fields
// the store requires for it (found by asking Validate), and checks the text
// has no empty slot and states nothing the worker did not enter.
func TestRequiredFieldsOnlyPrintNoGap(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := assets.CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for no := 0; no <= 12; no++ {
		in := store.CertInput{TypeNo: no, Name: "张三", IDNumber: testID, Purpose: "办理救助", Copies: 1}
		if no == 0 {
			in.AdmissionID, in.TypeName = 7, "老年人优待"
		}
		// The fields a type may or may not require, filled only when Validate asks.
		optional := map[string]*string{store.FieldAddress: &in.Address, store.FieldRecipient: &in.Recipient, store.FieldVerified: &in.Verified}
		samples := map[string]string{store.FieldAddress: "潞州区英雄南路12号", store.FieldRecipient: "长治市潞州区民政局", store.FieldVerified: "甲乙丙丁"}
		var required []string
		var c store.Certificate
		for {
			c, err = in.Validate(cat, today)
			var fe *store.FieldError
			if !errors.As(err, &fe) || optional[fe.Field] == nil || *optional[fe.Field] != "" {
				break
			}
			*optional[fe.Field] = samples[fe.Field]
			required = append(required, fe.Field)
		}
		if err != nil {
			t.Errorf("type %d: %v", no, err)
			continue
		}
		tp := tpls[no]
		if !slices.Contains(required, store.FieldAddress) || slices.Contains(required, store.FieldVerified) != tp.Finding {
			t.Errorf("type %d (%s) requires %v; want 住址, and 核实情况 when it certifies a finding (%v)", no, tp.Short, required, tp.Finding)
		}
		c.IssueDate = "2026-11-29"
		body, err := Body(testProfile(), c, tp)
		if err != nil {
			t.Errorf("type %d: %v", no, err)
			continue
		}
		for _, want := range []string{c.Name, c.IDNumber, c.Sex, c.Address, c.Purpose, c.Verified} {
			if !strings.Contains(body, want) {
				t.Errorf("type %d: %q missing from %q", no, want, body)
			}
		}
		for _, bad := range append(gaps, "{{", "}}", "<no value>") {
			if strings.Contains(body, bad) {
				t.Errorf("type %d: empty slot %q in %q", no, bad, body)
			}
		}
		for _, bad := range oldFindings {
			if strings.Contains(body, bad) {
				t.Errorf("type %d states %q that nobody entered: %q", no, bad, body)
			}
		}
	}
}
