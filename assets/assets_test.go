package assets

import (
	"encoding/json"
	"io/fs"
	"reflect"
	"slices"
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

// The typed catalog holds every field of lists.json: marshalled back, it
// equals the embedded file.
func TestCatalogLosesNothing(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(RawCatalog(), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, w := got.(map[string]any), want.(map[string]any)
		for k := range w {
			if !reflect.DeepEqual(g[k], w[k]) {
				t.Errorf("field %q differs after loading", k)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				t.Errorf("field %q added by loading", k)
			}
		}
	}
}

// Rows of the embedded lists as the revised reference gives them: the
// printed wording kept, every change with the printed words and a note.
func TestCatalogAsPrinted(t *testing.T) {
	c, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	item := func(id ListID, no int) *Item { return &c.List(id).Items[no-1] }

	fire := item(Duties, 14)
	if fire.Text != "确定消防安全管理人，组织制定消防安全公约，进行消防安全检查；并履行公众性消防安全自我教育工作" ||
		!slices.Equal(fire.Basis, []string{"《中华人民共和国消防法》第三十二条、第四十二条、第四十四条"}) ||
		fire.Reading != "《中华人民共和国消防法》第三十二条、第三 四十二条、第四十二条、第四十四条" ||
		!strings.Contains(fire.NoteZh, "第三 四十二条") {
		t.Errorf("附件1 第14项 %+v", *fire)
	}
	if it := item(Duties, 12); !strings.HasPrefix(it.Reading, "遵守妇女、儿童和老年人权益保障工作 ｜ 4. ") {
		t.Errorf("附件1 第12项 reading %q", it.Reading)
	}
	if it := item(Assist, 1); !slices.Equal(it.Basis, []string{"《宪法》第一百一十一条", "《居民委员会组织法》第三条第四款"}) {
		t.Errorf("附件2 第1项 basis %q: short names as printed", it.Basis)
	}
	if it := item(Assist, 13); it.Reading != "协助人民政府或者它的派出机关做好优扶工作" || it.Category != "优抚" || it.CategoryInferred {
		t.Errorf("附件2 第13项 %+v", *it)
	}
	for no := 14; no <= 24; no++ {
		if it := item(Assist, no); !it.CategoryInferred {
			t.Errorf("附件2 第%d项: category %q not marked inferred", no, it.Category)
		}
	}
	if it := item(Assist, 14); it.Category != "教育" || it.CategoryLabel() != "教育（推定）" {
		t.Errorf("附件2 第14项 category %q, label %q", it.Category, it.CategoryLabel())
	}
	if it := item(Assist, 25); it.CategoryInferred || it.CategoryLabel() != "社会救助" {
		t.Errorf("附件2 第25项 category label %q", it.CategoryLabel())
	}
	// Kept as printed, with a remark and no reading.
	if it := item(Assist, 27); it.Text != "设立群众性文物保护区组织" || it.Reading != "" || it.NoteZh == "" || !it.Annotated() {
		t.Errorf("附件2 第27项 %+v", *it)
	}
	if it := item(Supervise, 2); it.Reading != "组织居民群众与社区单位及社区建设的情况进行民主评议" || !it.Annotated() {
		t.Errorf("附件3 第2项 %+v", *it)
	}
	if it := item(Certificates, 3); it.Text != "居民在社区居住证明" || it.Annotated() {
		t.Errorf("附件4 第3项 %+v", *it)
	}

	var readings, notes, inferred int
	for _, l := range c.Lists {
		for _, it := range l.Items {
			if it.Reading != "" {
				readings++
			}
			if it.NoteZh != "" {
				notes++
			}
			if it.CategoryInferred {
				inferred++
			}
		}
	}
	if readings != 10 || notes != 13 || inferred != 13 {
		t.Errorf("%d readings, %d notes, %d inferred categories; the reference has 10, 13, 13", readings, notes, inferred)
	}

	f := c.ApprovalForm
	if f.Fields[len(f.Fields)-1].Label != "长治市社区建设领导小组办公室意见" || !strings.Contains(f.ReadingZh, "长沙") {
		t.Errorf("approval form: last row %q, reading_zh %q", f.Fields[len(f.Fields)-1].Label, f.ReadingZh)
	}
	if f.Fields[5].Label != FormTerm || f.Fields[5].NoteZh == "" || !slices.Equal(f.Fields[5].Choices, []string{"临时性", "阶段性", "长期"}) {
		t.Errorf("approval form term row %+v", f.Fields[5])
	}
	wantNotes := []string{
		"申请准入社区填写某社区或某县（市、区）辖区内社区或全市社区等。",
		"市级部门延伸到社区的工作事项须经市社区建设领导小组办公室同意，县（市、区）部门延伸到社区的工作事项须经县（市、区）社区建设工作领导机构同意。",
		"申请书附后，申请书的内容包括准入事项的内容、必要性、时间、人员安排、经费保障及赋予社区的权限等需要说明的内容。本表连同申请书一式三份。",
	}
	if !slices.Equal(f.Notes, wantNotes) {
		t.Errorf("approval form notes %q", f.Notes)
	}
	if p := Policy(); !strings.Contains(p, "〖") || !strings.Contains(p, "整理说明：") || !strings.Contains(p, "长治市民政局办公室　　2017年10月24日印发") {
		t.Error("policy.md is not the revised text")
	}
}

func TestCite(t *testing.T) {
	c, _ := LoadCatalog()
	for phrase, want := range map[string]Citation{
		RuleDepartmentDuty:      {"三", "各职能部门、企事业单位、社会组织职责范围内的证明事项不得要求社区出具证明，社区居民委员会也有权拒绝。"},
		RuleUnapprovedWork:      {"四", "工作事项进入社区，除法律、法规和规章有明确规定外，须经同级社区建设工作领导小组办公室审批同意，未经批准的工作事项一律不得进入社区。"},
		RuleUnlistedCertificate: {"四", "未列入清单但需出具证明的事项，应按照社区准入原则向同级社区建设工作领导组办公室申请，经审批同意后方可出具。"},
		RulePowersAndFunds:      {"四", "委托社区承接和办理相关事务的，应按照“权随责走、费随事转”的原则协商，并提供必要的经费保障或实行购买服务。"},
		RuleCertificateList:     {"四", "需社区居民委员会日常出具证明的事项严格落实附件4清单。"},
	} {
		if got := c.Cite(phrase); got != want {
			t.Errorf("Cite(%q) = %+v, want %+v", phrase, got, want)
		}
	}
	if got := c.Cite(RuleDepartmentDuty).Source(); got != "长民发〔2017〕124号 三" {
		t.Errorf("source %q", got)
	}
	if got := c.Cite("没有这句话"); got != (Citation{}) {
		t.Errorf("unknown phrase cited as %+v", got)
	}
}

// The loader refuses data the program cannot show honestly.
func TestValidateRefuses(t *testing.T) {
	fresh := func() *Catalog {
		var c Catalog
		if err := json.Unmarshal(RawCatalog(), &c); err != nil {
			t.Fatal(err)
		}
		if err := c.validate(); err != nil {
			t.Fatalf("embedded catalog: %v", err)
		}
		return &c
	}
	for name, spoil := range map[string]func(c *Catalog){
		"reading without note":        func(c *Catalog) { it := &c.List(Assist).Items[0]; it.Reading = "x" },
		"inferred without category":   func(c *Catalog) { c.List(Duties).Items[0].CategoryInferred = true },
		"form row renamed":            func(c *Catalog) { c.ApprovalForm.Fields[9].Label = "市社区建设领导小组办公室意见" },
		"form row missing":            func(c *Catalog) { c.ApprovalForm.Fields = c.ApprovalForm.Fields[:9] },
		"cited rule missing":          func(c *Catalog) { c.Rules = c.Rules[1:] },
		"cited rule in two sentences": func(c *Catalog) { c.Rules = append(c.Rules, c.Rules[2]) },
	} {
		c := fresh()
		spoil(c)
		if err := c.validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
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
