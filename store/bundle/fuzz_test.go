package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/cryptotest"
	"unicode"
	"unicode/utf8"

	"filippo.io/age"
	bolt "go.etcd.io/bbolt"

	"taizhang/store"
	"taizhang/store/demo"
)

// The fuzz targets change one file of a bundle (by a patch, see
// applyPatch), sign the manifest again when told to, and take the bundle
// in as Verify and Read do. A bundle that is not what the office exported
// must come back as a *VerifyError with a Chinese message, never a panic,
// and never be accepted.
//
// The bundles they change are made once per process from a demo ledger
// with crypto/rand seeded (cryptotest.SetGlobalRandom), so that a patch
// means the same change in every run. CI runs each for a few seconds
// (.ci/run); the long runs are
//
//	go test -run '^$' -fuzz '^FuzzManifest$' -fuzztime 10m -parallel 1 ./store/bundle
//	go test -run '^$' -fuzz '^FuzzBundleLedger$' -fuzztime 10m -parallel 1 ./store/bundle

// golden is a month exported twice, plain and encrypted.
type golden struct {
	dir      string // holds both bundles; removed by TestMain
	plain    string
	enc      string
	ids      []age.Identity
	office   store.Signer
	stranger store.Signer
	check    store.CheckReport
	seg      store.Segment
	records  []string // what Read hands to its visit, in order
	// plainHash is the plain bundle's manifest hash, the one the
	// encrypted bundle names as the previous.
	plainHash string
}

var (
	goldOnce sync.Once
	gold     *golden
	goldErr  error
)

func goldenBundles(t *testing.T) *golden {
	goldOnce.Do(func() {
		cryptotest.SetGlobalRandom(t, 12)
		gold, goldErr = makeGolden()
	})
	if goldErr != nil {
		t.Fatal(goldErr)
	}
	return gold
}

func makeGolden() (*golden, error) {
	dir, err := os.MkdirTemp("", "bundle-fuzz-*")
	if err != nil {
		return nil, err
	}
	g := &golden{dir: dir}
	path := filepath.Join(dir, "demo.db")
	if _, err := demo.Fill(path, demo.Options{Records: 240, Months: 3, Seed: 5, End: demoEnd}, nil); err != nil {
		return g, err
	}
	clk := &clock{exportDay}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		return g, err
	}
	defer db.Close()
	ops, err := db.Operators()
	if err != nil {
		return g, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return g, err
	}
	g.ids = []age.Identity{id}
	if g.office, err = db.Signer(); err != nil {
		return g, err
	}
	g.stranger = signerFromSeed(7)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		return g, err
	}
	// August holds 17 events: a ledger.db of 64 KB.
	for _, recipient := range []string{"", id.Recipient().String()} {
		res, err := Export(db, ops[0], "2026-08", out, ExportOptions{Version: "fuzz", Recipient: recipient})
		if err != nil {
			return g, err
		}
		if recipient == "" {
			// The plain bundle's ledger.db is the one both get.
			b, err := os.ReadFile(filepath.Join(res.Path, LedgerFile))
			if err != nil {
				return g, err
			}
			if err := os.WriteFile(filepath.Join(dir, "segment.db"), b, 0o600); err != nil {
				return g, err
			}
		}
		if err := g.steady(res.Path, id); err != nil {
			return g, err
		}
		if recipient == "" {
			g.plain = res.Path
		} else {
			g.enc = res.Path
		}
	}
	rep, err := Verify(g.plain, VerifyOptions{})
	if err != nil {
		return g, err
	}
	g.check = rep.Check
	if _, g.seg, err = Read(g.plain, VerifyOptions{}, g.visit(&g.records)); err != nil {
		return g, err
	}
	return g, nil
}

// steady makes a bundle the same in every run and signs its manifest
// again: 台账.xlsx, whose bytes differ from run to run, becomes a stand-in
// (Verify and Read only hash it), and ledger.db, whose pages bbolt's map
// freelist places differently from run to run, is compacted into a copy
// laid out in key order. A patch then means the same change in every run.
func (g *golden) steady(dir string, id *age.X25519Identity) error {
	path := filepath.Join(dir, ManifestFile)
	file, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m, err := readManifest(file)
	if err != nil {
		return err
	}
	ledger, err := compacted(filepath.Join(g.dir, "segment.db"))
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{WorkbookFile: []byte("stand-in for the workbook\n"), LedgerFile: ledger} {
		if m.Encrypted {
			name += AgeSuffix
			var b bytes.Buffer
			w, err := age.Encrypt(&b, id.Recipient())
			if err != nil {
				return err
			}
			if _, err := w.Write(data); err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				return err
			}
			data = b.Bytes()
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return err
		}
		for i := range m.Files {
			if m.Files[i].Name == name {
				m.Files[i].Size, m.Files[i].SHA256 = int64(len(data)), sha(data)
			}
		}
	}
	if m.Encrypted {
		m.PrevManifest = g.plainHash
	}
	if file, err = m.sign(g.office.Private); err != nil {
		return err
	}
	g.plainHash = HashManifest(file)
	return os.WriteFile(path, file, 0o600)
}

