package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DamagedError: the data file is damaged (empty, cut short, overwritten,
// or with flipped bits). The program refuses it before writing anything,
// so the file is exactly as it was found.
type DamagedError struct {
	Path   string
	Reason string // what is wrong, in Chinese, without a final 。

	// What to do depends on the backups, which the program looks up
	// (package store/backup; store cannot) before it shows the message:
	// Backup is the newest good one, Taken when it was made and Restore the
	// command that puts it back; NoBackup says there is none. With neither,
	// the message names the command in general form.
	Backup   string
	Taken    time.Time
	Restore  string
	NoBackup bool
	// Aggregate: the file is a receiving office's aggregate file, which
	// can be built again from the bundles.
	Aggregate bool
	// Foreign: nothing in the file's head is of a bbolt file, so it may
	// as well be another file given by mistake (--db 会议记录.docx).
	Foreign bool
}

func (e *DamagedError) Error() string {
	var b strings.Builder
	if e.Foreign {
		fmt.Fprintf(&b, "文件 %s 不是台账数据文件，或者已经损坏：%s。本程序没有改动它，也不会使用它。\n", e.Path, e.Reason)
		b.WriteString("如果是 --db 指错了文件，请改用正确的台账数据文件。如果它就是台账数据文件：\n")
	} else {
		fmt.Fprintf(&b, "数据文件 %s 已损坏：%s。本程序没有改动它，也不会使用它。\n", e.Path, e.Reason)
	}
	switch {
	case e.Backup != "":
		fmt.Fprintf(&b, "最近一份完好的备份是 %s（%s 备份）。\n", e.Backup, StampText(e.Taken))
		b.WriteString("请关闭所有台账窗口，运行下面的命令用这份备份恢复（损坏的文件会改名留存，不会删除）：\n")
		fmt.Fprintf(&b, "  %s\n", e.Restore)
		b.WriteString("恢复后请核对备份之后录入的内容，缺少的请补录。")
	case e.Aggregate:
		b.WriteString("汇总文件可以重建：用 taizhang init --receiving-office 另建一个汇总文件（换一个文件名），再把各社区的导出包重新接收一遍。损坏的文件请保留，不要删除。")
	case e.NoBackup:
		fmt.Fprintf(&b, "在 %s 没有找到可用的备份。", filepath.Join(filepath.Dir(e.Path), "备份"))
		b.WriteString("请不要删除或改动这个文件，联系为您安装本程序的人员；如果有拷在U盘上的台账文件或备份，请一并带上。")
	default:
		b.WriteString("请用备份恢复（taizhang restore 备份文件 --db 数据文件）；没有备份时请联系为您安装本程序的人员。")
	}
	return b.String()
}

// The bbolt file format (go.etcd.io/bbolt internal/common/page.go and
// meta.go), read here without bbolt so that a damaged head can be refused
// before bbolt maps the file. Fields are in the machine's byte order.
const (
	pageHeaderSize = 16 // id uint64, flags uint16, count uint16, overflow uint32
	metaPageFlag   = 0x04
	boltVersion    = 2
	noFreelist     = ^uint64(0)
	// Offsets in a meta page: the meta struct follows the page header.
	metaMagic    = pageHeaderSize
	metaVersion  = metaMagic + 4
	metaPageSize = metaVersion + 4
	metaRoot     = metaPageSize + 8 // after the flags
	metaFreelist = metaRoot + 16    // after the root bucket's root and sequence
	metaPgid     = metaFreelist + 8
	metaTxid     = metaPgid + 8
	metaChecksum = metaTxid + 8
	metaEnd      = metaChecksum + 8
)

// boltMagic is bbolt's meta-page magic number.
const boltMagic = 0xED0CDAED

// boltMeta is one of the two meta pages at the head of the file.
type boltMeta struct {
	pageSize                 uint64
	root, freelist, pgid, tx uint64
}

// readMeta reads the meta page at page (0 or 1) of buf; it says why the
// page is not valid, or "" when it is. Besides bbolt's own checks (magic,
// version, checksum) the header and the rest of the page must be as bbolt
// writes them (id, flag, zeros), so that any changed bit is found.
func readMeta(buf []byte, page uint64) (boltMeta, string) {
	ne := binary.NativeEndian
	switch {
	case len(buf) < metaEnd:
		return boltMeta{}, "不完整"
	case ne.Uint32(buf[metaMagic:]) != boltMagic:
		return boltMeta{}, "格式标记不对"
	case ne.Uint32(buf[metaVersion:]) != boltVersion:
		return boltMeta{}, "格式版本不对"
	}
	h := fnv.New64a()
	h.Write(buf[metaMagic:metaChecksum])
	if h.Sum64() != ne.Uint64(buf[metaChecksum:]) {
		return boltMeta{}, "校验和不符"
	}
	m := boltMeta{
		pageSize: uint64(ne.Uint32(buf[metaPageSize:])),
		root:     ne.Uint64(buf[metaRoot:]),
		freelist: ne.Uint64(buf[metaFreelist:]),
		pgid:     ne.Uint64(buf[metaPgid:]),
		tx:       ne.Uint64(buf[metaTxid:]),
	}
	switch {
	case ne.Uint64(buf) != page || ne.Uint16(buf[8:]) != metaPageFlag || ne.Uint16(buf[10:]) != 0 || ne.Uint32(buf[12:]) != 0:
		return m, "页头不对"
	case m.pageSize < 512 || m.pageSize > 1<<16 || m.pageSize&(m.pageSize-1) != 0:
		return m, "页大小不对"
	case m.pgid < 4 || m.root < 2 || m.root >= m.pgid || (m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.pgid)):
		return m, "指向文件以外的位置"
	}
	return m, ""
}

