package deskcheck

import (
	"testing"

	"taizhang/assets"
)

// The type column of an old ledger names an item of 附件4 in the words
// offices use; what names none, or two alike, is not read as either.
func TestCertificateType(t *testing.T) {
	cat, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat)
	for _, tc := range []struct {
		text string
		want int // 0: none
	}{
		{"居住证明", 3}, {"在本社区居住的证明", 3}, {"居民在社区居住证明", 3}, {"jzzm", 3}, {"居住證明", 3},
		{"经济困难证明", 2}, {"困难证明", 2}, {"死亡证明", 4}, {"社保证明", 5}, {"就业失业登记证明", 6},
		{"公租房", 7}, {"婚育证明", 8}, {"独生子女证明", 9}, {"计生奖励核实证明", 10}, {"计生扶助证明", 10},
		{"住所登记证明", 11}, {"入伍政审", 12}, {"寒暑假社会实践证明", 1},
		{"计生证明", 0},   // items 9 and 10 alike
		{"无犯罪证明", 0},  // not on the list
		{"亲属关系证明", 0}, // not on the list
		{"政审", 0},     // only close to item 12
		{"创卫检查台账", 0}, // a task, not a certificate
	} {
		item, _ := c.CertificateType(tc.text)
		got := 0
		if item != nil {
			got = item.No
		}
		if got != tc.want {
			t.Errorf("CertificateType(%q) = item %d, want %d", tc.text, got, tc.want)
		}
	}
}
