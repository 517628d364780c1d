// Package aggtest builds, once per test run, what the receiving office's
// tests need: the demo ledgers of a few communities (one with two
// windows), their monthly bundles on a "stick", and an impostor's bundle.
// Tests only read what it built; they copy a bundle before damaging it.
package aggtest

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/bundle"
	"taizhang/store/demo"
)

// ExportDay is when the bundles were made; Months are the months exported.
var (
	ExportDay = time.Date(2026, 12, 2, 9, 0, 0, 0, store.Beijing)
	Months    = []string{"2026-08", "2026-09", "2026-10", "2026-11"}
)

// Ledger is one community window's demo ledger and its bundles.
type Ledger struct {
	Path      string
	Profile   store.Profile
	Encrypted bool
	Bundles   map[string]string // month -> bundle folder (on the stick)
}

// Fixture is everything built.
type Fixture struct {
	Dir      string
	Identity *age.X25519Identity // the receiving office's key
	Ledgers  []Ledger            // 英雄南路社区 windows 1 and 2, 东和社区
	Stick    string              // a folder holding every bundle, one folder per window
	ReExport string              // 英雄南路社区 window 1, November exported again (n = 2)
	Impostor string              // a bundle claiming to be 英雄南路社区 window 1, signed by another key
}

var (
	once    sync.Once
	built   *Fixture
	buildEr error
)

// Build returns the fixture, building it on first use.
func Build(t testing.TB) *Fixture {
	t.Helper()
	once.Do(func() { built, buildEr = build() })
	if buildEr != nil {
		t.Fatal(buildEr)
	}
	return built
}

