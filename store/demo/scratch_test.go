package demo

import (
	"os"
	"testing"
)

func TestScratchBig(t *testing.T) {
	p := os.Getenv("SCRATCH_DB")
	if p == "" {
		t.Skip()
	}
	os.Remove(p)
	if _, err := Fill(p, Options{Records: 20000, Months: 12, Seed: 1}, nil); err != nil {
		t.Fatal(err)
	}
}
