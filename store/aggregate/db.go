package aggregate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"taizhang/store"
)

// DB is an open aggregate file.
type DB struct {
	bolt   *bolt.DB
	path   string
	now    func() time.Time
	office Office

	// groups caches which community each source belongs to, for the 汇总;
	// it is dropped whenever a bundle is taken in (no other process can
	// write while this one has the file open).
	mu     sync.Mutex
	groups map[uint64]group
}

// group is the community a source's figures count for.
type group struct {
	key, county, countyName, community string
	current                            bool // the window's current key (not replaced)
}

// sourceGroups reads (or recalls) every source's community.
func (db *DB) sourceGroups(tx *bolt.Tx) (map[uint64]group, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.groups != nil {
		return db.groups, nil
	}
	groups := map[uint64]group{}
	err := tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
		var s Source
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		p := s.Profile
		groups[fromU64(k)] = group{groupOf(p), p.CountyCode, p.CountyName, p.Community, s.Replaced == 0}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db.groups = groups
	return groups, nil
}

// changed drops what is cached about the sources.
func (db *DB) changed() {
	db.mu.Lock()
	db.groups = nil
	db.mu.Unlock()
}

// Options tune Open and Create; the zero value is right for the program.
type Options struct {
	// Now is the clock (read in Beijing time); nil means the PC's.
	Now func() time.Time
	// ReadOnly opens without a write lock (report, check).
	ReadOnly bool
	// OpenFile opens the file (os.OpenFile when nil): the filesystem seam
	// for fault tests, as store.Options.OpenFile.
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)
}

// Office is the receiving office the file belongs to.
type Office struct {
	Name string `json:"name"` // 英雄南路街道办事处, 潞州区民政局 …
}

// Source is one chain of bundles: a community's window (station) as signed
// by one key. A community with several PCs has a source per window; a new
// key for a window (a new PC, accepted with --accept-key) starts a new
// source and the old one is kept, marked Replaced.
type Source struct {
	ID          uint64        `json:"id"`
	Profile     store.Profile `json:"profile"` // as the latest bundle carried it
	SigningKey  string        `json:"signing_key"`
	Fingerprint string        `json:"fingerprint"`
	// Accepted is set when the key was taken with --accept-key in place of
	// an earlier one.
	Accepted *KeyChange `json:"accepted,omitempty"`
	Replaced uint64     `json:"replaced,omitempty"` // the source that took over this window
	// The chain position: the last event received and its hash.
	Last     uint64     `json:"last"`
	Head     string     `json:"head"`
	Received []Received `json:"received"` // every bundle taken in, in chain order
	Certs    int        `json:"certs"`    // certificates held
	Refusals int        `json:"refusals"` // refusals held
}

// KeyChange records a key accepted in place of an earlier one.
type KeyChange struct {
	Previous    string    `json:"previous"` // fingerprint of the key it replaced
	Typed       string    `json:"typed"`    // --accept-key as given
	Time        time.Time `json:"time"`
	PreviousSrc uint64    `json:"previous_source"`
}

// Received is one bundle taken in from a source.
type Received struct {
	Month string    `json:"month"`
	N     int       `json:"n"`
	First uint64    `json:"first"`
	Last  uint64    `json:"last"`
	Head  string    `json:"head"`
	Hash  string    `json:"hash"` // the manifest's SHA-256
	Time  time.Time `json:"time"`
}

// LastMonth is the newest month received ("" before the first bundle).
func (s Source) LastMonth() string {
	if len(s.Received) == 0 {
		return ""
	}
	return s.Received[len(s.Received)-1].Month
}

// Station is the window number.
func (s Source) Station() int { return s.Profile.StationNo() }

// Community names the community and, when it has several, the window:
// 英雄南路社区 or 英雄南路社区 2号窗口.
func (s Source) Community() string {
	if s.Station() >= 2 {
		return fmt.Sprintf("%s %d号窗口", s.Profile.Community, s.Station())
	}
	return s.Profile.Community
}

// Missing lists the months from the first received to the one before
// through that have no bundle of their own (a month not exported on its
// own arrives inside the next month's bundle, so its events are there; the
// office may still want to ask why).
func (s Source) Missing(through string) []string {
	if len(s.Received) == 0 {
		return nil
	}
	have := map[string]bool{}
	for _, r := range s.Received {
		have[r.Month] = true
	}
	var out []string
	for m := s.Received[0].Month; m <= through; m = nextMonth(m) {
		if !have[m] {
			out = append(out, m)
		}
	}
	return out
}

// nextMonth is the month after 2026-11 (2026-12).
func nextMonth(m string) string { return addMonths(m, 1) }

// addMonths moves a 2026-11 month by n months.
func addMonths(m string, n int) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "9999-12"
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// Bundle is what the file keeps of a bundle it took in.
type Bundle struct {
	Hash        string       `json:"hash"`
	Source      uint64       `json:"source"`
	Name        string       `json:"name"` // the folder's name as written
	Month       string       `json:"month"`
	N           int          `json:"n"`
	First       uint64       `json:"first"`
	Last        uint64       `json:"last"`
	Prev        string       `json:"prev"`
	Head        string       `json:"head"`
	Counts      store.Counts `json:"counts"`
	Created     string       `json:"created"` // when the community made it
	Fingerprint string       `json:"fingerprint"`
	Encrypted   bool         `json:"encrypted"`
	Received    time.Time    `json:"received"`
}

