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
// month's segment, checks its ledger.db, writes the bundle with its
// manifest under a temporary name, reads it back and verifies every
// file's hash and the signature, records the export as an event (month,
// bundle name, manifest hash), so the next bundle's chain proves this one
// was made, and only then gives MANIFEST.json its name. So a bundle that
// verifies is always one the ledger recorded, whenever the program stops.
// If anything fails before the record the bundle is removed (or, if the
// disk no longer allows that, left without its manifest, which does not
// verify) and nothing is marked exported; if naming the manifest fails,
// the export stays recorded and a *WriteError with Recorded set says so.
// Exporting the month again to that stick then completes that bundle
// rather than making another. A *store.ClockBehindError from recording
// the event comes back as it is: ask the worker, then call Export again
// with db.AcceptClockBehind().
func Export(db *store.DB, op store.Operator, month, outDir string, opt ExportOptions) (Result, error) {
	var res Result
	fsys := opt.FS
	if fsys == nil {
		fsys = OS
	}
	signer, err := db.Signer()
	if err != nil {
		return res, err
	}
	if res, ok, err := finishRecorded(db, fsys, month, outDir, signer); ok {
		return res, err
	}
	seg, err := db.SegmentFor(month)
	if err != nil {
		return res, err
	}
	defer seg.Close()
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
		Unpublished: true,
	})
	if err != nil {
		return res, err
	}
	// Read back: the stick holds the bytes written, and ledger.db among them
	// is the file checked above.
	if _, err := verify(res.Path, unpublished(res.Path, signer), nil, false); err != nil {
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
	if err := publish(fsys, res.Path); err != nil {
		return Result{}, &WriteError{Step: "给 " + ManifestFile + " 改名", Dir: outDir, Err: err, Recorded: res.Path}
	}
	return res, nil
}

// unpublished are the options that verify a bundle whose manifest still
// has its temporary name, as the office's key signed it.
func unpublished(dir string, signer store.Signer) VerifyOptions {
	return VerifyOptions{ExpectKey: store.Fingerprint(signer.Public), manifest: filepath.Join(dir, ManifestFile+tempSuffix)}
}

// publish names the manifest of a bundle written Unpublished, which
// completes it.
func publish(fsys FS, dir string) error {
	if err := fsys.Rename(filepath.Join(dir, ManifestFile+tempSuffix), filepath.Join(dir, ManifestFile)); err != nil {
		return err
	}
	return fsys.SyncDir(dir)
}

// finishRecorded completes the bundle of month's last export if it is in
// outDir with its manifest not yet named: the program stopped, or the
// stick failed, between recording the export and naming the manifest. ok
// says it found one; one that does not verify, or is not the one the
// ledger recorded, is left for Export to replace with the next n.
func finishRecorded(db *store.DB, fsys FS, month, outDir string, signer store.Signer) (res Result, ok bool, err error) {
	exports, err := db.Exports()
	if err != nil {
		return res, true, err
	}
	var last *store.ExportRecord
	for i, r := range exports {
		if r.Month == month {
			last = &exports[i]
		}
	}
	if last == nil {
		return res, false, nil
	}
	dir := filepath.Join(outDir, last.Bundle)
	if !exists(fsys, filepath.Join(dir, ManifestFile+tempSuffix)) || exists(fsys, filepath.Join(dir, ManifestFile)) {
		return res, false, nil
	}
	rep, err := verify(dir, unpublished(dir, signer), nil, false)
	if err != nil || rep.ManifestHash != last.ManifestHash {
		return res, false, nil
	}
	if err := publish(fsys, dir); err != nil {
		return res, true, &WriteError{Step: "给 " + ManifestFile + " 改名", Dir: outDir, Err: err, Recorded: dir}
	}
	return Result{Path: dir, Manifest: rep.Manifest, ManifestHash: rep.ManifestHash, Bytes: rep.Bytes, Record: *last}, true, nil
}

// discard removes a bundle that must not be used, the manifest first so
// that whatever stays does not verify.
func discard(fsys FS, dir string) {
	_ = fsys.Remove(filepath.Join(dir, ManifestFile))
	_ = fsys.RemoveAll(dir)
}