// Cleanup removes what Build made (call it from TestMain).
func Cleanup() {
	if built != nil {
		os.RemoveAll(built.Dir)
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func profile(community, street, county string, station int) store.Profile {
	return store.Profile{Community: community, Street: street, CountyCode: county, SerialPrefix: "演示", Phone: "0355-2021234", Station: station}
}

func build() (*Fixture, error) {
	dir, err := os.MkdirTemp("", "taizhang-aggtest-*")
	if err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f := &Fixture{Dir: dir, Identity: id, Stick: filepath.Join(dir, "stick")}
	specs := []struct {
		p         store.Profile
		records   int
		months    int
		end       time.Time
		encrypted bool
	}{
		{profile("英雄南路社区", "英雄南路街道办事处", "140403", 1), 90, 3, time.Date(2026, 11, 27, 16, 0, 0, 0, store.Beijing), true},
		{profile("英雄南路社区", "英雄南路街道办事处", "140403", 2), 40, 3, time.Date(2026, 11, 26, 16, 0, 0, 0, store.Beijing), false},
		// No records in November: its November bundle is empty.
		{profile("东和社区", "韩店街道办事处", "140404", 1), 50, 2, time.Date(2026, 10, 27, 16, 0, 0, 0, store.Beijing), false},
	}
	for i, s := range specs {
		l := Ledger{Path: filepath.Join(dir, "ledger"+string(rune('a'+i))+".db"), Profile: s.p, Encrypted: s.encrypted}
		p := s.p
		if _, err := demo.Fill(l.Path, demo.Options{Records: s.records, Months: s.months, Seed: int64(i + 1), End: s.end, Profile: &p}, nil); err != nil {
			return nil, err
		}
		if i == 0 {
			if err := approveAdmission(l.Path); err != nil {
				return nil, err
			}
		}
		recipient := ""
		if s.encrypted {
			recipient = id.Recipient().String()
		}
		out := filepath.Join(f.Stick, string(rune('a'+i)))
		if l.Bundles, err = exportMonths(l.Path, out, recipient, Months); err != nil {
			return nil, err
		}
		f.Ledgers = append(f.Ledgers, l)
	}
	again, err := exportMonths(f.Ledgers[0].Path, filepath.Join(dir, "again"), id.Recipient().String(), Months[len(Months)-1:])
	if err != nil {
		return nil, err
	}
	f.ReExport = again[Months[len(Months)-1]]
	impostor := filepath.Join(dir, "impostor.db")
	p := specs[0].p
	if _, err := demo.Fill(impostor, demo.Options{Records: 10, Months: 1, Seed: 9, End: specs[0].end, Profile: &p}, nil); err != nil {
		return nil, err
	}
	fake, err := exportMonths(impostor, filepath.Join(dir, "impostor"), "", []string{"2026-10"})
	if err != nil {
		return nil, err
	}
	f.Impostor = fake["2026-10"]
	return f, nil
}

// approveAdmission records an approved admission in force from November
// 2026, late on 28 November.
func approveAdmission(path string) error {
	clk := &clock{time.Date(2026, 11, 28, 10, 0, 0, 0, store.Beijing)}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		return err
	}
	defer db.Close()
	ops, err := db.Operators()
	if err != nil {
		return err
	}
	op := ops[0]
	a, err := db.SaveAdmissionDraft(op, store.Admission{
		Unit: "长治市潞州区城市管理局", UnitLevel: store.UnitCountyLevel, Scope: store.ScopeThis, Item: "垃圾分类入户宣传",
		Kind: store.KindWork, Basis: "《长治市生活垃圾分类管理条例》第十条", AppliedOn: "2026-11-20", Term: store.TermTemporary,
		From: "2026-11", To: "2027-06", Powers: "无", Funding: "每户每年补助10元", LetterContent: "入户宣传", LetterNecessity: "居民多",
		LetterSchedule: "2026年11月至2027年6月", LetterStaffing: "网格员2人", LetterFunding: "区财政专项", LetterPowers: "无",
	})
	if err != nil {
		return err
	}
	if _, err := db.SubmitAdmission(op, a.ID); err != nil {
		return err
	}
	if _, err := db.RecordOpinion(op, a.ID, "县级", "同意", "2026-11-25"); err != nil {
		return err
	}
	_, err = db.DecideAdmission(op, a.ID, true, "同意准入", "2026-11-26")
	return err
}

// exportMonths exports each month of the ledger at ExportDay into out.
func exportMonths(path, out, recipient string, months []string) (map[string]string, error) {
	clk := &clock{ExportDay}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	ops, err := db.Operators()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(out, 0o700); err != nil {
		return nil, err
	}
	dirs := map[string]string{}
	for _, m := range months {
		res, err := bundle.Export(db, ops[0], m, out, bundle.ExportOptions{Recipient: recipient})
		if err != nil {
			return nil, err
		}
		dirs[m] = res.Path
	}
	return dirs, nil
}

// NewAggregate makes an empty aggregate file in the test's temp folder.
func NewAggregate(t testing.TB) (*aggregate.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "汇总.db")
	db, err := aggregate.Create(path, aggregate.Office{Name: "潞州区民政局"}, aggregate.Options{Now: (&clock{ExportDay.Add(24 * time.Hour)}).now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// Options are the receive options with the office's identity.
func (f *Fixture) Options(apply bool) aggregate.ReceiveOptions {
	return aggregate.ReceiveOptions{Identity: []age.Identity{f.Identity}, Apply: apply}
}

// CopyBundle copies a bundle folder into the test's temp folder, to damage.
func CopyBundle(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out, err := os.Create(filepath.Join(dst, e.Name()))
		if err == nil {
			_, err = io.Copy(out, in)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		in.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// Own is a ledger's own count of one month: valid and voided certificates
// per type name by month of issue, refusals per reason by date.
type Own map[string]*aggregate.Count

func (o Own) at(month string) *aggregate.Count {
	if o[month] == nil {
		o[month] = &aggregate.Count{Valid: map[string]int{}, Voided: map[string]int{}, Refusals: map[string]int{}}
	}
	return o[month]
}

// OwnCounts counts a source ledger's records, month by month, from the
// ledger itself.
func OwnCounts(t testing.TB, path string) Own {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	own := Own{}
	err = db.AllRows(func(r store.CertRow) {
		c, err := db.Certificate(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := own.at(c.IssueDate[:7])
		if c.Status == store.Voided {
			m.Voided[c.TypeName]++
		} else {
			m.Valid[c.TypeName]++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.AllRefusals(func(r store.Refusal) { own.at(r.Date[:7]).Refusals[string(r.Reason)]++ })
	if err != nil {
		t.Fatal(err)
	}
	return own
}
