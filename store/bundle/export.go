package bundle

import (
	"errors"
	"fmt"
	"path/filepath"

	"taizhang/store"
)

// ExportOptions say how Export writes a month's bundle.
type ExportOptions struct {
	Recipient string // the receiving office's age public key; "" to write the files unencrypted
	MaskID    bool   // mask ID numbers in 台账.xlsx and the CSV files
	Version   string // program version, for the manifest
	Progress  func(done, total int64)
	FS        FS // the disk to write to; nil: the real one
}

// VerifyFailedError: the bundle read back from the disk did not verify, so
// the disk does not hold what was written.
type VerifyFailedError struct{ Err error }

func (e *VerifyFailedError) Error() string {
	return fmt.Sprintf("写入后重新读取核验没有通过：%v 刚写的导出包已删除，这个月没有标记为已导出。U盘可能有问题，请换一个U盘重新导出。", e.Err)
}

func (e *VerifyFailedError) Unwrap() error { return e.Err }

// Export makes the bundle of month (2026-11) in outDir: it takes the
// month's segment, checks its ledger.db, writes the bundle, reads it back
// and verifies every file's hash and the signature, and
// only then records the export as an event (month, bundle name, manifest
// hash), so the next bundle's chain proves this one was made. If anything
// fails the bundle is removed (or, if the disk no longer allows that, left
// without its manifest, which does not verify) and nothing is marked
// exported. A *store.ClockBehindError from recording the event comes back
// as it is: ask the worker, then call Export again with
// db.AcceptClockBehind().
func Export(db *store.DB, op store.Operator, month, outDir string, opt ExportOptions) (Result, error) {
	var res Result
	fsys := opt.FS
	if fsys == nil {
		fsys = OS
	}
	seg, err := db.SegmentFor(month)
	if err != nil {
		return res, err
	}
	defer seg.Close()
	signer, err := db.Signer()
	if err != nil {
		return res, err
	}
	last, ok, err := db.LastExport()
	if err != nil {
		return res, err
	}
	prev := ""
	if ok {
		prev = last.ManifestHash
	}
	res, err = Write(fsys, outDir, seg, Options{
		Ledger: seg.File(),
		// The segment file proves its own chain before it leaves the PC:
		// an encrypted bundle cannot be read back here.
		CheckLedger: func(path string) error {
			_, got, err := store.CheckSegmentFile(path)
			if err == nil && (got.First != seg.First || got.Last != seg.Last || got.Head != seg.Head || got.Prev != seg.Prev) {
				err = fmt.Errorf("事件范围 %d–%d 与应导出的 %d–%d 不同", got.First, got.Last, seg.First, seg.Last)
			}
			if err != nil {
				return fmt.Errorf("生成的 ledger.db 没有通过核对（%w）。这个月没有导出。请运行 taizhang check 核对台账。", err)
			}
			return nil
		},
		Signer: signer, Version: opt.Version, Now: db.Now, PrevManifest: prev,
		Recipient: opt.Recipient, MaskID: opt.MaskID, Progress: opt.Progress,
	})
	if err != nil {
		return res, err
	}
	// Read back: the stick holds the bytes written, and ledger.db among them
	// is the file checked above.
	if _, err := verify(res.Path, VerifyOptions{ExpectKey: store.Fingerprint(signer.Public)}, nil, false); err != nil {
		discard(fsys, res.Path)
		return Result{}, &VerifyFailedError{Err: err}
	}
	seg.N = res.Manifest.N
	rec, err := db.RecordExport(op, seg, res.Manifest.Bundle, res.ManifestHash)
	if err != nil {
		discard(fsys, res.Path)
		var cb *store.ClockBehindError
		if errors.As(err, &cb) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("导出包已写好，但无法在台账中记录这次导出（%w），所以已把它删除，这个月没有标记为已导出。请重试。", err)
	}
	res.Record = rec
	return res, nil
}

// discard removes a bundle that must not be used, the manifest first so
// that whatever stays does not verify.
func discard(fsys FS, dir string) {
	_ = fsys.Remove(filepath.Join(dir, ManifestFile))
	_ = fsys.RemoveAll(dir)
}
