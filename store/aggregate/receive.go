package aggregate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"filippo.io/age"
	bolt "go.etcd.io/bbolt"

	"taizhang/store"
	"taizhang/store/bundle"
)

// ReceiveOptions say how Receive takes bundles in.
type ReceiveOptions struct {
	// Identity opens encrypted bundles (the office's keygen file).
	Identity []age.Identity
	// Apply adds what verifies; without it Receive only says what it would
	// add (a dry run) and writes nothing.
	Apply bool
	// AcceptKey is a fingerprint: a bundle signed by that key is taken for
	// its window although the window was first received with another key
	// (a new PC). The change is recorded.
	AcceptKey string
	// Report, if set, sees each outcome as soon as it is known.
	Report func(Outcome)
}

// Status is what became of a bundle.
type Status int

const (
	WouldAdd        Status = iota + 1 // dry run: it verifies and continues its chain
	Added                             // taken in
	AlreadyReceived                   // received before (or a re-export of a month received): nothing added
	Refused                           // not taken in: Err says why
)

// Outcome is what Receive did with one bundle.
type Outcome struct {
	Dir       string
	Manifest  bundle.Manifest // zero when the manifest could not be read
	Hash      string          // the manifest's SHA-256
	Status    Status
	Err       error   // why it was refused
	NewSource bool    // the first bundle of its window
	Source    Source  // the window, after the bundle
	Earlier   *Bundle // for AlreadyReceived: the bundle received before
	Changes   Changes
}

// Changes counts what a bundle changed in the file: records new to it and
// records it already held (a certificate voided or printed since), and the
// certificates per month of issue (a bundle may carry late ones).
type Changes struct {
	NewCerts, UpdatedCerts int
	NewRefusals            int
	Admissions             int
	CertMonths             map[string]int
}

// incoming is a bundle read and verified, with its records, waiting to be
// applied in chain order.
type incoming struct {
	dir        string
	manifest   bundle.Manifest
	hash       string
	seg        store.Segment
	certs      []certIn
	refusals   []recordIn[store.Refusal]
	admissions []recordIn[store.Admission]
	err        error
	already    bool // its manifest was received before: not read
}

type certIn struct {
	head store.CertHead
	raw  []byte
}

type recordIn[T any] struct {
	rec T
	raw []byte
}

// FindBundles expands the arguments into bundle folders: a folder with a
// MANIFEST.json is a bundle; any other folder (a USB stick) is searched two
// levels deep. A folder that has a ledger.db but no manifest (an export cut
// off) comes back as an outcome refused as Incomplete.
func FindBundles(args []string) ([]string, []Outcome, error) {
	var dirs []string
	var bad []Outcome
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("无法读取文件夹 %s：%w", dir, err)
		}
		names := map[string]bool{}
		for _, e := range entries {
			names[e.Name()] = true
		}
		switch {
		case names[bundle.ManifestFile]:
			dirs = append(dirs, dir)
			return nil
		case names[bundle.LedgerFile] || names[bundle.LedgerFile+bundle.AgeSuffix]:
			bad = append(bad, Outcome{Dir: dir, Status: Refused, Err: refused(Incomplete,
				"%s 中没有 MANIFEST.json：这是一个没有写完的导出包（可能在写入时U盘被拔出），不能接收。请让社区重新导出这个月。", dir)})
			return nil
		case depth == 0:
			return nil
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				if err := walk(filepath.Join(dir, e.Name()), depth-1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, a := range args {
		st, err := os.Stat(a)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("找不到 %s。请给出导出包的文件夹，或存放导出包的U盘（文件夹）。", a)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("无法读取 %s：%w", a, err)
		}
		if !st.IsDir() {
			return nil, nil, fmt.Errorf("%s 不是文件夹。导出包是一个文件夹（里面有 MANIFEST.json），请给出它或存放它的U盘。", a)
		}
		before := len(dirs) + len(bad)
		if err := walk(a, 2); err != nil {
			return nil, nil, err
		}
		if len(dirs)+len(bad) == before {
			return nil, nil, fmt.Errorf("%s 中没有找到导出包（含有 MANIFEST.json 的文件夹）。", a)
		}
	}
	return dirs, bad, nil
}

