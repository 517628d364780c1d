package assets

import (
	"strings"
	"testing"
	"text/template"
)

func TestCertTemplates(t *testing.T) {
	m, err := CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 13 {
		t.Fatalf("%d templates, want 12 + the generic one", len(m))
	}
	full := CertFields{
		Name: "𠮷祥", Sex: "男", IDNumber: "14040319900307123X",
		Address: "长治市潞州区英雄南路12号3单元201室", Purpose: "办理入学手续",
		Recipient: "长治市第一中学", Verified: "自2019年3月起在此居住至今",
		Committee: "英雄南路社区居民委员会", TypeName: "老年人优待证明",
	}
	bare := full
	bare.Verified, bare.Recipient = "", ""

	for no := 0; no <= 12; no++ {
		tp, ok := m[no]
		if !ok {
			t.Errorf("template %d missing", no)
			continue
		}
		if tp.No != no {
			t.Errorf("template %d numbered %d", no, tp.No)
		}
		if tp.Hint == "" {
			t.Errorf("template %d: no hint", no)
		}
		// Parsing without missingkey=error and executing on a map of the
		// documented fields shows a misspelt field as "<no value>".
		tpl, err := template.New("t").Parse(tp.Body)
		if err != nil {
			t.Errorf("template %d: %v", no, err)
			continue
		}
		var b strings.Builder
		if err := tpl.Execute(&b, map[string]any{
			"Name": full.Name, "Sex": full.Sex, "IDNumber": full.IDNumber, "Address": full.Address,
			"Purpose": full.Purpose, "Recipient": full.Recipient, "Verified": full.Verified,
			"Committee": full.Committee, "TypeName": full.TypeName,
		}); err != nil {
			t.Errorf("template %d on a map: %v", no, err)
		}
		if strings.Contains(b.String(), "<no value>") {
			t.Errorf("template %d uses an unknown field: %s", no, b.String())
		}

		for _, f := range []CertFields{full, bare} {
			s, err := tp.Render(f)
			if err != nil {
				t.Errorf("template %d: %v", no, err)
				continue
			}
			for _, want := range []string{f.Name, f.IDNumber, f.Address, f.Purpose, f.Sex} {
				if !strings.Contains(s, want) {
					t.Errorf("template %d: %q missing from %q", no, want, s)
				}
			}
			if f.Verified != "" && !strings.Contains(s, f.Verified) {
				t.Errorf("template %d ignores 核实情况: %q", no, s)
			}
			if strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
				t.Errorf("template %d: %q", no, s)
			}
			for _, bad := range []string{"。。", "，。", "。，", "，，", "：。", "：，"} {
				if strings.Contains(s, bad) {
					t.Errorf("template %d: %q in %q", no, bad, s)
				}
			}
			if !strings.HasSuffix(s, "。") {
				t.Errorf("template %d does not end a sentence: %q", no, s)
			}
			if strings.Contains(s, "\n") {
				t.Errorf("template %d: line break in %q", no, s)
			}
		}
	}

	shorts := map[int]string{2: "经济困难证明", 3: "居住证明", 4: "死亡证明", 12: "应征入伍政审鉴定意见"}
	for no, want := range shorts {
		if m[no].Short != want {
			t.Errorf("template %d short %q, want %q", no, m[no].Short, want)
		}
	}
	phrases := map[int]string{
		0: full.TypeName, 1: "参加社区实践活动", 2: "经济确有困难", 3: "现居住在", 4: "在家中正常死亡",
		6: "《就业失业登记证》", 7: "公共租赁住房", 8: "婚育", 9: "《独生子女父母光荣证》",
		10: "计划生育奖励", 11: "住所（经营场所）", 12: "同意其应征入伍",
	}
	for no, want := range phrases {
		if s, _ := m[no].Render(full); !strings.Contains(s, want) {
			t.Errorf("template %d lacks %q: %q", no, want, s)
		}
	}
}

func TestCertTemplateRenderUnknownField(t *testing.T) {
	tp := CertTemplate{No: 99, Short: "x", Body: "{{.Nmae}}"}
	if _, err := tp.Render(CertFields{}); err == nil {
		t.Fatal("unknown field accepted")
	}
}
