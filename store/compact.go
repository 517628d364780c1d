package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	bolt "go.etcd.io/bbolt"
)

// growStep is how much bbolt adds to the file when it must grow (its
// default, 16 MB, is more than a small office adds in months).
const growStep = 1 << 20

// compactName is the copy being written beside the ledger at path.
func compactName(path string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".整理中")
}

// compactIfAsked rewrites the file without its free pages when a migration
// marked it for that (meta/"compact"). A failure leaves the file as it was
// (it is only bigger than it need be) and the mark in it, so the next Open
// tries again.
func (db *DB) compactIfAsked() error {
	asked := false
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		asked = tx.Bucket(bucketMeta).Get(keyCompact) != nil
		return nil
	})
	if !asked {
		return nil
	}
	return db.compact()
}

// compact does what `bbolt compact` does, in place: it copies every bucket
// into a new file beside the ledger with full pages (bolt.Compact), proves
// the copy holds the same keys, values and sequences, syncs it and renames
// it over the ledger. The rename is atomic, so the path always holds a
// whole ledger, the old or the new; the old one is kept in place until its
// copy is proven.
func (db *DB) compact() error {
	tmp := compactName(db.path)
	os.Remove(tmp) // left by an earlier try that stopped
	if err := writeCompacted(db.bolt, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("整理数据文件失败（原文件没有改动）：%w", err)
	}
	if err := db.swapIn(tmp); err != nil {
		if db.bolt == nil { // the file is in place but did not open again
			return err
		}
		return fmt.Errorf("整理数据文件失败（原文件没有改动）：%w", err)
	}
	return nil
}

// swapIn puts tmp, a whole ledger synced to disk beside the file, in its
// place with one rename and opens it (compact and ImportRun make such
// copies). If the rename fails the file is as it was, open, and tmp is
// removed; if the file does not open again db.bolt is nil.
func (db *DB) swapIn(tmp string) error {
	old := db.bolt
	if runtime.GOOS == "windows" {
		// Windows renames neither an open nor a mapped file; if another
		// window opened the ledger meanwhile, the rename fails and the
		// ledger stays as it was.
		old.Close()
		err := os.Rename(tmp, db.path)
		if oerr := db.reopen(); oerr != nil {
			return oerr
		}
		if err != nil {
			os.Remove(tmp)
		}
		return err
	}
	if err := os.Rename(tmp, db.path); err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(filepath.Dir(db.path))
	// A program that opened the old file meanwhile waits for its lock; the
	// mark sends it to the new one (see Open).
	_ = old.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyReplaced, []byte{1}) })
	old.Close()
	return db.reopen()
}

// reopen opens the file at the ledger's path again after compact closed
// it; on failure db.bolt is nil.
func (db *DB) reopen() error {
	opts := *db.opts
	opts.ReadOnly = false
	b, err := bolt.Open(db.path, 0o600, &opts)
	db.bolt = nil
	if err != nil {
		return fmt.Errorf("无法重新打开数据文件 %s：%w", db.path, err)
	}
	b.AllocSize = growStep
	db.bolt = b
	return nil
}

// writeCompacted writes the compacted copy of src to path and syncs it.
func writeCompacted(src *bolt.DB, path string) error {
	dst, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockTimeout, FreelistType: bolt.FreelistMapType, NoSync: true})
	if err != nil {
		return err
	}
	dst.AllocSize = growStep
	err = bolt.Compact(dst, src, 32<<20)
	if err == nil {
		err = dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyCompact) })
	}
	if err == nil {
		err = sameContents(src, dst)
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// sameContents proves that the copy holds every bucket of the original with
// the same keys, values and sequence, apart from the compaction mark.
func sameContents(a, b *bolt.DB) error {
	return a.View(func(ta *bolt.Tx) error {
		return b.View(func(tb *bolt.Tx) error {
			n := 0
			err := ta.ForEach(func(name []byte, ba *bolt.Bucket) error {
				n++
				bb := tb.Bucket(name)
				if bb == nil || ba.Sequence() != bb.Sequence() {
					return fmt.Errorf("副本中的 %s 与原文件不同", name)
				}
				ca, cb := ba.Cursor(), bb.Cursor()
				ka, va := ca.First()
				kb, vb := cb.First()
				for ka != nil || kb != nil {
					if bytes.Equal(name, bucketMeta) && bytes.Equal(ka, keyCompact) {
						ka, va = ca.Next()
						continue
					}
					if !bytes.Equal(ka, kb) || !bytes.Equal(va, vb) || (va == nil) != (vb == nil) {
						return fmt.Errorf("副本中的 %s 与原文件不同", name)
					}
					ka, va = ca.Next()
					kb, vb = cb.Next()
				}
				return nil
			})
			if err != nil {
				return err
			}
			m := 0
			_ = tb.ForEach(func([]byte, *bolt.Bucket) error { m++; return nil })
			if m != n {
				return errors.New("副本中的登记簿数目与原文件不同")
			}
			return nil
		})
	})
}
