package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"taizhang/store"
)

// months of the demo data, oldest first.
var demoMonths = []string{"2026-08", "2026-09", "2026-10", "2026-11"}

// Exporting every month in turn gives bundles that each verify in full and
// whose segments join into the whole chain, each bundle naming the one
// before it.
func TestRoundTripJoinsTheChain(t *testing.T) {
	db, op, _ := ledger(t)
	var prev *Result
	var events int
	for _, month := range append(demoMonths, "2026-12") {
		if month == "2026-12" {
			// December holds only the export events of the months before.
			n, head, err := db.VerifyChain()
			if err != nil {
				t.Fatal(err)
			}
			defer func(n uint64, head string) {
				if prev.Manifest.Last != n || prev.Manifest.Head != head {
					t.Errorf("the last bundle ends at %d %s, the chain at %d %s", prev.Manifest.Last, prev.Manifest.Head, n, head)
				}
			}(n, head)
		}
		res := export(t, db, op, month, ExportOptions{Version: "test"})
		m := res.Manifest
		rep, err := Verify(res.Path, VerifyOptions{ExpectKey: m.Fingerprint})
		if err != nil {
			t.Fatalf("%s: %v", month, err)
		}
		if !rep.ContentsChecked || rep.ManifestHash != res.ManifestHash || rep.Check.Head != m.Head {
			t.Errorf("%s: report %+v", month, rep)
		}
		if m.Month != month || m.N != 1 || filepath.Base(res.Path) != m.Bundle || m.Bundle != "140403_示例社区（演示数据）_"+month+"_1" {
			t.Errorf("%s: manifest %s n %d bundle %s, folder %s", month, m.Month, m.N, m.Bundle, res.Path)
		}
		if prev == nil {
			if m.First != 1 || m.Prev != strings.Repeat("0", 64) || m.PrevManifest != "" {
				t.Errorf("first bundle starts at %d after %s, previous manifest %q", m.First, m.Prev, m.PrevManifest)
			}
		} else {
			if m.First != prev.Manifest.Last+1 || m.Prev != prev.Manifest.Head {
				t.Errorf("%s starts at %d after %.8s; %s ended at %d with %.8s", month, m.First, m.Prev, prev.Manifest.Month, prev.Manifest.Last, prev.Manifest.Head)
			}
			if m.PrevManifest != prev.ManifestHash {
				t.Errorf("%s names previous manifest %s, want %s", month, m.PrevManifest, prev.ManifestHash)
			}
		}
		if res.Record.Bundle != m.Bundle || res.Record.ManifestHash != res.ManifestHash {
			t.Errorf("%s: recorded %+v", month, res.Record)
		}
		events += m.Counts.Events
		prev = &res
	}
	if uint64(events) != prev.Manifest.Last {
		t.Errorf("the bundles hold %d events, the chain up to the last %d", events, prev.Manifest.Last)
	}
	exports, err := db.Exports()
	if err != nil || len(exports) != len(demoMonths)+1 {
		t.Errorf("%d exports recorded (%v), want %d", len(exports), err, len(demoMonths)+1)
	}
}

// tamper is a change to a copy of a bundle and the problem Verify must name.
type tamper struct {
	name    string
	change  func(t *testing.T, dir string)
	problem Problem
	file    string
}

func flipByte(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		path := filepath.Join(dir, name)
		b := readFile(t, path)
		b[len(b)/2] ^= 0x01
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func truncate(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		path := filepath.Join(dir, name)
		if err := os.Truncate(path, int64(len(readFile(t, path))*2/3)); err != nil {
			t.Fatal(err)
		}
	}
}

