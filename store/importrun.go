package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ImportRun is an import in progress: Add the certificates, then Commit.
// It writes a new file beside the ledger, so until Commit the ledger is
// untouched (and the ledger must not be written meanwhile: Commit refuses
// to replace a file that changed since the run began). Abort, or a
// failure, throws the new file away.
//
// The new file is laid out page by page (bulkFile): the events, subjects
// and states of the imported certificates as Add chains them, and at
// Commit the ledger's own records around them, with the rows, persons and
// serials gathered meanwhile merged in.
type ImportRun struct {
	live     *DB
	path     string // the new file
	bf       *bulkFile
	op       Operator
	now      time.Time
	head     []byte // the live ledger's last event when the run began
	firstID  uint64 // the id of the first certificate added
	firstSeq uint64 // the seq of the first certificate's event
	prepared uint64 // certificates prepared (Prepare's own count)
	n        int

	nowJSON []byte      // now as Time.MarshalJSON writes it
	shared  *importHead // the packed members every event has alike

	// Encode's: the keys and values that wait for the end of the run.
	rows, person, serials keyList

	// Add's: the leaves of the buckets whose new keys come in order, the
	// hash of the last event so far and the last certificate added.
	events, subjects, states *nodeWriter
	prev                     [sha256.Size]byte
	hashIn                   []byte
}

// importName is the new file beside the ledger at path; a file left by a
// killed import is removed by the next one.
func importName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".导入中")
}

// BeginImport starts an import by op: the clock is checked once (an
// import's events all carry the time it began) and the new file is begun
// beside the ledger.
func (db *DB) BeginImport(op Operator) (*ImportRun, error) {
	if op.ID == 0 {
		return nil, &FieldError{"经办人", "请先选择经办人。"}
	}
	if db.clockAccepted {
		// Its events carry the time the import began: a clock behind the
		// newest record is set right first, not confirmed.
		return nil, errors.New("导入旧台账前请先校正电脑的日期和时间。")
	}
	r := &ImportRun{live: db, op: op, now: db.now(), path: importName(db.path)}
	var err error
	if r.nowJSON, err = r.now.MarshalJSON(); err != nil {
		return nil, err
	}
	r.shared = newImportHead(Event{Time: r.now, OperatorID: op.ID, Operator: op.Name, Kind: EvCertImport})
	pageSize := 0
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if err := db.checkClock(tx, r.now); err != nil {
			return err
		}
		if !compactLayout(tx) {
			return errors.New("数据文件的格式不是当前版本")
		}
		r.head = lastEventValue(tx)
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
		pageSize = tx.DB().Info().PageSize
		_, err := hex.Decode(r.prev[:], []byte(prev))
		return err
	})
	if err != nil {
		return nil, SaveError(db.path, err)
	}
	_ = os.Remove(r.path)
	if r.bf, err = createBulkFile(r.path, pageSize, db.opts.MaxSize); err != nil {
		return nil, SaveError(db.path, err)
	}
	r.events, r.subjects, r.states = newNodeWriter(r.bf), newNodeWriter(r.bf), newNodeWriter(r.bf)
	return r, nil
}

func lastEventValue(tx *bolt.Tx) []byte {
	k, v := tx.Bucket(bucketEvents).Cursor().Last()
	return append(append([]byte(nil), k...), v...)
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

// Encode writes p's event and record values, into arena (nil: fresh
// memory). It is the costly part of adding a certificate, and needs
// nothing of the run but what Prepare fixed: several goroutines may
// encode different certificates at once, while Add stores the ones
// before.
func (r *ImportRun) Encode(p *Prepared, arena *Arena) error {
	sc := importScratches.Get().(*importScratch)
	defer importScratches.Put(sc)
	ev := Event{Seq: p.seq, Time: r.now, OperatorID: r.op.ID, Operator: r.op.Name, Kind: EvCertImport, Subject: p.c.ID}
	data, stored, err := encodeImport(append(sc.packed[:0], 0), ev, &p.c, sc, r.shared)
	if err != nil {
		return err
	}
	ev.Data = data
	body := ev.appendBody(sc.body[:0], r.nowJSON) // ends `,"prev":""}`: cut to before the prev
	sc.body = body[:0]
	body = body[:len(body)-len(`,"prev":""}`)]
	if stored == nil {
		// The stored form packs the JSON without prev, closed (eventvalue.go).
		stored, _ = packJSON(append(sc.packed[:0], 0), append(body, '}'))
	}
	sc.packed = stored[:0]
	if len(stored) > 1 {
		stored[0] = evPacked
		p.stored = arena.copy(stored, sha256.Size)
	}
	p.body = arena.copy(body, 0)
	month := MonthKey(p.c.IssueDate)
	var state [3 * binary.MaxVarintLen64]byte
	p.state = arena.copy(certState{Issue: p.seq, Month: month}.appendTo(state[:0]), 0)
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

// Arena is memory for a batch of Encode's results, to be used again
// (Reset) once Add has taken them all: the import's rows then allocate
// none of their own.
type Arena struct {
	chunks [][]byte
	cur    int
}

const arenaChunk = 256 << 10

// copy returns a copy of b with room bytes to spare (a nil arena gives
// fresh memory).
func (a *Arena) copy(b []byte, room int) []byte {
	n := len(b) + room
	if a == nil {
		return append(make([]byte, 0, n), b...)
	}
	for ; a.cur < len(a.chunks); a.cur++ {
		if c := a.chunks[a.cur]; cap(c)-len(c) >= n {
			at := len(c)
			a.chunks[a.cur] = append(c, b...)[:at+n]
			return a.chunks[a.cur][at : at+len(b) : at+n]
		}
	}
	a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, n)))
	return a.copy(b, room)
}

