package bundle

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"taizhang/store"
)

// Options say how Write makes a bundle.
type Options struct {
	// Ledger is the segment's ledger.db, already built on this PC (normally
	// Segment.File); Write copies it to the bundle.
	Ledger string
	// CheckLedger, if set, checks that file; it runs while the other files
	// are written, and the folder gets its name only when it passes.
	CheckLedger func(path string) error
	Signer      store.Signer     // the office key that signs the manifest
	Version     string           // program version, for the manifest
	Now         func() time.Time // the ledger's clock (db.Now); required
	// PrevManifest is the hash of the last bundle's manifest as the ledger
	// recorded it (db.LastExport), "" before the first export.
	PrevManifest string
	// Recipient is the receiving office's age X25519 public key (age1…).
	// When set, every file but MANIFEST.json is encrypted to it and named
	// with the .age suffix.
	Recipient string
	// MaskID masks ID numbers (140403********1238) in 台账.xlsx and the CSV
	// files; ledger.db always holds them whole.
	MaskID bool
	// Progress, if set, is called after each file with the files done and
	// the files in all, on the goroutine that runs Write.
	Progress func(done, total int64)
	// Unpublished leaves MANIFEST.json, written and synced, under its
	// temporary name, so the bundle does not verify until publish names
	// it: Export does that only once the ledger has recorded the export.
	Unpublished bool
}

// Result is a bundle written.
type Result struct {
	Path         string // the bundle folder
	Manifest     Manifest
	ManifestHash string // HashManifest of MANIFEST.json
	Bytes        int64  // size of all files, MANIFEST.json included
	// Record is the ledger's record of the export (set by Export only).
	Record store.ExportRecord
}

// steps are the files Write writes: ledger.db, 台账.xlsx, three CSV files
// and MANIFEST.json.
const steps = 6

// RecipientError: the receiving office's key is not an age public key.
type RecipientError struct {
	Key string
	Err error
}

func (e *RecipientError) Error() string {
	return fmt.Sprintf("接收单位的公钥“%s”格式不对：应是以 age1 开头的一串字母和数字（由接收单位运行 taizhang keygen 生成）。请在“设置”中重新粘贴，或用 --recipient 指定正确的公钥。", clip(e.Key, 20))
}

func (e *RecipientError) Unwrap() error { return e.Err }

// DestError: the place to export to is not a folder that exists.
type DestError struct {
	Dir string
	Err error
}

func (e *DestError) Error() string {
	return fmt.Sprintf("找不到导出位置 %s。请插好U盘，或选择一个已有的文件夹后重新导出。", e.Dir)
}

func (e *DestError) Unwrap() error { return e.Err }

// Write makes a new bundle folder for seg in dir on fsys (nil: the real
// disk) and returns it. The folder is
// FolderName(…, seg.Month, n) with n the first number from seg.N whose
// folder does not exist yet, so an older bundle is never overwritten.
//
// It is safe on a USB stick: the folder is built under a temporary name
// (未完成_…); each file is written to a temporary name, synced, renamed
// and the folder synced; then the folder gets its name and MANIFEST.json
// is written last, the same way. A bundle without its manifest does not
// verify, so whatever a failure leaves behind is never taken for a
// bundle. On any error Write removes what it wrote (as far as the disk
// still allows) and returns a *WriteError that says what to do.
func Write(fsys FS, dir string, seg store.Segment, opt Options) (res Result, err error) {
	if fsys == nil {
		fsys = OS
	}
	if opt.Ledger == "" || opt.Now == nil || len(opt.Signer.Private) != ed25519.PrivateKeySize {
		return res, errors.New("bundle.Write: Ledger, Now and Signer are required")
	}
	var rcpt age.Recipient
	if opt.Recipient != "" {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(opt.Recipient))
		if err != nil {
			return res, &RecipientError{Key: opt.Recipient, Err: err}
		}
		rcpt = r
	}
	if st, err := fsys.Stat(dir); err != nil || !st.IsDir() {
		return res, &DestError{Dir: dir, Err: err}
	}

	p := seg.Profile
	station := p.StationNo()
	n := max(seg.N, 1)
	var name string
	for ; ; n++ {
		name = FolderName(p.CountyCode, p.Community, station, seg.Month, n)
		_, err := fsys.Stat(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return res, &WriteError{Step: "查看导出位置", Dir: dir, Err: err}
		}
	}
	created := opt.Now().In(store.Beijing)
	m := Manifest{
		Format: Format, Program: opt.Version, Bundle: name,
		CountyCode: p.CountyCode, CountyName: p.CountyName, Community: p.Community, Station: station,
		Month: seg.Month, N: n, Counts: seg.Counts(),
		First: seg.First, Last: seg.Last, Prev: seg.Prev, Head: seg.Head, PrevManifest: opt.PrevManifest,
		Encrypted: rcpt != nil, MaskedID: opt.MaskID,
		SigningKey:  opt.Signer.PublicText(),
		Fingerprint: store.Fingerprint(opt.Signer.Public),
		Created:     created.Format(time.RFC3339),
	}
	if rcpt != nil {
		m.Recipient = strings.TrimSpace(opt.Recipient)
	}

	w := &writer{fsys: fsys, rcpt: rcpt, progress: opt.Progress}
	tmp, final := filepath.Join(dir, tempPrefix+name), filepath.Join(dir, name)
	defer func() {
		if err != nil {
			err = w.fail(err, dir, tmp, final)
		}
	}()

	ledger := opt.Ledger
	var checkErr error
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		if opt.CheckLedger != nil {
			checkErr = opt.CheckLedger(ledger)
		}
	}()
	defer func() { <-checked }() // it reads a file the caller removes next

	// A folder of that temporary name is one an earlier export left
	// incomplete when the stick was pulled: it is ours to replace.
	if exists(fsys, tmp) {
		if err := fsys.RemoveAll(tmp); err != nil {
			return res, w.wrap("删除上次未完成的文件夹", err)
		}
	}
	if err := fsys.Mkdir(tmp); err != nil {
		return res, w.wrap("创建文件夹", err)
	}
	w.dir = tmp
	if err := w.file(LedgerFile, func(out io.Writer) error { return copyFile(out, ledger) }); err != nil {
		return res, err
	}
	regs := registers(seg, opt.MaskID)
	if err := w.file(WorkbookFile, func(out io.Writer) error { return writeWorkbook(out, m, regs, created) }); err != nil {
		return res, err
	}
	for i, r := range regs {
		if err := w.file(csvFiles[i], func(out io.Writer) error { return writeCSV(out, r) }); err != nil {
			return res, err
		}
	}
	if <-checked; checkErr != nil {
		return res, checkErr
	}
	if err := fsys.Rename(tmp, final); err != nil {
		return res, w.wrap("给文件夹改名", err)
	}
	w.dir, w.renamed = final, true
	if err := fsys.SyncDir(dir); err != nil {
		return res, w.wrap("保存文件夹", err)
	}

	m.Files = w.files
	body, err := m.sign(opt.Signer.Private)
	if err != nil {
		return res, err
	}
	w.rcpt = nil // the manifest is never encrypted
	w.hold = opt.Unpublished
	if err := w.file(ManifestFile, func(out io.Writer) error { _, err := out.Write(body); return err }); err != nil {
		return res, err
	}
	res = Result{Path: final, Manifest: m, ManifestHash: HashManifest(body)}
	for _, f := range w.files {
		res.Bytes += f.Size
	}
	return res, nil
}

