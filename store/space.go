package store

import (
	"fmt"
	"os"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Space is where a ledger file's bytes go.
type Space struct {
	File         int64 // the file's size on disk
	Used         int64 // up to its last page in use (the rest is grown ahead)
	Free         int64 // pages inside Used that hold nothing (free list)
	Certificates int
	Buckets      []BucketSpace // largest first
}

// BucketSpace is one bucket's share: its keys and the page bytes it
// occupies (Alloc) and fills (Inuse).
type BucketSpace struct {
	Name         string
	Keys         int
	Inuse, Alloc int64
}

// Space measures the ledger file, bucket by bucket (bbolt's Bucket.Stats).
func (db *DB) Space() (Space, error) {
	var s Space
	fi, err := os.Stat(db.path)
	if err != nil {
		return s, err
	}
	s.File = fi.Size()
	s.Free = int64(db.bolt.Stats().FreePageN) * int64(db.bolt.Info().PageSize)
	err = db.bolt.View(func(tx *bolt.Tx) error {
		s.Used = tx.Size()
		s.Certificates = certRecords(tx).Stats().KeyN
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			st := b.Stats()
			s.Buckets = append(s.Buckets, BucketSpace{Name: string(name), Keys: st.KeyN,
				Inuse: int64(st.BranchInuse + st.LeafInuse), Alloc: int64(st.BranchAlloc + st.LeafAlloc)})
			return nil
		})
	})
	sort.SliceStable(s.Buckets, func(i, j int) bool { return s.Buckets[i].Alloc > s.Buckets[j].Alloc })
	return s, err
}

// PerCertificate is the file's bytes per certificate (0 without any).
func (s Space) PerCertificate() float64 {
	if s.Certificates == 0 {
		return 0
	}
	return float64(s.File) / float64(s.Certificates)
}

func (s Space) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "文件 %d 字节（使用到 %d，空闲页 %d），证明 %d 份，每份 %.0f 字节\n", s.File, s.Used, s.Free, s.Certificates, s.PerCertificate())
	fmt.Fprintf(&b, "%-14s %8s %12s %12s\n", "bucket", "keys", "inuse", "alloc")
	for _, k := range s.Buckets {
		if k.Alloc > 0 {
			fmt.Fprintf(&b, "%-14s %8d %12d %12d\n", k.Name, k.Keys, k.Inuse, k.Alloc)
		}
	}
	return b.String()
}
