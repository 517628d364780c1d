package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"taizhang/store"
)

// An error at any step of writing — the stick full, read-only, pulled out,
// a name too long — stops Write with a message that says what to do and
// leaves no bundle that verifies.
func TestFaultAtEachStep(t *testing.T) {
	db, _, _ := ledger(t)
	seg, opt := segment(t, db), writeOptions(t, db)
	// A clean run counts the steps.
	count := &FaultFS{FS: noSync{}}
	if _, err := Write(count, t.TempDir(), seg, opt); err != nil {
		t.Fatal(err)
	}
	if count.Steps < 30 {
		t.Fatalf("only %d steps: %v", count.Steps, count.Log)
	}
	for _, pulled := range []bool{false, true} {
		for at := 1; at <= count.Steps; at++ {
			if pulled && at == count.Steps {
				// The last step syncs the folder after MANIFEST.json got its
				// name: a stick pulled then may keep a whole bundle, which
				// the ledger does not record (a retry writes the next n).
				continue
			}
			e := faults[at%len(faults)]
			out := t.TempDir()
			_, err := Write(&FaultFS{FS: noSync{}, At: at, Err: e.err, Pulled: pulled}, out, seg, opt)
			checkFault(t, err, out, count.Log[at-1], pulled, e.advice)
		}
	}
}

var faults = []struct {
	err    error
	advice string
}{
	{syscall.ENOSPC, "空间更大的U盘"},
	{syscall.EROFS, "写保护"},
	{syscall.EIO, "重新插好U盘"},
	{syscall.ENAMETOOLONG, "路径较短"},
}

