package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// segmentMeta is meta/"segment" of a bundle's ledger.db.
type segmentMeta struct {
	Month string `json:"month"` // 2026-11
	N     int    `json:"n"`
	First uint64 `json:"first"`
	Last  uint64 `json:"last"`
	Prev  string `json:"prev"`
	Head  string `json:"head"`
	Late  int    `json:"late"`
	// Start is where the segment begins in the office's log, also when it
	// is empty: base_events holds only events before it.
	Start uint64 `json:"start"`
}

// sources are what check replays for a segment: the earlier events of the
// records it touched, each checked against its own hash, then the month's
// run, which must continue the chain from Prev.
func (m segmentMeta) sources() []replaySource {
	return []replaySource{{bucket: bucketBaseEvents, before: m.Start}, {bucket: bucketEvents, chain: m.chain()}}
}

// chain is a walker that starts where the segment does: after the event
// whose hash is Prev.
func (m segmentMeta) chain() *chainWalker {
	w := &chainWalker{head: m.Prev}
	if m.First > 0 {
		w.n = m.First - 1
	}
	return w
}

func readSegmentMeta(b *bolt.DB) (segmentMeta, bool, error) {
	var m segmentMeta
	var ok bool
	err := b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || string(meta.Get(keyKind)) != "segment" {
			return nil
		}
		ok = true
		return json.Unmarshal(meta.Get(keySegment), &m)
	})
	return m, ok, err
}

// ParseMonth reads a month as the export asks for it: 2026-11, 2026-1,
// 2026年11月 or 202611.
func ParseMonth(s string) (time.Time, error) {
	t, ok := parseMonth(s)
	if !ok {
		return t, fmt.Errorf("月份“%s”看不懂，请写成 2026-11 这样的年-月。", s)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, Beijing), nil
}

// SegmentFor works out what the bundle of month (2026-11) carries: a month
// exported before carries the same events again (its next n); otherwise the
// run from the event after the last export up to the last event dated in
// the month. It builds the bundle's ledger.db in a temp file, which
// the bundle writer copies (File) and Close removes.
func (db *DB) SegmentFor(month string) (Segment, error) {
	t, err := ParseMonth(month)
	if err != nil {
		return Segment{}, err
	}
	if t.After(MonthStart(db.now())) {
		return Segment{}, fmt.Errorf("%s还没有到，不能导出。", ChineseMonth(t))
	}
	seg := Segment{Month: t.Format("2006-01"), N: 1, Prev: genesisDigest}
	exports, err := db.Exports()
	if err != nil {
		return seg, err
	}
	var run []storedEvent
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if err := placeSegment(tx, &seg, exports); err != nil {
			return err
		}
		run, err = segmentEvents(tx, &seg)
		return err
	})
	if err != nil {
		return seg, err
	}
	return db.buildSegment(seg, run)
}

// storedEvent is an event with the bytes it is stored as.
type storedEvent struct {
	Event
	raw []byte
}

// placeSegment sets where the segment starts (and, for a month exported
// before, where it ends).
func placeSegment(tx *bolt.Tx, seg *Segment, exports []ExportRecord) error {
	var last *ExportRecord
	for i, r := range exports {
		if r.Month == seg.Month {
			if seg.N == 1 {
				seg.First, seg.Last, seg.Prev, seg.Head = r.First, r.Last, prevOf(tx, r.First), r.Head
			}
			seg.N++
		}
		if last == nil || r.Last > last.Last || (r.Last == last.Last && r.Month > last.Month) {
			last = &exports[i]
		}
	}
	if seg.N > 1 || last == nil {
		return nil
	}
	if last.Month > seg.Month {
		return fmt.Errorf("%s的记录已随%s的导出包（%s）交出，不能再单独导出。需要时请重新导出%s。",
			ChineseMonthOf(seg.Month), ChineseMonthOf(last.Month), last.Bundle, ChineseMonthOf(last.Month))
	}
	seg.First, seg.Prev = last.Last+1, last.Head
	if last.Last == 0 {
		seg.Prev = genesisDigest
	}
	return nil
}

// prevOf is the hash of the event before seq.
func prevOf(tx *bolt.Tx, seq uint64) string {
	if seq <= 1 {
		return genesisDigest
	}
	h, err := storedHash(tx.Bucket(bucketEvents).Get(u64(seq - 1)))
	if err != nil {
		return ""
	}
	return h
}