// chainOrder sorts bundle folders so that each window's bundles come in
// the order they were made (month, then re-export number); windows by
// county, community and window. A folder whose manifest cannot be read
// goes first, to be refused with the reason Verify gives.
func chainOrder(dirs []string) []string {
	type entry struct {
		dir   string
		m     bundle.Manifest
		ok    bool
		group string
	}
	es := make([]entry, len(dirs))
	for i, d := range dirs {
		es[i].dir = d
		if raw, err := os.ReadFile(filepath.Join(d, bundle.ManifestFile)); err == nil {
			es[i].ok = json.Unmarshal(raw, &es[i].m) == nil
		}
		m := es[i].m
		es[i].group = fmt.Sprintf("%s%s%s%s%02d%s%s", m.CountyCode, sep, m.Community, sep, m.Station, sep, m.SigningKey)
	}
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		switch {
		case a.ok != b.ok:
			return !a.ok
		case a.group != b.group:
			return a.group < b.group
		case a.m.Month != b.m.Month:
			return a.m.Month < b.m.Month
		}
		return a.m.N < b.m.N
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.dir
	}
	return out
}

// readAhead is how many bundles are read (hashed, decrypted, their chain
// checked) while the one before is applied.
const readAhead = 2

// Receive takes in the bundles in dirs (see FindBundles), in chain order
// per window: each is verified (bundle.Read), checked to continue what was
// received from its window, and with opt.Apply added in one transaction.
// It returns an outcome per bundle; an error only when the file itself
// fails.
func (db *DB) Receive(dirs []string, opt ReceiveOptions) ([]Outcome, error) {
	dirs = chainOrder(dirs)
	// Bundles are read two at a time in the background (reading is most of
	// the work and needs nothing from the file) and applied in order.
	slots := make([]chan incoming, len(dirs))
	for i := range slots {
		slots[i] = make(chan incoming, 1)
	}
	sem := make(chan struct{}, readAhead)
	go func() {
		for i, d := range dirs {
			sem <- struct{}{}
			go func() {
				slots[i] <- db.read(d, opt.Identity)
			}()
		}
	}()
	dry := newDryRun()
	var out []Outcome
	for i := range dirs {
		in := <-slots[i]
		<-sem
		o, err := db.take(in, opt, dry)
		if err != nil {
			for j := i + 1; j < len(dirs); j++ { // let the readers finish
				<-slots[j]
				<-sem
			}
			return out, err
		}
		out = append(out, o)
		if opt.Report != nil {
			opt.Report(o)
		}
	}
	return out, nil
}

// read reads and verifies one bundle; a manifest the file already holds
// is not read further.
func (db *DB) read(dir string, ids []age.Identity) incoming {
	in := incoming{dir: dir}
	if raw, err := os.ReadFile(filepath.Join(dir, bundle.ManifestFile)); err == nil {
		in.hash = bundle.HashManifest(raw)
		_ = json.Unmarshal(raw, &in.manifest)
		_ = db.bolt.View(func(tx *bolt.Tx) error {
			in.already = tx.Bucket(bucketBundles).Get([]byte(in.hash)) != nil
			return nil
		})
		if in.already {
			return in
		}
	}
	visit := store.SegmentVisit{
		Certificate: func(h store.CertHead, raw []byte) error {
			in.certs = append(in.certs, certIn{h, append([]byte(nil), raw...)})
			return nil
		},
		Refusal: func(r store.Refusal, raw []byte) error {
			in.refusals = append(in.refusals, recordIn[store.Refusal]{r, append([]byte(nil), raw...)})
			return nil
		},
		Admission: func(a store.Admission, raw []byte) error {
			in.admissions = append(in.admissions, recordIn[store.Admission]{a, append([]byte(nil), raw...)})
			return nil
		},
	}
	rep, seg, err := bundle.Read(dir, bundle.VerifyOptions{Identity: ids}, visit)
	in.manifest, in.hash, in.seg = rep.Manifest, rep.ManifestHash, seg
	if err != nil {
		in.err = &RefusedError{Reason: NotVerified, Msg: err.Error(), Err: err}
		in.certs, in.refusals, in.admissions = nil, nil, nil
	}
	return in
}

