package bundle

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"filippo.io/age"

	"taizhang/store"
)

// VerifyOptions say what Verify may use.
type VerifyOptions struct {
	// Identity are the receiving office's age identities; without them an
	// encrypted bundle's hashes and signature are checked but not its
	// contents.
	Identity []age.Identity
	// ExpectKey is the office key's fingerprint as the office gave it (by
	// phone); when set, a bundle signed by another key is refused.
	ExpectKey string
	// manifest is where MANIFEST.json is read from when it is not (yet) in
	// the folder: an export not published.
	manifest string
}

// Report is what Verify proved about a bundle.
type Report struct {
	Dir          string
	Manifest     Manifest
	ManifestHash string
	Bytes        int64 // all files, MANIFEST.json included
	// ContentsChecked: ledger.db was read and its chain segment and records
	// checked. False only for an encrypted bundle verified without an
	// identity.
	ContentsChecked bool
	Check           store.CheckReport
	// Extra are files in the folder the manifest does not list (a desktop
	// may add some); they are not part of the bundle.
	Extra []string
}

// Problem is the kind of the first thing wrong with a bundle.
type Problem int

const (
	MissingFile  Problem = iota + 1 // a file of the bundle is not there
	ChangedFile                     // a file's bytes are not those the manifest lists
	CutOffFile                      // a file is shorter than the manifest says
	BadSignature                    // the manifest is not signed by the key it names
	UnknownKey                      // signed, but not by the office's key
	WrongKey                        // the identity given cannot decrypt the files
	BrokenChain                     // ledger.db's chain segment does not hold or is not the manifest's
	Mismatch                        // the manifest's counts or community differ from ledger.db
	NotBundle                       // not a bundle folder, or a format this program does not know
)

// VerifyError names the first problem found.
type VerifyError struct {
	Problem Problem
	File    string // the file concerned, if any
	Detail  string
	Err     error
}

const untrusted = "这份导出包不可信，请让社区重新导出这个月。"

func (e *VerifyError) Error() string {
	var s string
	switch e.Problem {
	case MissingFile:
		if e.File == ManifestFile {
			s = "导出包中没有 MANIFEST.json：它不是一个完整的导出包（可能在写入时U盘被拔出）。请让社区重新导出这个月。"
		} else {
			s = fmt.Sprintf("导出包缺少文件 %s%s。请找回完整的文件夹，或让社区重新导出这个月。", e.File, paren(e.Detail))
		}
	case ChangedFile:
		s = fmt.Sprintf("文件 %s 与清单不符%s：导出后被改动过。%s", e.File, paren(e.Detail), untrusted)
	case CutOffFile:
		s = fmt.Sprintf("文件 %s 不完整%s，可能复制时中断。请重新复制整个文件夹，或让社区重新导出这个月。", e.File, paren(e.Detail))
	case BadSignature:
		s = "MANIFEST.json 的签名不对：清单在签名后被改动过。" + untrusted
	case UnknownKey:
		s = fmt.Sprintf("签名密钥不是该社区的密钥%s。请打电话向社区核对“设置”中显示的密钥指纹；%s", paren(e.Detail), untrusted)
	case WrongKey:
		s = fmt.Sprintf("无法解密 %s：所给的私钥不是这份导出包的接收密钥。请用本单位 taizhang keygen 生成的私钥文件（--identity），或请社区用本单位的公钥重新导出。", e.File)
	case BrokenChain:
		s = fmt.Sprintf("ledger.db 的事件链不成立%s。%s", paren(e.Detail), untrusted)
	case Mismatch:
		s = fmt.Sprintf("清单与 ledger.db 不符%s。%s", paren(e.Detail), untrusted)
	default:
		s = fmt.Sprintf("%s 不是可核验的导出包%s。", e.File, paren(e.Detail))
	}
	return "核验未通过：" + printable(s)
}

