package oldledger

import (
	"errors"

	"taizhang/store"
)

// writer adds the accepted certificates to the import run on a goroutine
// of its own, so that on a PC with two cores reading and checking the
// file overlaps with chaining and storing the rows. Rows go over in
// batches, which keeps the hand-over cheap also on one core.
type writer struct {
	run    *store.ImportRun
	batch  []store.Certificate
	ch     chan []store.Certificate
	closed bool          // ch is closed
	stop   chan struct{} // closed when the writer failed
	done   chan error
}

const writeBatch = 256

// failAfter, when set by a test, fails the writer after so many rows, as
// an error in the middle of an import would.
var failAfter int

var errInjected = errors.New("导入中途出错（测试）")

func newWriter(run *store.ImportRun) *writer {
	w := &writer{run: run, ch: make(chan []store.Certificate, 4), stop: make(chan struct{}), done: make(chan error, 1)}
	go w.loop(w.ch)
	return w
}

func (w *writer) loop(ch <-chan []store.Certificate) {
	var err error
	n := 0
	for b := range ch {
		for _, c := range b {
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
	}
	w.done <- err
}

// add queues a certificate; it fails once the writer has.
func (w *writer) add(c store.Certificate) error {
	w.batch = append(w.batch, c)
	if len(w.batch) < writeBatch {
		return nil
	}
	return w.flush()
}

func (w *writer) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	select {
	case w.ch <- w.batch:
		w.batch = make([]store.Certificate, 0, writeBatch)
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
