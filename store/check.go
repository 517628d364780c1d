package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// derivedBucket is a bucket the events add up to, with the Chinese name of
// what it holds.
type derivedBucket struct {
	name  []byte
	label string
}

// derivedBuckets are a ledger's derived buckets, in the order check
// compares them.
var derivedBuckets = []derivedBucket{
	{bucketProfile, "社区信息"},
	{bucketOperators, "经办人"},
	{bucketCertState, "证明"},
	{bucketCertRows, "证明月目录"},
	{bucketCertSerials, "证明编号索引"},
	{bucketCertPerson, "身份证号索引"},
	{bucketSerials, "年度编号"},
	{bucketRefusals, "拒绝出具登记"},
	{bucketAdmissions, "准入申请"},
	{bucketSubjects, "记录的事件索引"},
	{bucketCheckpoints, "月度事件索引"},
	{bucketExports, "导出记录"},
}

// segmentBuckets are those of a bundle's ledger.db, which keeps whole
// certificates (certs) where a ledger keeps their states.
var segmentBuckets = func() []derivedBucket {
	out := append([]derivedBucket(nil), derivedBuckets...)
	for i, d := range out {
		if string(d.name) == string(bucketCertState) {
			out[i].name = bucketCerts
		}
	}
	return out
}()

// CheckReport is what Check proved: the chain holds and every derived
// bucket is exactly what replaying the chain gives.
type CheckReport struct {
	Events       uint64
	Head         string // hash of the last event
	Certificates int
	Refusals     int
	Admissions   int
	Operators    int
}

func (r CheckReport) String() string {
	return fmt.Sprintf("事件 %d 条，链尾哈希 %s；证明 %d 份，拒绝出具 %d 条，准入申请 %d 份，经办人 %d 位。事件链完整，各登记簿与事件记录一致。",
		r.Events, shortHash(r.Head), r.Certificates, r.Refusals, r.Admissions, r.Operators)
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}

// CheckError: a stored bucket differs from what the event log adds up to,
// so something changed the file outside the program.
type CheckError struct {
	Register string // 证明, 拒绝出具登记 …
	Record   string // which record: 证明 2026-0003, 键 …
	Field    string // the field that differs; empty when the whole record is missing or extra
	Have     string // what the file holds ("" when missing)
	Want     string // what the events give ("" when extra)
	Seq      uint64 // the last event about the record (0 if none)
}

func (e *CheckError) Error() string {
	var what string
	switch {
	case e.Want == "":
		what = "文件中有这条记录，但事件记录里没有它"
	case e.Have == "":
		what = "事件记录里有这条记录，但文件中缺失"
	case e.Field != "":
		what = fmt.Sprintf("“%s”一项与事件记录不符：文件中为 %s，按事件应为 %s", e.Field, clip(e.Have), clip(e.Want))
	default:
		what = fmt.Sprintf("与事件记录不符：文件中为 %s，按事件应为 %s", clip(e.Have), clip(e.Want))
	}
	at := ""
	if e.Seq != 0 {
		at = fmt.Sprintf("（最后一条相关事件：第 %d 条）", e.Seq)
	}
	return fmt.Sprintf("%s：%s%s%s。数据文件在本程序之外被改动过，请保留该文件，并从备份恢复或联系上级核查。", e.Register, maskIDs(e.Record), what, at)
}

// clip shortens a stored value for the message, its ID numbers masked
// first (so that a cut never leaves most of a number showing).
func clip(s string) string {
	r := []rune(maskIDs(s))
	if len(r) > 40 {
		return string(r[:40]) + "..."
	}
	return s
}

// replayBatch is how many events go into one transaction of the scratch file.
const replayBatch = 5000

// Check verifies the event chain, replays it into fresh buckets in a
// scratch file and compares them, record by record, with the stored ones
// (and the bucket sequences and meta/newest). It only reads the ledger. The
// first difference comes back as a *ChainError or *CheckError. A bundle's
// ledger.db (a segment) is checked the same way from its own start.
func (db *DB) Check() (CheckReport, error) {
	seg, isSegment, err := readSegmentMeta(db.bolt)
	if err != nil {
		return CheckReport{}, err
	}
	if isSegment {
		return checkLedger(db.bolt, seg.sources(), segmentBuckets)
	}
	pins := pinProof{}
	rep, err := checkLedger(db.bolt, []replaySource{{bucket: bucketEvents, chain: &chainWalker{}, onEvent: pins.note}}, derivedBuckets)
	if err != nil {
		return rep, err
	}
	// The PINs are not in a bundle's segment, so only the ledger proves them.
	return rep, db.bolt.View(pins.prove)
}