// printable keeps what a bundle's files put into a message fit for the
// screen: bytes that are not UTF-8 (a type name cut in a changed ledger.db)
// and control characters (an escape sequence in a crafted manifest) become
// U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return utf8.RuneError
		}
		return r
	}, s)
}

func (e *VerifyError) Unwrap() error { return e.Err }

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "（" + s + "）"
}

// Verify checks the bundle in dir: MANIFEST.json's signature, each file's
// size and SHA-256, and (when the files are readable: not encrypted, or
// decrypted with opt.Identity) that ledger.db's chain segment holds from
// its Prev, that its registers are what its events give, and that its
// segment, counts, community and office key are the manifest's. The first
// problem comes back as a *VerifyError.
//
// Verify opens nothing in dir for writing: ledger.db is copied (decrypted
// if need be) to the PC's temp folder while it is hashed, and that copy,
// the bytes that were hashed, is what is checked.
func Verify(dir string, opt VerifyOptions) (Report, error) {
	return verify(dir, opt, replayLedger, true)
}

// contentsCheck is what verify does with the copy of ledger.db (decrypted)
// once its bytes are proven to be the manifest's.
type contentsCheck func(ledger string, m Manifest, rep *Report) error

// replayLedger is Verify's check of ledger.db: its chain and its records
// replayed (store.CheckSegmentFile), and the manifest's segment and counts.
func replayLedger(ledger string, m Manifest, rep *Report) error {
	check, seg, err := store.CheckSegmentFile(ledger)
	if err != nil {
		return &VerifyError{Problem: BrokenChain, File: LedgerFile, Detail: err.Error(), Err: err}
	}
	if err := sameSegment(m, seg); err != nil {
		return err
	}
	rep.Check, rep.ContentsChecked = check, true
	return nil
}

// verify is Verify with the check of ledger.db given: without one it stops
// after the hashes (for the read-back after writing, whose ledger.db was
// checked before it was written). decryptAll reads every encrypted file
// through (authenticating it) rather than only ledger.db.
func verify(dir string, opt VerifyOptions, contents contentsCheck, decryptAll bool) (Report, error) {
	rep := Report{Dir: dir}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return rep, &VerifyError{Problem: NotBundle, File: dir, Detail: "找不到这个文件夹", Err: err}
	}
	manifest := opt.manifest
	if manifest == "" {
		manifest = filepath.Join(dir, ManifestFile)
	}
	file, err := os.ReadFile(manifest)
	if errors.Is(err, fs.ErrNotExist) {
		return rep, &VerifyError{Problem: MissingFile, File: ManifestFile, Err: err}
	}
	if err != nil {
		return rep, &VerifyError{Problem: NotBundle, File: ManifestFile, Detail: err.Error(), Err: err}
	}
	m, err := readManifest(file)
	if err != nil {
		return rep, err
	}
	rep.Manifest, rep.ManifestHash, rep.Bytes = m, HashManifest(file), int64(len(file))
	if !checkSignature(m, file) {
		return rep, &VerifyError{Problem: BadSignature, File: ManifestFile}
	}
	pub, _ := base64.StdEncoding.DecodeString(m.SigningKey)
	fp := store.Fingerprint(pub)
	if m.Fingerprint != fp {
		return rep, &VerifyError{Problem: ChangedFile, File: ManifestFile, Detail: "指纹与签名密钥不符"}
	}
	if want := strings.TrimSpace(opt.ExpectKey); want != "" && hexDigits(want) != hexDigits(fp) {
		return rep, &VerifyError{Problem: UnknownKey, Detail: fmt.Sprintf("导出包的密钥指纹是 %s，不是 %s", fp, want)}
	}

	scratch, err := os.MkdirTemp("", "taizhang-verify-*")
	if err != nil {
		return rep, fmt.Errorf("无法在本机临时文件夹中核验：%w", err)
	}
	defer os.RemoveAll(scratch)
	ledgerName := LedgerFile
	if m.Encrypted {
		ledgerName += AgeSuffix
	}
	if err := needFiles(m, ledgerName); err != nil {
		return rep, err
	}
	ledgerCopy := filepath.Join(scratch, "copy")
	plain := filepath.Join(scratch, LedgerFile)
	// Taking a bundle in, the encrypted ledger.db is decrypted as it is
	// hashed, in one pass over the stick.
	onePass := contents != nil && m.Encrypted && len(opt.Identity) > 0 && !decryptAll
	var decryptErr error
	for _, f := range m.Files {
		var err error
		switch {
		case f.Name == ledgerName && onePass:
			err, decryptErr = checkDecrypt(dir, f, plain, opt.Identity)
		case f.Name == ledgerName && contents != nil:
			err = checkFile(dir, f, ledgerCopy)
		default:
			err = checkFile(dir, f, "")
		}
		if err != nil {
			return rep, err
		}
		rep.Bytes += f.Size
	}
	rep.Extra = extraFiles(dir, m)

	ledger := ledgerCopy
	if contents == nil {
		return rep, nil
	}
	if m.Encrypted {
		if len(opt.Identity) == 0 {
			return rep, nil
		}
		ledger = plain
		for _, f := range m.Files {
			src := filepath.Join(dir, f.Name)
			switch {
			case onePass && f.Name == ledgerName && decryptErr != nil:
				return rep, decryptErr
			case onePass || !decryptAll && f.Name != ledgerName:
				continue
			case f.Name == ledgerName:
				src = ledgerCopy
			}
			if err := decrypt(src, f.Name, ledger, f.Name == ledgerName, opt.Identity); err != nil {
				return rep, err
			}
		}
	}
	return rep, contents(ledger, m, &rep)
}

