package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/store/storetest"
)

// TestMain runs the children of the crash and damage tests (the test binary
// re-executed) or the tests.
func TestMain(m *testing.M) {
	if path := os.Getenv(envIssueChild); path != "" {
		os.Exit(issueLoop(path))
	}
	RunGuardIfChild()
	code := m.Run()
	if damaged.dir != "" {
		os.RemoveAll(damaged.dir)
	}
	os.Exit(code)
}

// The damage fixture: a ledger of a few thousand certificates, built once
// per test binary, with what it holds (digest) and where its pages are.
var damaged struct {
	once     sync.Once
	dir      string
	path     string
	digest   string
	pageSize int
	hwm      int // bytes up to bbolt's high-water mark
	pages    map[string][]int
	values   [][2]int // [offset, length] of every value on a leaf page
	err      error
}

const damageCerts = 2000

func damageFixture(t *testing.T) {
	t.Helper()
	d := &damaged
	d.once.Do(func() {
		if d.dir, d.err = os.MkdirTemp("", "taizhang-damage"); d.err != nil {
			return
		}
		d.path = filepath.Join(d.dir, "ledger.db")
		if d.err = BuildBenchLedger(d.path, damageCerts, 1000); d.err != nil {
			return
		}
		if d.digest, d.err = storetest.Digest(d.path); d.err != nil {
			return
		}
		d.err = mapPages(d.path)
	})
	if d.err != nil {
		t.Fatal(d.err)
	}
}

// mapPages sorts the fixture's pages by type (meta, freelist, branch,
// leaf, free) and finds where each value lies.
func mapPages(path string) error {
	d := &damaged
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m, why := readMeta(raw, 0)
	if why != "" {
		return errors.New(why)
	}
	d.pageSize = int(m.pageSize)
	d.pages = map[string][]int{}
	b, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		return err
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		d.hwm = int(tx.Size())
		for id := 0; id*d.pageSize < d.hwm; {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return fmt.Errorf("page %d: %v", id, err)
			}
			for i := 0; i <= info.OverflowCount; i++ {
				d.pages[info.Type] = append(d.pages[info.Type], id+i)
			}
			if info.Type == "leaf" {
				off := id * d.pageSize
				ne := binary.NativeEndian
				for e := 0; e < info.Count; e++ {
					el := off + 16 + e*16
					flags, pos, ksize, vsize := ne.Uint32(raw[el:]), ne.Uint32(raw[el+4:]), ne.Uint32(raw[el+8:]), ne.Uint32(raw[el+12:])
					if flags == 0 && vsize > 0 { // not a bucket header
						d.values = append(d.values, [2]int{el + int(pos+ksize), int(vsize)})
					}
				}
			}
			id += 1 + info.OverflowCount
		}
		return nil
	})
}

// damagedCopy writes the fixture, changed by damage, to a new file.
func damagedCopy(t *testing.T, damage func([]byte) []byte) string {
	return storetest.DamagedCopy(t, damaged.path, "taizhang.db", damage)
}

var hanText = regexp.MustCompile(`\p{Han}`)

// startAsTheProgramDoes runs Guard, then (if it lets the file through)
// Open as the program does, then Check. It says where the damage was
// found ("guard", "open", "check") or "" when nothing was found, and
// fails the test when an error is not the kind it should be.
func startAsTheProgramDoes(t *testing.T, path string) (string, error) {
	t.Helper()
	err := Guard(path)
	if err != nil {
		if !errors.As(err, new(*DamagedError)) {
			t.Errorf("Guard: %T %v, want *DamagedError", err, err)
		}
		return "guard", err
	}
	db, err := Open(path, Options{})
	if err != nil {
		switch {
		case errors.As(err, new(*DamagedError)), errors.As(err, new(*NotLedgerError)),
			errors.As(err, new(*NewerSchemaError)), errors.As(err, new(*AggregateFileError)):
		default:
			t.Errorf("Open: %T %v, want a refusal", err, err)
		}
		return "open", err
	}
	defer db.Close()
	_, err = db.Check()
	if err != nil {
		return "check", err
	}
	return "", nil
}

// expectFound runs the program's start on a damaged file: the damage must
// be found (or, when the file is damaged only where nothing is kept, the
// file must hold exactly what it held), with a Chinese message and no Go
// panic text, and the file must be exactly as it was.
func expectFound(t *testing.T, path string, mustRefuse bool) string {
	t.Helper()
	before := storetest.StateOf(t, path)
	stage, err := startAsTheProgramDoes(t, path)
	switch {
	case err != nil:
		msg := err.Error()
		if !hanText.MatchString(msg) || strings.Contains(msg, "goroutine") || strings.Contains(msg, "panic:") {
			t.Errorf("%s: message %q", stage, msg)
		}
	case mustRefuse:
		t.Error("the damaged file was opened")
	default:
		if got, err := storetest.Digest(path); err != nil || got != damaged.digest {
			t.Errorf("damage not found: the file opens, checks, and holds something else (%v)", err)
		}
	}
	if after := storetest.StateOf(t, path); after != before {
		t.Errorf("the file was changed: %+v -> %+v", before, after)
	}
	return stage
}

func TestDamageEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "taizhang.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if stage := expectFound(t, path, true); stage != "guard" {
		t.Errorf("refused at %s, want guard", stage)
	}
	if err := Guard(path); err == nil || !strings.Contains(err.Error(), "空") {
		t.Errorf("Guard: %v", err)
	}
}

// A file cut short anywhere before its last page is refused by its size.
func TestDamageTruncated(t *testing.T) {
	damageFixture(t)
	ps, end := damaged.pageSize, damaged.hwm
	for _, n := range []int{1, 15, 100, ps - 1, ps, ps + 80, 2 * ps, 3 * ps, end / 3, end / 2, end - ps, end - 1} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			path := damagedCopy(t, func(raw []byte) []byte { return raw[:n] })
			if stage := expectFound(t, path, true); stage != "guard" {
				t.Errorf("refused at %s, want guard", stage)
			}
		})
	}
}

// Random bytes, whole files of them or over part of a ledger.
func TestDamageRandomBytes(t *testing.T) {
	damageFixture(t)
	rng := rand.New(rand.NewPCG(12, 1))
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for _, n := range []int{1, 20, 4096, 16384, 1 << 20} {
		t.Run(fmt.Sprintf("file-%d", n), func(t *testing.T) {
			path := damagedCopy(t, func([]byte) []byte { return noise(n) })
			if stage := expectFound(t, path, true); stage != "guard" {
				t.Errorf("refused at %s, want guard", stage)
			}
		})
	}
	// Over part of the ledger: the head, a run of pages, one page of each
	// kind; zeros too, as a lost write leaves them.
	ps := damaged.pageSize
	type span struct {
		name     string
		off, n   int
		zero     bool
		mustFind bool
	}
	spans := []span{
		{"head", 0, ps, false, true},
		{"both-meta", 0, 2 * ps, false, true},
		{"middle-64k", damaged.hwm / 2, 64 << 10, false, true},
		{"middle-64k-zeros", damaged.hwm / 2, 64 << 10, true, true},
	}
	for _, kind := range []string{"branch", "leaf", "freelist"} {
		if ids := damaged.pages[kind]; len(ids) > 0 {
			id := ids[rng.IntN(len(ids))]
			spans = append(spans, span{kind, id * ps, ps, false, true}, span{kind + "-zeros", id * ps, ps, true, true})
		}
	}
	for _, s := range spans {
		t.Run(s.name, func(t *testing.T) {
			path := damagedCopy(t, func(raw []byte) []byte {
				fill := noise(s.n)
				if s.zero {
					fill = make([]byte, s.n)
				}
				copy(raw[s.off:], fill)
				return raw
			})
			expectFound(t, path, s.mustFind)
		})
	}
}

// damageFlips is how many bits TestDamageBitFlips flips in each of its 11
// regions: 2 in the suite (about 10 s), as many as TAIZHANG_DAMAGE_FLIPS
// says in the full run (100 take about 10 minutes):
//
//	TAIZHANG_DAMAGE_FLIPS=100 go test ./store -run TestDamageBitFlips -timeout 60m
func damageFlips() int {
	if n, err := strconv.Atoi(os.Getenv("TAIZHANG_DAMAGE_FLIPS")); err == nil && n > 0 {
		return n
	}
	return 2
}

// One flipped bit at seeded random offsets in every region of the file:
// the meta pages' fields and the rest of them, page headers and bodies of
// branch, leaf and freelist pages, free pages, and stored values.
func TestDamageBitFlips(t *testing.T) {
	damageFixture(t)
	rng := rand.New(rand.NewPCG(2026, 11))
	ps := damaged.pageSize
	type region struct {
		name     string
		pick     func() int // an offset in the file
		mustFind bool       // every bit there matters
	}
	inPage := func(kind string, from, to int) func() int {
		return func() int {
			ids := damaged.pages[kind]
			return ids[rng.IntN(len(ids))]*ps + from + rng.IntN(to-from)
		}
	}
	regions := []region{
		{"meta-fields", func() int { return rng.IntN(2)*ps + rng.IntN(metaEnd) }, true},
		{"meta-rest", func() int { return rng.IntN(2)*ps + metaEnd + rng.IntN(ps-metaEnd) }, true},
		{"freelist", inPage("freelist", 0, ps), false},
		{"branch-header", inPage("branch", 0, pageHeaderSize), false},
		{"branch", inPage("branch", 0, ps), false},
		{"leaf-header", inPage("leaf", 0, pageHeaderSize), false},
		{"leaf-elements", inPage("leaf", pageHeaderSize, pageHeaderSize+16*8), false},
		{"leaf", inPage("leaf", 0, ps), false},
		{"free", inPage("free", 0, ps), false},
		{"value", func() int {
			v := damaged.values[rng.IntN(len(damaged.values))]
			return v[0] + rng.IntN(v[1])
		}, true},
		{"anywhere", func() int { return rng.IntN(damaged.hwm) }, false},
	}
	found := map[string]int{}
	for _, r := range regions {
		if r.name == "free" && len(damaged.pages["free"]) == 0 {
			continue
		}
		for i := 0; i < damageFlips(); i++ {
			off, bit := r.pick(), rng.IntN(8)
			t.Run(fmt.Sprintf("%s-%d.%d", r.name, off, bit), func(t *testing.T) {
				path := damagedCopy(t, storetest.FlipBit(off, bit))
				stage := expectFound(t, path, r.mustFind)
				found[stage]++
			})
		}
	}
	t.Logf("found by guard %d, open %d, check %d; harmless %d", found["guard"], found["open"], found["check"], found[""])
}

