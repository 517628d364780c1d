package assets

import (
	"fmt"
	"strings"
)

const synonymsFile = "data/synonyms.json"

// Synonym is a short or spoken word (低保) and what the lists and
// certificates write for it (最低生活保障). Means[0] is the standard
// wording a request is rewritten to; search also tries the others. Except
// lists longer words that contain Word but mean something else (居住证明 is
// not a 居住证): they stand as they are.
type Synonym struct {
	Word   string   `json:"word"`
	Means  []string `json:"means"`
	Except []string `json:"except,omitempty"`
}

// Synonyms parses the embedded synonym table, the one that both the 清单
// search and 准入核查 read. Each call returns a fresh slice, in file order.
func Synonyms() ([]Synonym, error) {
	var doc struct {
		Synonyms []Synonym `json:"synonyms"`
	}
	if err := decode(synonymsFile, &doc); err != nil {
		return nil, err
	}
	if err := validateSynonyms(doc.Synonyms); err != nil {
		return nil, fmt.Errorf("assets: %s: %w", synonymsFile, err)
	}
	return doc.Synonyms, nil
}

func validateSynonyms(list []Synonym) error {
	seen := map[string]bool{}
	for i, s := range list {
		switch {
		case strings.TrimSpace(s.Word) != s.Word || s.Word == "":
			return fmt.Errorf("entry %d: empty or padded word %q", i+1, s.Word)
		case seen[s.Word]:
			return fmt.Errorf("%s listed twice", s.Word)
		case len(s.Means) == 0:
			return fmt.Errorf("%s: no meaning", s.Word)
		}
		seen[s.Word] = true
		for _, m := range s.Means {
			if m == "" || m == s.Word || strings.TrimSpace(m) != m {
				return fmt.Errorf("%s: meaning %q", s.Word, m)
			}
		}
		for _, e := range s.Except {
			if e == s.Word || !strings.Contains(e, s.Word) {
				return fmt.Errorf("%s: exception %q does not contain the word", s.Word, e)
			}
		}
	}
	return nil
}