// segmentEvents reads the segment's run of the log (a range read from
// First) and fixes Last, Head and Late.
func segmentEvents(tx *bolt.Tx, seg *Segment) ([]storedEvent, error) {
	key := MonthKey(seg.Month)
	again, end := seg.N > 1, seg.Last
	start := max(seg.First, 1)
	seg.start = start
	if !again {
		seg.First, seg.Last, seg.Head = 0, 0, seg.Prev
	}
	var run []storedEvent
	events := tx.Bucket(bucketEvents)
	prev, err := hashBefore(events, start)
	if err != nil {
		return nil, err
	}
	c := events.Cursor()
	k, v := c.Seek(u64(start))
	for k != nil {
		// A batch of the log decoded on both cores, then scanned in order.
		var raw [][]byte
		for ; k != nil && len(raw) < decodeBatch; k, v = c.Next() {
			// Its own copy: a run outlives the transaction.
			j, err := eventJSON(nil, v, prev)
			if err == nil {
				j = bytes.Clone(j)
				prev, err = storedHash(v)
			}
			if err != nil {
				return nil, &ChainError{fromU64(k), "内容无法解析"}
			}
			raw = append(raw, j)
		}
		events, err := decodeAll[Event](raw)
		if err != nil {
			return nil, &ChainError{0, "内容无法解析"}
		}
		for i, ev := range events {
			m := monthOfEvent(ev)
			if again && ev.Seq > end || !again && m > key {
				return run, nil
			}
			if m < key {
				seg.Late++
			}
			if seg.First == 0 {
				seg.First = ev.Seq
			}
			seg.Last, seg.Head = ev.Seq, ev.Hash
			run = append(run, storedEvent{ev, raw[i]})
		}
	}
	return run, nil
}

// decodeBatch is how many events segmentEvents decodes at a time: a month
// ends somewhere in the last batch, so little is decoded in vain.
const decodeBatch = 1024

// decodeAll decodes JSON values on two goroutines (the office PCs have two
// cores); the values are only read, so bolt's memory may be passed.
func decodeAll[T any](raw [][]byte) ([]T, error) {
	out := make([]T, len(raw))
	half := len(raw) / 2
	errs := make(chan error, 1)
	go func() {
		defer faultsPanic()()
		defer func() {
			if recover() != nil {
				errs <- errDamagedPage
			}
		}()
		for i := half; i < len(raw); i++ {
			if err := json.Unmarshal(raw[i], &out[i]); err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	var err error
	for i := 0; i < half && err == nil; i++ {
		err = json.Unmarshal(raw[i], &out[i])
	}
	if err2 := <-errs; err == nil {
		err = err2
	}
	return out, err
}

// buildSegment writes the bundle's ledger.db into a temp file: the events,
// the earlier events of every record they touch (and of the profile), and
// the records replayed from them; then reads the records back for the
// people's files. The temp file is not synced: the bundle writer syncs its
// copy on the stick.
func (db *DB) buildSegment(seg Segment, run []storedEvent) (Segment, error) {
	base, err := db.baseEvents(seg, run)
	if err != nil {
		return seg, err
	}
	f, err := os.CreateTemp("", "taizhang-segment-*.db")
	if err != nil {
		return seg, fmt.Errorf("无法创建导出用的临时文件：%w", err)
	}
	seg.path = f.Name()
	f.Close()
	os.Remove(seg.path)
	b, err := bolt.Open(seg.path, 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType, NoSync: true, NoFreelistSync: true})
	if err != nil {
		return seg, err
	}
	err = b.Update(func(tx *bolt.Tx) error {
		if err := createSegmentBuckets(tx, seg, db.now()); err != nil {
			return err
		}
		var newest time.Time
		var count counter
		for _, part := range []struct {
			name   []byte
			events []storedEvent
			counts bool
		}{{bucketBaseEvents, base, false}, {bucketEvents, run, true}} {
			bk := appendOnly(tx, part.name)
			for _, ev := range part.events {
				if err := bk.Put(u64(ev.Seq), ev.raw); err != nil {
					return err
				}
				if err := indexEvent(tx, ev.Event); err != nil {
					return err
				}
				if err := applyEvent(tx, ev.Event); err != nil {
					return err
				}
				if ev.Time.After(newest) {
					newest = ev.Time
				}
				if part.counts {
					count.add(ev.Event)
				}
			}
		}
		if err := raiseNewest(tx, newest); err != nil {
			return err
		}
		if err := readSegmentRecords(tx, &seg); errors.Is(err, ErrNoProfile) {
			return fmt.Errorf("%s早于本台账开始使用的时间，没有可导出的记录。", ChineseMonthOf(seg.Month))
		} else if err != nil {
			return err
		}
		seg.counts = count.finish(seg)
		return nil
	})
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(seg.path)
		return seg, err
	}
	return seg, nil
}

