package assets

import (
	"fmt"
	"strings"
	"sync"
	"text/template"
)

const certTemplatesFile = "data/templates/certificates.json"

// CertTemplate is the printed wording of one certificate type: No is the
// 附件4 item number (0 for the generic template used under an approved
// admission), Short the title printed on the certificate and shown in lists,
// Body a text/template over CertFields, and Hint what the worker should write
// in 核实情况 for this type. Finding marks a type that certifies what the
// committee found (a death, hardship, a family's situation): its body states
// no conclusion of its own, so 核实情况 is required and printed as written.
type CertTemplate struct {
	No      int    `json:"no"`
	Short   string `json:"short"`
	Body    string `json:"body"`
	Finding bool   `json:"finding,omitempty"`
	Hint    string `json:"hint,omitempty"`
}

// CertFields are the values a body template may use.
type CertFields struct {
	Name      string // 姓名
	Sex       string // 性别
	IDNumber  string // 身份证号
	Address   string // 住址
	Purpose   string // 用途
	Recipient string // 需证明单位
	Verified  string // 核实情况
	Committee string // the committee's full name, e.g. 英雄南路社区居民委员会
	TypeName  string // the certificate type's full name (generic template)
}

// Render executes the body on f.
func (t CertTemplate) Render(f CertFields) (string, error) {
	tpl, err := t.parse()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := tpl.Execute(&b, f); err != nil {
		return "", fmt.Errorf("assets: certificate template %d: %w", t.No, err)
	}
	return b.String(), nil
}

func (t CertTemplate) parse() (*template.Template, error) {
	tpl, err := template.New(fmt.Sprint("certificate-", t.No)).Option("missingkey=error").Parse(t.Body)
	if err != nil {
		return nil, fmt.Errorf("assets: certificate template %d: %w", t.No, err)
	}
	return tpl, nil
}

var (
	certTplOnce sync.Once
	certTpl     map[int]CertTemplate
	certTplErr  error
)

// CertTemplates returns the body templates keyed by 附件4 item number; key 0
// is the generic template for a type issued under an approved admission.
// Every 附件4 item has one, and every body parses. The map is parsed once
// and shared: read it, never change it.
func CertTemplates() (map[int]CertTemplate, error) {
	certTplOnce.Do(func() { certTpl, certTplErr = loadCertTemplates() })
	return certTpl, certTplErr
}

func loadCertTemplates() (map[int]CertTemplate, error) {
	var doc struct {
		Templates []CertTemplate `json:"templates"`
	}
	if err := decode(certTemplatesFile, &doc); err != nil {
		return nil, err
	}
	m := make(map[int]CertTemplate, len(doc.Templates))
	for _, t := range doc.Templates {
		if _, dup := m[t.No]; dup {
			return nil, fmt.Errorf("assets: %s: template %d given twice", certTemplatesFile, t.No)
		}
		if strings.TrimSpace(t.Short) == "" || strings.TrimSpace(t.Body) == "" {
			return nil, fmt.Errorf("assets: %s: template %d has no short name or body", certTemplatesFile, t.No)
		}
		if _, err := t.parse(); err != nil {
			return nil, err
		}
		if t.Finding && !strings.Contains(t.Hint, "例如") {
			return nil, fmt.Errorf("assets: %s: template %d requires 核实情况 but its hint gives no example", certTemplatesFile, t.No)
		}
		m[t.No] = t
	}
	c, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	want := map[int]bool{0: true}
	for _, it := range c.List(Certificates).Items {
		want[it.No] = true
	}
	for no := range want {
		if _, ok := m[no]; !ok {
			return nil, fmt.Errorf("assets: %s: no template for certificate type %d", certTemplatesFile, no)
		}
	}
	for no := range m {
		if !want[no] {
			return nil, fmt.Errorf("assets: %s: template %d is not a certificate type on 附件4", certTemplatesFile, no)
		}
	}
	return m, nil
}

// CertTemplatesDigest is a SHA-256 of the embedded templates file, for
// what is built from it and kept (the short type names in a search index
// beside the ledger).
func CertTemplatesDigest() [32]byte { return digest(certTemplatesFile) }

// ShortName is the short name of certificate type no (居住证明) that lists
// show and the search finds; a type issued under an approved admission (0,
// or a number without a template) is 准入证明.
func ShortName(types map[int]CertTemplate, no int) string {
	if t, ok := types[no]; ok && no != 0 {
		return t.Short
	}
	return "准入证明"
}
