// Package certindex is the search over every certificate of a ledger that
// the 证明 screen runs, and the copy of it kept beside the ledger so that a
// program starting reads it in milliseconds instead of building it again.
//
// A certificate is found by its name, its ID number, its serial and the
// short name of its type (see Add). None of these changes after the
// certificate is issued: a void changes its status only, a print its
// count (store's certEvent applies no other event to a certificate); a
// correction issues a new certificate and voids the old one
// (CorrectCertificate); an import adds new certificates (cert.import). So
// the index holds each certificate as it was issued, and holds every
// certificate up to an id: catching up with the ledger is adding the rows
// of the certificates with higher ids.
//
// The copy (the snapshot) is a cache, never part of the ledger: check
// proves the ledger from its event log and knows nothing of it. It lives
// beside the data file as ".<name>.搜索索引" (SnapshotPath), and records the
// highest certificate id it holds and the ledger's last event (seq and
// hash) when it was made. It is used only with a ledger that still holds
// that event with that hash, the same ledger, grown since (another
// office's ledger, or an older copy put back, is built from afresh), and
// only by a program whose Fingerprint is the one it was made with.
//
// Snapshot layout, little-endian:
//
//	"TZCX", u32 version, 32-byte Fingerprint, u64 highest id, u64 seq and
//	32-byte hash of the last event, u64 documents, u32 CRC-32C of all
//	the other bytes, u32 zero, then the index (search.AppendJoined) to the
//	end.
package certindex

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/search"
)

// Index is the search over a ledger's certificates: a part read from the
// snapshot or built (base), and the certificates added since (tail), whose
// readings wait for the first query of letters (search.NewLazy), so that a
// program that catches up and is asked for a name or a number never
// builds the pinyin dictionary.
type Index struct {
	catch sync.Mutex // one catch-up at a time

	mu    sync.RWMutex
	base  *search.Index
	tail  *search.Index // nil until something is added
	eager bool          // the tail works out readings as rows come (NewBuilder)
	maxID uint64        // every certificate up to it is in
	mark  store.LogMark // the ledger's last event when it was last read
	added int           // documents since the snapshot was read or written
	fresh bool          // built from the ledger, not written since
	built error         // why the snapshot was not used; nil if it was
	types map[int]assets.CertTemplate
	// unsure is the snapshot base was read from while its checksum is
	// still to be checked (Settle); base uses its bytes.
	unsure []byte
}

// SaveAfter is how many certificates added since the snapshot was read
// make it worth writing again (NeedsSave).
const SaveAfter = 1000

// ErrNoSnapshot: there is no snapshot beside the ledger.
var ErrNoSnapshot = errors.New("certindex: no snapshot")

// SnapshotPath is where the snapshot of the ledger at dbPath lives.
func SnapshotPath(dbPath string) string {
	return filepath.Join(filepath.Dir(dbPath), "."+filepath.Base(dbPath)+".搜索索引")
}

// Open is the index of db's certificates as the 证明 screen opens it: the
// snapshot caught up with the ledger, or, if there is none or it cannot
// be used (LoadError says why), built from the ledger. The snapshot's
// offsets and counts are checked as it is read, its checksum later
// (Settle): the first search does not wait for every byte of it.
func Open(db *store.DB) (*Index, error) {
	x, err := load(db, false)
	if err == nil {
		return x, nil
	}
	x, berr := Build(db)
	if berr != nil {
		return nil, berr
	}
	x.built = err
	return x, nil
}

// load reads the snapshot (its checksum too if whole) and catches it up
// with the ledger. It fails with ErrNoSnapshot, an error that says why the
// snapshot cannot be used (damaged, made by another version, of another
// ledger), or the ledger's.
func load(db *store.DB, whole bool) (*Index, error) {
	b, release, err := mapFile(SnapshotPath(db.Path()))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoSnapshot
	}
	if err != nil {
		return nil, err
	}
	x, err := decode(b, whole)
	if err != nil {
		release()
		return nil, err
	}
	// The index uses the bytes as they are: they go when it does.
	runtime.AddCleanup(x.base, func(release func()) { release() }, release)
	if !whole {
		x.unsure = b
	}
	if _, err := x.catchUp(db, false); err != nil {
		return nil, err
	}
	return x, nil
}

// errDamaged: the snapshot's checksum did not match (Settle).
var errDamaged = errors.New("certindex: the snapshot is damaged (checksum)")

// verify checks the snapshot base was read from against its checksum,
// once, and builds the index again if it does not match.
func (x *Index) verify(db *store.DB) error {
	x.mu.Lock()
	b, base := x.unsure, x.base
	x.unsure = nil
	x.mu.Unlock()
	if b == nil {
		return nil
	}
	ok := binary.LittleEndian.Uint32(b[96:]) == checksum(b)
	runtime.KeepAlive(base) // b is base's to unmap
	if ok {
		return nil
	}
	return x.rebuild(db, errDamaged)
}

