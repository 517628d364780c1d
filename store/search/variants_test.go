package search

import (
	"fmt"
	"testing"
	"time"

	"taizhang/store/idcard"
)

// A ledger as the 证明 screen indexes it: name, ID number, serial.
func serialLedger() *Index {
	ix := New(nil)
	for i := 1; i <= 30; i++ {
		ix.Add(uint64(i), Field{"王五", Name}, Field{"140402199001011238", Digits}, Field{fmt.Sprintf("2026-%04d", i), Code})
	}
	ix.Add(1200, Field{"李四", Name}, Field{"140402195112000012", Digits}, Field{"2026-1200", Code})
	ix.Add(12000, Field{"赵六", Name}, Field{"140402199001011238", Digits}, Field{"2026-12000", Code})
	ix.Add(12001, Field{"钱七", Name}, Field{"140402199001011238", Digits}, Field{"2026-12001", Code})
	ix.Add(99, Field{"孙八", Name}, Field{"140402199001011238", Digits}, Field{"2025-0017", Code})
	return ix
}

// The serial as printed, with or without the prefix, full width, with
// another dash or none; a whole number ranks its serial first.
func TestSerialQueries(t *testing.T) {
	ix := serialLedger()
	tests := []struct {
		query string
		first uint64
		n     int
	}{
		{"2026-0017", 17, 1},
		{"英南证2026-0017", 17, 1},
		{"英南证 2026-0017", 17, 1},
		{"ynz2026-0017", 17, 1},
		{"２０２６－００１７", 17, 1},
		{"英南证２０２６－００１７", 17, 1},
		{"2026—0017", 17, 1},
		{"20260017", 17, 1},
		{"英南证20260017", 17, 1},
		{"0017", 17, 2},     // and 2025-0017
		{"17", 17, 2},       // and 2025-0017
		{"12000", 12000, 2}, // the serial, then the ID number that holds 12000
		{"2026-1200", 1200, 3},
		{"202612000", 12000, 1},
		{"英南证2025", 99, 1},
	}
	for _, tt := range tests {
		hs := ix.Search(tt.query, 0)
		if len(hs) == 0 || hs[0].ID != tt.first || len(hs) != tt.n {
			t.Errorf("%s: %v, want %d first of %d", tt.query, ids(hs), tt.first, tt.n)
		}
	}
	// The serial part is highlighted, in the serial.
	if h := ix.Search("英南证2026-0017", 0); len(h) != 1 || h[0].Field != 2 || h[0].Spans[0] != (Span{0, 9}) {
		t.Errorf("spans %+v", h)
	}
	// Not serials: a prefix alone, words after the number.
	for _, q := range []string{"英南证", "2026-0017号码", "2026001"} {
		if hs := ix.Search(q, 0); len(hs) != 0 && q != "2026001" {
			t.Errorf("%s: %v", q, ids(hs))
		}
	}
	if got := serialQuery("2026001"); got != "2026001" {
		t.Errorf("a short number keeps no dash: %q", got)
	}
}

// A legacy 15-digit ID number finds the person by the 18-digit number it
// converts to.
func TestLegacyIDQuery(t *testing.T) {
	id, err := idcard.Parse("140402900101123", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	ix := New(nil)
	ix.Add(1, Field{"张三", Name}, Field{id.Number, Digits})
	ix.Add(2, Field{"李四", Name}, Field{"140402199001011238", Digits})
	if got := hits(ix.Search("140402900101123", 0)); got != "1/1[0,18)" {
		t.Errorf("15 digits: %q (%s)", got, id.Number)
	}
	if got := hits(ix.Search("14040290010112３", 0)); got != "1/1[0,18)" {
		t.Errorf("15 digits, full width: %q", got)
	}
	// Fifteen digits that are no ID number (born in month 90) find what
	// holds them.
	if got := hits(ix.Search("140402199001011", 0)); got != "1/1[0,15) 2/1[0,15)" {
		t.Errorf("not an ID number: %q", got)
	}
}
