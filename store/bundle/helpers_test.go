package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"taizhang/store"
	"taizhang/store/demo"
	"taizhang/store/storetest"

	"github.com/xuri/excelize/v2"
)

// demoEnd is the last moment of the demo data; the tests export on
// exportDay, after it.
var (
	demoEnd   = time.Date(2026, 11, 27, 16, 0, 0, 0, store.Beijing)
	exportDay = time.Date(2026, 12, 2, 9, 0, 0, 0, store.Beijing)
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var (
	templateOnce sync.Once
	templatePath string
	templateErr  error
)

// template is a demo ledger of about 240 certificates from the end of
// August to 27 November 2026, with a refusal and an approval form whose
// text a spreadsheet would take for formulas, made once per test run.
func template(t testing.TB) string {
	t.Helper()
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bundle-test-*")
		if err != nil {
			templateErr = err
			return
		}
		templatePath = filepath.Join(dir, "demo.db")
		if _, templateErr = demo.Fill(templatePath, demo.Options{Records: 240, Months: 3, Seed: 5, End: demoEnd}, nil); templateErr != nil {
			return
		}
		clk := &clock{demoEnd.Add(time.Hour)}
		db, err := store.Open(templatePath, store.Options{Now: clk.now})
		if err != nil {
			templateErr = err
			return
		}
		defer db.Close()
		ops, err := db.Operators()
		if err != nil {
			templateErr = err
			return
		}
		op := ops[0]
		if _, templateErr = db.AddRefusal(op, store.RefusalInput{Requester: "=HYPERLINK(\"x\")", RequesterKind: "单位",
			Item: "@SUM(A1) 创卫台账", Reason: store.DepartmentsDuty}); templateErr != nil {
			return
		}
		_, templateErr = db.SaveAdmissionDraft(op, store.Admission{Unit: "潞州区民政局", Item: "+高龄津贴生存证明", Kind: store.KindCertificate,
			Term: store.TermTemporary, From: "2026-11", To: "2026-12"})
	})
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	return templatePath
}

// ledger copies the template into the test's folder and opens it with a
// clock at exportDay.
func ledger(t testing.TB) (*store.DB, store.Operator, *clock) {
	t.Helper()
	src := template(t)
	path := filepath.Join(t.TempDir(), "ledger.db")
	copyTo(t, src, path)
	clk := &clock{exportDay}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ops, err := db.Operators()
	if err != nil {
		t.Fatal(err)
	}
	return db, ops[0], clk
}

func copyTo(t testing.TB, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies a bundle folder (flat) to a new folder of the same name.
func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		copyTo(t, filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()))
	}
	return dst
}

func export(t testing.TB, db *store.DB, op store.Operator, month string, opt ExportOptions) Result {
	t.Helper()
	res, err := Export(db, op, month, t.TempDir(), opt)
	if err != nil {
		t.Fatalf("export %s: %v", month, err)
	}
	return res
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifies reports whether any folder in dir verifies.
func anyVerifies(t testing.TB, dir string) string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, err := Verify(filepath.Join(dir, e.Name()), VerifyOptions{}); err == nil {
			return e.Name()
		}
	}
	return ""
}

func sameBytes(a, b []byte) bool { return bytes.Equal(a, b) }

func newSigner(t testing.TB) store.Signer {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return store.Signer{Private: priv, Public: pub}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// editCert renames the first certificate in a ledger.db behind its events.
func editCert(t testing.TB, path string) {
	t.Helper()
	storetest.EditFirstJSON(t, path, "certs", "name", "篡改")
}

func equalJSON(t testing.TB, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func sameManifest(a, b Manifest) bool {
	ca, cb := a.Counts, b.Counts
	a.Counts, b.Counts = store.Counts{}, store.Counts{}
	return reflect.DeepEqual(a, b) && sameCounts(ca, cb)
}

// workbookCells reads every cell of a workbook as "sheet!A1" -> text.
func workbookCells(t testing.TB, path string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells := map[string]string{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				cells[sh+"!"+name] = v
			}
		}
	}
	return cells
}

func TestMain(m *testing.M) {
	if os.Getenv(envExportChild) != "" {
		os.Exit(exportChild())
	}
	code := m.Run()
	for _, p := range []string{templatePath, bigPath} {
		if p != "" {
			os.RemoveAll(filepath.Dir(p))
		}
	}
	if gold != nil {
		os.RemoveAll(gold.dir)
	}
	os.Exit(code)
}