// take decides about one bundle read, and applies it or notes in the dry
// run what it would change.
func (db *DB) take(in incoming, opt ReceiveOptions, dry *dryRun) (Outcome, error) {
	o := Outcome{Dir: in.dir, Manifest: in.manifest, Hash: in.hash}
	if in.err != nil {
		o.Status, o.Err = Refused, in.err
		return o, nil
	}
	now := db.now()
	if !opt.Apply {
		err := db.bolt.View(func(tx *bolt.Tx) error {
			st := dry.over(tx)
			p, err := decide(st, in, opt.AcceptKey, now)
			if err == nil {
				o = p.outcome(o, WouldAdd)
				dry.note(p)
			}
			return err
		})
		return refusal(o, err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		p, err := decide(txState{tx}, in, opt.AcceptKey, now)
		if err != nil {
			return err
		}
		if p.already != nil {
			o = p.outcome(o, AlreadyReceived)
			return nil
		}
		if o.Changes, err = apply(tx, &p, in); err != nil {
			return fileError{err}
		}
		o = p.outcome(o, Added)
		return nil
	})
	if o.Status == Added {
		db.changed()
	}
	o, err = refusal(o, err)
	return o, store.SaveError(db.path, err)
}

// fileError is a failure of the aggregate file itself (not of a bundle):
// Receive stops.
type fileError struct{ err error }

func (e fileError) Error() string {
	return "写入汇总文件时出错，这个导出包没有加入：" + e.err.Error()
}

// refusal turns a decision's error into the outcome: a bundle refused, or
// (a fileError) a failure of the file.
func refusal(o Outcome, err error) (Outcome, error) {
	var r *RefusedError
	var fe fileError
	switch {
	case err == nil:
		return o, nil
	case errors.As(err, &r):
		o.Status, o.Err = Refused, r
		return o, nil
	case errors.As(err, &fe):
		return o, fe
	}
	return o, err
}

// state is what a decision reads: the file, and in a dry run what the
// bundles before would have changed.
type state interface {
	byKey(key string) (Source, bool, error)
	byStation(key []byte) (Source, bool, error)
	bundle(hash string) (*Bundle, error)
}

type txState struct{ tx *bolt.Tx }

func (s txState) byKey(key string) (Source, bool, error) {
	return s.lookup(s.tx.Bucket(bucketSourceKeys).Get([]byte(key)))
}

func (s txState) byStation(key []byte) (Source, bool, error) {
	return s.lookup(s.tx.Bucket(bucketStations).Get(key))
}

func (s txState) lookup(id []byte) (Source, bool, error) {
	if id == nil {
		return Source{}, false, nil
	}
	src, err := getSource(s.tx, fromU64(id))
	return src, err == nil, err
}

func (s txState) bundle(hash string) (*Bundle, error) {
	v := s.tx.Bucket(bucketBundles).Get([]byte(hash))
	if v == nil {
		return nil, nil
	}
	var b Bundle
	return &b, json.Unmarshal(v, &b)
}

// dryRun remembers, across the bundles of a dry run, the windows as the
// bundles before would have left them.
type dryRun struct {
	keys     map[string]Source
	stations map[string]Source
	bundles  map[string]*Bundle
}

func newDryRun() *dryRun {
	return &dryRun{keys: map[string]Source{}, stations: map[string]Source{}, bundles: map[string]*Bundle{}}
}

type dryState struct {
	*dryRun
	file txState
}

func (d *dryRun) over(tx *bolt.Tx) dryState { return dryState{d, txState{tx}} }

func (s dryState) byKey(key string) (Source, bool, error) {
	if src, ok := s.keys[key]; ok {
		return src, true, nil
	}
	return s.file.byKey(key)
}

