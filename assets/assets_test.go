package assets

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

func TestCatalogCounts(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	want := map[ListID]int{Duties: 16, Assist: 34, Supervise: 4, Certificates: 12}
	for id, n := range want {
		l := c.List(id)
		if l == nil {
			t.Fatalf("list %s missing", id)
		}
		if len(l.Items) != n {
			t.Errorf("list %s: %d items, want %d", id, len(l.Items), n)
		}
		seen := map[int]bool{}
		for i, it := range l.Items {
			if it.No != i+1 || seen[it.No] {
				t.Errorf("list %s: item at %d numbered %d", id, i, it.No)
			}
			seen[it.No] = true
			if strings.TrimSpace(it.Text) == "" {
				t.Errorf("list %s item %d: empty text", id, it.No)
			}
			if id != Certificates && len(it.Basis) == 0 {
				t.Errorf("list %s item %d: no basis", id, it.No)
			}
			if id == Assist && it.Category == "" {
				t.Errorf("assist item %d: no category", it.No)
			}
		}
	}
}

func TestReadingsAndNotesCarried(t *testing.T) {
	c, _ := LoadCatalog()
	var readings, notes int
	for _, l := range c.Lists {
		for _, it := range l.Items {
			if it.Reading != "" {
				readings++
			}
			if it.Note != "" {
				notes++
			}
		}
	}
	// Count what the raw JSON holds, independently of the typed structs.
	var raw struct {
		Lists []struct {
			Items []map[string]any `json:"items"`
		} `json:"lists"`
	}
	if err := json.Unmarshal(RawCatalog(), &raw); err != nil {
		t.Fatal(err)
	}
	var wantR, wantN int
	for _, l := range raw.Lists {
		for _, it := range l.Items {
			if _, ok := it["reading"]; ok {
				wantR++
			}
			if _, ok := it["note"]; ok {
				wantN++
			}
		}
	}
	if readings != wantR || notes != wantN || wantR == 0 {
		t.Errorf("readings %d/%d notes %d/%d", readings, wantR, notes, wantN)
	}
	if c.ApprovalForm.Title != "长治市部门工作进社区准入审批表" || len(c.ApprovalForm.Notes) != 3 {
		t.Errorf("approval form: %q, %d notes", c.ApprovalForm.Title, len(c.ApprovalForm.Notes))
	}
}

func TestDivisions(t *testing.T) {
	d, err := LoadDivisions()
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Current) != 12 {
		t.Errorf("%d current divisions, want 12", len(d.Current))
	}
	for _, v := range d.Legacy {
		if _, ok := d.Find(v.Now); !ok {
			t.Errorf("legacy %s points at unknown %s", v.Code, v.Now)
		}
	}
	if v, ok := d.Find("140403"); !ok || v.Name != "潞州区" {
		t.Errorf("140403 = %v", v)
	}
}

// Every embedded JSON file parses.
func TestEmbeddedJSONParses(t *testing.T) {
	err := fs.WalkDir(files, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, _ := files.ReadFile(p)
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(Policy(), "四、建立社区工作准入制度") {
		t.Error("policy text missing section 四")
	}
}
