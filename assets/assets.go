// Package assets holds what ships inside the binary: the four statutory lists
// and the approval form of 长民发〔2017〕124号, the policy text, the Changzhi
// administrative divisions, and (in later files) templates and pinyin
// overrides. Every loader parses embedded data; a test parses them all.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed data
var files embed.FS

// ListID names one of the four annexes.
type ListID string

const (
	Duties       ListID = "duties"       // 附件1 依法履行职责事项
	Assist       ListID = "assist"       // 附件2 依法协助政府工作事项
	Supervise    ListID = "supervise"    // 附件3 依法依规履行监督职责事项
	Certificates ListID = "certificates" // 附件4 日常出具证明事项
)

// ListOrder is the order of the annexes, as the policy numbers them.
var ListOrder = []ListID{Duties, Assist, Supervise, Certificates}

// Item is one numbered row of an annex, as lists.json gives it: Text and
// Basis keep the printed wording unless it had to be rebuilt or corrected;
// then Reading holds the printed words and Note/NoteZh say what was changed
// and why. A note may also remark on a row kept as printed.
type Item struct {
	No               int      `json:"no"`
	Category         string   `json:"category,omitempty"`
	CategoryInferred bool     `json:"category_inferred,omitempty"`
	Text             string   `json:"item"`
	Basis            []string `json:"basis,omitempty"`
	Reading          string   `json:"reading,omitempty"`
	Note             string   `json:"note,omitempty"`    // as rebuilt (English)
	NoteZh           string   `json:"note_zh,omitempty"` // the same note in Chinese, for the screen
}

// List is one annex.
type List struct {
	ID    ListID `json:"id"`
	Annex int    `json:"annex"`
	Title string `json:"title"`
	Short string `json:"short"`
	Items []Item `json:"items"`
}

// NoteMark follows an annotated item wherever it is listed (清单, 准入核查,
// taizhang lists): ASCII brackets, so it is one width on every console.
const NoteMark = "[注]"

// Annotated reports whether the item carries an editorial note: its printed
// wording was changed (Reading) or remarked on (NoteZh).
func (it *Item) Annotated() bool { return it.Reading != "" || it.NoteZh != "" }

// CategoryLabel is the item's category as shown: 教育（推定） where the
// printed list gives the row no category, "" where it has none.
func (it *Item) CategoryLabel() string {
	if it.CategoryInferred && it.Category != "" {
		return it.Category + "（推定）"
	}
	return it.Category
}

// FormField is one row of the approval form (附件5).
type FormField struct {
	Label   string   `json:"label"`
	Choices []string `json:"choices,omitempty"`
	Note    string   `json:"note,omitempty"`
	NoteZh  string   `json:"note_zh,omitempty"`
}

// The rows of the approval form by their labels in lists.json. The
// printout and the admission screen name rows by these; the loader refuses
// an embedded form whose rows differ.
const (
	FormUnit          = "申请单位（盖章）"
	FormScope         = "申请准入社区"
	FormItem          = "申请准入事务或工作项目"
	FormBasis         = "申请准入依据"
	FormApplied       = "申请准入时间"
	FormTerm          = "期限类型"
	FormPowers        = "下放给社区的权限"
	FormFunding       = "划拨给社区的工作经费及相关保障"
	FormCountyOpinion = "县（市、区）社区建设领导机构意见"
	FormCityOpinion   = "长治市社区建设领导小组办公室意见"
)

// FormLabels are the form's rows in printed order.
var FormLabels = []string{FormUnit, FormScope, FormItem, FormBasis, FormApplied, FormTerm, FormPowers, FormFunding, FormCountyOpinion, FormCityOpinion}

// ApprovalForm describes 附件5, 长治市部门工作进社区准入审批表.
type ApprovalForm struct {
	Annex     int         `json:"annex"`
	Title     string      `json:"title"`
	Reading   string      `json:"reading,omitempty"`
	ReadingZh string      `json:"reading_zh,omitempty"`
	Fields    []FormField `json:"fields"`
	Notes     []string    `json:"notes"`
}

// Rule is one operative passage of the policy, with the section it is in.
type Rule struct {
	Ref  string `json:"ref"`
	Text string `json:"rule"`
}

// DocNo is the policy's document number, as a citation names it.
const DocNo = "长民发〔2017〕124号"

// Phrases that find the rules the program cites (Catalog.Cite); each is in
// exactly one sentence of the embedded rules, which the loader checks.
const (
	RuleUnlistedCertificate = "未列入清单但需出具证明的事项"
	RuleDepartmentDuty      = "职责范围内的证明事项不得要求社区出具证明"
	RuleUnapprovedWork      = "未经批准的工作事项一律不得进入社区"
	RulePowersAndFunds      = "权随责走、费随事转"
	RuleCertificateList     = "日常出具证明的事项严格落实附件4清单"
)

var citedRules = []string{RuleUnlistedCertificate, RuleDepartmentDuty, RuleUnapprovedWork, RulePowersAndFunds, RuleCertificateList}

// Citation is one sentence of the policy's rules and the section it is in.
type Citation struct {
	Ref      string // rules[].ref: 三, 四, 三（四）…
	Sentence string // ends in 。
}

