package bundle

import (
	"errors"

	"taizhang/store"
)

// ErrNeedIdentity: an encrypted bundle cannot be taken in without the
// receiving office's identity.
var ErrNeedIdentity = errors.New("导出包已加密：请用 --identity 指定本单位用 taizhang keygen 生成的私钥文件，才能读取和接收它。")

// Read is Verify for a receiving office that takes the bundle in: the
// manifest's signature and every file's size and SHA-256 are checked as
// Verify checks them, ledger.db is decrypted (the other encrypted files are
// covered by their hashes and not decrypted), and its chain segment is
// checked event by event from Prev to Head against the manifest, with the
// counts and the community (store.ReadSegmentFile). The records are read as
// ledger.db stores them and handed to visit, not replayed from the events:
// the exporting PC replayed them before it signed, and Verify replays them
// again for anyone who asks. The first problem comes back as a
// *VerifyError, as from Verify; visit may have seen records of a bundle
// that then fails, so keep them until Read returns nil.
func Read(dir string, opt VerifyOptions, visit store.SegmentVisit) (Report, store.Segment, error) {
	var seg store.Segment
	read := func(ledger string, m Manifest, rep *Report) error {
		var err error
		seg, err = store.ReadSegmentFile(ledger, visit)
		if err != nil {
			return &VerifyError{Problem: BrokenChain, File: LedgerFile, Detail: err.Error(), Err: err}
		}
		if err := sameSegment(m, seg); err != nil {
			return err
		}
		rep.ContentsChecked = true
		return nil
	}
	rep, err := verify(dir, opt, read, false)
	if err == nil && !rep.ContentsChecked {
		err = ErrNeedIdentity
	}
	return rep, seg, err
}

// SameFingerprint says whether two fingerprints are the same as people
// type them (case, dashes and spaces aside).
func SameFingerprint(a, b string) bool { return hexDigits(a) == hexDigits(b) }