// The stored schema version, damaged to an older one, must not be taken
// for an old file and migrated (written to).
func TestDamageSchemaVersion(t *testing.T) {
	damageFixture(t)
	for _, v := range []uint64{0, 1, 4, 5} {
		path := damagedCopy(t, func(raw []byte) []byte { return raw })
		b, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(v)) })
		b.Close()
		before := storetest.StateOf(t, path)
		_, err = Open(path, Options{})
		if !errors.As(err, new(*DamagedError)) {
			t.Errorf("schema %d: %v, want DamagedError", v, err)
		}
		if storetest.StateOf(t, path) != before {
			t.Errorf("schema %d: the file was changed", v)
		}
	}
}

// introducedIn must name, for each version that adds buckets, one that
// version's migration adds.
func TestIntroducedInMatchesMigrations(t *testing.T) {
	listed := map[uint64][]byte{}
	for _, in := range introducedIn {
		listed[in.version] = in.bucket
	}
	buckets := func(v uint64) map[string]bool {
		names := map[string]bool{}
		rawFileAt(t, v).View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, _ *bolt.Bucket) error { names[string(name)] = true; return nil })
		})
		return names
	}
	for _, m := range migrations[1:] {
		before, after := buckets(m.version-1), buckets(m.version)
		added := len(after) > len(before)
		switch b := listed[m.version]; {
		case b == nil && added:
			t.Errorf("version %d adds buckets but introducedIn names none", m.version)
		case b != nil && (before[string(b)] || !after[string(b)]):
			t.Errorf("version %d does not add bucket %s", m.version, b)
		}
	}
}

// A sound ledger passes, and so does a path with no file (a new ledger).
func TestGuardPassesSoundFile(t *testing.T) {
	damageFixture(t)
	path := damagedCopy(t, func(raw []byte) []byte { return raw })
	if err := Guard(path); err != nil {
		t.Fatal(err)
	}
	if err := Guard(filepath.Join(t.TempDir(), "new.db")); err != nil {
		t.Fatal(err)
	}
}

// While another window holds the file, Guard says so (it does not call
// the file damaged).
func TestGuardLocked(t *testing.T) {
	db := openTemp(t)
	if err := Guard(db.Path()); !errors.As(err, new(*LockedError)) {
		t.Fatalf("%v, want LockedError", err)
	}
}

// The message names the backup, when it was taken and the command, or says
// there is none and what to do.
func TestDamagedErrorMessage(t *testing.T) {
	e := &DamagedError{Path: filepath.Join("数据", "taizhang.db"), Reason: "文件是空的（0 字节）"}
	if msg := e.Error(); !strings.Contains(msg, "没有改动") || !strings.Contains(msg, "taizhang restore") {
		t.Errorf("%s", msg)
	}
	e.Backup, e.Taken, e.Restore = `C:\备份\taizhang-20261128-080500-start.db`, time.Date(2026, 11, 28, 8, 5, 0, 0, Beijing), "taizhang restore X --db Y"
	if msg := e.Error(); !strings.Contains(msg, "\n  taizhang restore X --db Y\n") || !strings.Contains(msg, e.Backup+"（2026-11-28 08:05 备份）") {
		t.Errorf("%s", msg)
	}
	e.Foreign = true
	if msg := e.Error(); !strings.HasPrefix(msg, "文件 "+e.Path+" 不是台账数据文件，或者已经损坏") || !strings.Contains(msg, "--db 指错了文件") || !strings.Contains(msg, "taizhang restore X --db Y") {
		t.Errorf("%s", msg)
	}
	e.Backup, e.NoBackup, e.Foreign = "", true, false
	if msg := e.Error(); !strings.Contains(msg, `没有找到可用的备份`) || !strings.Contains(msg, filepath.Join("数据", "备份")) || !strings.Contains(msg, "安装") {
		t.Errorf("%s", msg)
	}
}
