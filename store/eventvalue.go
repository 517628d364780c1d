package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	bolt "go.etcd.io/bbolt"
)

// How an event is stored under its seq in bucket events.
//
// A ledger from schema 6 on stores evPacked, then its canonical JSON up to
// the "prev" member, closed with "}" and packed (pack.go), then the 32
// bytes of its hash. The prev member is not stored: it is the hash of the
// event before (the reader passes it in), which the chain proves anyway.
// Unpacking gives back exactly the bytes the hash is over.
//
// Any other value is the canonical JSON itself: what a bundle's ledger.db
// and a ledger before schema 6 store, and what a ledger stores for an
// event that does not pack (storedForm says which). Readers take both.
const evPacked = 0x01

// hashTail is how the canonical JSON of every event ends: prev and hash,
// 64 hex digits each.
const hashTail = len(`,"prev":"`) + 2*sha256.Size + len(`","hash":"`) + 2*sha256.Size + len(`"}`)

// storedForm is the value an event with canonical JSON raw, whose prev is
// prev, is stored as in tx's file: packed in a ledger that packs
// (compactLayout), else raw. raw is kept as it is unless it ends with
// exactly that prev and a hash, and packs.
func storedForm(tx *bolt.Tx, raw []byte, prev string) []byte {
	if !compactLayout(tx) || len(raw) < hashTail+2 {
		return raw
	}
	tail := raw[len(raw)-hashTail:]
	want := `,"prev":"` + prev + `","hash":"`
	if len(prev) != 2*sha256.Size || !bytes.HasPrefix(tail, []byte(want)) || !bytes.HasSuffix(tail, []byte(`"}`)) {
		return raw
	}
	hash, err := hex.DecodeString(string(tail[len(want) : len(tail)-2]))
	if err != nil || hex.EncodeToString(hash) != string(tail[len(want):len(tail)-2]) {
		return raw
	}
	head := append(append(make([]byte, 0, len(raw)-hashTail+1), raw[:len(raw)-hashTail]...), '}')
	out, ok := packJSON(append(make([]byte, 0, len(raw)/2+48), evPacked), head)
	if !ok {
		return raw
	}
	// packJSON proved the head unpacks to itself; eventJSON adds back
	// exactly the tail checked above.
	return append(out, hash...)
}

var errNoPrev = errors.New("读取压缩存储的事件需要前一条事件的哈希")

// eventJSON is the canonical JSON of a stored event value whose previous
// event's hash is prev: v itself, or v unpacked into *buf (reused and
// grown; nil buf allocates).
func eventJSON(buf *[]byte, v []byte, prev string) ([]byte, error) {
	if len(v) == 0 || v[0] != evPacked {
		return v, nil
	}
	if len(prev) != 2*sha256.Size {
		return nil, errNoPrev
	}
	if len(v) < 1+sha256.Size+2 {
		return nil, errPacked
	}
	var dst []byte
	if buf != nil {
		dst = (*buf)[:0]
	}
	out, err := unpackJSON(dst, v[1:len(v)-sha256.Size])
	if err == nil && (len(out) < 2 || out[len(out)-1] != '}') {
		err = errPacked
	}
	if err == nil {
		if out[len(out)-2] == '{' {
			err = errPacked // an event has members before prev
		}
		out = append(append(append(out[:len(out)-1], `,"prev":"`...), prev...), `","hash":"`...)
		out = append(hex.AppendEncode(out, v[len(v)-sha256.Size:]), `"}`...)
	}
	if buf != nil {
		*buf = out
	}
	return out, err
}

// readEvent decodes a stored event value (see eventJSON) and returns its
// canonical JSON with it.
func readEvent(buf *[]byte, v []byte, prev string) (Event, []byte, error) {
	var ev Event
	raw, err := eventJSON(buf, v, prev)
	if err == nil {
		err = json.Unmarshal(raw, &ev)
	}
	return ev, raw, err
}

// eventAt reads event seq of tx's log; its JSON is in *buf if buf is not nil.
func eventAt(tx *bolt.Tx, seq uint64, buf *[]byte) (Event, error) {
	ev, _, err := eventAtJSON(tx, seq, buf)
	return ev, err
}

// eventAtJSON is eventAt with the event's canonical JSON.
func eventAtJSON(tx *bolt.Tx, seq uint64, buf *[]byte) (Event, []byte, error) {
	events := tx.Bucket(bucketEvents)
	v := events.Get(u64(seq))
	if v == nil {
		return Event{}, nil, &ChainError{seq, "缺失"}
	}
	prev, err := hashBefore(events, seq)
	if err != nil {
		return Event{}, nil, err
	}
	ev, raw, err := readEvent(buf, v, prev)
	if err != nil {
		return ev, nil, &ChainError{seq, "内容无法解析"}
	}
	return ev, raw, nil
}

// hashBefore is the hash of the event before seq (genesisDigest for the
// first).
func hashBefore(events *bolt.Bucket, seq uint64) (string, error) {
	if seq <= 1 {
		return genesisDigest, nil
	}
	v := events.Get(u64(seq - 1))
	if v == nil {
		return "", &ChainError{seq - 1, "缺失"}
	}
	h, err := storedHash(v)
	if err != nil {
		return "", &ChainError{seq - 1, "内容无法解析"}
	}
	return h, nil
}

// storedHash is the hash of a stored event: the last 32 bytes of a packed
// value, else read from its JSON.
func storedHash(v []byte) (string, error) {
	if len(v) > sha256.Size && v[0] == evPacked {
		return hex.EncodeToString(v[len(v)-sha256.Size:]), nil
	}
	var ev struct {
		Hash string `json:"hash"`
	}
	err := json.Unmarshal(v, &ev)
	return ev.Hash, err
}

// forEachEvent calls fn with every event of tx's log in order, and its
// canonical JSON (valid until fn returns).
func forEachEvent(tx *bolt.Tx, fn func(ev Event, raw []byte) error) error {
	var buf []byte
	prev := genesisDigest
	return tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
		ev, raw, err := readEvent(&buf, v, prev)
		if err != nil {
			return &ChainError{fromU64(k), "内容无法解析"}
		}
		prev = ev.Hash
		return fn(ev, raw)
	})
}
