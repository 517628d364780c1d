package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A bundle's ledger.db may be cut off or crafted: bbolt then faults on a
// page past the end of the file (SIGBUS), panics on a bucket that is not
// there, or hands out a value longer than the file. The segment readers
// say the file is damaged instead of ending the program or reading the
// memory after the file. Found by FuzzBundleLedger (store/bundle).
func TestSegmentReadersRefuseDamagedPages(t *testing.T) {
	db, op, _ := monthsLedger(t)
	good := writeSegment(t, db, op, "2026-09")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	renamed := bytes.ReplaceAll(data, bucketCertRows, append(bytes.Clone(bucketCertRows[:len(bucketCertRows)-1]), '~'))
	if bytes.Equal(renamed, data) {
		t.Fatal("no bucket name to change")
	}
	// A value's size (in its leaf element: flags, pos, ksize 8, vsize)
	// made 800 MB: bbolt hands out memory past the file, once 4.7 GB of
	// it in a check's message.
	grown := bytes.Clone(data)
	opValue := firstValue(t, good, bucketOperators)
	head := binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, 8), uint32(len(opValue)))
	at := bytes.Index(grown, head)
	if at < 0 {
		t.Fatal("no leaf element of an operator")
	}
	grown[at+7] = 0x30
	for name, b := range map[string][]byte{"cut in half": data[:len(data)/2], "a bucket renamed": renamed, "a value past the file": grown} {
		t.Run(name, func(t *testing.T) {
			path := t.TempDir() + "/ledger.db"
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			var nl *NotLedgerError
			var ce *ChainError
			if _, err := ReadSegmentFile(path, SegmentVisit{}); !errors.As(err, &nl) && !errors.As(err, &ce) {
				t.Errorf("ReadSegmentFile: %.200v", err)
			}
			if _, _, err := CheckSegmentFile(path); err == nil || len(err.Error()) > 1000 {
				t.Errorf("CheckSegmentFile: %.200v", err)
			}
		})
	}
}

// firstValue is the first value of a bucket of a bbolt file.
func firstValue(t *testing.T, path string, bucket []byte) []byte {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var v []byte
	b.View(func(tx *bolt.Tx) error {
		_, first := tx.Bucket(bucket).Cursor().First()
		v = bytes.Clone(first)
		return nil
	})
	return v
}
