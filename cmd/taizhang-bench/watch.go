package main

import (
	"time"

	"taizhang/store"
)

// stopwatch times a step with the store's one clock (only differences are
// used, so its zone does not matter).
type stopwatch struct{ start time.Time }

func startWatch() stopwatch { return stopwatch{store.Clock()} }

func (w stopwatch) elapsed() time.Duration { return store.Clock().Sub(w.start) }
