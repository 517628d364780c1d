package bundle

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"filippo.io/age"
	"github.com/xuri/excelize/v2"

	"taizhang/store"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86 123": "'+86 123", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"a=b": "a=b", "张三": "张三", "": "", "2026-0001": "2026-0001", "'=x": "'=x",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// The CSV files start with a byte-order mark, read back as written, and
// carry formula-like text neutralised.
func TestCSVFiles(t *testing.T) {
	db, op, _ := ledger(t)
	res := export(t, db, op, "2026-11", ExportOptions{})
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	for i, reg := range registers(seg, false) {
		b := readFile(t, filepath.Join(res.Path, csvFiles[i]))
		if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
			t.Fatalf("%s has no byte-order mark", csvFiles[i])
		}
		rows, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(reg.rows)+1 || rows[0][0] != reg.cols[0].head {
			t.Fatalf("%s: %d rows, header %v; want %d", csvFiles[i], len(rows), rows[0], len(reg.rows)+1)
		}
		for r, row := range reg.rows {
			for c, v := range row {
				if want := Neutralise(cellText(v)); rows[r+1][c] != want {
					t.Errorf("%s row %d column %s: %q, want %q", csvFiles[i], r+1, reg.cols[c].head, rows[r+1][c], want)
				}
			}
		}
	}
	refusals := string(readFile(t, filepath.Join(res.Path, "拒绝.csv")))
	admissions := string(readFile(t, filepath.Join(res.Path, "准入.csv")))
	for _, want := range []string{`"'=HYPERLINK(""x"")"`, "'@SUM(A1) 创卫台账"} {
		if !strings.Contains(refusals, want) {
			t.Errorf("拒绝.csv lacks %s", want)
		}
	}
	if !strings.Contains(admissions, "'+高龄津贴生存证明") {
		t.Errorf("准入.csv lacks the neutralised item:\n%s", admissions)
	}
}

// 台账.xlsx has the summary and the three registers, ID numbers as text
// cells, the header row as print titles and A4 landscape pages; masking
// touches the people's files only.
func TestWorkbook(t *testing.T) {
	db, op, _ := ledger(t)
	for _, mask := range []bool{false, true} {
		res := export(t, db, op, "2026-11", ExportOptions{MaskID: mask})
		f, err := excelize.OpenFile(filepath.Join(res.Path, WorkbookFile))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), " "); got != "汇总 证明 拒绝 准入" {
			t.Fatalf("sheets %s", got)
		}
		_, seg, err := store.CheckSegmentFile(filepath.Join(res.Path, LedgerFile))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("证明")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(seg.Certificates)+1 || rows[0][6] != "身份证号" {
			t.Fatalf("证明: %d rows, header %v; segment has %d certificates", len(rows), rows[0], len(seg.Certificates))
		}
		for i, c := range seg.Certificates {
			cell := "G" + itoa(i+2)
			typ, _ := f.GetCellType("证明", cell)
			v, _ := f.GetCellValue("证明", cell)
			want := c.IDNumber
			if mask {
				want = want[:6] + "********" + want[14:]
			}
			if typ != excelize.CellTypeInlineString || v != want || len(c.IDNumber) != 18 {
				t.Fatalf("证明!%s: type %v value %q, want text %q", cell, typ, v, want)
			}
			if rows[i+1][0] != c.FullSerial(seg.Profile) || rows[i+1][5] != c.Name {
				t.Fatalf("row %d: %v", i+2, rows[i+1])
			}
		}
		for _, sh := range []string{"证明", "拒绝", "准入"} {
			lay, err := f.GetPageLayout(sh)
			if err != nil || lay.Size == nil || *lay.Size != 9 || lay.Orientation == nil || *lay.Orientation != "landscape" {
				t.Errorf("%s page layout %+v %v", sh, lay, err)
			}
			if !hasPrintTitles(f, sh) {
				t.Errorf("%s has no print titles", sh)
			}
		}
		summary := workbookCells(t, filepath.Join(res.Path, WorkbookFile))
		if summary["汇总!A11"] != "出具证明" || summary["汇总!B11"] != itoa(res.Manifest.Counts.Certificates) {
			t.Errorf("汇总: %q %q", summary["汇总!A11"], summary["汇总!B11"])
		}
		csvText := string(readFile(t, filepath.Join(res.Path, "证明.csv")))
		if full := seg.Certificates[0].IDNumber; strings.Contains(csvText, full) == mask {
			t.Errorf("mask %v: 证明.csv holds the full number %v", mask, !mask)
		}
	}
}

func hasPrintTitles(f *excelize.File, sheet string) bool {
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == sheet && dn.RefersTo == "'"+sheet+"'!$1:$1" {
			return true
		}
	}
	return false
}

func itoa(n int) string { return cellText(n) }