// ExamineFile reads the head of the file at path and refuses it when it
// cannot be a sound bbolt file: a folder (NotLedgerError), or empty, cut
// short, overwritten or with a damaged meta page (DamagedError). exists
// is false when there is no file at path. It only reads, and bbolt never
// sees the file, so nothing here can crash on a damaged file. What lies
// beyond the head is the business of Guard.
func ExamineFile(path string) (exists bool, err error) {
	exists, _, err = examineHead(path)
	return exists, err
}

// examineHead is ExamineFile; it also returns the meta page bbolt will use
// (the newer).
func examineHead(path string) (exists bool, current boltMeta, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, boltMeta{}, nil
	}
	if err != nil {
		return false, boltMeta{}, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return true, boltMeta{}, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	if st.IsDir() {
		return true, boltMeta{}, &NotLedgerError{Path: path, Reason: "是一个文件夹"}
	}
	size := uint64(st.Size())
	damaged := func(format string, args ...any) (bool, boltMeta, error) {
		return true, boltMeta{}, &DamagedError{Path: path, Reason: fmt.Sprintf(format, args...)}
	}
	if size == 0 {
		return damaged("文件是空的（0 字节）")
	}
	read := func(off, n uint64) ([]byte, error) {
		buf := make([]byte, n)
		k, err := f.ReadAt(buf, int64(off))
		if err == io.EOF {
			err = nil
		}
		return buf[:k], err
	}
	head, err := read(0, 1<<16)
	if err != nil {
		return true, boltMeta{}, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	hasMagic := func(page []byte) bool {
		return len(page) >= metaMagic+4 && binary.NativeEndian.Uint32(page[metaMagic:]) == boltMagic
	}
	// The page size is in the meta pages; meta 1 sits one page in. As bbolt
	// does, try each page size for it when meta 0 does not say.
	m0, why0 := readMeta(head, 0)
	var m1 boltMeta
	why1, sawMagic := "找不到", hasMagic(head)
	for ps := uint64(1024); ps <= 1<<16 && ps+metaEnd <= size; ps *= 2 {
		if why0 == "" && ps != m0.pageSize {
			continue
		}
		buf, err := read(ps, ps)
		if err != nil {
			return true, boltMeta{}, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
		}
		sawMagic = sawMagic || hasMagic(buf)
		m, why := readMeta(buf, 1)
		if why == "" && m.pageSize != ps {
			why = "页大小不对"
		}
		if why == "" || why0 == "" {
			m1, why1 = m, why
			break
		}
	}
	switch {
	case why0 != "" && why1 != "" && !sawMagic:
		reason := "开头不是台账数据文件的格式"
		if size < 1<<14 {
			reason = fmt.Sprintf("文件只有 %d 字节，不是台账数据文件的格式", size)
		}
		return true, boltMeta{}, &DamagedError{Path: path, Reason: reason, Foreign: true}
	case why0 != "" && why1 != "":
		return damaged("文件头的两份记录都已损坏")
	case why0 != "":
		return damaged("文件头的第 1 份记录已损坏（%s）", why0)
	case why1 != "":
		return damaged("文件头的第 2 份记录已损坏（%s）", why1)
	}
	// Both hold: they are the last two commits. bbolt writes commit t's
	// meta to page t%2, but tx.WriteTo (a backup, an import's work copy)
	// writes commit n to page 0 and n-1 to page 1 whatever n is: after a
	// copy at an odd n and one commit, page 0 holds n+1 and page 1 n-1.
	consecutive := m0.tx+1 == m1.tx || m1.tx+1 == m0.tx
	afterCopy := m0.tx == m1.tx+2 && m0.tx%2 == 0
	if m0.pageSize != m1.pageSize || !consecutive && !afterCopy {
		return damaged("文件头的两份记录前后不一致")
	}
	pageSize := m0.pageSize
	// The rest of a meta page is zero as bbolt writes it.
	tail0 := head[metaEnd:min(uint64(len(head)), pageSize)]
	tail1, err := read(pageSize+metaEnd, pageSize-metaEnd)
	if err != nil {
		return true, boltMeta{}, fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	for i, tail := range [][]byte{tail0, tail1} {
		if len(bytes.Trim(tail, "\x00")) != 0 {
			return damaged("文件头的第 %d 份记录已损坏（页尾不是空的）", i+1)
		}
	}
	if need := max(m0.pgid, m1.pgid) * pageSize; size < need {
		return damaged("文件不完整：应至少有 %d 字节，实际只有 %d 字节（可能在复制或保存时中断）", need, size)
	}
	if m1.tx > m0.tx {
		return true, m1, nil
	}
	return true, m0, nil
}

// ReadProtected runs fn, which reads the bbolt file at path, and turns a
// panic or a memory fault that a damaged page causes in bbolt into a
// DamagedError. It covers only fn's own goroutine; Guard's child process
// covers the rest.
func ReadProtected(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: path, Reason: fmt.Sprintf("读取内部结构时出错（技术信息：%s）", firstLine(fmt.Sprint(r)))}
		}
	}()
	return fn()
}