// hexDigits is a fingerprint as typed, without dashes or spaces, in capitals
// (1a2b 3c4d… and 1A2B-3C4D-… are the same).
func hexDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'F':
			return r
		case r >= 'a' && r <= 'f':
			return r - 'a' + 'A'
		}
		return -1
	}, s)
}

// readManifest parses MANIFEST.json.
func readManifest(file []byte) (Manifest, error) {
	var m Manifest
	err := json.Unmarshal(file, &m)
	var syn *json.SyntaxError
	switch {
	case err != nil && errors.As(err, &syn) && strings.Contains(err.Error(), "unexpected end"):
		return m, &VerifyError{Problem: CutOffFile, File: ManifestFile, Detail: "文件在中途结束", Err: err}
	case err != nil:
		return m, &VerifyError{Problem: ChangedFile, File: ManifestFile, Detail: "不是有效的清单", Err: err}
	case m.Format != Format:
		return m, &VerifyError{Problem: NotBundle, File: ManifestFile,
			Detail: fmt.Sprintf("格式“%s”不是本程序认识的“%s”，请升级台账程序", m.Format, Format)}
	}
	return m, nil
}

// needFiles: the manifest lists every file a bundle has.
func needFiles(m Manifest, ledgerName string) error {
	listed := map[string]bool{}
	for _, f := range m.Files {
		if f.Name != filepath.Base(f.Name) || f.Name == ".." || f.Name == ManifestFile {
			return &VerifyError{Problem: ChangedFile, File: ManifestFile, Detail: "清单中的文件名“" + f.Name + "”无效"}
		}
		listed[f.Name] = true
	}
	want := []string{ledgerName, WorkbookFile, csvFiles[0], csvFiles[1], csvFiles[2]}
	for i, n := range want[1:] {
		if m.Encrypted {
			want[i+1] = n + AgeSuffix
		}
	}
	for _, n := range want {
		if !listed[n] {
			return &VerifyError{Problem: MissingFile, File: n, Detail: "清单中没有列出它"}
		}
	}
	return nil
}