// rebuild puts a new build of the ledger in place of the index; why is
// what LoadError says then.
func (x *Index) rebuild(db *store.DB, why error) error {
	nx, err := Build(db)
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.base, x.tail, x.maxID, x.mark, x.added, x.fresh, x.unsure = nx.base, nil, nx.maxID, nx.mark, nx.added, true, nil
	if why != nil {
		x.built = why
	}
	return nil
}

// Settle is what the 证明 screen does in the background once the index is
// open: it checks the snapshot it read against its checksum (building
// the index again if the snapshot was damaged), then writes the snapshot
// if the index was built or many certificates came since it was read.
func (x *Index) Settle(db *store.DB) error {
	if err := x.verify(db); err != nil {
		return err
	}
	if !x.NeedsSave() {
		return nil
	}
	return x.Save(db)
}

// Build reads every certificate of the ledger into a new index.
func Build(db *store.DB) (*Index, error) {
	x := &Index{base: search.New(nil), fresh: true, built: ErrNoSnapshot}
	x.base.Grow(db.CertCount(), 3)
	var err error
	x.mark, x.maxID, err = db.CertRowsSince(0, store.LogMark{}, func(r store.CertRow) {
		x.add(x.base, r)
	})
	if err != nil {
		return nil, err
	}
	x.added = x.base.Len()
	return x, nil
}

// NewBuilder starts the index of a ledger that is about to grow by rows
// that are at hand (an import): the index of db as it is (Open), to which
// Add adds each new certificate, its readings worked out as it comes.
// After the rows are in the ledger (committed), Save writes the snapshot;
// or SaveAhead, while they are being committed.
func NewBuilder(db *store.DB) (*Index, error) {
	x, err := Open(db)
	if err != nil {
		return nil, err
	}
	// The snapshot is checked now, before the new rows come: a damaged
	// one is built again from the ledger, which has none of them.
	if err := x.verify(db); err != nil {
		return nil, err
	}
	x.eager = true
	return x, nil
}

// Add indexes one certificate that the ledger has (or will have, once the
// rows being added are committed) and that is newer than every one in the
// index: rows must come in the order of their ids. A row at or below the
// highest id in the index is ignored.
func (x *Index) Add(r store.CertRow) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r.ID <= x.maxID {
		return
	}
	x.add(x.tailIndex(), r)
	x.maxID = r.ID
	x.added++
}

// tailIndex is the index new rows go to.
// Grow makes room for n more certificates to be added (Add).
func (x *Index) Grow(n int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.tailIndex().Grow(n, 3)
}

func (x *Index) tailIndex() *search.Index {
	if x.tail == nil {
		if x.eager {
			x.tail = search.New(nil)
		} else {
			x.tail = search.NewLazy()
		}
	}
	return x.tail
}

// add indexes a certificate by what a worker types to find it: the
// name, the ID number (its last digits), the serial (2026-0042, found
// also as printed) and the short name of its type (死亡 finds the 死亡证明),
// in the order the hit names them. The document id is its key.
func (x *Index) add(ix *search.Index, r store.CertRow) {
	if x.types == nil {
		x.types, _ = assets.CertTemplates() // an empty map names every type 准入证明
		if x.types == nil {
			x.types = map[int]assets.CertTemplate{}
		}
	}
	ix.Add(key(r),
		search.Field{Text: r.Name, Kind: search.Name},
		search.Field{Text: r.IDNumber, Kind: search.Digits},
		search.Field{Text: r.Serial, Kind: search.Code},
		search.Field{Text: assets.ShortName(x.types, r.TypeNo), Kind: search.Tag})
}

// A document's key is the month of its certificate's issue date
// (YYYYMM) and its id, so that the newest come first among hits of one
// rank (Find) as in the ledger's month order, whatever order the
// certificates were added in (an import adds old months last).
const idBits = 44

func key(r store.CertRow) uint64 {
	m, _ := strconv.ParseUint(store.MonthKey(r.IssueDate), 10, 64)
	if m >= 1<<(64-idBits) || r.ID >= 1<<idBits {
		m = 0
	}
	return m<<idBits | r.ID&(1<<idBits-1)
}

// CatchUp adds the certificates the ledger gained since the index last
// read it, and returns how many. A ledger that is not the one the index
// was made from (restored from an older copy, or another file put in its
// place) is read again from the start.
func (x *Index) CatchUp(db *store.DB) (int, error) { return x.catchUp(db, true) }

