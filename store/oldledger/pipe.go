package oldledger

import (
	"errors"
	"runtime"
	"sync"

	"taizhang/store"
)

// writer adds the accepted certificates to the import run on a goroutine
// of its own, so that on a PC with two cores reading and checking the
// file overlaps with chaining and storing the rows; encoders (one per
// core) write the events in between. Rows go over in batches, which keeps
// the hand-over cheap also on one core.
type writer struct {
	run    *store.ImportRun
	batch  *batch
	ch     chan *batch   // to the writer, in order
	encode chan *batch   // to the encoders
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

// batches are the batches the writer is done with, for the reader to fill
// again: a batch of 256 certificates is 150 KB to allocate and collect.
var batches = sync.Pool{New: func() any { return &batch{rows: make([]store.Prepared, 0, writeBatch)} }}

func newBatch() *batch {
	b := batches.Get().(*batch)
	b.err, b.encoded = nil, make(chan struct{})
	return b
}

// done gives a batch the writer has stored back to the pool.
func (b *batch) done() {
	clear(b.rows)
	b.rows = b.rows[:0]
	b.arena.Reset()
	batches.Put(b)
}

const writeBatch = 256

// failAfter, when set by a test, fails the writer after so many rows, as
// an error in the middle of an import would.
var failAfter int

var errInjected = errors.New("导入中途出错（测试）")

func newWriter(run *store.ImportRun) *writer {
	encoders := runtime.GOMAXPROCS(0)
	w := &writer{run: run, batch: newBatch(), ch: make(chan *batch, 2*encoders+2), encode: make(chan *batch, 2*encoders+2),
		stop: make(chan struct{}), done: make(chan error, 1)}
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
			} else {
				_, err = w.run.Add(c)
			}
			if err != nil {
				close(w.stop)
			}
		}
		b.done()
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
		w.batch = newBatch()
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
