package oldledger

import (
	"errors"
	"runtime"

	"taizhang/store"
	"taizhang/store/certindex"
)

// writer adds the accepted certificates to the import run on a goroutine
// of its own, so that on a PC with two cores reading and checking the
// file overlaps with chaining and storing the rows; encoders (one per
// core) write the events in between. Rows go over in batches, which keeps
// the hand-over cheap also on one core.
type writer struct {
	run    *store.ImportRun
	batch  *batch
	ch     chan *batch // to the writer, in order
	encode chan *batch // to the encoders
	free   chan *batch // batches to fill again
	index  *certindex.Index
	expect int           // rows, about
	closed bool          // ch is closed
	stop   chan struct{} // closed when the writer failed
	done   chan error
}

// batch is rows on their way: encoded is closed when the encoder is done.
type batch struct {
	rows    []store.Prepared
	arena   store.Arena // what the rows' events are encoded into
	err     error
	encoded chan struct{}
}

// newBatch is a batch to fill: one the writer is done with, or a new one.
// A batch of 256 certificates is 150 KB, and its arena 250 KB, to allocate
// and collect; the writer's free list keeps them for the run (a sync.Pool
// would drop them at every collection, and new memory costs a page fault
// a page).
func (w *writer) newBatch() *batch {
	var b *batch
	select {
	case b = <-w.free:
	default:
		b = &batch{rows: make([]store.Prepared, 0, writeBatch)}
	}
	b.err, b.encoded = nil, make(chan struct{})
	return b
}

// reuse gives a batch the writer has stored back for the reader.
func (w *writer) reuse(b *batch) {
	clear(b.rows)
	b.rows = b.rows[:0]
	b.arena.Reset()
	select {
	case w.free <- b:
	default:
	}
}

const writeBatch = 256

// failAfter, when set by a test, fails the writer after so many rows, as
// an error in the middle of an import would.
var failAfter int

var errInjected = errors.New("导入中途出错（测试）")

// newWriter starts the writer of run; it gives index (if not nil) every
// certificate it adds, about expect of them.
func newWriter(run *store.ImportRun, index *certindex.Index, expect int) *writer {
	encoders := runtime.GOMAXPROCS(0)
	w := &writer{run: run, index: index, expect: expect, ch: make(chan *batch, 2*encoders+2), encode: make(chan *batch, 2*encoders+2),
		free: make(chan *batch, 4*encoders+8), stop: make(chan struct{}), done: make(chan error, 1)}
	w.batch = w.newBatch()
	for range encoders {
		go w.encodeLoop()
	}
	go w.loop(w.ch)
	return w
}

func (w *writer) encodeLoop() {
	for b := range w.encode {
		for i := range b.rows {
			if b.err = w.run.Encode(&b.rows[i], &b.arena); b.err != nil {
				break
			}
		}
		close(b.encoded)
	}
}

func (w *writer) loop(ch <-chan *batch) {
	var err error
	n := 0
	if w.index != nil {
		w.index.Grow(w.expect)
	}
	for b := range ch {
		<-b.encoded
		if err == nil && b.err != nil {
			err = b.err
			close(w.stop)
		}
		for _, c := range b.rows {
			if err != nil {
				break
			}
			if n++; n == failAfter {
				err = errInjected
			} else if w.index == nil {
				_, err = w.run.Add(c)
			} else {
				var cert store.Certificate
				if cert, err = w.run.Add(c); err == nil {
					w.index.Add(store.CertRowOf(cert))
				}
			}
			if err != nil {
				close(w.stop)
			}
		}
		w.reuse(b)
	}
	w.done <- err
}

// add queues a certificate; it fails once the writer has.
func (w *writer) add(c store.Prepared) error {
	w.batch.rows = append(w.batch.rows, c)
	if len(w.batch.rows) < writeBatch {
		return nil
	}
	return w.flush()
}

func (w *writer) flush() error {
	b := w.batch
	if len(b.rows) == 0 {
		return nil
	}
	// The encoders' channel first: the writer waits for a batch it has
	// only once an encoder has it.
	select {
	case w.encode <- b:
	case <-w.stop:
		return w.finish()
	}
	select {
	case w.ch <- b:
		w.batch = w.newBatch()
		return nil
	case <-w.stop:
		return w.finish()
	}
}

// finish waits for the writer and returns its error.
func (w *writer) finish() error {
	if w.closed {
		err := <-w.done
		w.done <- err
		return err
	}
	close(w.ch)
	close(w.encode)
	w.closed = true
	err := <-w.done
	w.done <- err // later calls get the same
	return err
}

// close sends what is left and waits for the writer.
func (w *writer) close() error {
	if !w.closed {
		if err := w.flush(); err != nil {
			return err
		}
	}
	return w.finish()
}