func (x *Index) catchUp(db *store.DB, rebuild bool) (int, error) {
	x.catch.Lock()
	defer x.catch.Unlock()
	x.mu.RLock()
	after, since := x.maxID, x.mark
	x.mu.RUnlock()
	var rows []store.CertRow
	head, last, err := db.CertRowsSince(after, since, func(r store.CertRow) { rows = append(rows, r) })
	if errors.Is(err, store.ErrOtherLedger) && rebuild {
		if err := x.rebuild(db, nil); err != nil {
			return 0, err
		}
		return x.Len(), nil
	}
	if err != nil {
		return 0, err
	}
	if last < after {
		return 0, fmt.Errorf("certindex: the index holds certificates up to %d, the ledger up to %d", after, last)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	n := 0
	if len(rows) > 0 {
		t := x.tailIndex()
		t.Grow(len(rows), 3)
		for _, r := range rows {
			if r.ID > x.maxID || x.maxID == after { // not given to Add meanwhile
				x.add(t, r)
				n++
			}
		}
	}
	x.maxID, x.mark = max(last, x.maxID), head
	x.added += n
	return n, nil
}

// Len is the number of certificates in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	n := x.base.Len()
	if x.tail != nil {
		n += x.tail.Len()
	}
	return n
}

// LoadError says why Open built the index rather than read the snapshot:
// nil if it read it, ErrNoSnapshot if there was none.
func (x *Index) LoadError() error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.built
}

// NeedsSave says whether the snapshot is worth writing: the index was
// built, or many certificates came since the snapshot was read.
func (x *Index) NeedsSave() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.fresh || x.added > SaveAfter
}

// Find returns the ids of the certificates that match q: best rank first
// (search.Rank), the newest first within a rank (by issue month, then id,
// as the ledger lists them).
func (x *Index) Find(q string) []uint64 {
	x.mu.RLock()
	hits := x.base.Search(q, 0)
	if x.tail != nil {
		hits = mergeRanks(hits, x.tail.Search(q, 0))
	}
	x.mu.RUnlock()
	newest := func(a, b search.Hit) int { return cmp.Compare(b.ID, a.ID) }
	for i := 0; i < len(hits); {
		j := i + 1
		for j < len(hits) && hits[j].Rank == hits[i].Rank {
			j++
		}
		run := hits[i:j]
		slices.Reverse(run) // added oldest first, as a rule
		if !slices.IsSortedFunc(run, newest) {
			slices.SortFunc(run, newest)
		}
		i = j
	}
	ids := make([]uint64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID & (1<<idBits - 1)
	}
	return ids
}