// With the receiving office's key every file but the manifest is
// encrypted; the office's identity opens and fully verifies the bundle,
// another one does not, and the manifest holds no personal data.
func TestEncryptedRoundTrip(t *testing.T) {
	db, op, _ := ledger(t)
	keyFile := filepath.Join(t.TempDir(), "接收单位.key")
	pub, err := Keygen(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	res := export(t, db, op, "2026-11", ExportOptions{Recipient: pub})
	entries, _ := os.ReadDir(res.Path)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != "MANIFEST.json ledger.db.age 准入.csv.age 台账.xlsx.age 拒绝.csv.age 证明.csv.age" {
		t.Fatalf("files: %s", got)
	}
	manifest := string(readFile(t, filepath.Join(res.Path, ManifestFile)))
	_, seg, err := store.CheckSegmentFile(filepath.Join(export(t, db, op, "2026-11", ExportOptions{}).Path, LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range seg.Certificates {
		if strings.Contains(manifest, c.Name) || strings.Contains(manifest, c.IDNumber) || strings.Contains(manifest, c.IDNumber[:10]) {
			t.Fatalf("the manifest holds %s's name or ID number", c.Name)
		}
	}

	rep, err := Verify(res.Path, VerifyOptions{})
	if err != nil || rep.ContentsChecked {
		t.Fatalf("without identity: %v, contents checked %v", err, rep.ContentsChecked)
	}
	if !strings.Contains(rep.String(), "没有核对内容") {
		t.Errorf("summary does not say the contents were not checked:\n%s", rep)
	}
	ids := identities(t, keyFile)
	rep, err = Verify(res.Path, VerifyOptions{Identity: ids})
	if err != nil || !rep.ContentsChecked || rep.Check.Head != res.Manifest.Head {
		t.Fatalf("with identity: %v, %+v", err, rep)
	}
	stranger, _ := age.GenerateX25519Identity()
	var ve *VerifyError
	if _, err := Verify(res.Path, VerifyOptions{Identity: []age.Identity{stranger}}); !errors.As(err, &ve) || ve.Problem != WrongKey {
		t.Fatalf("with another identity: %v", err)
	}
	// The decrypted workbook is a workbook.
	in, _ := os.Open(filepath.Join(res.Path, WorkbookFile+AgeSuffix))
	defer in.Close()
	r, err := age.Decrypt(in, ids...)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	f, err := excelize.OpenReader(bytes.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	// A changed byte inside the encrypted ledger is caught by its hash.
	dir := copyDir(t, res.Path)
	flipByte(LedgerFile+AgeSuffix)(t, dir)
	if _, err := Verify(dir, VerifyOptions{Identity: ids}); !errors.As(err, &ve) || ve.Problem != ChangedFile || ve.File != LedgerFile+AgeSuffix {
		t.Fatalf("changed encrypted ledger: %v", err)
	}
	// A key that is not an age key is refused before anything is written.
	out := t.TempDir()
	var re *RecipientError
	if _, err := Export(db, op, "2026-11", out, ExportOptions{Recipient: "age1notakey"}); !errors.As(err, &re) {
		t.Fatalf("bad recipient: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a bad recipient left %v", entries)
	}
}

func identities(t testing.TB, path string) []age.Identity {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "office.key")
	pub, err := Keygen(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || (st.Mode().Perm() != 0o600 && os.PathSeparator == '/') {
		t.Fatalf("identity file mode %v (%v)", st.Mode(), err)
	}
	ids := identities(t, path)
	if x, ok := ids[0].(*age.X25519Identity); !ok || x.Recipient().String() != pub || !strings.HasPrefix(pub, "age1") {
		t.Errorf("identity does not match %s", pub)
	}
	before := readFile(t, path)
	var ke *KeyExistsError
	if _, err := Keygen(path); !errors.As(err, &ke) || !strings.Contains(err.Error(), "不会覆盖") {
		t.Errorf("second keygen: %v", err)
	}
	if !bytes.Equal(readFile(t, path), before) {
		t.Error("the identity file was overwritten")
	}
}

func TestFolderName(t *testing.T) {
	long := strings.Repeat("𠮷", 200) // outside the BMP: two UTF-16 units each
	for _, c := range []struct {
		community string
		station   int
		want      string
	}{
		{"英雄南路社区", 1, "140403_英雄南路社区_2026-11_1"},
		{"英雄南路社区", 0, "140403_英雄南路社区_2026-11_1"},
		{"英雄南路社区", 2, "140403_英雄南路社区_2_2026-11_1"},
		{`A/B\C:D*E?F"G<H>I|J`, 1, "140403_A_B_C_D_E_F_G_H_I_J_2026-11_1"},
		{"社区\x01\u200b名.. ", 1, "140403_社区__名_2026-11_1"},
	} {
		if got := FolderName("140403", c.community, c.station, "2026-11", 1); got != c.want {
			t.Errorf("FolderName(%q, %d) = %q, want %q", c.community, c.station, got, c.want)
		}
	}
	name := FolderName("140403", long, 12, "2026-11", 3)
	if n := len(utf16.Encode([]rune(tempPrefix + name))); n > maxNameUnits || !strings.HasSuffix(name, "_12_2026-11_3") {
		t.Errorf("long name: %d units: %s", n, name)
	}
}