// checkFault: a failed write says what to do and leaves nothing that
// verifies (and, unless the stick was pulled, nothing at all).
func checkFault(t *testing.T, err error, out, step string, pulled bool, advice string) {
	t.Helper()
	var we *WriteError
	if !errors.As(err, &we) {
		t.Fatalf("fault at %s (pulled %v): %v, want a WriteError", step, pulled, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "台账没有改动") || !strings.Contains(msg, advice) {
		t.Errorf("fault at %s: message %q", step, msg)
	}
	if name := anyVerifies(t, out); name != "" {
		t.Fatalf("fault at %s (pulled %v) left %s, which verifies", step, pulled, name)
	}
	entries, _ := os.ReadDir(out)
	if !pulled && len(entries) != 0 {
		t.Errorf("fault at %s left %v", step, entries[0].Name())
	}
	if we.Left != "" && !strings.Contains(msg, filepath.Base(we.Left)) {
		t.Errorf("fault at %s: the message does not name the folder left: %s", step, msg)
	}
}

// An export that fails at a write step leaves the ledger file as it was
// and marks nothing exported; a retry on the same stick works.
func TestFailedExportChangesNothing(t *testing.T) {
	db, op, _ := ledger(t)
	before := readFile(t, db.Path())
	const steps = 41 // Write's, before the export is recorded (see TestFaultAtEachStep's log)
	for i, at := range []int{2, 9, 16, 35, 40, steps} {
		e, pulled := faults[i%len(faults)], i%2 == 1 && at != steps
		out := t.TempDir()
		_, err := Export(db, op, "2026-11", out, ExportOptions{FS: &FaultFS{At: at, Err: e.err, Pulled: pulled}})
		checkFault(t, err, out, fmt.Sprint("step ", at), pulled, e.advice)
		if exports, _ := db.Exports(); len(exports) != 0 {
			t.Fatalf("fault at step %d: %d exports recorded", at, len(exports))
		}
		if !sameBytes(readFile(t, db.Path()), before) {
			t.Fatalf("fault at step %d: the ledger file changed", at)
		}
		if pulled {
			res, err := Export(db, op, "2026-11", out, ExportOptions{})
			if err != nil {
				t.Fatalf("retry after a fault at step %d: %v", at, err)
			}
			if _, err := Verify(res.Path, VerifyOptions{}); err != nil || res.Manifest.N < 1 {
				t.Fatalf("retry: n %d, %v", res.Manifest.N, err)
			}
			db.Close()
			copyTo(t, template(t), db.Path()) // back to no exports
			db = reopen(t, db.Path())
			before = readFile(t, db.Path())
		}
	}
}

// A stick that fails after the export was recorded, as MANIFEST.json gets
// its name, leaves no bundle that verifies and an error that says the
// export is recorded; exporting again to the stick completes that bundle
// (the same n, the same record) instead of making another.
func TestFaultAfterTheRecordIsFinished(t *testing.T) {
	db, op, _ := ledger(t)
	out := t.TempDir()
	const rename = 42 // the step after the 41 of Write
	_, err := Export(db, op, "2026-11", out, ExportOptions{FS: &FaultFS{At: rename, Err: syscall.EIO, Pulled: true}})
	var we *WriteError
	if !errors.As(err, &we) || we.Recorded == "" || !strings.Contains(err.Error(), "已记入台账") || strings.Contains(err.Error(), "没有改动") {
		t.Fatalf("fault naming the manifest: %v", err)
	}
	if name := anyVerifies(t, out); name != "" {
		t.Fatalf("%s verifies before its manifest has its name", name)
	}
	exports, _ := db.Exports()
	if len(exports) != 1 {
		t.Fatalf("%d exports recorded, want 1", len(exports))
	}
	res, err := Export(db, op, "2026-11", out, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != we.Recorded || res.Manifest.N != 1 || res.Record != exports[0] || res.ManifestHash != exports[0].ManifestHash {
		t.Errorf("exporting again made %s (n %d, record %+v), want %s completed", res.Path, res.Manifest.N, res.Record, we.Recorded)
	}
	if _, err := Verify(res.Path, VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Exports(); len(again) != 1 {
		t.Errorf("%d exports recorded, want 1", len(again))
	}
}

// noSync is the disk without fsync, to keep the step-by-step test quick.
type noSync struct{ osFS }

func (noSync) Create(name string) (File, error) {
	f, err := osFS{}.Create(name)
	if err != nil {
		return nil, err
	}
	return unsynced{f}, nil
}
func (noSync) SyncDir(string) error { return nil }

type unsynced struct{ File }

func (unsynced) Sync() error { return nil }

func reopen(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{Now: (&clock{exportDay}).now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func segment(t *testing.T, db *store.DB) store.Segment {
	t.Helper()
	seg, err := db.SegmentFor("2026-11")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Close() })
	return seg
}

func writeOptions(t *testing.T, db *store.DB) Options {
	t.Helper()
	s, err := db.Signer()
	if err != nil {
		t.Fatal(err)
	}
	seg := segment(t, db)
	return Options{Ledger: seg.File(), Signer: s, Now: db.Now}
}

// A stick that takes the bytes but keeps others fails the read-back: the
// bundle is removed and nothing is recorded.
func TestReadBackCatchesABadStick(t *testing.T) {
	db, op, _ := ledger(t)
	out := t.TempDir()
	fsys := &FaultFS{At: 3, Corrupt: true}
	_, err := Export(db, op, "2026-11", out, ExportOptions{FS: fsys})
	var vf *VerifyFailedError
	if !errors.As(err, &vf) || !strings.Contains(err.Error(), "换一个U盘") {
		t.Fatalf("export to a bad stick: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left %v", entries[0].Name())
	}
	if exports, _ := db.Exports(); len(exports) != 0 {
		t.Error("export recorded")
	}
}

// A clock behind the newest record stops the export before it is recorded;
// the bundle is removed, and once the worker confirms, the export is made.
func TestClockBehindIsAsked(t *testing.T) {
	db, op, clk := ledger(t)
	clk.t = demoEnd.Add(time.Hour) // the template's last record is at demoEnd+1h
	out := t.TempDir()
	clk.t = clk.t.Add(-time.Minute)
	_, err := Export(db, op, "2026-11", out, ExportOptions{})
	var cb *store.ClockBehindError
	if !errors.As(err, &cb) {
		t.Fatalf("export with the clock behind: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left %v", entries[0].Name())
	}
	res, err := Export(db.AcceptClockBehind(), op, "2026-11", out, ExportOptions{})
	if err != nil || res.Manifest.N != 1 {
		t.Fatalf("confirmed export: %v", err)
	}
}

// A ledger.db that fails its check stops the export before the folder is
// named; nothing is left.
func TestLedgerCheckFailureStopsWrite(t *testing.T) {
	db, _, _ := ledger(t)
	opt := writeOptions(t, db)
	opt.CheckLedger = func(string) error { return errors.New("事件链断了") }
	out := t.TempDir()
	_, err := Write(nil, out, segment(t, db), opt)
	if err == nil || !strings.Contains(err.Error(), "事件链断了") {
		t.Fatalf("Write: %v", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("left %v", entries[0].Name())
	}
}