// firstLine is s up to its first line break, at most 160 bytes, without
// the runtime's "panic: " or "fatal error: " (the detail is for whoever
// looks after the PC; the user reads the sentence around it).
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	for _, p := range []string{"panic: ", "fatal error: "} {
		s = strings.TrimPrefix(s, p)
	}
	if len(s) > 160 {
		s = strings.ToValidUTF8(s[:160], "") + "…"
	}
	return s
}

// introducedIn names a bucket that each of these schema versions added
// (migrations.go), so that a file whose stored version number was damaged
// is not taken for an older one and "migrated", that is written to.
var introducedIn = []struct {
	version uint64
	bucket  []byte
}{{2, bucketEvents}, {3, bucketAdmissions}, {5, bucketCheckpoints}, {6, bucketPins}, {7, bucketCertState}}

// schemaMismatch says why a ledger's stored schema version v cannot be
// right, or "" when it can.
func schemaMismatch(tx *bolt.Tx, v uint64) string {
	if v == 0 { // version 1 sets the marker and the version together
		return "格式版本号丢失"
	}
	for _, in := range introducedIn {
		if in.version > v && tx.Bucket(in.bucket) != nil {
			return fmt.Sprintf("记录的格式版本（第 %d 版）与文件内容不符", v)
		}
	}
	return ""
}