func (s dryState) byStation(key []byte) (Source, bool, error) {
	if src, ok := s.stations[string(key)]; ok {
		return src, true, nil
	}
	return s.file.byStation(key)
}

func (s dryState) bundle(hash string) (*Bundle, error) {
	if b, ok := s.bundles[hash]; ok {
		return b, nil
	}
	return s.file.bundle(hash)
}

// note remembers what a bundle of the dry run would have changed.
func (d *dryRun) note(p plan) {
	if p.already != nil {
		return
	}
	d.keys[p.src.SigningKey] = p.src
	d.stations[string(stationKey(p.src.Profile))] = p.src
	b := p.bundle
	d.bundles[b.Hash] = &b
}

// plan is what a bundle does to its window.
type plan struct {
	src      Source  // the window after the bundle (ID 0 when new)
	isNew    bool    // the first bundle of this window (and key)
	replaces *Source // the window's source under its earlier key
	already  *Bundle // received before: nothing to do
	bundle   Bundle
	oldKey   []byte // the window's station key before the bundle (a rename)
}

func (p plan) outcome(o Outcome, st Status) Outcome {
	o.Status, o.Source, o.NewSource = st, p.src, p.isNew
	if p.already != nil {
		o.Status, o.Earlier = AlreadyReceived, p.already
	}
	return o
}

// decide checks that a verified bundle continues what was received from
// its window and works out the window after it.
func decide(st state, in incoming, acceptKey string, now time.Time) (plan, error) {
	m, seg := in.manifest, in.seg
	b := Bundle{Hash: in.hash, Name: m.Bundle, Month: seg.Month, N: seg.N, First: seg.First, Last: seg.Last,
		Prev: seg.Prev, Head: seg.Head, Counts: seg.Counts(), Created: m.Created, Fingerprint: m.Fingerprint,
		Encrypted: m.Encrypted, Received: now}
	p := plan{bundle: b}
	if earlier, err := st.bundle(in.hash); err != nil || earlier != nil {
		p.already = earlier
		return p, err
	}
	who := fmt.Sprintf("%s（%s）", seg.Profile.Community, seg.Profile.CountyName)
	if seg.Profile.StationNo() >= 2 {
		who = fmt.Sprintf("%s %d号窗口（%s）", seg.Profile.Community, seg.Profile.StationNo(), seg.Profile.CountyName)
	}
	src, found, err := st.byKey(m.SigningKey)
	if err != nil {
		return p, err
	}
	if !found {
		if err := p.newWindow(st, in, who, acceptKey, now); err != nil {
			return p, err
		}
	} else {
		p.src = src
		p.oldKey = stationKey(src.Profile)
		if err := p.continues(st, in, who); err != nil || p.already != nil {
			return p, err
		}
	}
	p.src.Profile = seg.Profile
	if seg.Last != 0 {
		p.src.Last, p.src.Head = seg.Last, seg.Head
	}
	p.src.Received = append(p.src.Received, Received{Month: seg.Month, N: seg.N, First: seg.First, Last: seg.Last,
		Head: seg.Head, Hash: in.hash, Time: now})
	return p, nil
}

