package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// CertHead is what a receiving office indexes a certificate by; the rest
// of the certificate stays in the bytes it came in.
type CertHead struct {
	ID          uint64 `json:"id"`
	Serial      string `json:"serial"`
	TypeNo      int    `json:"type_no"`
	TypeName    string `json:"type_name"`
	AdmissionID uint64 `json:"admission_id,omitempty"`
	Name        string `json:"name"`
	IDNumber    string `json:"id_number"`
	IssueDate   string `json:"issue_date"`
	Status      Status `json:"status"`
}

// SegmentVisit receives the records a segment carries, each with the bytes
// it is stored as (valid only during the call); a nil func skips them.
type SegmentVisit struct {
	Certificate func(h CertHead, raw []byte) error
	Refusal     func(r Refusal, raw []byte) error
	Admission   func(a Admission, raw []byte) error
}

// ReadSegmentFile reads a bundle's ledger.db as a receiving office takes
// it in, read-only: every event of the month's run is checked against the
// one before it and its own hash, from the segment's Prev to its Head, and
// counted; the records are read as they are stored and handed to visit.
// Unlike CheckSegmentFile it does not replay the records from the events
// (that costs ten times as much; the exporting PC did it before signing,
// and `taizhang verify` does it again on demand), so it returns no
// CheckReport. The segment it returns has the range, hashes, profile and
// Counts, but no records.
func ReadSegmentFile(path string, visit SegmentVisit) (seg Segment, err error) {
	err = catchDamage(path, func() error {
		seg, err = readSegmentFile(path, visit)
		return err
	})
	return seg, err
}

func readSegmentFile(path string, visit SegmentVisit) (Segment, error) {
	var seg Segment
	b, err := openSegment(path)
	if err != nil {
		return seg, err
	}
	defer b.Close()
	m, ok, err := readSegmentMeta(b)
	if err != nil || !ok {
		return seg, &NotLedgerError{Path: path, Reason: "不是台账导出包中的 ledger.db"}
	}
	seg = Segment{Month: m.Month, N: m.N, First: m.First, Last: m.Last, Prev: m.Prev, Head: m.Head, Late: m.Late}
	var count counter
	err = b.View(func(tx *bolt.Tx) error {
		if err := walkSegmentChain(tx, m, count.add); err != nil {
			return err
		}
		p, err := profileTx(tx)
		if err != nil {
			return err
		}
		seg.Profile = p
		names, err := visitRecords(tx, visit)
		seg.counts = count.finishNamed(seg.Late, names)
		return err
	})
	return seg, err
}

// walkSegmentChain checks the segment's run of events from m.Prev to m.Head.
func walkSegmentChain(tx *bolt.Tx, m segmentMeta, onEvent func(Event)) error {
	bk := tx.Bucket(bucketEvents)
	if bk == nil {
		return &ChainError{0, "缺少事件记录"}
	}
	w := m.chain()
	err := bk.ForEach(func(k, v []byte) error {
		ev, err := storedHead(k, v)
		if err != nil {
			return err
		}
		if err := w.follow(k, v, ev); err != nil {
			return err
		}
		onEvent(ev)
		return nil
	})
	if err != nil {
		return err
	}
	if w.headHash() != m.Head || (m.Last != 0 && w.n != m.Last) {
		return &ChainError{m.Last, "导出段的最后一条事件与记录的不符"}
	}
	return nil
}

// storedHead reads an event's sequence, kind, subject and hashes from its
// stored bytes without decoding its data: appendEvent stores
// {"seq":…,"kind":"…","subject":…,"data":…,"prev":"…","hash":"…"} (see
// verifyStored, which then checks the hash from the same bytes). Within
// JSON text a quote is always escaped, so the first `,"kind":"` is the
// member itself. Bytes in any other form are decoded.
func storedHead(k, v []byte) (Event, error) {
	if ev, ok := parseStoredHead(v); ok {
		return ev, nil
	}
	var ev Event
	if err := json.Unmarshal(v, &ev); err != nil {
		return ev, &ChainError{fromU64(k), "内容无法解析"}
	}
	return ev, nil
}

const hashLen = 2 * sha256.Size

