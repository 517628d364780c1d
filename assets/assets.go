// Package assets holds what ships inside the binary: the four statutory lists
// and the approval form of 长民发〔2017〕124号, the policy text, the Changzhi
// administrative divisions, and (in later files) templates and pinyin
// overrides. Every loader parses embedded data; a test parses them all.
package assets

import (
	"embed"
	"encoding/json"
	"fmt"
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

// Item is one numbered row of an annex. Reading is what the printed source
// shows where it is garbled; Note says how the row was rebuilt.
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

// FormField is one row of the approval form (附件5).
type FormField struct {
	Label   string   `json:"label"`
	Note    string   `json:"note,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

// ApprovalForm describes 附件5, 长治市部门工作进社区准入审批表.
type ApprovalForm struct {
	Annex     int         `json:"annex"`
	Title     string      `json:"title"`
	Reading   string      `json:"reading,omitempty"`
	ReadingZh string      `json:"reading_zh,omitempty"`
	Fields    []FormField `json:"fields"`
	Notes     []string    `json:"notes"`
}

// Rule is one operative sentence of the policy, with the section it is in.
type Rule struct {
	Ref  string `json:"ref"`
	Text string `json:"rule"`
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
			if it.Note != "" && it.NoteZh == "" {
				return fmt.Errorf("assets: list %s: item %d has a note without note_zh", id, it.No)
			}
			if it.Text == "" {
				return fmt.Errorf("assets: list %s: item %d has no text", id, it.No)
			}
		}
	}
	return nil
}
