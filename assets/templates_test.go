package assets

import (
	"slices"
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
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
		0: full.TypeName, 1: "同学", 3: "现居住在", 4: "生前住",
		6: "《就业失业登记证》", 7: "公共租赁住房", 8: "流动人口", 9: "《独生子女父母光荣证》",
		10: "计划生育奖励", 11: "住所（经营场所）", 12: "报名应征入伍",
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

// TestCertTemplateSlots: a body prints a field outside an {{if}} on it only
// when every certificate has it (the issue form requires it or the ledger
// knows it), so no body leaves an empty slot; 核实情况 stays behind its
// guard, for certificates issued before it was required.
func TestCertTemplateSlots(t *testing.T) {
	m, err := CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	always := []string{"Name", "Sex", "IDNumber", "Address", "Purpose", "Committee", "TypeName"}
	for no, tp := range m {
		tpl, err := tp.parse()
		if err != nil {
			t.Fatal(err)
		}
		bare := map[string]bool{}
		slots(tpl.Tree.Root, nil, bare)
		for f := range bare {
			if !slices.Contains(always, f) {
				t.Errorf("template %d prints .%s even when it is empty", no, f)
			}
		}
		if !bare["Address"] {
			t.Errorf("template %d does not print the address, yet the form requires it for every type", no)
		}
	}
}

// slots records the fields n prints outside an {{if}} on that field.
func slots(n parse.Node, guarded []string, bare map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			slots(c, guarded, bare)
		}
	case *parse.ActionNode:
		for _, f := range fieldsOf(n.Pipe) {
			if !slices.Contains(guarded, f) {
				bare[f] = true
			}
		}
	case *parse.IfNode:
		slots(n.List, append(slices.Clone(guarded), fieldsOf(n.Pipe)...), bare)
		slots(n.ElseList, guarded, bare)
	}
}

func fieldsOf(p *parse.PipeNode) []string {
	var out []string
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			if f, ok := a.(*parse.FieldNode); ok {
				out = append(out, strings.Join(f.Ident, "."))
			}
		}
	}
	return out
}

// TestFindingTypes: the types the issue names as certifying a finding
// require 核实情况, and their hint is what the missing-field message asks for.
func TestFindingTypes(t *testing.T) {
	m, err := CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []int{2, 4, 7, 10, 12} { // 经济困难, 死亡, 住房保障核实, 计生家庭情况核实, 应征入伍政审
		if !m[no].Finding {
			t.Errorf("template %d (%s) certifies a finding but does not require 核实情况", no, m[no].Short)
		}
	}
	for no, tp := range m {
		if tp.Finding && (!strings.HasPrefix(tp.Hint, "写明") || !strings.Contains(tp.Hint, "例如：")) {
			t.Errorf("template %d: hint %q should read 写明…，例如：…", no, tp.Hint)
		}
	}
	if m[0].Finding {
		t.Error("the generic template cannot know what a type issued under an admission certifies")
	}
}