// createSegmentBuckets lays out an empty segment file: the main file's
// buckets, filled for keys that arrive in order, and meta saying what it is.
func createSegmentBuckets(tx *bolt.Tx, seg Segment, now time.Time) error {
	if err := createBuckets(tx, bucketMeta, bucketEvents, bucketBaseEvents); err != nil {
		return err
	}
	for _, d := range segmentBuckets {
		if _, err := tx.CreateBucket(d.name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	m := segmentMeta{Month: seg.Month, N: seg.N, First: seg.First, Last: seg.Last, Prev: seg.Prev, Head: seg.Head, Late: seg.Late, Start: seg.start}
	for k, v := range map[string][]byte{"app": appMarker, "schema": u64(CurrentSchema()), "kind": []byte("segment"), "created": []byte(now.Format(time.RFC3339))} {
		if err := meta.Put([]byte(k), v); err != nil {
			return err
		}
	}
	return putJSON(meta, keySegment, m)
}

// baseEvents are the events before the segment of every record the segment
// touches, and of the profile, oldest first.
func (db *DB) baseEvents(seg Segment, run []storedEvent) ([]storedEvent, error) {
	type subject struct {
		group byte
		id    uint64
	}
	touched := map[subject]bool{{'p', 0}: true}
	for _, ev := range run {
		touched[subject{subjectGroup(ev.Kind), ev.Subject}] = true
	}
	before := seg.start
	var seqs []uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSubjects).Cursor()
		for s := range touched {
			prefix := append([]byte{s.group}, u64(s.id)...)
			for k, _ := c.Seek(prefix); k != nil && len(k) == 17 && string(k[:9]) == string(prefix); k, _ = c.Next() {
				if seq := fromU64(k[9:]); seq < before {
					seqs = append(seqs, seq)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	out := make([]storedEvent, 0, len(seqs))
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for _, seq := range seqs {
			ev, raw, err := eventAtJSON(tx, seq, nil)
			if err != nil {
				return err
			}
			out = append(out, storedEvent{ev, bytes.Clone(raw)})
		}
		return nil
	})
	return out, err
}

// readSegmentRecords reads the replayed records into the segment.
func readSegmentRecords(tx *bolt.Tx, seg *Segment) error {
	p, err := profileTx(tx)
	if err != nil {
		return err
	}
	seg.Profile = p
	seg.Certificates, seg.Refusals, seg.Admissions = nil, nil, nil
	var err2 error
	if seg.Certificates, err2 = decodeBucket[Certificate](tx, bucketCerts); err2 != nil {
		return err2
	}
	if seg.Refusals, err2 = decodeBucket[Refusal](tx, bucketRefusals); err2 != nil {
		return err2
	}
	seg.Admissions, err2 = decodeBucket[Admission](tx, bucketAdmissions)
	return err2
}

// decodeBucket decodes every value of a bucket, in key order.
func decodeBucket[T any](tx *bolt.Tx, name []byte) ([]T, error) {
	var raw [][]byte
	if err := tx.Bucket(name).ForEach(func(_, v []byte) error { raw = append(raw, v); return nil }); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, nil
	}
	return decodeAll[T](raw)
}

func appendJSON[T any](v []byte, to *[]T) error {
	var x T
	if err := json.Unmarshal(v, &x); err != nil {
		return err
	}
	*to = append(*to, x)
	return nil
}

// File is the segment's ledger.db as SegmentFor built it in the temp
// folder (until Close), for a writer that copies it.
func (s Segment) File() string { return s.path }

// Close removes the segment's temp file.
func (s Segment) Close() error {
	if s.path == "" {
		return nil
	}
	return os.Remove(s.path)
}

// CheckSegmentFile checks a bundle's ledger.db on its own, read-only: the
// chain from the hash before its first event, and every record against a
// replay. The segment it returns has the month, range, hashes and profile.
func CheckSegmentFile(path string) (rep CheckReport, seg Segment, err error) {
	err = catchDamage(path, func() error {
		rep, seg, err = checkSegmentFile(path)
		return err
	})
	return rep, seg, err
}

func checkSegmentFile(path string) (CheckReport, Segment, error) {
	var seg Segment
	b, err := openSegment(path)
	if err != nil {
		return CheckReport{}, seg, err
	}
	defer b.Close()
	m, ok, err := readSegmentMeta(b)
	if err != nil || !ok {
		return CheckReport{}, seg, &NotLedgerError{Path: path, Reason: "不是台账导出包中的 ledger.db"}
	}
	seg = Segment{Month: m.Month, N: m.N, First: m.First, Last: m.Last, Prev: m.Prev, Head: m.Head, Late: m.Late}
	var count counter
	sources := m.sources()
	sources[1].onEvent = count.add
	rep, err := checkLedger(b, sources, segmentBuckets)
	if err != nil {
		return rep, seg, err
	}
	if rep.Head != m.Head || (m.Last != 0 && rep.Events != m.Last) {
		return rep, seg, &ChainError{m.Last, "导出段的最后一条事件与记录的不符"}
	}
	err = b.View(func(tx *bolt.Tx) error { return readSegmentRecords(tx, &seg) })
	seg.counts = count.finish(seg)
	return rep, seg, err
}

// RecordExport records a finished export (an event, so the next bundle's
// chain proves this one was made).
func (db *DB) RecordExport(op Operator, s Segment, bundle, manifestHash string) (ExportRecord, error) {
	r := ExportRecord{Month: s.Month, N: s.N, Bundle: bundle, ManifestHash: manifestHash, First: s.First, Last: s.Last, Head: s.Head}
	err := db.update(func(tx *bolt.Tx) error {
		ev, err := db.appendEvent(tx, op, db.now(), EvExport, 0, r)
		r.Seq, r.Time, r.Operator = ev.Seq, ev.Time, ev.Operator
		return err
	})
	return r, err
}

// Exports lists every export, oldest first.
func (db *DB) Exports() ([]ExportRecord, error) {
	var out []ExportRecord
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketExports).ForEach(func(_, v []byte) error { return appendJSON(v, &out) })
	})
	return out, err
}

