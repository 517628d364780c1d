package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ImportRun is an import in progress: Add the certificates, then Commit.
// It writes to a copy of the ledger, so until Commit the ledger is
// untouched (and the ledger must not be written meanwhile: Commit refuses
// to replace a file that changed since the run began). Abort, or a
// failure, throws the copy away.
type ImportRun struct {
	live, work *DB
	tx         *bolt.Tx
	op         Operator
	now        time.Time
	head       []byte // the live ledger's last event when the run began
	firstID    uint64 // the id of the first certificate added
	firstSeq   uint64 // the seq of the first certificate's event
	prepared   uint64 // certificates prepared (Prepare's own count)
	inTx       int    // certificates in the open transaction
	batch      int    // certificates per transaction
	n          int

	nowJSON []byte        // now as Time.MarshalJSON writes it
	feed    func(CertRow) // FeedRows's, or nil

	// Encode's: the keys and values that wait for the end of the run.
	rows, person, serials keyList

	// Add's: the open transaction's buckets, the hash of the last event so
	// far and the last certificate added.
	bk   importBuckets
	prev [sha256.Size]byte
	hash hash.Hash
	last Prepared
}

// Batches start small and double: bbolt splits a bucket's pages only when
// a transaction commits, so the first batch into an empty bucket sorts
// into one large node; later ones spread over the pages the earlier made.
const (
	firstImportBatch = 2048
	maxImportBatch   = 8192
)

// importName is the working copy beside the ledger at path; a copy left
// by a killed import is removed by the next one.
func importName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".导入中")
}

// BeginImport starts an import by op: the clock is checked once (an
// import's events all carry the time it began) and the ledger is copied
// beside itself.
func (db *DB) BeginImport(op Operator) (*ImportRun, error) {
	if op.ID == 0 {
		return nil, &FieldError{"经办人", "请先选择经办人。"}
	}
	if db.clockAccepted {
		// Its events carry the time the import began: a clock behind the
		// newest record is set right first, not confirmed.
		return nil, errors.New("导入旧台账前请先校正电脑的日期和时间。")
	}
	r := &ImportRun{live: db, op: op, now: db.now(), batch: firstImportBatch, hash: sha256.New()}
	var err error
	if r.nowJSON, err = r.now.MarshalJSON(); err != nil {
		return nil, err
	}
	tmp := importName(db.path)
	_ = os.Remove(tmp)
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if err := db.checkClock(tx, r.now); err != nil {
			return err
		}
		r.head = lastEventValue(tx)
		return writeCopy(tx, tmp)
	})
	if err != nil {
		os.Remove(tmp)
		return nil, SaveError(db.path, err)
	}
	// The copy is synced once, when it is whole (Commit).
	opts := *db.opts
	opts.ReadOnly, opts.NoSync = false, true
	b, err := bolt.Open(tmp, 0o600, &opts)
	if err != nil {
		os.Remove(tmp)
		return nil, SaveError(db.path, err)
	}
	b.AllocSize = growStep
	now := r.now
	r.work = &DB{bolt: b, opts: &opts, path: tmp, now: func() time.Time { return now }}
	err = b.View(func(tx *bolt.Tx) error {
		if !compactLayout(tx) {
			return errors.New("数据文件的格式不是当前版本")
		}
		r.firstID = certRecords(tx).Sequence() + 1
		events := tx.Bucket(bucketEvents)
		r.firstSeq = events.Sequence() + 1
		prev := genesisDigest
		if k, v := events.Cursor().Last(); k != nil {
			var err error
			if prev, err = storedHash(v); err != nil {
				return err
			}
		}
		_, err := hex.Decode(r.prev[:], []byte(prev))
		return err
	})
	if err != nil {
		r.Abort()
		return nil, SaveError(db.path, err)
	}
	return r, nil
}

func lastEventValue(tx *bolt.Tx) []byte {
	k, v := tx.Bucket(bucketEvents).Cursor().Last()
	return append(append([]byte(nil), k...), v...)
}