// checkFile compares one file's size and hash with the manifest; with
// copyTo it also copies the bytes it hashed there.
func checkFile(dir string, f FileEntry, copyTo string) error {
	path := filepath.Join(dir, f.Name)
	in, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &VerifyError{Problem: MissingFile, File: f.Name, Err: err}
	}
	if err != nil {
		return &VerifyError{Problem: NotBundle, File: f.Name, Detail: "无法读取：" + err.Error(), Err: err}
	}
	defer in.Close()
	h := sha256.New()
	var dst io.Writer = h
	if copyTo != "" {
		out, err := os.OpenFile(copyTo, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("无法在本机临时文件夹中核验：%w", err)
		}
		defer out.Close()
		dst = io.MultiWriter(h, out)
	}
	n, err := io.Copy(dst, in)
	if err != nil {
		return &VerifyError{Problem: NotBundle, File: f.Name, Detail: "无法读取：" + err.Error(), Err: err}
	}
	return sizeAndHash(f, n, h)
}

// checkDecrypt is checkFile and decrypt of an encrypted ledger.db in one
// pass: the bytes read go to the hash and through age to out. What the
// hash finds is returned first; a failed decryption second, to be reported
// only after every file's hash held, as when the two are done in turn.
func checkDecrypt(dir string, f FileEntry, out string, ids []age.Identity) (hashErr, decryptErr error) {
	in, err := os.Open(filepath.Join(dir, f.Name))
	if errors.Is(err, fs.ErrNotExist) {
		return &VerifyError{Problem: MissingFile, File: f.Name, Err: err}, nil
	}
	if err != nil {
		return &VerifyError{Problem: NotBundle, File: f.Name, Detail: "无法读取：" + err.Error(), Err: err}, nil
	}
	defer in.Close()
	h := sha256.New()
	n := &counter{}
	read := io.TeeReader(in, io.MultiWriter(h, n))
	r, err := age.Decrypt(read, ids...)
	if err != nil {
		decryptErr = decryptError(f.Name, err)
	} else {
		dst, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("无法在本机临时文件夹中核验：%w", err), nil
		}
		if _, err := io.Copy(dst, r); err != nil {
			decryptErr = &VerifyError{Problem: ChangedFile, File: f.Name, Detail: "解密时发现内容损坏", Err: err}
		}
		if err := dst.Close(); err != nil && decryptErr == nil {
			return fmt.Errorf("无法在本机临时文件夹中核验：%w", err), nil
		}
	}
	if _, err := io.Copy(io.Discard, read); err != nil { // the rest, for the hash
		return &VerifyError{Problem: NotBundle, File: f.Name, Detail: "无法读取：" + err.Error(), Err: err}, nil
	}
	return sizeAndHash(f, n.n, h), decryptErr
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// sizeAndHash compares what was read of a file with the manifest.
func sizeAndHash(f FileEntry, n int64, h hash.Hash) error {
	switch {
	case n < f.Size:
		return &VerifyError{Problem: CutOffFile, File: f.Name, Detail: fmt.Sprintf("清单记录 %d 字节，实际只有 %d 字节", f.Size, n)}
	case n > f.Size:
		return &VerifyError{Problem: ChangedFile, File: f.Name, Detail: fmt.Sprintf("清单记录 %d 字节，实际有 %d 字节", f.Size, n)}
	case hex.EncodeToString(h.Sum(nil)) != f.SHA256:
		return &VerifyError{Problem: ChangedFile, File: f.Name, Detail: "SHA-256 不同"}
	}
	return nil
}

// decrypt reads an age file through to its end (which authenticates every
// byte) and, with keep, writes the plain text to out.
func decrypt(src, name, out string, keep bool, ids []age.Identity) error {
	in, err := os.Open(src)
	if err != nil {
		return &VerifyError{Problem: NotBundle, File: name, Detail: "无法读取：" + err.Error(), Err: err}
	}
	defer in.Close()
	r, err := age.Decrypt(in, ids...)
	if err != nil {
		return decryptError(name, err)
	}
	dst := io.Discard
	if keep {
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("无法在本机临时文件夹中核验：%w", err)
		}
		defer f.Close()
		dst = f
	}
	if _, err := io.Copy(dst, r); err != nil {
		return &VerifyError{Problem: ChangedFile, File: name, Detail: "解密时发现内容损坏", Err: err}
	}
	return nil
}