// mergeRanks merges two lists of hits ordered by rank, a's before b's of
// the same rank.
func mergeRanks(a, b []search.Hit) []search.Hit {
	if len(b) == 0 {
		return a
	}
	out := make([]search.Hit, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		if len(b) == 0 || len(a) > 0 && a[0].Rank <= b[0].Rank {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// Fingerprint is a digest of everything besides the certificates that
// the index's content depends on: this package's format and way of
// indexing a certificate, the search's (search.Fingerprint: folding, the
// pinyin dictionary and overrides) and the short type names (the
// templates). A snapshot made with another is built again.
func Fingerprint() [32]byte {
	fingerOnce.Do(func() {
		h := sha256.New()
		fmt.Fprintf(h, "certindex %d\n", version)
		s, t := search.Fingerprint(), assets.CertTemplatesDigest()
		h.Write(s[:])
		h.Write(t[:])
		h.Sum(finger[:0])
	})
	return finger
}

var (
	fingerOnce sync.Once
	finger     [32]byte
)

const (
	magic = "TZCX"
	// version is raised with every change to the layout or to what add
	// indexes of a certificate.
	version    = 1
	headerSize = 104
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Save writes the snapshot beside the ledger, after catching up with it
// (so that it records the ledger's last event with what it holds): to a
// temporary file, synced, then renamed over the old one. A ledger opened
// read-only is left alone. Call it only when every row given to Add is in
// the ledger.
func (x *Index) Save(db *store.DB) error {
	if db.ReadOnly() {
		return nil
	}
	if err := x.verify(db); err != nil {
		return err
	}
	if _, err := x.CatchUp(db); err != nil {
		return err
	}
	if err := writeFile(SnapshotPath(db.Path()), x.encode); err != nil {
		return err
	}
	x.mu.Lock()
	x.added, x.fresh = 0, false
	x.mu.Unlock()
	return nil
}

// SaveAhead writes the snapshot of the ledger at dbPath as it will be
// once the rows given to Add are in the ledger and its last event is head
// (an import's, while the import is being committed): to a temporary file
// beside the ledger, synced. install puts it in place once they are, or
// throws it away (ok false) if they never will be. It reads nothing of
// the ledger, which the commit may be replacing meanwhile; the caller
// leaves a ledger opened read-only alone.
func (x *Index) SaveAhead(dbPath string, head store.LogMark) (install func(ok bool) error, err error) {
	x.mu.Lock()
	unsure := x.unsure != nil
	if !unsure {
		x.mark = head
	}
	x.mu.Unlock()
	if unsure { // NewBuilder checks it before any row comes
		return nil, errors.New("certindex: the snapshot read is not checked yet")
	}
	path := SnapshotPath(dbPath)
	tmp, err := writeTemp(path, x.encode)
	if err != nil {
		return nil, err
	}
	return func(ok bool) error {
		if !ok {
			return os.Remove(tmp)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		x.mu.Lock()
		x.added, x.fresh = 0, false
		x.mu.Unlock()
		return nil
	}, nil
}

// encode writes the snapshot to f from its start: the header, then the
// index streamed through the checksum, which goes into the header last.
func (x *Index) encode(f *os.File) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	hash, err := hex.DecodeString(x.mark.Hash)
	if err != nil || len(hash) != 32 && x.mark.Seq > 0 {
		return fmt.Errorf("certindex: the ledger's last event has hash %q", x.mark.Hash)
	}
	le := binary.LittleEndian
	var head [headerSize]byte
	copy(head[:], magic)
	le.PutUint32(head[4:], version)
	fp := Fingerprint()
	copy(head[8:], fp[:])
	le.PutUint64(head[40:], x.maxID)
	le.PutUint64(head[48:], x.mark.Seq)
	copy(head[56:], hash)
	parts := []*search.Index{x.base}
	if x.tail != nil {
		parts = append(parts, x.tail)
	}
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	le.PutUint64(head[88:], uint64(n))
	sum := crc32.New(castagnoli)
	sum.Write(head[:96])
	sum.Write(head[100:])
	if _, err := f.Write(head[:]); err != nil {
		return err
	}
	if _, err := search.WriteJoined(io.MultiWriter(f, sum), parts...); err != nil {
		return err
	}
	le.PutUint32(head[96:], sum.Sum32())
	_, err = f.WriteAt(head[96:100], 96)
	return err
}

// checksum is the CRC-32C of a snapshot's bytes but its own.
func checksum(b []byte) uint32 {
	return crc32.Update(crc32.Checksum(b[:96], castagnoli), castagnoli, b[100:])
}

// decode reads a snapshot's bytes (b is kept: the index uses it as it is),
// checking its checksum too if whole.
func decode(b []byte, whole bool) (*Index, error) {
	le := binary.LittleEndian
	if len(b) < headerSize || string(b[:4]) != magic {
		return nil, errors.New("certindex: the snapshot is damaged")
	}
	if f := Fingerprint(); le.Uint32(b[4:]) != version || !bytes.Equal(b[8:40], f[:]) {
		return nil, errors.New("certindex: the snapshot was made by another version of the program")
	}
	if whole && le.Uint32(b[96:]) != checksum(b) || le.Uint32(b[100:]) != 0 {
		return nil, errDamaged
	}
	ix, err := search.Unmarshal(b[headerSize:])
	if err != nil {
		return nil, fmt.Errorf("certindex: %w", err)
	}
	if uint64(ix.Len()) != le.Uint64(b[88:]) {
		return nil, errors.New("certindex: the snapshot is damaged (count)")
	}
	x := &Index{base: ix, maxID: le.Uint64(b[40:]), mark: store.LogMark{Seq: le.Uint64(b[48:])}}
	if x.mark.Seq > 0 {
		x.mark.Hash = hex.EncodeToString(b[56:88])
	}
	return x, nil
}

// maxSnapshot is the largest snapshot read (a million certificates take
// about 180 MB).
const maxSnapshot = 1 << 30

// readFile reads a whole file in one read, into memory that begins at a
// multiple of 8 bytes (as the index wants to use it in place).
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > maxSnapshot {
		return nil, errors.New("certindex: the snapshot is too large")
	}
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}

// writeFile puts what write writes at path through a temporary file
// beside it, synced and renamed over it, readable by the owner only.
// Temporary files that a program killed while writing left are removed
// first (only the program that holds the ledger open for writing writes
// its snapshot).
func writeFile(path string, write func(*os.File) error) error {
	tmp, err := writeTemp(path, write)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil && tmp != "" {
		os.Remove(tmp)
	}
	return err
}

// writeTemp is writeFile up to the rename: the temporary file, written and
// synced ("" if none is left).
func writeTemp(path string, write func(*os.File) error) (string, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	if es, err := os.ReadDir(dir); err == nil {
		for _, e := range es {
			if strings.HasPrefix(e.Name(), base+".") {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	f, err := os.CreateTemp(dir, base+".*")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}