// newWindow starts a window's chain: its first bundle must begin the
// community's chain, and a window already received under another key is
// taken over only with acceptKey.
func (p *plan) newWindow(st state, in incoming, who, acceptKey string, now time.Time) error {
	m, seg := in.manifest, in.seg
	old, had, err := st.byStation(stationKey(seg.Profile))
	if err != nil {
		return err
	}
	if had {
		if acceptKey == "" || !bundle.SameFingerprint(acceptKey, m.Fingerprint) {
			msg := fmt.Sprintf("拒收：%s的导出包签名密钥指纹是 %s，而本单位第一次收到该社区时登记的指纹是 %s。"+
				"这可能是别人冒充该社区做的导出包。请打电话请社区在“设置”中读出本单位签名指纹核对；确认是社区换了电脑或重装了程序后，再加上 --accept-key %s 接收。",
				who, m.Fingerprint, old.Fingerprint, m.Fingerprint)
			if acceptKey != "" {
				msg += fmt.Sprintf("（--accept-key 给的是 %s，与导出包的指纹不符。）", acceptKey)
			}
			return &RefusedError{Reason: ForeignKey, Msg: msg}
		}
		p.replaces = &old
	}
	if seg.Prev != genesis {
		return refused(Gap, "拒收：这是本单位第一次收到%s（签名指纹 %s）的导出包，但它不是该社区的第一个导出包：它接在第 %d 条事件之后，%s以前的导出包还没有收到。"+
			"请先接收该社区此前各月的导出包（可以把存有这些导出包的U盘整个一起接收，程序会按顺序接收）。",
			who, m.Fingerprint, max(seg.First, 1)-1, store.ChineseMonthOf(seg.Month))
	}
	p.isNew = true
	p.src = Source{Profile: seg.Profile, SigningKey: m.SigningKey, Fingerprint: m.Fingerprint}
	if p.replaces != nil {
		p.src.Accepted = &KeyChange{Previous: old.Fingerprint, Typed: acceptKey, Time: now, PreviousSrc: old.ID}
	}
	return nil
}

// continues checks that a bundle from a known window comes next in its
// chain, or was received before (a re-export of the same month).
func (p *plan) continues(st state, in incoming, who string) error {
	seg, src := in.seg, p.src
	for _, r := range src.Received {
		if r.Month != seg.Month {
			continue
		}
		if r.First == seg.First && r.Last == seg.Last && r.Head == seg.Head {
			earlier, err := st.bundle(r.Hash)
			if err != nil {
				return err
			}
			if earlier == nil {
				earlier = &Bundle{Hash: r.Hash, Month: r.Month, N: r.N, Received: r.Time}
			}
			p.already = earlier
			return nil
		}
		return refused(Conflict, "拒收：%s%s的导出包已经收到过（第 %d 次导出，事件第 %d–%d 条），这一份的内容与它不同（事件第 %d–%d 条）。"+
			"同一个月重新导出的内容应当相同：请与社区核对他们是否换过数据文件，必要时请上级核查。",
			who, store.ChineseMonthOf(seg.Month), r.N, r.First, r.Last, seg.First, seg.Last)
	}
	if seg.Prev == src.Head && (seg.First == 0 || seg.First == src.Last+1) {
		return nil
	}
	if seg.Last != 0 && seg.Last <= src.Last {
		return refused(Overlap, "拒收：%s这份%s的导出包（事件第 %d–%d 条）与已经收到的导出包重叠（已收到第 %d 条为止）。"+
			"请与社区核对这份导出包从何而来；已收到的记录没有改动。", who, store.ChineseMonthOf(seg.Month), seg.First, seg.Last, src.Last)
	}
	if missing := monthsBetween(src.LastMonth(), seg.Month); len(missing) > 0 || seg.First > src.Last+1 {
		what := "缺少其间的导出包"
		if len(missing) > 0 {
			what = "缺少 " + monthList(missing) + " 的导出包"
		}
		if seg.First > src.Last+1 {
			what += fmt.Sprintf("（事件第 %d–%d 条）", src.Last+1, seg.First-1)
		}
		return refused(Gap, "拒收：%s这份%s的导出包接不上已收到的%s：%s。请先接收缺少的导出包（可以和这一份一起给出，程序会按顺序接收）。",
			who, store.ChineseMonthOf(seg.Month), store.ChineseMonthOf(src.LastMonth()), what)
	}
	return refused(BrokenLink, "拒收：%s这份%s的导出包与已收到的%s导出包接不上（前一条事件的哈希不同）。"+
		"这说明两份导出包出自不同的台账文件，或台账被改动过。请与社区核对，必要时请上级核查。",
		who, store.ChineseMonthOf(seg.Month), store.ChineseMonthOf(src.LastMonth()))
}

// genesis is the hash before a ledger's first event.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"