// decryptError says why age could not open a file: the identity is not
// the bundle's, or the file is damaged.
func decryptError(name string, err error) error {
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return &VerifyError{Problem: WrongKey, File: name, Err: err}
	}
	return &VerifyError{Problem: ChangedFile, File: name, Detail: "无法解密：" + err.Error(), Err: err}
}

// sameSegment compares what ledger.db holds with what the manifest says.
func sameSegment(m Manifest, seg store.Segment) error {
	chain := func(what, have, want any) error {
		return &VerifyError{Problem: BrokenChain, File: LedgerFile,
			Detail: fmt.Sprintf("清单的%s是 %v，ledger.db 中是 %v", what, want, have)}
	}
	switch {
	case seg.Month != m.Month:
		return chain("月份", seg.Month, m.Month)
	case seg.First != m.First:
		return chain("第一条事件", seg.First, m.First)
	case seg.Last != m.Last:
		return chain("最后一条事件", seg.Last, m.Last)
	case seg.Prev != m.Prev:
		return chain("前一条事件的哈希", seg.Prev, m.Prev)
	case seg.Head != m.Head:
		return chain("最后一条事件的哈希", seg.Head, m.Head)
	}
	p := seg.Profile
	if key := p.SigningKey; key != m.SigningKey {
		return &VerifyError{Problem: UnknownKey, Detail: "清单的签名密钥与 ledger.db 中登记的社区密钥不一致，清单可能被他人重新签名"}
	}
	if p.Community != m.Community || p.CountyCode != m.CountyCode || p.StationNo() != m.Station {
		return &VerifyError{Problem: Mismatch, Detail: fmt.Sprintf("清单写的是 %s %s 窗口 %d，ledger.db 中是 %s %s 窗口 %d",
			m.CountyCode, m.Community, m.Station, p.CountyCode, p.Community, p.StationNo())}
	}
	if have := seg.Counts(); !sameCounts(have, m.Counts) {
		return &VerifyError{Problem: Mismatch, Detail: "清单中的计数与 ledger.db 中的记录不符：" + countsDiff(have, m.Counts)}
	}
	return nil
}

func sameCounts(a, b store.Counts) bool {
	if len(a.ByType) == 0 && len(b.ByType) == 0 {
		a.ByType, b.ByType = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// countsDiff names the first count that differs.
func countsDiff(have, want store.Counts) string {
	pairs := []struct {
		label      string
		have, want int
	}{
		{"事件", have.Events, want.Events}, {"出具证明", have.Certificates, want.Certificates},
		{"作废证明", have.Voided, want.Voided}, {"打印", have.Prints, want.Prints},
		{"拒绝出具", have.Refusals, want.Refusals}, {"准入申请", have.Admissions, want.Admissions},
		{"其中属于以前月份的事件", have.Late, want.Late}, {"导入的旧证明", have.Imported, want.Imported},
	}
	for _, p := range pairs {
		if p.have != p.want {
			return fmt.Sprintf("%s清单为 %d，实际 %d", p.label, p.want, p.have)
		}
	}
	types := map[string]bool{}
	for t := range have.ByType {
		types[t] = true
	}
	for t := range want.ByType {
		types[t] = true
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		if have.ByType[t] != want.ByType[t] {
			return fmt.Sprintf("“%s”清单为 %d 份，实际 %d 份", t, want.ByType[t], have.ByType[t])
		}
	}
	return "分类计数不同"
}

// extraFiles lists what else is in the folder.
func extraFiles(dir string, m Manifest) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	listed := map[string]bool{ManifestFile: true}
	for _, f := range m.Files {
		listed[f.Name] = true
	}
	var extra []string
	for _, e := range entries {
		if !listed[e.Name()] {
			extra = append(extra, e.Name())
		}
	}
	return extra
}