// LastExport is the newest export (false when there is none).
func (db *DB) LastExport() (ExportRecord, bool, error) {
	all, err := db.Exports()
	if err != nil || len(all) == 0 {
		return ExportRecord{}, false, err
	}
	return all[len(all)-1], true, nil
}

// Counts are the segment's numbers per register, counted from its events:
// certificates issued, voided and printed in it, refusals recorded, and the
// approval forms it touched.
func (s Segment) Counts() Counts {
	c := s.counts
	c.ByType = maps.Clone(c.ByType)
	return c
}

// counter counts what the segment's events did as they are replayed.
type counter struct {
	c          Counts
	issued     []uint64
	admissions map[uint64]bool
}

func (n *counter) add(ev Event) {
	n.c.Events++
	switch ev.Kind {
	case EvCertIssue:
		n.c.Certificates++
		n.issued = append(n.issued, ev.Subject)
	case EvCertImport:
		n.c.Imported++
	case EvCertVoid:
		n.c.Voided++
	case EvCertPrint:
		n.c.Prints++
	case EvRefusal:
		n.c.Refusals++
	case EvAdmissionSave, EvAdmissionStatus:
		if n.admissions == nil {
			n.admissions = map[uint64]bool{}
		}
		n.admissions[ev.Subject] = true
	}
}

// finish adds what needs the replayed records: the type of each
// certificate issued.
func (n *counter) finish(seg Segment) Counts {
	names := make(map[uint64]string, len(seg.Certificates))
	for _, cert := range seg.Certificates {
		names[cert.ID] = cert.TypeName
	}
	return n.finishNamed(seg.Late, names)
}

// finishNamed is finish with the certificates' type names by id.
func (n *counter) finishNamed(late int, names map[uint64]string) Counts {
	c := n.c
	c.Late, c.Admissions, c.ByType = late, len(n.admissions), map[string]int{}
	for _, id := range n.issued {
		c.ByType[names[id]]++
	}
	return c
}
