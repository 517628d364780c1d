package store

import (
	"errors"
	"io"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// WriteSnapshot writes a consistent copy of the whole ledger file to w from
// one read transaction, so saves made meanwhile are either all in the copy
// or not at all. It returns the bytes written.
func (db *DB) WriteSnapshot(w io.Writer) (int64, error) {
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// CheckNotInUse returns a *LockedError when a taizhang window holds the
// ledger at path open. It writes nothing: a file that is absent, damaged
// or not a bbolt file is not in use by taizhang (Open would refuse it), so
// it is not opened at all, and another is opened read-only (which waits
// for a window's write lock and, unlike a writable open, can never write).
func CheckNotInUse(path string) error {
	if exists, err := ExamineFile(path); !exists || err != nil {
		return nil
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockTimeout, ReadOnly: true})
	if errors.Is(err, berrors.ErrTimeout) {
		return &LockedError{Path: path}
	}
	if err == nil {
		bdb.Close()
	}
	return nil
}