// Source names the clause: 长民发〔2017〕124号 四.
func (c Citation) Source() string { return DocNo + " " + c.Ref }

// Cite is the sentence of the rules that holds phrase (one of the Rule…
// constants), with its section; the zero Citation if there is none.
func (c *Catalog) Cite(phrase string) Citation {
	for _, r := range c.Rules {
		for _, s := range sentences(r.Text) {
			if strings.Contains(s, phrase) {
				return Citation{Ref: r.Ref, Sentence: s}
			}
		}
	}
	return Citation{}
}

// sentences splits a rule at 。 and ；, each piece ending in 。.
func sentences(text string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(text, func(r rune) bool { return r == '。' || r == '；' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s+"。")
		}
	}
	return out
}

// Catalog is the whole of lists.json.
type Catalog struct {
	Source       string       `json:"source"`
	About        string       `json:"about"`
	AboutZh      string       `json:"about_zh"`
	Lists        []List       `json:"lists"`
	ApprovalForm ApprovalForm `json:"approval_form"`
	Rules        []Rule       `json:"rules"`
}

// List returns the annex with the given id, or nil.
func (c *Catalog) List(id ListID) *List {
	for i := range c.Lists {
		if c.Lists[i].ID == id {
			return &c.Lists[i]
		}
	}
	return nil
}

// Division is a county-level division of Changzhi with its GB/T 2260 code.
type Division struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Now  string `json:"now,omitempty"` // legacy codes: the current code that replaced it
}

// Divisions are the current and the pre-2018 county-level divisions.
type Divisions struct {
	About   string     `json:"about"`
	Current []Division `json:"current"`
	Legacy  []Division `json:"legacy"`
}

// Find returns the current division with the code, if any.
func (d *Divisions) Find(code string) (Division, bool) {
	for _, v := range d.Current {
		if v.Code == code {
			return v, true
		}
	}
	return Division{}, false
}

var (
	catalogOnce sync.Once
	catalog     *Catalog
	catalogErr  error
)

// LoadCatalog parses the embedded lists once and returns the shared,
// read-only result.
func LoadCatalog() (*Catalog, error) {
	catalogOnce.Do(func() {
		var c Catalog
		catalogErr = decode("data/lists.json", &c)
		if catalogErr == nil {
			catalogErr = c.validate()
		}
		catalog = &c
	})
	return catalog, catalogErr
}

// LoadDivisions parses the embedded division table.
func LoadDivisions() (*Divisions, error) {
	var d Divisions
	if err := decode("data/divisions.json", &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// Policy returns the policy text in reading order (Markdown).
func Policy() string {
	b, err := files.ReadFile("data/policy.md")
	if err != nil {
		panic(err) // embedded at build time; absent only if the build is broken
	}
	return string(b)
}

// RawCatalog returns lists.json exactly as embedded.
func RawCatalog() []byte {
	b, err := files.ReadFile("data/lists.json")
	if err != nil {
		panic(err)
	}
	return b
}

func decode(name string, v any) error {
	b, err := files.ReadFile(name)
	if err != nil {
		return fmt.Errorf("assets: %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("assets: %s: %w", name, err)
	}
	return nil
}

func (c *Catalog) validate() error {
	for _, id := range ListOrder {
		l := c.List(id)
		if l == nil {
			return fmt.Errorf("assets: list %q missing", id)
		}
		for i, it := range l.Items {
			if it.No != i+1 {
				return fmt.Errorf("assets: list %s: item %d numbered %d", id, i+1, it.No)
			}
			if it.Note != "" && it.NoteZh == "" || it.Reading != "" && it.NoteZh == "" {
				return fmt.Errorf("assets: list %s: item %d has a note or reading without note_zh", id, it.No)
			}
			if it.CategoryInferred && it.Category == "" {
				return fmt.Errorf("assets: list %s: item %d has category_inferred without a category", id, it.No)
			}
			if it.Text == "" {
				return fmt.Errorf("assets: list %s: item %d has no text", id, it.No)
			}
		}
	}
	var labels []string
	for _, f := range c.ApprovalForm.Fields {
		labels = append(labels, f.Label)
	}
	if !slices.Equal(labels, FormLabels) {
		return fmt.Errorf("assets: approval form rows %q, want %q", labels, FormLabels)
	}
	if !strings.HasPrefix(c.Source, DocNo) {
		return fmt.Errorf("assets: source %q is not %s", c.Source, DocNo)
	}
	for _, phrase := range citedRules {
		n := 0
		for _, r := range c.Rules {
			for _, s := range sentences(r.Text) {
				if strings.Contains(s, phrase) {
					n++
				}
			}
		}
		if n != 1 {
			return fmt.Errorf("assets: %d rule sentences hold %q, want 1", n, phrase)
		}
	}
	return nil
}

// digest is a SHA-256 over the named embedded files, each preceded by its
// name and length. A file that is not there (which the tests rule out)
// counts as empty.
func digest(names ...string) [32]byte {
	h := sha256.New()
	for _, n := range names {
		b, _ := files.ReadFile(n)
		fmt.Fprintf(h, "%s %d\n", n, len(b))
		h.Write(b)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}