func writeCopy(tx *bolt.Tx, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = tx.WriteTo(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Prepared is a certificate on its way into the run: Prepare gives its id
// and event seq; Encode writes its cert.import event, all but the link to
// the event before it, which only Add knows (the event's JSON up to its
// "prev" member, and its stored form but for the hash), and the values of
// the record buckets it goes to.
type Prepared struct {
	c      Certificate
	seq    uint64
	body   []byte // the event's canonical JSON up to `,"prev":`
	stored []byte // evPacked and the packed body, room for the hash after
	state  []byte // its cert_state value
}

// Prepare gives an imported certificate (as ImportInput.Validate made it)
// the next id and seq. The certificates must reach Add in the order
// Prepare saw them.
func (r *ImportRun) Prepare(c Certificate) Prepared {
	c.ID, c.Imported, c.Status = r.firstID+r.prepared, true, Valid
	p := Prepared{c: c, seq: r.firstSeq + r.prepared}
	r.prepared++
	return p
}

// Encode writes p's event and record values. It is the costly part of
// adding a certificate, and needs nothing of the run but what Prepare
// fixed: several goroutines may encode different certificates at once,
// while Add stores the ones before.
func (r *ImportRun) Encode(p *Prepared) error {
	ev := Event{Seq: p.seq, Time: r.now, OperatorID: r.op.ID, Operator: r.op.Name, Kind: EvCertImport, Subject: p.c.ID}
	data, stored, err := encodeImport(make([]byte, 1, 400), ev, &p.c)
	if err != nil {
		return err
	}
	ev.Data = data
	body := ev.bodyWithTime(r.nowJSON) // ends `,"prev":""}`: cut to before the prev
	body = body[:len(body)-len(`,"prev":""}`)]
	head := append(body, '}')
	if stored == nil {
		// The stored form packs the JSON without prev, closed (eventvalue.go).
		stored, _ = packJSON(make([]byte, 1, len(body)/2+1+sha256.Size), head)
	}
	if len(stored) > 1 {
		stored[0] = evPacked
		p.stored = slices.Grow(stored, sha256.Size)
	}
	p.body = head[:len(body)]
	month := MonthKey(p.c.IssueDate)
	p.state = certState{Issue: p.seq, Month: month}.encode()
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], p.c.ID)
	var row [256]byte
	r.rows.add(CertRowOf(p.c).appendEncoded(row[:0]), []byte(month), id[:])
	r.person.add(nil, []byte(p.c.IDNumber), id[:])
	if p.c.Serial != "" {
		r.serials.add(id[:], []byte(p.c.Serial))
	}
	return nil
}

// Add chains one prepared certificate onto the log as a cert.import event
// and files it. It does what chainEvent and applyCert do for the event,
// in another order: the record buckets whose keys come in any order are
// written sorted at the end of the run (Commit), and the counters (the
// month's checkpoint, the sequences) once per transaction. The file ends
// the same; TestImportRunIsChainEvent compares every bucket.
func (r *ImportRun) Add(p Prepared) (Certificate, error) {
	c := p.c
	if r.work == nil {
		return c, errors.New("导入已经中止")
	}
	if want := r.firstID + uint64(r.n); c.ID != want || p.seq != r.firstSeq+uint64(r.n) {
		return c, r.fail(fmt.Errorf("导入的第 %d 份证明没有按准备的次序添加", r.n+1))
	}
	if p.body == nil {
		if err := r.Encode(&p); err != nil {
			return c, r.fail(err)
		}
	}
	if r.tx == nil {
		if err := r.begin(); err != nil {
			return c, r.fail(err)
		}
	}
	if err := r.chain(p); err != nil {
		return c, r.fail(err)
	}
	r.n++
	if r.inTx++; r.inTx >= r.batch {
		err := r.commitBatch()
		r.batch = min(2*r.batch, maxImportBatch)
		if err != nil {
			return c, r.fail(err)
		}
	}
	return c, nil
}

// importBuckets are the buckets an import writes, looked up once per
// transaction.
type importBuckets struct {
	events, subjects, states *bolt.Bucket
}