// Reset makes all of the arena's memory free again.
func (a *Arena) Reset() {
	for i := range a.chunks {
		a.chunks[i] = a.chunks[i][:0]
	}
	a.cur = 0
}

// Add chains one prepared certificate onto the log as a cert.import event
// and files it. It does what chainEvent and applyCert do for the event,
// in another order: the event, its subject and its state go into the new
// file's pages at once; the record buckets whose keys come in any order,
// and the counters (the month's checkpoint, the sequences), are written
// at Commit. The file ends the same; TestImportRunIsChainEvent compares
// every bucket.
func (r *ImportRun) Add(p Prepared) (Certificate, error) {
	c := p.c
	if r.bf == nil {
		return c, errors.New("导入已经中止")
	}
	if want := r.firstID + uint64(r.n); c.ID != want || p.seq != r.firstSeq+uint64(r.n) {
		return c, r.fail(fmt.Errorf("导入的第 %d 份证明没有按准备的次序添加", r.n+1))
	}
	if p.body == nil {
		var err error
		if p, err = r.encodeNow(p); err != nil {
			return c, r.fail(err)
		}
	}
	r.chain(p)
	if r.bf.err != nil {
		return c, r.fail(r.bf.err)
	}
	r.n++
	return c, nil
}

// encodeNow encodes what no encoder has (p escapes to the heap only here).
func (r *ImportRun) encodeNow(p Prepared) (Prepared, error) {
	err := r.Encode(&p, nil)
	return p, err
}

// chain links p's event to the one before (its hash over the previous
// hash and the canonical JSON) and lays out the event, its subject and
// its state; its row, person and serial wait for Commit.
func (r *ImportRun) chain(p Prepared) {
	var prevHex [2 * sha256.Size]byte
	hex.Encode(prevHex[:], r.prev[:])
	// What the hash is over, in one buffer: Sum256 keeps it on the stack
	// where a hash.Hash's Write would move every piece to the heap.
	in := append(append(r.hashIn[:0], r.prev[:]...), p.body...)
	in = append(append(append(in, `,"prev":"`...), prevHex[:]...), `"}`...)
	r.hashIn = in
	r.prev = sha256.Sum256(in)
	stored := p.stored
	if stored == nil { // a body that does not pack is stored as JSON
		ev := Event{Prev: string(prevHex[:]), Hash: hex.EncodeToString(r.prev[:])}
		stored = ev.withHash(append(append(append(append(slices.Clip(p.body), `,"prev":"`...), prevHex[:]...), `"`...), '}'))
	} else {
		stored = append(stored, r.prev[:]...)
	}
	r.events.add(u64(p.seq), stored, 0)
	var sk [17]byte
	r.subjects.add(appendSubjectKey(sk[:0], EvCertImport, p.c.ID, p.seq), nil, 0)
	r.states.add(u64(p.c.ID), p.state, 0)
}

func (r *ImportRun) fail(err error) error {
	r.Abort()
	return SaveError(r.live.path, err)
}

// Abort throws the new file away; the ledger stays as it was.
func (r *ImportRun) Abort() {
	if r.bf == nil {
		return
	}
	r.bf.close()
	os.Remove(r.path)
	r.bf = nil
}

// ErrLedgerChanged: something wrote to the ledger while an import ran on
// its copy, so the copy cannot replace it.
var ErrLedgerChanged = errors.New("导入期间台账有了新的记录，导入没有生效，台账保持原样。请重新导入一次（已导入过的行不会重复）")