func remove(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// editManifest changes the manifest and signs it again with key (the
// office's own key when nil is not wanted: see the cases).
func editManifest(key func() store.Signer, edit func(*Manifest)) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		m, err := readManifest(readFile(t, filepath.Join(dir, ManifestFile)))
		if err != nil {
			t.Fatal(err)
		}
		edit(&m)
		s := key()
		m.SigningKey, m.Fingerprint = s.PublicText(), store.Fingerprint(s.Public)
		body, err := m.sign(s.Private)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// Every kind of damage is caught, and named.
func TestVerifyCatchesTampering(t *testing.T) {
	db, op, _ := ledger(t)
	res := export(t, db, op, "2026-10", ExportOptions{Version: "test"})
	office, err := db.Signer()
	if err != nil {
		t.Fatal(err)
	}
	officeKey := func() store.Signer { return office }
	strangerKey := func() store.Signer { return newSigner(t) }
	csvs := []string{"证明.csv", "拒绝.csv", "准入.csv"}
	var cases []tamper
	for _, f := range append([]string{LedgerFile, WorkbookFile}, csvs...) {
		cases = append(cases,
			tamper{"changed byte in " + f, flipByte(f), ChangedFile, f},
			tamper{"cut off " + f, truncate(f), CutOffFile, f},
			tamper{"removed " + f, remove(f), MissingFile, f},
		)
	}
	cases = append(cases,
		tamper{"removed manifest", remove(ManifestFile), MissingFile, ManifestFile},
		tamper{"cut off manifest", truncate(ManifestFile), CutOffFile, ManifestFile},
		tamper{"manifest edited", func(t *testing.T, dir string) {
			path := filepath.Join(dir, ManifestFile)
			b := strings.Replace(string(readFile(t, path)), `"n": 1`, `"n": 2`, 1)
			os.WriteFile(path, []byte(b), 0o600)
		}, BadSignature, ManifestFile},
		tamper{"byte appended to 证明.csv", func(t *testing.T, dir string) {
			f, _ := os.OpenFile(filepath.Join(dir, "证明.csv"), os.O_APPEND|os.O_WRONLY, 0)
			f.Write([]byte{'\n'})
			f.Close()
		}, ChangedFile, "证明.csv"},
		tamper{"re-signed with another key", editManifest(strangerKey, func(*Manifest) {}), UnknownKey, ""},
		tamper{"counts changed, re-signed with the office key", editManifest(officeKey, func(m *Manifest) { m.Counts.Certificates++ }), Mismatch, ""},
		tamper{"segment moved, re-signed", editManifest(officeKey, func(m *Manifest) { m.First++ }), BrokenChain, LedgerFile},
		tamper{"certificate changed in ledger.db, hash and signature redone", func(t *testing.T, dir string) {
			path := filepath.Join(dir, LedgerFile)
			editCert(t, path)
			b := readFile(t, path)
			editManifest(officeKey, func(m *Manifest) {
				for i := range m.Files {
					if m.Files[i].Name == LedgerFile {
						m.Files[i].Size, m.Files[i].SHA256 = int64(len(b)), sha(b)
					}
				}
			})(t, dir)
		}, BrokenChain, LedgerFile},
	)
	// A changed byte anywhere in the manifest is a bad signature, or no
	// manifest at all.
	for i := 0; i < 3; i++ {
		cases = append(cases, tamper{"changed byte in the manifest", func(t *testing.T, dir string) {
			path := filepath.Join(dir, ManifestFile)
			b := readFile(t, path)
			b[len(b)*(i+1)/4] ^= 0x01
			os.WriteFile(path, b, 0o600)
		}, BadSignature, ManifestFile})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, res.Path)
			c.change(t, dir)
			_, err := Verify(dir, VerifyOptions{})
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify: %v, want a VerifyError", err)
			}
			if ve.Problem != c.problem && !(c.problem == BadSignature && ve.File == ManifestFile && ve.Problem == ChangedFile) {
				t.Errorf("problem %d, want %d: %v", ve.Problem, c.problem, err)
			}
			if c.file != "" && ve.File != c.file {
				t.Errorf("names %q, want %q: %v", ve.File, c.file, err)
			}
			if !strings.HasPrefix(err.Error(), "核验未通过：") || (c.file != "" && !strings.Contains(err.Error(), c.file)) {
				t.Errorf("message: %v", err)
			}
		})
	}
	// The untouched bundle still verifies, and not against another key.
	if _, err := Verify(res.Path, VerifyOptions{ExpectKey: store.Fingerprint(office.Public)}); err != nil {
		t.Fatal(err)
	}
	var ve *VerifyError
	if _, err := Verify(res.Path, VerifyOptions{ExpectKey: "0000-0000-0000-0000"}); !errors.As(err, &ve) || ve.Problem != UnknownKey {
		t.Errorf("verify against another fingerprint: %v", err)
	}
}

