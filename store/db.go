package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
	opts *bolt.Options // as opened (compact opens the file again)
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

	// The filesystem seam, for fault tests. OpenFile opens the data file
	// (os.OpenFile when nil): a test fails it as a read-only folder or file
	// does. MaxSize stops the file growing past so many bytes, as a full
	// disk would (0: no limit).
	OpenFile func(name string, flag int, perm os.FileMode) (*os.File, error)
	MaxSize  int
}

// Open opens the ledger at path, creating the file and its folder if they do
// not exist, and brings its schema up to date. An existing file that is
// damaged (DamagedError) or not a taizhang ledger is refused and left as it
// is. Open reads only the file's head and identity: the program runs Guard
// first, which proves the rest without risk to the program.
func Open(path string, opt Options) (*DB, error) {
	opt.Now = beijingClock(opt.Now)
	exists, err := ExamineFile(path)
	if err != nil {
		return nil, err
	}
	fresh := !exists
	if fresh {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, &DiskError{Path: path, Fresh: true, Err: err}
		}
	}
	bopts := &bolt.Options{
		Timeout:      LockTimeout,
		FreelistType: bolt.FreelistMapType,
		ReadOnly:     opt.ReadOnly && !fresh,
		OpenFile:     opt.OpenFile,
		MaxSize:      opt.MaxSize,
	}
	bdb, err := bolt.Open(path, 0o600, bopts)
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, &LockedError{Path: path}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, &DamagedError{Path: path, Reason: "文件头已损坏"}
	case DiskFaultOf(err) != DiskOther:
		return nil, openFailed(path, fresh, err)
	case err != nil:
		return nil, fmt.Errorf("无法打开数据文件 %s：%w", path, err)
	}
	if wasReplaced(bdb) { // compacted by another window while this one waited
		bdb.Close()
		return Open(path, opt)
	}
	bdb.AllocSize = growStep
	db := &DB{bolt: bdb, opts: bopts, path: path, now: opt.Now}
	if err := db.migrate(opt.ReadOnly && !fresh); err != nil {
		bdb.Close()
		if DiskFaultOf(err) != DiskOther {
			return nil, openFailed(path, fresh, err)
		}
		return nil, err
	}
	if !opt.ReadOnly { // only a file that opened as a ledger (a refused one is left as it is)
		// A failed compaction leaves the file as it was, still marked.
		if err := db.compactIfAsked(); err != nil && db.bolt == nil {
			return nil, err
		}
		ownerOnly(path)
	}
	return db, nil
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

// ownerOnly narrows a data file that others could read (copied in, or
// made by an older version under a loose umask) to 0600, as a new one is
// made. Not on Windows, where the file lives in the user's profile
// (%AppData%) and modes mean nothing; a failure (a file of another user)
// is left alone, the file still opens.
func ownerOnly(path string) {
	if runtime.GOOS == "windows" {
		return
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(path, 0o600)
	}
}

// openFailed is the DiskError of an open that the disk refused. A file this
// open created is removed, so the next start does not find half a ledger.
func openFailed(path string, fresh bool, err error) error {
	if fresh {
		os.Remove(path)
	}
	return &DiskError{Path: path, Fresh: fresh, Err: err}
}

// Path is the file the ledger lives in.
func (db *DB) Path() string { return db.path }

// ReadOnly says whether the file was opened without a write lock.
func (db *DB) ReadOnly() bool { return db.bolt.IsReadOnly() }

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
		if why := schemaMismatch(tx, v); why != "" {
			return 0, &DamagedError{Path: db.path, Reason: why}
		}
		return v, nil
	}
	var have uint64
	err := ReadProtected(db.path, func() error {
		return db.bolt.View(func(tx *bolt.Tx) (err error) {
			have, err = identify(tx)
			return err
		})
	})
	switch {
	case err != nil:
		return err
	case have == CurrentSchema():
		return nil // nothing to do: opening writes nothing
	case readOnly:
		return fmt.Errorf("数据文件 %s 是旧版本的格式，这个命令只读不写，不能替它升级。请先运行 taizhang --db %s 打开一次（自动升级，原有记录不变），再运行这个命令。", db.path, db.path)
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		v, err := identify(tx)
		if err != nil {
			return err
		}
		return applyMigrations(tx, v, db.now())
	})
}