// replaySource is a bucket of events to replay, in key order. With a chain
// each event must follow the one before; without, each must only match its
// own hash (the earlier events a segment carries for context).
type replaySource struct {
	bucket []byte
	chain  *chainWalker
	before uint64 // without a chain: every key must be below this
	// onEvent, if set, sees each event of the source as it is replayed.
	onEvent func(Event)
}

func checkLedger(b *bolt.DB, sources []replaySource, derived []derivedBucket) (CheckReport, error) {
	var rep CheckReport
	scratch, cleanup, err := openScratch(derived)
	if err != nil {
		return rep, err
	}
	defer cleanup()
	newest, err := replayInto(b, scratch, sources)
	if err != nil {
		return rep, err
	}
	last := sources[len(sources)-1].chain
	rep.Events, rep.Head = last.n, last.headHash()
	err = b.View(func(tx *bolt.Tx) error {
		return scratch.View(func(want *bolt.Tx) error {
			if err := compareBuckets(tx, want, derived); err != nil {
				return err
			}
			if have := newestTime(tx); !have.Equal(newest) {
				return &CheckError{Register: "时钟记录", Record: "最新记录时间", Have: StampText(have), Want: StampText(newest)}
			}
			rep.Certificates = certRecords(tx).Stats().KeyN
			rep.Refusals = tx.Bucket(bucketRefusals).Stats().KeyN
			rep.Admissions = tx.Bucket(bucketAdmissions).Stats().KeyN
			rep.Operators = tx.Bucket(bucketOperators).Stats().KeyN
			return nil
		})
	})
	return rep, err
}