// parseStoredHead picks the members storedHead needs out of the bytes.
func parseStoredHead(v []byte) (Event, bool) {
	var ev Event
	tail := len(`,"prev":"`) + hashLen + len(`","hash":"`) + hashLen + len(`"}`)
	if len(v) < tail || !bytes.HasPrefix(v, []byte(`{"seq":`)) {
		return ev, false
	}
	t := v[len(v)-tail:]
	if !bytes.HasPrefix(t, []byte(`,"prev":"`)) || !bytes.HasSuffix(t, []byte(`"}`)) {
		return ev, false
	}
	t = t[len(`,"prev":"`):]
	ev.Prev = string(t[:hashLen])
	t = t[hashLen:]
	if !bytes.HasPrefix(t, []byte(`","hash":"`)) {
		return ev, false
	}
	ev.Hash = string(t[len(`","hash":"`) : len(`","hash":"`)+hashLen])
	var ok bool
	if ev.Seq, ok = numberAfter(v, `{"seq":`); !ok {
		return ev, false
	}
	i := bytes.Index(v, []byte(`,"kind":"`))
	if i < 0 {
		return ev, false
	}
	rest := v[i+len(`,"kind":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ev, false
	}
	ev.Kind = string(rest[:j])
	ev.Subject, ok = numberAfter(rest[j+1:], `,"subject":`)
	return ev, ok
}

// numberAfter reads the unsigned number that follows prefix at the start of b.
func numberAfter(b []byte, prefix string) (uint64, bool) {
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return 0, false
	}
	b = b[len(prefix):]
	end := 0
	for end < len(b) && b[end] >= '0' && b[end] <= '9' {
		end++
	}
	n, err := strconv.ParseUint(string(b[:end]), 10, 64)
	return n, err == nil
}

// visitRecords hands the segment's records to visit; it returns the
// certificates' type names by id, for the counts per type. A
// certificate's head comes from its ledger row and its type name from its
// bytes, without decoding the JSON (most of the cost of taking a bundle in).
func visitRecords(tx *bolt.Tx, visit SegmentVisit) (map[uint64]string, error) {
	certs := tx.Bucket(bucketCerts)
	held := certs.Stats().KeyN
	types := make(map[uint64]string, held)
	err := tx.Bucket(bucketCertRows).ForEach(func(k, row []byte) error {
		id := fromU64(k[6:])
		r, ok := decodeRow(id, row)
		v := certs.Get(u64(id))
		name, named := typeNameOf(v)
		if !ok || v == nil || !named {
			return &ChainError{0, fmt.Sprintf("第 %d 号证明的记录无法读取", id)}
		}
		types[id] = name
		if visit.Certificate == nil {
			return nil
		}
		status := Valid
		if r.Voided {
			status = Voided
		}
		return visit.Certificate(CertHead{ID: id, Serial: r.Serial, TypeNo: r.TypeNo, TypeName: name, Name: r.Name,
			IDNumber: r.IDNumber, IssueDate: r.IssueDate, Status: status}, v)
	})
	if err == nil && len(types) != held {
		err = &ChainError{0, "证明记录与证明月目录不一致"}
	}
	if err == nil {
		err = eachStored(tx, bucketRefusals, "拒绝出具", orSkip(visit.Refusal))
	}
	if err == nil {
		err = eachStored(tx, bucketAdmissions, "准入申请", orSkip(visit.Admission))
	}
	return types, err
}

// typeNameOf reads "type_name" out of a certificate's JSON: the member is
// the certificate's own (no nested record has one) and within JSON text a
// quote is always escaped, so its first occurrence is the one.
func typeNameOf(v []byte) (string, bool) {
	const key = `"type_name":"`
	i := bytes.Index(v, []byte(key))
	if i < 0 {
		return "", false
	}
	rest := v[i+len(key):]
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			j++
		case '"':
			if bytes.IndexByte(rest[:j], '\\') < 0 {
				return string(rest[:j]), true
			}
			var s string
			err := json.Unmarshal(v[i+len(key)-1:i+len(key)+j+1], &s)
			return s, err == nil
		}
	}
	return "", false
}

func orSkip[T any](fn func(T, []byte) error) func(T, []byte) error {
	if fn == nil {
		return func(T, []byte) error { return nil }
	}
	return fn
}

// eachStored decodes every record of a bucket and calls fn with it and its bytes.
func eachStored[T any](tx *bolt.Tx, name []byte, label string, fn func(T, []byte) error) error {
	return tx.Bucket(name).ForEach(func(_, v []byte) error {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return &ChainError{0, label + "记录无法解析"}
		}
		return fn(x, v)
	})
}