// Create makes a new aggregate file for office at path; an existing file
// is never touched.
func Create(path string, office Office, opt Options) (*DB, error) {
	office.Name = store.CleanText(office.Name)
	if n := utf8.RuneCountInString(office.Name); n < 2 || n > 40 {
		return nil, &store.FieldError{Field: "接收单位名称", Msg: "请填写 2 到 40 个字，例如 英雄南路街道办事处。"}
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("文件 %s 已经存在，本程序不会改动它。请给汇总文件换一个新的文件名。", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("无法创建数据文件夹 %s：%w", filepath.Dir(path), err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: store.LockTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("无法创建汇总文件 %s：%w", path, err)
	}
	db := &DB{bolt: b, path: path, now: clock(opt.Now), office: office}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		raw, _ := json.Marshal(office)
		for k, v := range map[string][]byte{"app": appMarker, "kind": []byte(store.KindAggregate), "schema": u64(Schema),
			"created": []byte(db.now().Format(time.RFC3339)), "office": raw} {
			if err := meta.Put([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Close()
		os.Remove(path)
		return nil, err
	}
	return db, nil
}

// NotAggregateError: the file is not an aggregate file (a community's
// ledger, or something else). It is left as it is.
type NotAggregateError struct {
	Path   string
	Ledger bool // it is a community's ledger
}

func (e *NotAggregateError) Error() string {
	if e.Ledger {
		return fmt.Sprintf("文件 %s 是社区的台账，不是接收单位的汇总文件，本程序不会把导出包收进去。请用 --db 指定用 taizhang init --receiving-office 建立的汇总文件。", e.Path)
	}
	return fmt.Sprintf("文件 %s 不是接收单位的汇总文件，本程序不会改动它。请用 --db 指定用 taizhang init --receiving-office 建立的汇总文件。", e.Path)
}

// Open opens an existing aggregate file. A damaged one is refused with a
// *store.DamagedError and left as it is (the program runs store.Guard
// first, which proves every page).
func Open(path string, opt Options) (*DB, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, &NotAggregateError{Path: path}
	}
	exists, err := store.ExamineFile(path)
	switch {
	case err != nil:
		return nil, err
	case !exists:
		return nil, fmt.Errorf("找不到汇总文件 %s。新建请运行 taizhang init --receiving-office --office 单位名称 --db %s。", path, path)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: store.LockTimeout, FreelistType: bolt.FreelistMapType, ReadOnly: opt.ReadOnly,
		OpenFile: opt.OpenFile})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, &store.LockedError{Path: path}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, &store.DamagedError{Path: path, Reason: "文件头已损坏"}
	case store.DiskFaultOf(err) != store.DiskOther:
		return nil, &store.DiskError{Path: path, Err: err}
	case err != nil:
		return nil, fmt.Errorf("无法打开汇总文件 %s：%w", path, err)
	}
	db := &DB{bolt: b, path: path, now: clock(opt.Now)}
	err = store.ReadProtected(path, func() error { return b.View(db.identify) })
	if err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

// identify reads the file's marker, kind, version and office.
func (db *DB) identify(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	switch {
	case meta == nil || !bytes.Equal(meta.Get(keyApp), appMarker):
		return &NotAggregateError{Path: db.path}
	case string(meta.Get(keyKind)) != store.KindAggregate:
		return &NotAggregateError{Path: db.path, Ledger: meta.Get(keyKind) == nil}
	case fromU64(meta.Get(keySchema)) > Schema:
		return &store.NewerSchemaError{Path: db.path, Have: fromU64(meta.Get(keySchema)), Max: Schema}
	}
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return &CheckError{fmt.Sprintf("缺少“%s”部分", name)}
		}
	}
	return json.Unmarshal(meta.Get(keyOffice), &db.office)
}

// clock reads now (the PC's clock when nil) in Beijing time.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return func() time.Time { return store.Clock() }
	}
	return func() time.Time { return now().In(store.Beijing) }
}

// Path is the file.
func (db *DB) Path() string { return db.path }

// Now is the file's clock, in Beijing time.
func (db *DB) Now() time.Time { return db.now() }

// Office is the receiving office the file belongs to.
func (db *DB) Office() Office { return db.office }

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// stationKey identifies a community's window across keys.
func stationKey(p store.Profile) []byte {
	return []byte(p.CountyCode + sep + p.Community + sep + strconv.Itoa(p.StationNo()))
}

func getSource(tx *bolt.Tx, id uint64) (Source, error) {
	var s Source
	v := tx.Bucket(bucketSources).Get(u64(id))
	if v == nil {
		return s, fmt.Errorf("汇总文件中找不到第 %d 号来源。", id)
	}
	return s, json.Unmarshal(v, &s)
}

func putJSON(bk *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return bk.Put(key, raw)
}

// Sources lists every source, in the order they were first received.
func (db *DB) Sources() ([]Source, error) {
	var out []Source
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSources).ForEach(func(_, v []byte) error {
			var s Source
			if err := json.Unmarshal(v, &s); err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	return out, err
}

// Bundles lists the bundles taken in from a source, in chain order.
func (db *DB) Bundles(src uint64) ([]Bundle, error) {
	var out []Bundle
	err := db.bolt.View(func(tx *bolt.Tx) error {
		s, err := getSource(tx, src)
		if err != nil {
			return err
		}
		for _, r := range s.Received {
			var b Bundle
			if err := json.Unmarshal(tx.Bucket(bucketBundles).Get([]byte(r.Hash)), &b); err != nil {
				return err
			}
			out = append(out, b)
		}
		return nil
	})
	return out, err
}

// groupOf is the community a source belongs to (its windows are summed).
func groupOf(p store.Profile) string { return p.CountyCode + sep + p.Community }