// compacted is the bbolt file src copied key by key into a new file.
func compacted(src string) ([]byte, error) {
	in, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	dst := src + ".compact"
	os.Remove(dst)
	out, err := bolt.Open(dst, 0o600, nil)
	if err != nil {
		return nil, err
	}
	if err := bolt.Compact(out, in, 1); err != nil { // a commit per key: one bucket changes at a time, so the map of buckets bbolt spills is never iterated
		out.Close()
		return nil, err
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	defer os.Remove(dst)
	return os.ReadFile(dst)
}

func signerFromSeed(b byte) store.Signer {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
	return store.Signer{Private: priv, Public: priv.Public().(ed25519.PublicKey)}
}

// visit collects what Read hands on, as text.
func (g *golden) visit(into *[]string) store.SegmentVisit {
	return store.SegmentVisit{
		Certificate: func(h store.CertHead, raw []byte) error {
			*into = append(*into, fmt.Sprintf("cert %+v %s", h, raw))
			return nil
		},
		Refusal: func(r store.Refusal, raw []byte) error {
			*into = append(*into, fmt.Sprintf("refusal %s", raw))
			return nil
		},
		Admission: func(a store.Admission, raw []byte) error {
			*into = append(*into, fmt.Sprintf("admission %s", raw))
			return nil
		},
	}
}

// applyPatch edits b by a list of 4-byte operations [op, offset high,
// offset low, value]: op&3 is 0 replace the byte at offset by value, 1
// insert value there, 2 delete the byte there, 3 cut the file there; op&4
// counts the offset from the end. Offsets wrap around the length.
func applyPatch(b, patch []byte) []byte {
	b = slices.Clone(b)
	for ; len(patch) >= 4; patch = patch[4:] {
		op, val := patch[0], patch[3]
		off := int(patch[1])<<8 | int(patch[2])
		if op&3 == 0 || op&3 == 2 {
			if len(b) == 0 {
				continue
			}
			off %= len(b)
		} else {
			off %= len(b) + 1
		}
		if op&4 != 0 {
			off = len(b) - 1 - off
			if op&3 == 1 || op&3 == 3 {
				off++
			}
		}
		switch op & 3 {
		case 0:
			b[off] = val
		case 1:
			b = slices.Insert(b, off, val)
		case 2:
			b = slices.Delete(b, off, off+1)
		case 3:
			b = b[:off]
		}
	}
	return b
}

// bundleWith is a copy of the bundle src (its files linked, not copied)
// with the files in changed written instead.
func bundleWith(t *testing.T, src string, changed map[string][]byte) string {
	dir := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := changed[e.Name()]; !ok {
			if err := os.Link(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, b := range changed {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// resign signs m with s, naming s's key.
func resign(t *testing.T, m Manifest, s store.Signer) []byte {
	m.SigningKey, m.Fingerprint = s.PublicText(), store.Fingerprint(s.Public)
	b, err := m.sign(s.Private)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkRefusal: err is a VerifyError whose message is a Chinese sentence,
// in UTF-8 and without control characters, whatever the files hold.
func checkRefusal(t *testing.T, what string, err error) {
	t.Helper()
	var ve *VerifyError
	if !errors.As(err, &ve) {
		t.Fatalf("%s: %T %v, want a *VerifyError", what, err, err)
	}
	msg := err.Error()
	if !utf8.ValidString(msg) || strings.ContainsFunc(msg, unicode.IsControl) ||
		!strings.HasPrefix(msg, "核验未通过：") || !strings.ContainsFunc(strings.TrimPrefix(msg, "核验未通过："), isHan) {
		t.Fatalf("%s: message %q", what, msg)
	}
}

// takeIn verifies dir and reads it as the receiving office does.
func (g *golden) takeIn(t *testing.T, dir string) (rep Report, verr error, seg store.Segment, records []string, rerr error) {
	opt := VerifyOptions{Identity: g.ids}
	rep, verr = Verify(dir, opt)
	_, seg, rerr = Read(dir, opt, g.visit(&records))
	return
}

// FuzzManifest changes MANIFEST.json of a plain or encrypted bundle (mode
// bit 2). Mode%3: 0 the bytes as patched; 1 the manifest they parse to,
// signed again with the office key; 2 signed with another key. Only the
// office's own bytes verify; a manifest the office key signs again
// verifies only if it says what the bundle holds (the fields the files
// prove are unchanged); one signed by another key never does. Verify and
// Read agree, since ledger.db is the one exported.
func FuzzManifest(f *testing.F) {
	for mode := range uint8(6) {
		f.Add([]byte{}, mode)
	}
	f.Add([]byte{4, 0, 6, '/'}, uint8(0))                     // last character of the signature's base64
	f.Add([]byte{5, 0, 3, ' '}, uint8(0))                     // a space before the closing quote
	f.Add([]byte{3, 4, 0, 0}, uint8(0))                       // cut off
	f.Add([]byte{0, 0, 40, '2'}, uint8(1))                    // office key, a field changed
	f.Add([]byte{1, 0, 1, '\n', 0, 0, 0, ' '}, uint8(1))      // office key, same fields respaced
	f.Add([]byte("\x03\x00\x00\x00"), uint8(0))               // empty
	f.Add([]byte("\x00\x00\x00{\x03\x00\x01\x00"), uint8(0))  // "{"
	f.Add([]byte("\x00\x00\x00[\x03\x00\x01\x00"), uint8(1))  // "[" (not an object)
	f.Add([]byte{0, 0, 100, 0xff, 0, 0, 101, 0xfe}, uint8(4)) // invalid UTF-8, encrypted bundle
	f.Fuzz(func(t *testing.T, patch []byte, mode uint8) {
		g := goldenBundles(t)
		src := g.plain
		if mode&4 != 0 {
			src = g.enc
		}
		orig, err := os.ReadFile(filepath.Join(src, ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		om, err := readManifest(orig)
		if err != nil {
			t.Fatal(err)
		}
		file := applyPatch(orig, patch)
		var m Manifest
		parsed := json.Unmarshal(file, &m) == nil
		switch {
		case mode%3 == 1 && parsed:
			file = resign(t, m, g.office)
		case mode%3 == 2 && parsed:
			file = resign(t, m, g.stranger)
		}
		dir := bundleWith(t, src, map[string][]byte{ManifestFile: file})
		rep, verr, _, _, rerr := g.takeIn(t, dir)
		if (verr == nil) != (rerr == nil) {
			t.Fatalf("Verify: %v; Read: %v", verr, rerr)
		}
		if verr != nil {
			checkRefusal(t, "Verify", verr)
			checkRefusal(t, "Read", rerr)
			return
		}
		switch {
		case mode%3 == 0 || !parsed:
			if !bytes.Equal(file, orig) {
				t.Fatalf("a changed manifest verifies:\n%s\nwas\n%s", file, orig)
			}
		case mode%3 == 2:
			t.Fatalf("a manifest signed by another key verifies:\n%s", file)
		default:
			if diff := provenFields(om, rep.Manifest); diff != "" {
				t.Fatalf("the office key signed a manifest whose %s is not the bundle's, and it verifies:\n%s", diff, file)
			}
		}
		if !rep.ContentsChecked || rep.ManifestHash != HashManifest(file) {
			t.Fatalf("report %+v", rep)
		}
	})
}

// A signature is written one way only: base64 leaves four bits of its
// last character unused, and a manifest whose signature differs there is
// another file (with another hash, by which the receiving office knows a
// bundle) that must not verify. Found by FuzzManifest.
func TestSignatureHasOneSpelling(t *testing.T) {
	g := goldenBundles(t)
	orig, err := os.ReadFile(filepath.Join(g.plain, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	_, sig, _ := signedPart(orig)
	at := bytes.LastIndex(orig, []byte(sig)) + len(strings.TrimRight(sig, "=")) - 1
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var verified []string
	for _, c := range []byte(alphabet) {
		file := slices.Clone(orig)
		file[at] = c
		if _, err := Verify(bundleWith(t, g.plain, map[string][]byte{ManifestFile: file}), VerifyOptions{}); err == nil {
			verified = append(verified, string(c))
		}
	}
	if len(verified) != 1 || verified[0] != string(orig[at]) {
		t.Fatalf("the signature's last character %q: manifests with %v verify", orig[at], verified)
	}
}

// provenFields names the first field the files prove (the segment, counts,
// community, key, format, encryption and the files) that differs.
func provenFields(a, b Manifest) string {
	set := func(fs []FileEntry) []FileEntry {
		fs = slices.Clone(fs)
		slices.SortFunc(fs, func(x, y FileEntry) int { return strings.Compare(x.Name+x.SHA256, y.Name+y.SHA256) })
		return slices.Compact(fs)
	}
	for _, p := range []struct {
		name string
		a, b any
	}{
		{"format", a.Format, b.Format}, {"month", a.Month, b.Month}, {"first", a.First, b.First},
		{"last", a.Last, b.Last}, {"prev", a.Prev, b.Prev}, {"head", a.Head, b.Head},
		{"community", a.Community, b.Community}, {"county", a.CountyCode, b.CountyCode},
		{"station", a.Station, b.Station}, {"key", a.SigningKey, b.SigningKey},
		{"fingerprint", a.Fingerprint, b.Fingerprint}, {"encrypted", a.Encrypted, b.Encrypted},
		{"files", set(a.Files), set(b.Files)},
	} {
		if !reflect.DeepEqual(p.a, p.b) {
			return p.name
		}
	}
	if !sameCounts(a.Counts, b.Counts) {
		return "counts"
	}
	return ""
}

// FuzzBundleLedger changes ledger.db of a plain bundle, or ledger.db.age of
// an encrypted one (mode bit 0), and lists its new size and hash in the
// manifest, signed by the office key or by another (mode bit 1). A bundle
// signed by another key is always refused; one the office key signs is
// taken in only with the segment exported, and when Verify (which replays
// the events) accepts it, with the very records exported.
func FuzzBundleLedger(f *testing.F) {
	for mode := range uint8(4) {
		f.Add([]byte{}, mode)
	}
	f.Add([]byte{0, 0x10, 0x00, 0xff}, uint8(0)) // page 1 (the second meta page)
	f.Add([]byte{0, 0x20, 0x10, 0x00}, uint8(0)) // a page header
	f.Add([]byte{0, 0x30, 0x20, 0x7f}, uint8(2)) // another key
	f.Add([]byte{3, 0x80, 0x00, 0x00}, uint8(0)) // cut in half
	f.Add([]byte{3, 0x00, 0x00, 0x00}, uint8(1)) // empty, encrypted
	f.Add([]byte{0, 0x00, 0x40, 0x01}, uint8(1)) // age header
	f.Fuzz(func(t *testing.T, patch []byte, mode uint8) {
		g := goldenBundles(t)
		src, name := g.plain, LedgerFile
		if mode&1 != 0 {
			src, name = g.enc, LedgerFile+AgeSuffix
		}
		key := g.office
		if mode&2 != 0 {
			key = g.stranger
		}
		orig, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		data := applyPatch(orig, patch)
		mfile, err := os.ReadFile(filepath.Join(src, ManifestFile))
		if err != nil {
			t.Fatal(err)
		}
		m, err := readManifest(mfile)
		if err != nil {
			t.Fatal(err)
		}
		m.Files = slices.Clone(m.Files)
		for i := range m.Files {
			if m.Files[i].Name == name {
				m.Files[i].Size, m.Files[i].SHA256 = int64(len(data)), sha(data)
			}
		}
		dir := bundleWith(t, src, map[string][]byte{name: data, ManifestFile: resign(t, m, key)})
		rep, verr, seg, records, rerr := g.takeIn(t, dir)
		for _, e := range []struct {
			what string
			err  error
		}{{"Verify", verr}, {"Read", rerr}} {
			switch {
			case e.err != nil:
				checkRefusal(t, e.what, e.err)
			case mode&2 != 0:
				t.Fatalf("%s accepts a ledger.db signed by another key", e.what)
			}
		}
		if rerr == nil && !sameSeg(seg, g.seg) {
			t.Fatalf("Read accepts a ledger.db with another segment: %+v, exported %+v", seg, g.seg)
		}
		if verr == nil {
			if rerr != nil {
				t.Fatalf("Verify accepts what Read refuses: %v", rerr)
			}
			if rep.Check != g.check || !slices.Equal(records, g.records) {
				t.Fatalf("Verify accepts a ledger.db whose records are not the ones exported: %+v", rep.Check)
			}
		}
	})
}

func sameSeg(a, b store.Segment) bool {
	return a.Month == b.Month && a.First == b.First && a.Last == b.Last && a.Prev == b.Prev && a.Head == b.Head &&
		a.Late == b.Late && sameCounts(a.Counts(), b.Counts()) && reflect.DeepEqual(a.Profile, b.Profile)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }
