package store

import (
	"bytes"
	"os"
	"testing"
)

// A bundle's ledger.db may be cut off or crafted: bbolt then faults on a
// page past the end of the file (SIGBUS) or panics on a bucket that is not
// there. The segment readers say the file is damaged instead of ending
// the program. Found by FuzzBundleLedger (store/bundle).
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
	for name, b := range map[string][]byte{"cut in half": data[:len(data)/2], "a bucket renamed": renamed} {
		t.Run(name, func(t *testing.T) {
			path := t.TempDir() + "/ledger.db"
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadSegmentFile(path, SegmentVisit{}); err == nil {
				t.Error("ReadSegmentFile takes it")
			}
			if _, _, err := CheckSegmentFile(path); err == nil {
				t.Error("CheckSegmentFile takes it")
			}
		})
	}
}