// openScratch makes an empty bbolt file in the temp folder with the derived
// buckets. It is thrown away after the check, so it is not synced.
func openScratch(derived []derivedBucket) (*bolt.DB, func(), error) {
	f, err := os.CreateTemp("", "taizhang-check-*.db")
	if err != nil {
		return nil, nil, fmt.Errorf("无法创建核对用的临时文件：%w", err)
	}
	path := f.Name()
	f.Close()
	os.Remove(path)
	b, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, nil, fmt.Errorf("无法创建核对用的临时文件：%w", err)
	}
	cleanup := func() { b.Close(); os.Remove(path) }
	err = b.Update(func(tx *bolt.Tx) error {
		for _, d := range derived {
			if _, err := tx.CreateBucket(d.name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return b, cleanup, nil
}

// replayInto verifies each event (its place in the chain, or its own hash)
// and applies it to the scratch file, as the program did when it wrote it,
// one pass over each source; it returns the newest event time.
func replayInto(b *bolt.DB, scratch *bolt.DB, sources []replaySource) (time.Time, error) {
	var newest time.Time
	err := b.View(func(tx *bolt.Tx) error {
		for _, src := range sources {
			bk := tx.Bucket(src.bucket)
			if bk == nil {
				return &ChainError{0, "缺少事件记录"}
			}
			events, stop := readEvents(bk, src)
			err := applyAll(scratch, events, src, &newest)
			stop()
			if err != nil {
				return err
			}
		}
		return nil
	})
	return newest.In(Beijing), err
}

// readResult is one event read and verified, or the error that ends the run.
type readResult struct {
	ev  Event
	err error
}

// readEvents decodes and verifies the source's events on a goroutine of
// its own, so that on a PC with two cores decoding and replaying overlap.
// stop ends it early; it must be called before the transaction ends.
func readEvents(bk *bolt.Bucket, src replaySource) (<-chan readResult, func()) {
	out := make(chan readResult, 256)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(out)
		defer faultsPanic()()
		defer func() {
			if recover() != nil {
				select {
				case out <- readResult{err: errDamagedPage}:
				case <-done:
				}
			}
		}()
		c := bk.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			ev, err := src.next(k, v)
			select {
			case out <- readResult{ev, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out, func() { close(done); <-finished }
}

// applyAll replays the events into the scratch file, a batch per
// transaction.
func applyAll(scratch *bolt.DB, events <-chan readResult, src replaySource, newest *time.Time) error {
	more := true
	for more {
		err := scratch.Update(func(out *bolt.Tx) error {
			for i := 0; i < replayBatch; i++ {
				r, ok := <-events
				if !ok {
					more = false
					return nil
				}
				if r.err != nil {
					return r.err
				}
				ev := r.ev
				if err := indexEvent(out, ev); err != nil {
					return err
				}
				if err := applyEvent(out, ev); err != nil {
					return &ChainError{ev.Seq, "无法按事件重建记录：" + err.Error()}
				}
				if ev.Time.After(*newest) {
					*newest = ev.Time
				}
				if src.onEvent != nil {
					src.onEvent(ev)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// next reads and verifies one event of the source.
func (src replaySource) next(k, v []byte) (Event, error) {
	if src.chain != nil {
		return src.chain.next(k, v)
	}
	ev, raw, err := readEvent(nil, v, "") // a segment's events are plain JSON
	if err != nil {
		return ev, &ChainError{fromU64(k), "内容无法解析"}
	}
	if ev.Seq != fromU64(k) || ev.Seq >= src.before {
		return ev, &ChainError{fromU64(k), "序号不对"}
	}
	return ev, ev.verifyStored(raw)
}

// compareBuckets walks each derived bucket of the ledger (have) and of the
// replay (want) side by side.
func compareBuckets(have, want *bolt.Tx, derived []derivedBucket) error {
	for _, d := range derived {
		hb, wb := have.Bucket(d.name), want.Bucket(d.name)
		if hb == nil {
			return &CheckError{Register: d.label, Record: "整个登记簿", Want: "存在"}
		}
		if err := compareBucket(d.name, d.label, hb, wb, want); err != nil {
			return err
		}
		if hs, ws := hb.Sequence(), wb.Sequence(); hs != ws {
			return &CheckError{Register: d.label, Record: "下一个记录号", Have: fmt.Sprint(hs + 1), Want: fmt.Sprint(ws + 1)}
		}
	}
	return nil
}

func compareBucket(name []byte, label string, hb, wb *bolt.Bucket, want *bolt.Tx) error {
	hc, wc := hb.Cursor(), wb.Cursor()
	hk, hv := hc.First()
	wk, wv := wc.First()
	for hk != nil || wk != nil {
		switch cmp := compareKeys(hk, wk); {
		case cmp < 0: // only in the file
			return recordError(name, label, hk, hv, nil, want)
		case cmp > 0: // only in the replay
			return recordError(name, label, wk, nil, wv, want)
		case !bytes.Equal(hv, wv):
			return recordError(name, label, hk, hv, wv, want)
		}
		hk, hv = hc.Next()
		wk, wv = wc.Next()
	}
	return nil
}

// compareKeys orders keys as cursors do, with nil (past the end) last.
func compareKeys(a, b []byte) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return bytes.Compare(a, b)
}

// recordError describes the first difference in a record: have or want is
// nil when the record is missing on that side.
func recordError(name []byte, label string, key, have, want []byte, replay *bolt.Tx) error {
	if string(name) == string(bucketCertState) {
		have, want = stateJSON(have), stateJSON(want)
	}
	group, id, record := describeKey(name, key, have, want)
	if string(name) == string(bucketCertState) {
		record = certStateRecord(replay, id, have, want)
	}
	e := &CheckError{Register: label, Record: record, Have: string(have), Want: string(want)}
	if have != nil && want != nil {
		e.Field, e.Have, e.Want = firstFieldDiff(have, want)
	}
	if e.Have == "" && have != nil {
		e.Have = "（空）"
	}
	if e.Want == "" && want != nil {
		e.Want = "（空）"
	}
	if group != 0 {
		e.Seq = lastEventAbout(replay, group, id)
	}
	return e
}

// describeKey names the record a key of a derived bucket belongs to, and
// the subject (group, id) whose events made it.
func describeKey(name, key, have, want []byte) (group byte, id uint64, record string) {
	val := want
	if val == nil {
		val = have
	}
	switch string(name) {
	case string(bucketCerts):
		id = fromU64(key)
		var c Certificate
		_ = json.Unmarshal(val, &c)
		return 'c', id, fmt.Sprintf("证明 %s（第 %d 号记录）", c.Serial, id)
	case string(bucketCertState):
		id = fromU64(key)
		return 'c', id, fmt.Sprintf("第 %d 号证明", id)
	case string(bucketCertRows):
		id = fromU64(key[min(6, len(key)):])
		return 'c', id, fmt.Sprintf("%s 月的第 %d 号证明", key[:min(6, len(key))], id)
	case string(bucketCertSerials):
		id = fromU64(val)
		return 'c', id, "编号 " + string(key)
	case string(bucketCertPerson):
		id = fromU64(key[max(len(key)-8, 0):])
		return 'c', id, fmt.Sprintf("第 %d 号证明的身份证号", id)
	case string(bucketSerials):
		return 0, 0, string(key) + " 年的最后编号"
	case string(bucketRefusals):
		id = fromU64(key[min(6, len(key)):])
		return 'r', id, fmt.Sprintf("第 %d 号拒绝登记", id)
	case string(bucketAdmissions):
		id = fromU64(key)
		return 'a', id, fmt.Sprintf("第 %d 号准入申请", id)
	case string(bucketOperators):
		id = fromU64(key)
		return 'o', id, fmt.Sprintf("第 %d 号经办人", id)
	case string(bucketProfile):
		return 'p', 0, "社区信息"
	case string(bucketSubjects):
		if len(key) == 17 {
			return 0, 0, fmt.Sprintf("第 %d 条事件的索引", fromU64(key[9:]))
		}
	}
	return 0, 0, fmt.Sprintf("键 %x", key)
}

// certStateRecord names a certificate by its serial, read from the
// replay's month list where the state (as JSON) says its row is.
func certStateRecord(replay *bolt.Tx, id uint64, have, want []byte) string {
	val := want
	if val == nil {
		val = have
	}
	var s certState
	_ = json.Unmarshal(val, &s)
	if r, ok := decodeRow(id, replay.Bucket(bucketCertRows).Get(append([]byte(s.Month), u64(id)...))); ok {
		return fmt.Sprintf("证明 %s（第 %d 号记录）", r.Serial, id)
	}
	return fmt.Sprintf("第 %d 号证明", id)
}

// lastEventAbout finds the newest event about a record in the replay's
// subject index.
func lastEventAbout(replay *bolt.Tx, group byte, id uint64) uint64 {
	prefix := append([]byte{group}, u64(id)...)
	c := replay.Bucket(bucketSubjects).Cursor()
	var last uint64
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		last = fromU64(k[len(prefix):])
	}
	return last
}

// firstFieldDiff compares two JSON objects field by field in the order the
// replay wrote them and returns the first field that differs.
func firstFieldDiff(have, want []byte) (field, h, w string) {
	var hm, wm map[string]json.RawMessage
	if json.Unmarshal(have, &hm) != nil || json.Unmarshal(want, &wm) != nil {
		return "", string(have), string(want)
	}
	for _, k := range objectKeys(want) {
		if !bytes.Equal(hm[k], wm[k]) {
			return fieldLabel(k), rawText(hm[k]), rawText(wm[k])
		}
	}
	for _, k := range objectKeys(have) {
		if _, ok := wm[k]; !ok {
			return fieldLabel(k), rawText(hm[k]), "（无）"
		}
	}
	return "", string(have), string(want)
}

// objectKeys lists a JSON object's keys in the order they appear.
func objectKeys(obj []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, fmt.Sprint(t))
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

func rawText(v json.RawMessage) string {
	if v == nil {
		return "（无）"
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return "“" + s + "”"
	}
	return string(v)
}

// fieldLabels are the Chinese names of stored fields, for the check's message.
var fieldLabels = map[string]string{
	"serial": "编号", "type_no": "证明类型", "type_name": "证明类型名称", "name": "姓名", "id_number": "身份证号",
	"address": "住址", "purpose": "用途", "recipient": "需证明单位", "verified": "核实情况", "copies": "份数",
	"issue_date": "签发日期", "operator_name": "经办人", "prints": "打印次数", "status": "状态",
	"void_reason": "作废原因", "replaces": "更正的证明", "replaced_by": "更正后的证明", "issuer": "出具单位",
	"issue": "开具事件", "later": "后续事件", "month": "月份",
	"requester": "请求方", "item": "请求事项", "reason": "拒绝理由", "date": "日期", "community": "社区名称",
}

func fieldLabel(k string) string {
	if l, ok := fieldLabels[k]; ok {
		return l + "（" + k + "）"
	}
	return k
}
