package assets

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// DeskWords is deskcheck.json: the words 准入核查 reads a request with. Each
// list item has keywords (ItemWords); the other lists say how a request is
// put together: which words ask for a certificate, which end a purpose
// clause, which are spoken filler, and which are too generic to match
// anything on their own.
type DeskWords struct {
	About       string      `json:"about"`
	Generic     []string    `json:"generic"`     // 工作, 活动, 开展…: never carry a match
	Filler      []string    `json:"filler"`      // 麻烦, 帮忙, 开, 个…: what a bare request is made of
	Ask         []string    `json:"ask"`         // 开个, 出具, 需要…: where the thing asked for begins
	Certificate []string    `json:"certificate"` // 证明, 政审, 盖章…: the request asks for a certificate
	Pronouns    []string    `json:"pronouns"`    // 证明我…: 证明 used as a verb
	Task        []string    `json:"task"`        // 台账, 检查, 报表…: a task, even after 证明
	Purpose     []string    `json:"purpose"`     // 用于, 为了…: a purpose clause follows
	PurposeEnd  []string    `json:"purpose_end"` // …用, …要: a clause ending so is a purpose
	Items       []ItemWords `json:"items"`
}

// ItemWords are the keywords of one list item. Strong terms name the item
// on their own; weak ones only make it a candidate (可能相关); a Not word in
// the request keeps the item a candidate.
type ItemWords struct {
	List   ListID   `json:"list"`
	No     int      `json:"no"`
	Strong []string `json:"strong"`
	Weak   []string `json:"weak,omitempty"`
	Not    []string `json:"not,omitempty"`
}

// Term is one keyword as written in deskcheck.json: "消防+宣传" (every
// part must be in the request) or "低保=最低生活保障" (the request's word,
// and the words of the item text it stands for).
type Term struct {
	Parts []string // words the request must contain
	Marks []string // words of the item text to highlight: the anchor, or the parts the text holds
}

// ParseTerm reads one keyword against the text of its item.
func ParseTerm(s, itemText string) Term {
	words, anchor, hasAnchor := strings.Cut(s, "=")
	t := Term{Parts: strings.Split(words, "+")}
	if hasAnchor {
		t.Marks = strings.Split(anchor, "+")
		return t
	}
	for _, p := range t.Parts {
		if strings.Contains(itemText, p) {
			t.Marks = append(t.Marks, p)
		}
	}
	return t
}

var (
	deskOnce  sync.Once
	deskWords *DeskWords
	deskErr   error
)

// LoadDeskWords parses the embedded deskcheck.json once, checked against
// the lists, and returns the shared, read-only result.
func LoadDeskWords() (*DeskWords, error) {
	deskOnce.Do(func() {
		var w DeskWords
		deskErr = decode("data/deskcheck.json", &w)
		if deskErr == nil {
			var cat *Catalog
			if cat, deskErr = LoadCatalog(); deskErr == nil {
				deskErr = w.validate(cat)
			}
		}
		deskWords = &w
	})
	return deskWords, deskErr
}

// Item returns the catalogue item the words are for, or nil.
func (iw *ItemWords) Item(cat *Catalog) (*List, *Item) {
	l := cat.List(iw.List)
	if l == nil || iw.No < 1 || iw.No > len(l.Items) {
		return nil, nil
	}
	return l, &l.Items[iw.No-1]
}

// StripGeneric removes the generic words from s.
func (w *DeskWords) StripGeneric(s string) string {
	for _, g := range w.Generic {
		s = strings.ReplaceAll(s, g, "")
	}
	return s
}

func (w *DeskWords) validate(cat *Catalog) error {
	for name, l := range map[string][]string{"generic": w.Generic, "filler": w.Filler, "ask": w.Ask, "certificate": w.Certificate,
		"pronouns": w.Pronouns, "task": w.Task, "purpose": w.Purpose, "purpose_end": w.PurposeEnd} {
		if len(l) == 0 {
			return fmt.Errorf("assets: deskcheck.json: %s is empty", name)
		}
		for _, s := range l {
			if s == "" {
				return fmt.Errorf("assets: deskcheck.json: %s holds an empty word", name)
			}
		}
	}
	seen := map[string]bool{}
	for _, iw := range w.Items {
		key := fmt.Sprintf("%s %d", iw.List, iw.No)
		_, it := iw.Item(cat)
		if it == nil {
			return fmt.Errorf("assets: deskcheck.json: no item %s", key)
		}
		if seen[key] {
			return fmt.Errorf("assets: deskcheck.json: item %s twice", key)
		}
		seen[key] = true
		if len(iw.Strong) == 0 {
			return fmt.Errorf("assets: deskcheck.json: item %s has no strong terms", key)
		}
		for _, s := range append(append([]string{}, iw.Strong...), iw.Weak...) {
			if err := w.checkTerm(s, it.Text); err != nil {
				return fmt.Errorf("assets: deskcheck.json: item %s: %w", key, err)
			}
		}
		for _, s := range iw.Not {
			if s == "" {
				return fmt.Errorf("assets: deskcheck.json: item %s: empty not word", key)
			}
		}
	}
	for _, id := range ListOrder {
		for _, it := range cat.List(id).Items {
			if !seen[fmt.Sprintf("%s %d", id, it.No)] {
				return fmt.Errorf("assets: deskcheck.json: item %s %d has no words", id, it.No)
			}
		}
	}
	return nil
}

// checkTerm: every part is a word, something is left of it when the generic
// words are taken out, and it highlights words the item text has.
func (w *DeskWords) checkTerm(s, itemText string) error {
	t := ParseTerm(s, itemText)
	rest := 0
	for _, p := range t.Parts {
		if p == "" {
			return fmt.Errorf("term %q has an empty part", s)
		}
		rest += utf8.RuneCountInString(w.StripGeneric(p))
	}
	if rest < 2 {
		return fmt.Errorf("term %q is made of generic words", s)
	}
	if len(t.Marks) == 0 {
		return fmt.Errorf("term %q marks nothing in the item text", s)
	}
	for _, m := range t.Marks {
		if m == "" || !strings.Contains(itemText, m) {
			return fmt.Errorf("term %q marks %q, which the item text does not hold", s, m)
		}
	}
	return nil
}