func (r *ImportRun) begin() error {
	tx, err := r.work.bolt.Begin(true)
	if err != nil {
		return err
	}
	r.tx = tx
	b := &r.bk
	b.events, b.subjects, b.states = tx.Bucket(bucketEvents), appendOnly(tx, bucketSubjects), tx.Bucket(bucketCertState)
	b.events.FillPercent, b.states.FillPercent = 1, appendFill
	return nil
}

// chain links p's event to the one before (its hash over the previous
// hash and the canonical JSON) and writes the event, its subject and its
// state; its row, person and serial wait for the end of the run.
func (r *ImportRun) chain(p Prepared) error {
	var prevHex [2 * sha256.Size]byte
	hex.Encode(prevHex[:], r.prev[:])
	h := r.hash
	h.Reset()
	h.Write(r.prev[:])
	h.Write(p.body)
	h.Write([]byte(`,"prev":"`))
	h.Write(prevHex[:])
	h.Write([]byte(`"}`))
	h.Sum(r.prev[:0])
	stored := p.stored
	if stored == nil { // a body that does not pack is stored as JSON
		ev := Event{Prev: string(prevHex[:]), Hash: hex.EncodeToString(r.prev[:])}
		stored = ev.withHash(append(append(append(append(slices.Clip(p.body), `,"prev":"`...), prevHex[:]...), `"`...), '}'))
	} else {
		stored = append(stored, r.prev[:]...)
	}
	c := p.c
	// bbolt copies keys, not values: one buffer serves every key.
	var key [17]byte
	binary.BigEndian.PutUint64(key[:8], p.seq)
	if err := r.bk.events.Put(key[:8], stored); err != nil {
		return err
	}
	key[0] = subjectGroup(EvCertImport)
	binary.BigEndian.PutUint64(key[1:9], c.ID)
	binary.BigEndian.PutUint64(key[9:], p.seq)
	if err := r.bk.subjects.Put(key[:], nil); err != nil {
		return err
	}
	binary.BigEndian.PutUint64(key[:8], c.ID)
	if err := r.bk.states.Put(key[:8], p.state); err != nil {
		return err
	}
	r.last = p
	return nil
}

// commitBatch commits the open transaction.
func (r *ImportRun) commitBatch() error {
	if err := r.finishBatch(); err != nil {
		_ = r.tx.Rollback()
		r.tx = nil
		return err
	}
	err := r.tx.Commit()
	r.tx, r.inTx = nil, 0
	return err
}

// putSorted writes the record buckets whose keys come in any order, each
// in key order. Left to the end of the run, they are written once: put
// with every batch, each commit would write most of their pages again.
// The lists are sorted side by side while the first is put.
func (r *ImportRun) putSorted() error {
	lists := []struct {
		l    *keyList
		name []byte
	}{{&r.rows, bucketCertRows}, {&r.person, bucketCertPerson}, {&r.serials, bucketCertSerials}}
	sorted := make([]chan struct{}, len(lists))
	for i, w := range lists {
		sorted[i] = make(chan struct{})
		go func() {
			w.l.sort()
			close(sorted[i])
		}()
	}
	var err error
	for i, w := range lists {
		<-sorted[i]
		if err == nil {
			err = w.l.putSorted(r.work.bolt, w.name, maxImportBatch)
		}
	}
	r.rows, r.person, r.serials = keyList{}, keyList{}, keyList{}
	return err
}

// finishBatch writes the counters of the transaction's events.
func (r *ImportRun) finishBatch() error {
	if r.inTx == 0 {
		return nil
	}
	last := r.last
	if err := r.bk.events.SetSequence(last.seq); err != nil {
		return err
	}
	if err := raiseSequence(r.bk.states, last.c.ID); err != nil {
		return err
	}
	if err := raiseNewest(r.tx, r.now); err != nil {
		return err
	}
	return r.noteCheckpoints(last.seq - uint64(r.inTx) + 1)
}

