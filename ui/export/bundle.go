package export

import (
	"errors"

	"taizhang/store"
	"taizhang/store/backup"
	"taizhang/store/bundle"
	"taizhang/ui/common"
)

// Bundle is the runner that writes real bundles (store/bundle.Export:
// write, read back and verify, then record the export), the manifest
// naming the program's version.
func Bundle(version string) Runner {
	return func(db *store.DB, op store.Operator, job Job, progress func(done, total int64)) (Outcome, error) {
		saved, err := backup.BeforeExport(db)
		if err != nil {
			return Outcome{}, err
		}
		res, err := bundle.Export(db, op, job.Month, job.Dir, bundle.ExportOptions{
			Recipient: job.Recipient, MaskID: job.MaskID, Version: version, Progress: progress,
		})
		if err != nil {
			return Outcome{}, err
		}
		m := res.Manifest
		return Outcome{
			Path: res.Path, N: m.N, Counts: m.Counts, Files: len(m.Files) + 1, Bytes: res.Bytes,
			Encrypted: m.Encrypted, MaskedID: m.MaskedID, Backup: common.InDataFolder(db.Path(), saved.Path),
		}, nil
	}
}

// retryable reports whether err was the disk's (a stick pulled, full,
// read-only, missing, or not holding what was written): the same export
// may work on a retry. The store's refusals (a month already carried by a
// later bundle) are not.
func retryable(err error) bool {
	var we *bundle.WriteError
	var de *bundle.DestError
	var ve *bundle.VerifyFailedError
	return errors.As(err, &we) || errors.As(err, &de) || errors.As(err, &ve)
}