// writer writes the files of one bundle.
type writer struct {
	fsys     FS
	dir      string // the folder being filled
	renamed  bool   // it has its final name
	rcpt     age.Recipient
	files    []FileEntry
	progress func(done, total int64)
	hold     bool // the next file keeps its temporary name
}

// file writes one file: produce writes the content, encrypted on the way
// when the bundle is, into a temporary name that is synced, closed and
// renamed (unless w.hold), and then the folder is synced. The entry
// records the bytes on the disk.
func (w *writer) file(name string, produce func(io.Writer) error) (err error) {
	if w.rcpt != nil {
		name += AgeSuffix
	}
	tmp := filepath.Join(w.dir, name+tempSuffix)
	f, err := w.fsys.Create(tmp)
	if err != nil {
		return w.wrap("创建 "+name, err)
	}
	closed := false
	defer func() {
		if !closed {
			f.Close()
		}
	}()
	out := &hashWriter{w: f, h: sha256.New()}
	buf := bufio.NewWriterSize(out, 256<<10)
	var dst io.Writer = buf
	var enc io.WriteCloser
	if w.rcpt != nil {
		if enc, err = age.Encrypt(buf, w.rcpt); err != nil {
			return err
		}
		dst = enc
	}
	if err := produce(dst); err != nil {
		return w.wrap("写入 "+name, err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return w.wrap("写入 "+name, err)
		}
	}
	if err := buf.Flush(); err != nil {
		return w.wrap("写入 "+name, err)
	}
	if err := f.Sync(); err != nil {
		return w.wrap("保存 "+name, err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return w.wrap("保存 "+name, err)
	}
	if !w.hold {
		if err := w.fsys.Rename(tmp, filepath.Join(w.dir, name)); err != nil {
			return w.wrap("给 "+name+" 改名", err)
		}
	}
	if err := w.fsys.SyncDir(w.dir); err != nil {
		return w.wrap("保存 "+name, err)
	}
	w.files = append(w.files, FileEntry{Name: name, Size: out.n, SHA256: hex.EncodeToString(out.h.Sum(nil))})
	if w.progress != nil {
		w.progress(int64(len(w.files)), steps)
	}
	return nil
}

func (w *writer) wrap(step string, err error) error {
	var we *WriteError
	if errors.As(err, &we) {
		return err
	}
	return &WriteError{Step: step, Err: err}
}

// fail removes what was written and completes the error: the folder under
// whichever name it has by now.
func (w *writer) fail(err error, dir, tmp, final string) error {
	folder := tmp
	if w.renamed {
		folder = final
		// Without its manifest the folder cannot verify, whatever else
		// stays behind.
		_ = w.fsys.Remove(filepath.Join(final, ManifestFile))
	}
	left := ""
	if w.dir != "" && exists(w.fsys, folder) {
		if rerr := w.fsys.RemoveAll(folder); rerr != nil {
			left = folder
		}
	}
	var we *WriteError
	if errors.As(err, &we) {
		we.Dir, we.Left = dir, left
	}
	return err
}

func exists(fsys FS, path string) bool {
	_, err := fsys.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func copyFile(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
