package store

import (
	"encoding/json"

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
		if err := json.Unmarshal(v, &cp); err != nil {
			return err
		}
	} else {
		cp.First = ev.Seq
	}
	cp.Last, cp.Head = ev.Seq, ev.Hash
	cp.Events++
	return putJSON(bk, key, cp)
}
