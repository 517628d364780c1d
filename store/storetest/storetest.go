// Package storetest helps tests damage a ledger file the way a person
// editing it outside the program would, or a failing disk does.
package storetest

import (
	"encoding/json"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// EditJSON sets one field of the JSON record under key in bucket, straight
// in the file at path (which must not be open), without an event.
func EditJSON(t testing.TB, path, bucket, key, field string, value any) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		var rec map[string]any
		if err := json.Unmarshal(bk.Get([]byte(key)), &rec); err != nil {
			return err
		}
		rec[field] = value
		v, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// EditFirstJSON is EditJSON on the first record of bucket.
func EditFirstJSON(t testing.TB, path, bucket, field string, value any) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var key []byte
	b.View(func(tx *bolt.Tx) error {
		if bk := tx.Bucket([]byte(bucket)); bk != nil {
			k, _ := bk.Cursor().First()
			key = append(key, k...)
		}
		return nil
	})
	b.Close()
	if key == nil {
		t.Fatalf("no record in %s", bucket)
	}
	EditJSON(t, path, bucket, string(key), field, value)
}
