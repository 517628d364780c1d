package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// LockTimeout is how long Open waits for another process to let go of the
// file before it gives up with a LockedError.
const LockTimeout = time.Second

// DB is an open ledger file.
type DB struct {
	bolt *bolt.DB
	path string
	now  func() time.Time
	// clockAccepted waives the clock check for one confirmed save (see
	// AcceptClockBehind); never set on the DB that Open returns.
	clockAccepted bool
}

// Options tune Open; the zero value is right for the program.
type Options struct {
	// Now is the clock; nil means the PC's. Whatever it returns is read in
	// Beijing time (see clock.go). Tests and the demo generator set it.
	Now func() time.Time
	// ReadOnly opens without a write lock (for listing and verifying).
	ReadOnly bool
}

// Open opens the ledger at path, creating the file and its folder if they do
// not exist, and brings its schema up to date. An existing file that is empty
// or not a taizhang ledger is refused and left as it is.
func Open(path string, opt Options) (*DB, error) {
	opt.Now = beijingClock(opt.Now)
	fresh, err := checkFile(path)
	if err != nil {
		return nil, err
	}
	if fresh {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("无法创建数据文件夹 %s：%w", filepath.Dir(path), err)
		}
	}
	bdb, err := bolt.Open(path, 0o600, boltOptions(opt.ReadOnly && !fresh))
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, &LockedError{Path: path}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, &NotLedgerError{Path: path, Reason: "已损坏或不是台账数据文件"}
	case err != nil:
		return nil, fmt.Errorf("无法打开数据文件 %s：%w", path, err)
	}
	if wasReplaced(bdb) { // compacted by another window while this one waited
		bdb.Close()
		return Open(path, opt)
	}
	bdb.AllocSize = growStep
	db := &DB{bolt: bdb, path: path, now: opt.Now}
	if err := db.migrate(opt.ReadOnly && !fresh); err != nil {
		bdb.Close()
		return nil, err
	}
	if !opt.ReadOnly || fresh {
		// A failed compaction leaves the file as it was, still marked.
		if err := db.compactIfAsked(); err != nil && db.bolt == nil {
			return nil, err
		}
	}
	return db, nil
}

func boltOptions(readOnly bool) *bolt.Options {
	return &bolt.Options{Timeout: LockTimeout, FreelistType: bolt.FreelistMapType, ReadOnly: readOnly}
}

// wasReplaced says whether the file was renamed away by a compaction
// (meta/"replaced", written into the old file after the swap).
func wasReplaced(b *bolt.DB) bool {
	replaced := false
	_ = b.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			replaced = m.Get(keyReplaced) != nil
		}
		return nil
	})
	return replaced
}

// boltMagic is bbolt's meta-page magic number, stored little-endian at byte
// 16 of the file on every platform we build for.
const boltMagic = 0xED0CDAED

// checkFile says whether path is absent (a new ledger), or refuses a file that
// exists but cannot be a bbolt file. It only reads.
func checkFile(path string) (fresh bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if st.IsDir() {
		return false, &NotLedgerError{Path: path, Reason: "是一个文件夹"}
	}
	if st.Size() == 0 {
		return false, &NotLedgerError{Path: path, Reason: "是空文件（0 字节）"}
	}
	head := make([]byte, 20)
	if _, err := io.ReadFull(f, head); err != nil || binary.LittleEndian.Uint32(head[16:]) != boltMagic {
		return false, &NotLedgerError{Path: path, Reason: "不是台账数据文件"}
	}
	return false, nil
}

// Path is the file the ledger lives in.
func (db *DB) Path() string { return db.path }

// Now is the ledger's clock, in Beijing time.
func (db *DB) Now() time.Time { return db.now() }

// Close releases the file.
func (db *DB) Close() error { return db.bolt.Close() }

// SchemaVersion reads the schema version stored in the file.
func (db *DB) SchemaVersion() (uint64, error) {
	var v uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v = schemaOf(tx)
		return nil
	})
	return v, err
}

func schemaOf(tx *bolt.Tx) uint64 {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		return 0
	}
	return fromU64(m.Get(keySchema))
}

// migrate identifies the file and applies the migrations it lacks, all in
// one transaction so a failure leaves the file as it was.
func (db *DB) migrate(readOnly bool) error {
	identify := func(tx *bolt.Tx) (uint64, error) {
		m := tx.Bucket(bucketMeta)
		if m == nil {
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return 0, &NotLedgerError{Path: db.path, Reason: "是其他程序的数据库文件，不是台账数据文件"}
			}
			return 0, nil
		}
		if !bytes.Equal(m.Get(keyApp), appMarker) {
			return 0, &NotLedgerError{Path: db.path, Reason: "不是台账数据文件"}
		}
		if string(m.Get(keyKind)) == KindAggregate {
			return 0, &AggregateFileError{Path: db.path}
		}
		v := fromU64(m.Get(keySchema))
		if v > CurrentSchema() {
			return 0, &NewerSchemaError{Path: db.path, Have: v, Max: CurrentSchema()}
		}
		return v, nil
	}
	var have uint64
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		have, err = identify(tx)
		return err
	})
	switch {
	case err != nil:
		return err
	case have == CurrentSchema():
		return nil // nothing to do: opening writes nothing
	case readOnly:
		return fmt.Errorf("数据文件 %s 需要先升级格式，请不带只读方式打开一次", db.path)
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		v, err := identify(tx)
		if err != nil {
			return err
		}
		return applyMigrations(tx, v, db.now())
	})
}
