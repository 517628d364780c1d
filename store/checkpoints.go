package store

import (
	"bytes"
	"encoding/json"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// checkpoint is a month's run of the log: the first and last event dated
// in it (Beijing time) and the hash after the last.
type checkpoint struct {
	First  uint64 `json:"first"`
	Last   uint64 `json:"last"`
	Head   string `json:"head"`
	Events int    `json:"events"`
}

func monthOfEvent(ev Event) string { return ev.Time.In(Beijing).Format("200601") }

// noteCheckpoint adds an event to its month's checkpoint.
func noteCheckpoint(tx *bolt.Tx, ev Event) error {
	bk := tx.Bucket(bucketCheckpoints)
	if bk == nil { // a file before schema 5: migrateV5 fills it
		return nil
	}
	key := []byte(monthOfEvent(ev))
	var cp checkpoint
	if v := bk.Get(key); v != nil {
		if err := cp.decode(v); err != nil {
			return err
		}
	} else {
		cp.First = ev.Seq
	}
	cp.Last, cp.Head = ev.Seq, ev.Hash
	cp.Events++
	return bk.Put(key, cp.encode())
}

// Every event rewrites its month's checkpoint, so it is written and read
// by hand rather than through reflection (a tenth of an import's time).
// The bytes are those of json.Marshal: the hash is hex, so nothing in it
// is escaped.

func (cp checkpoint) encode() []byte {
	b := make([]byte, 0, 48+len(cp.Head))
	b = strconv.AppendUint(append(b, `{"first":`...), cp.First, 10)
	b = strconv.AppendUint(append(b, `,"last":`...), cp.Last, 10)
	b = append(append(append(b, `,"head":"`...), cp.Head...), `","events":`...)
	return append(strconv.AppendInt(b, int64(cp.Events), 10), '}')
}

// decode reads what encode wrote, and any other JSON of a checkpoint.
func (cp *checkpoint) decode(v []byte) error {
	var first, last, events uint64
	var head string
	ok := false
	if rest, found := bytes.CutPrefix(v, []byte(`{"first":`)); found {
		var h []byte
		if first, rest, found = cutUint(rest, `,"last":`); found {
			if last, rest, found = cutUint(rest, `,"head":"`); found {
				if h, rest, found = bytes.Cut(rest, []byte(`","events":`)); found && hexText(h) {
					events, rest, found = cutUint(rest, "}")
					head, ok = string(h), found && len(rest) == 0
				}
			}
		}
	}
	if !ok {
		return json.Unmarshal(v, cp)
	}
	*cp = checkpoint{First: first, Last: last, Head: head, Events: int(events)}
	return nil
}

// cutUint reads a decimal number up to sep.
func cutUint(b []byte, sep string) (uint64, []byte, bool) {
	num, rest, found := bytes.Cut(b, []byte(sep))
	if !found || len(num) == 0 || len(num) > 1 && num[0] == '0' {
		return 0, nil, false
	}
	n, err := strconv.ParseUint(string(num), 10, 64)
	return n, rest, err == nil
}

func hexText(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