// noteCheckpoints adds the transaction's events, from seq first on, to the
// checkpoint of their month (one: they all carry the time the run began).
func (r *ImportRun) noteCheckpoints(first uint64) error {
	bk := r.tx.Bucket(bucketCheckpoints)
	key := []byte(r.now.In(Beijing).Format("200601"))
	var cp checkpoint
	if v := bk.Get(key); v != nil {
		if err := cp.decode(v); err != nil {
			return err
		}
	} else {
		cp.First = first
	}
	cp.Last, cp.Head = r.last.seq, hex.EncodeToString(r.prev[:])
	cp.Events += r.inTx
	return bk.Put(key, cp.encode())
}

func (r *ImportRun) fail(err error) error {
	r.Abort()
	return SaveError(r.live.path, err)
}

// Abort throws the copy away; the ledger stays as it was.
func (r *ImportRun) Abort() {
	if r.work == nil {
		return
	}
	if r.tx != nil {
		_ = r.tx.Rollback()
		r.tx = nil
	}
	r.work.bolt.Close()
	os.Remove(r.work.path)
	r.work = nil
}

// ErrLedgerChanged: something wrote to the ledger while an import ran on
// its copy, so the copy cannot replace it.
var ErrLedgerChanged = errors.New("导入期间台账有了新的记录，导入没有生效，台账保持原样。请重新导入一次（已导入过的行不会重复）")

// Commit puts the copy, with every certificate added, in place of the
// ledger file and returns how many were added. db (the ledger BeginImport
// was called on) then reads the new file; nothing else may use it while
// Commit runs.
func (r *ImportRun) Commit() (int, error) {
	if r.work == nil {
		return 0, errors.New("导入已经中止")
	}
	if r.n == 0 { // nothing to add: the file stays as it is
		r.Abort()
		return 0, nil
	}
	if r.tx != nil {
		if err := r.commitBatch(); err != nil {
			return 0, r.fail(err)
		}
	}
	fed := r.feedRows()
	err := r.putSorted()
	<-fed
	if err != nil {
		return 0, r.fail(err)
	}
	if err := r.work.bolt.Sync(); err != nil {
		return 0, r.fail(err)
	}
	tmp := r.work.path
	if err := r.work.bolt.Close(); err != nil {
		return 0, r.fail(err)
	}
	r.work = nil
	if err := r.live.replaceWith(tmp, r.head); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return r.n, nil
}

// FeedRows has Commit give fn the list row of every certificate added, in
// the order of their ids, on a goroutine of its own while it writes the
// buckets: an import builds the search index from them.
func (r *ImportRun) FeedRows(fn func(CertRow)) { r.feed = fn }

// feedRows starts feeding the rows to r.feed (if set) from the rows
// gathered for cert_rows; done is closed when all are fed.
func (r *ImportRun) feedRows() (done <-chan struct{}) {
	c := make(chan struct{})
	if r.feed == nil {
		close(c)
		return c
	}
	l := &r.rows
	chunks := l.chunks // putSorted lets go of the list, not of its bytes
	byID := make([]keyEnt, r.n)
	for _, e := range l.ents {
		if i := binary.BigEndian.Uint64(l.key(e)[len("200601"):]) - r.firstID; i < uint64(len(byID)) {
			byID[i] = e
		}
	}
	go func() {
		defer close(c)
		for i, e := range byID {
			at := e.off + uint32(e.klen)
			if row, ok := decodeRow(r.firstID+uint64(i), chunks[e.chunk][at:at+uint32(e.vlen)]); ok {
				r.feed(row)
			}
		}
	}()
	return c
}

// replaceWith puts tmp in place of the file if the file still ends with
// the event head it had when the run began, and opens it.
func (db *DB) replaceWith(tmp string, head []byte) error {
	same := false
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		same = bytes.Equal(lastEventValue(tx), head)
		return nil
	}); err != nil {
		return err
	}
	if !same {
		return ErrLedgerChanged
	}
	if err := db.swapIn(tmp); err != nil {
		if db.bolt == nil {
			return fmt.Errorf("导入已经完成，但%w。请退出程序后重新打开", err)
		}
		return SaveError(db.path, err)
	}
	return nil
}