// Two exports of the same month differ only in n and time (and in what
// follows from them: the name, the previous manifest, the hashes).
func TestSameMonthTwiceDiffersOnlyInNAndTime(t *testing.T) {
	db, op, clk := ledger(t)
	out := t.TempDir()
	first, err := Export(db, op, "2026-11", out, ExportOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(26 * time.Hour)
	second, err := Export(db, op, "2026-11", out, ExportOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Manifest.N != 2 || !strings.HasSuffix(second.Path, "_2026-11_2") {
		t.Fatalf("second export n %d at %s", second.Manifest.N, second.Path)
	}
	a, b := first.Manifest, second.Manifest
	if b.PrevManifest != first.ManifestHash {
		t.Errorf("second names previous manifest %s, want %s", b.PrevManifest, first.ManifestHash)
	}
	for _, m := range []*Manifest{&a, &b} {
		m.N, m.Bundle, m.Created, m.Signature, m.PrevManifest, m.Files = 0, "", "", "", "", nil
	}
	if !sameManifest(a, b) {
		t.Errorf("manifests differ beyond n and time:\n%+v\n%+v", a, b)
	}
	for _, f := range csvFiles {
		if !sameBytes(readFile(t, filepath.Join(first.Path, f)), readFile(t, filepath.Join(second.Path, f))) {
			t.Errorf("%s differs", f)
		}
	}
	// ledger.db: the same segment, records and check.
	repA, segA, errA := store.CheckSegmentFile(filepath.Join(first.Path, LedgerFile))
	repB, segB, errB := store.CheckSegmentFile(filepath.Join(second.Path, LedgerFile))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if segA.N != 1 || segB.N != 2 {
		t.Errorf("ledger.db n %d and %d", segA.N, segB.N)
	}
	segB.N = 1
	if !equalJSON(t, segA, segB) || repA != repB || !sameCounts(segA.Counts(), segB.Counts()) {
		t.Errorf("ledger.db segments differ beyond n")
	}
	// 台账.xlsx: every cell the same but the 汇总 lines that say n and time.
	cellsA, cellsB := workbookCells(t, filepath.Join(first.Path, WorkbookFile)), workbookCells(t, filepath.Join(second.Path, WorkbookFile))
	var diff []string
	for k, v := range cellsA {
		if cellsB[k] != v {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	want := []string{"汇总!B5", "汇总!B6", "汇总!B7"} // 本月第几次导出, 导出包, 导出时间
	if !slices.Equal(diff, want) || len(cellsA) != len(cellsB) {
		t.Errorf("workbooks differ in %v, want %v", diff, want)
	}
}

// A folder already on the stick is never written over.
func TestNeverOverwritesAFolder(t *testing.T) {
	db, op, _ := ledger(t)
	out := t.TempDir()
	old := filepath.Join(out, "140403_示例社区（演示数据）_2026-11_1")
	if err := os.Mkdir(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "note.txt"), []byte("旧的"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Export(db, op, "2026-11", out, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "140403_示例社区（演示数据）_2026-11_2" || res.Manifest.N != 2 || res.Record.N != 2 {
		t.Errorf("wrote %s, n %d, recorded n %d", res.Path, res.Manifest.N, res.Record.N)
	}
	entries, _ := os.ReadDir(old)
	if len(entries) != 1 || string(readFile(t, filepath.Join(old, "note.txt"))) != "旧的" {
		t.Errorf("the old folder was touched: %v", entries)
	}
}

// A month with nothing but the previous month's export event still
// exports, with empty registers.
func TestQuietMonthExports(t *testing.T) {
	db, op, clk := ledger(t)
	for _, m := range demoMonths {
		export(t, db, op, m, ExportOptions{})
	}
	clk.t = time.Date(2027, 1, 5, 9, 0, 0, 0, store.Beijing)
	dec := export(t, db, op, "2026-12", ExportOptions{})
	clk.t = time.Date(2027, 2, 3, 9, 0, 0, 0, store.Beijing)
	jan := export(t, db, op, "2027-01", ExportOptions{})
	c := jan.Manifest.Counts
	if c.Certificates != 0 || c.Refusals != 0 || c.Events != 1 || c.Late != 0 || jan.Manifest.Prev != dec.Manifest.Head {
		t.Errorf("January: %+v from %.8s", c, jan.Manifest.Prev)
	}
	if _, err := Verify(jan.Path, VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	b := readFile(t, filepath.Join(jan.Path, "证明.csv"))
	if strings.Count(string(b), "\r\n") != 1 {
		t.Errorf("证明.csv of a month without certificates:\n%s", b)
	}
}

// Progress counts the files up to all of them; Verify leaves the folder as
// it was and takes the fingerprint as people type it.
func TestProgressAndReadOnlyVerify(t *testing.T) {
	db, op, _ := ledger(t)
	var calls [][2]int64
	res := export(t, db, op, "2026-11", ExportOptions{Progress: func(done, total int64) { calls = append(calls, [2]int64{done, total}) }})
	if len(calls) != steps || calls[len(calls)-1] != [2]int64{steps, steps} {
		t.Errorf("progress calls %v", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] <= calls[i-1][0] {
			t.Errorf("progress went from %v to %v", calls[i-1], calls[i])
		}
	}
	before := snapshot(t, res.Path)
	fp := res.Manifest.Fingerprint
	for _, typed := range []string{fp, strings.ToLower(fp), strings.ReplaceAll(fp, "-", " ")} {
		if _, err := Verify(res.Path, VerifyOptions{ExpectKey: typed}); err != nil {
			t.Errorf("fingerprint typed %q: %v", typed, err)
		}
	}
	if after := snapshot(t, res.Path); after != before {
		t.Errorf("Verify changed the folder:\n%s\n%s", before, after)
	}
}

// snapshot is a folder's names, sizes, modes, times and hashes.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, _ := e.Info()
		fmt.Fprintf(&b, "%s %d %v %v %s\n", e.Name(), info.Size(), info.Mode(), info.ModTime(), sha(readFile(t, filepath.Join(dir, e.Name()))))
	}
	return b.String()
}
