package aggregate_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"taizhang/store"
	"taizhang/store/aggregate"
	"taizhang/store/aggregate/aggtest"
	"taizhang/store/storetest"
)

// The receiving office's file, damaged, is refused at start as the desk's
// ledger is (store/damage_test.go has the full set): never written, never
// a crash. Its records carry no hashes of their own (its Check proves the
// counts and indexes), so a flipped bit inside a stored record may pass;
// a damaged page may not.
func TestDamagedAggregateRefused(t *testing.T) {
	f := aggtest.Build(t)
	db, src := aggtest.NewAggregate(t)
	receive(t, db, f.Options(true), f.Stick)
	db.Close()
	size := int(storetest.StateOf(t, src).Size)
	rng := rand.New(rand.NewPCG(11, 2026))
	cases := map[string]func([]byte) []byte{
		"empty":        func([]byte) []byte { return nil },
		"cut-to-page":  func(raw []byte) []byte { return raw[:4096] },
		"cut-in-half":  func(raw []byte) []byte { return raw[:size/2] },
		"random-bytes": func(raw []byte) []byte { rand.NewChaCha8([32]byte{7}).Read(raw); return raw },
		"meta-flip":    storetest.FlipBit(60, 3),
		"page-zeroed":  func(raw []byte) []byte { clear(raw[3*4096 : 4*4096]); return raw },
	}
	for i := range 12 {
		cases[fmt.Sprintf("flip-%d", i)] = storetest.FlipBit(rng.IntN(size), rng.IntN(8))
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			path := storetest.DamagedCopy(t, src, "汇总.db", damage)
			before := storetest.StateOf(t, path)
			if err := store.Guard(path); err != nil {
				if !errors.As(err, new(*store.DamagedError)) {
					t.Errorf("Guard: %T %v", err, err)
				}
			} else if a, err := aggregate.Open(path, aggregate.Options{}); err != nil {
				t.Logf("refused at open: %v", err)
			} else {
				_, err := a.Check()
				a.Close()
				t.Logf("opened; check: %v", err)
			}
			if storetest.StateOf(t, path) != before {
				t.Error("the file was changed")
			}
		})
	}
	for _, name := range []string{"empty", "cut-in-half", "random-bytes", "meta-flip"} {
		path := storetest.DamagedCopy(t, src, "汇总.db", cases[name])
		if _, err := aggregate.Open(path, aggregate.Options{}); !errors.As(err, new(*store.DamagedError)) {
			t.Errorf("%s: Open: %v, want DamagedError", name, err)
		}
	}
}
