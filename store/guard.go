package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Guard proves the data file at path (a ledger or a receiving office's
// aggregate file) before the program opens it: its head (ExamineFile),
// then the shape of every page (walkPages) and bbolt's consistency check
// (tx.Check). A damaged page can make bbolt panic, fault on a bad
// address or recurse without end (a page that points back to its parent),
// in its own goroutines too, and Go can recover from none of that in
// every case (a fault outside the goroutine that asked for
// SetPanicOnFault, a stack overflow and running out of memory are fatal).
// So the pages are read in a child process: the program runs itself with
// a hidden first argument (RunGuardIfChild), the child opens the file read
// only and reports on its stdout, and a child that crashes, or does not
// finish in time, means the file is damaged. The file is never written.
//
// Guard returns nil for a sound file and for a path with no file yet (a
// new ledger); *DamagedError, *NotLedgerError or *LockedError (another
// window has the file) when it refuses; another error when the file could
// not be examined (it cannot be read, or the child could not be started).
// The event log and the registers it adds up to are proved by Check, which
// takes longer and runs after start.
func Guard(path string) error {
	exists, err := ExamineFile(path)
	if err != nil || !exists {
		return err
	}
	if os.Getenv(guardEnv) != "" {
		return errors.New("检查数据文件的子进程不能再启动子进程")
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("无法检查数据文件 %s：找不到本程序的位置（%w）", path, err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("无法读取数据文件 %s：%w", path, err)
	}
	limit := guardTimeout(st.Size())
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, guardCommand, path)
	cmd.Env = append(os.Environ(), guardEnv+"=1")
	var stdout bytes.Buffer
	stderr := &headBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	runErr := cmd.Run()

	hello, rest, _ := strings.Cut(stdout.String(), "\n")
	if hello != guardHello {
		return fmt.Errorf("无法检查数据文件 %s：检查用的子进程没有启动（%v）。请重新打开本程序；如果一直这样，请联系为您安装本程序的人员。", path, runErr)
	}
	var res guardResult
	if runErr == nil && json.Unmarshal([]byte(rest), &res) == nil {
		switch {
		case res.Locked:
			return &LockedError{Path: path}
		case res.Damaged != "":
			return &DamagedError{Path: path, Reason: res.Damaged}
		case res.Error != "":
			return fmt.Errorf("无法读取数据文件 %s：%s", path, res.Error)
		case res.OK:
			return nil
		}
	}
	if ctx.Err() != nil {
		return &DamagedError{Path: path, Reason: fmt.Sprintf("检查了 %d 秒仍没有结束，内部结构可能已损坏", int(limit.Seconds()))}
	}
	return &DamagedError{Path: path, Reason: fmt.Sprintf("读取内部结构时出错（技术信息：%s）", crashLine(stderr.String(), runErr))}
}

// guardTimeout is how long the child may take: far more than reading the
// whole file from an old disk needs.
func guardTimeout(size int64) time.Duration {
	return time.Minute + time.Duration(size>>20)*200*time.Millisecond
}

// crashLine picks what the crashed child's runtime said (the first line
// of a panic or fatal error), never its stack.
func crashLine(stderr string, runErr error) string {
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"panic: ", "fatal error: ", "unexpected fault address", "runtime: "} {
			if strings.HasPrefix(l, p) {
				return firstLine(l)
			}
		}
	}
	return fmt.Sprint(runErr)
}

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	bytes.Buffer
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - h.Len(); room > 0 {
		h.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// The child: Guard runs the program as `<exe> guardCommand path` with
// guardEnv set; it writes guardHello, then one guardResult as JSON.
const (
	guardCommand = "__guard"
	guardEnv     = "TAIZHANG_GUARD_CHILD"
	guardHello   = "taizhang-guard 1"
	// guardMaxStack ends a walk that loops through pages quickly, rather
	// than after Go's default of 1 GB of stack.
	guardMaxStack = 64 << 20
)

type guardResult struct {
	OK      bool   `json:"ok,omitempty"`
	Damaged string `json:"damaged,omitempty"`
	Locked  bool   `json:"locked,omitempty"`
	Error   string `json:"error,omitempty"`
}

// RunGuardIfChild does the child's work of Guard and exits, when the
// program was started as that child. main calls it first, and so must the
// TestMain of every package whose tests reach Guard (the child is then
// the test binary).
func RunGuardIfChild() {
	if len(os.Args) == 3 && os.Args[1] == guardCommand && os.Getenv(guardEnv) != "" {
		os.Exit(runGuard(os.Args[2], os.Stdout))
	}
}

func runGuard(path string, out io.Writer) int {
	fmt.Fprintln(out, guardHello)
	debug.SetMaxStack(guardMaxStack)
	raw, _ := json.Marshal(examineBolt(path))
	fmt.Fprintf(out, "%s\n", raw)
	return 0
}

// examineBolt opens the file read-only and proves every page: their shape
// (walkPages: every key and value lies inside its page, so that reading
// them cannot fault), then bbolt's own check (key order, free pages). A
// panic on this goroutine (a fault too, with SetPanicOnFault) comes back
// as damage; one elsewhere ends the process, which Guard reads the same
// way.
func examineBolt(path string) (res guardResult) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			res = guardResult{Damaged: fmt.Sprintf("读取内部结构时出错（技术信息：%s）", firstLine(fmt.Sprint(r)))}
		}
	}()
	b, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: LockTimeout})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return guardResult{Locked: true}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return guardResult{Damaged: "文件头已损坏"}
	case err != nil:
		return guardResult{Error: err.Error()}
	}
	defer b.Close()
	// The shared lock is held from here: the pages cannot change under
	// the walk.
	_, m, err := examineHead(path)
	var de *DamagedError
	switch {
	case errors.As(err, &de):
		return guardResult{Damaged: de.Reason}
	case err != nil:
		return guardResult{Error: err.Error()}
	}
	f, err := os.Open(path)
	if err != nil {
		return guardResult{Error: err.Error()}
	}
	err = walkPages(f, m.pageSize, m)
	f.Close()
	if err != nil {
		return guardResult{Damaged: fmt.Sprintf("内部结构损坏，%s", err)}
	}
	err = b.View(func(tx *bolt.Tx) error {
		var first error
		n := 0
		for err := range tx.Check() {
			if first == nil {
				first = err
			}
			n++
		}
		if first != nil {
			more := ""
			if n > 1 {
				more = fmt.Sprintf(" 等 %d 处", n)
			}
			return fmt.Errorf("内部结构不一致（技术信息：%s%s）", firstLine(first.Error()), more)
		}
		return nil
	})
	if err != nil {
		return guardResult{Damaged: err.Error()}
	}
	return guardResult{OK: true}
}