// Commit completes the new file with the ledger's records, puts it in
// place of the ledger file and returns how many certificates were added.
// db (the ledger BeginImport was called on) then reads the new file;
// nothing else may use it while Commit runs.
func (r *ImportRun) Commit() (int, error) {
	if r.bf == nil {
		return 0, errors.New("导入已经中止")
	}
	if r.n == 0 { // nothing to add: the file stays as it is
		r.Abort()
		return 0, nil
	}
	for _, l := range []*keyList{&r.rows, &r.person, &r.serials} {
		l.finish()
	}
	err := r.live.bolt.View(func(tx *bolt.Tx) error {
		if !bytes.Equal(lastEventValue(tx), r.head) {
			return ErrLedgerChanged
		}
		root, err := r.build(tx)
		if err != nil {
			return err
		}
		return r.bf.finish(root)
	})
	r.rows, r.person, r.serials = keyList{}, keyList{}, keyList{}
	if err != nil {
		if errors.Is(err, ErrLedgerChanged) {
			r.Abort()
			return 0, err
		}
		return 0, r.fail(err)
	}
	if err := r.bf.close(); err != nil {
		return 0, r.fail(err)
	}
	r.bf = nil
	if err := r.live.replaceWith(r.path, r.head); err != nil {
		os.Remove(r.path)
		return 0, err
	}
	return r.n, nil
}

// build lays out every bucket of the ledger (tx) in the new file, with
// the run's keys, and returns the root's page.
func (r *ImportRun) build(tx *bolt.Tx) (uint64, error) {
	last := r.firstSeq + uint64(r.n) - 1
	lastID := r.firstID + uint64(r.n) - 1
	adds, err := r.counters(tx, last)
	if err != nil {
		return 0, err
	}
	bf := r.bf
	top := newNodeWriter(bf)
	written := 0
	c := tx.Cursor()
	for name, _ := c.First(); name != nil; name, _ = c.Next() {
		b := tx.Bucket(name)
		var v []byte
		var err error
		switch string(name) {
		case string(bucketEvents):
			v, err = bf.spliceBucket(b, r.events.pages(), u64(r.firstSeq), u64(last), last)
			written++
		case string(bucketSubjects):
			v, err = bf.spliceBucket(b, r.subjects.pages(), subjectKey(EvCertImport, r.firstID, r.firstSeq), subjectKey(EvCertImport, lastID, last), b.Sequence())
			written++
		case string(bucketCertState):
			v, err = bf.spliceBucket(b, r.states.pages(), u64(r.firstID), u64(lastID), max(b.Sequence(), lastID))
			written++
		case string(bucketCertRows):
			v, err = bf.copyBucket(b, r.rows.source(), b.Sequence())
		case string(bucketCertPerson):
			v, err = bf.copyBucket(b, r.person.source(), b.Sequence())
		case string(bucketCertSerials):
			v, err = bf.copyBucket(b, r.serials.source(), b.Sequence())
		default:
			src := adds[string(name)]
			v, err = bf.copyBucket(b, &src, b.Sequence())
		}
		if err != nil {
			return 0, err
		}
		top.add(name, v, bucketLeafFlag)
	}
	if written != 3 {
		return 0, errors.New("数据文件的格式不是当前版本")
	}
	return bf.tree(top.pages()), bf.err
}

// counters are what the run changes in the small buckets, once for all
// its events: the newest time, and the checkpoint of the month of its
// events (one: they all carry the time the run began).
func (r *ImportRun) counters(tx *bolt.Tx, last uint64) (map[string]sliceSource, error) {
	adds := map[string]sliceSource{}
	if r.now.After(newestTime(tx)) {
		adds[string(bucketMeta)] = sliceSource{{keyNewest, []byte(r.now.Format(time.RFC3339Nano))}}
	}
	key := []byte(r.now.In(Beijing).Format("200601"))
	var cp checkpoint
	if v := tx.Bucket(bucketCheckpoints).Get(key); v != nil {
		if err := cp.decode(v); err != nil {
			return nil, err
		}
	} else {
		cp.First = r.firstSeq
	}
	cp.Last, cp.Head = last, hex.EncodeToString(r.prev[:])
	cp.Events += r.n
	adds[string(bucketCheckpoints)] = sliceSource{{key, cp.encode()}}
	return adds, nil
}

// Head is where the log will end once the run is committed: its last
// event's seq and hash (the search index is saved as of it).
func (r *ImportRun) Head() LogMark {
	return LogMark{Seq: r.firstSeq + uint64(r.n) - 1, Hash: hex.EncodeToString(r.prev[:])}
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
