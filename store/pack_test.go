package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
)

// packCases are JSON values as encoding/json writes them, with what packs
// them small and what must stay as it is.
var packCases = []any{
	Certificate{ID: 7, Serial: "2026-2-0007", Year: 2026, No: 7, TypeNo: 3, TypeName: "居民在社区居住证明", Name: "单𠮷祥",
		IDNumber: "14043019860604939X", Sex: "男", Birth: "1986-06-04", Address: "潞州区长兴南路83号<1单元>&301室",
		Purpose: "办理子女入学", Recipient: "长治市潞州区英雄南路小学", Verified: "经核实，\"属实\"\n\t\\", Copies: 2,
		IssueDate: "2026-11-29", Issued: testNow.Add(123456789), OperatorID: 2, OperatorName: "郭建军",
		Issuer: &Issuer{Committee: "示例社区居民委员会", Prefix: "演示", Phone: "0355-2021234"}, Status: Voided,
		VoidReason: "已更正为 2026-2-0008", VoidedAt: testNow, VoidedBy: "郭建军", ReplacedBy: 8},
	map[string]any{"neg": -42, "zero": 0, "big": uint64(18446744073709551615), "float": 3.25, "exp": 1e21, "tiny": -1e-7,
		"t": true, "f": false, "n": nil, "empty": map[string]any{}, "list": []any{}, "nested": []any{[]any{1, "a"}, map[string]any{"x": []int{}}}},
	[]any{"2026-02-30", "2026-13-01", "0000-01-01", "1969-12-31", "2026-11-29T09:30:00Z", "2026-11-29T09:30:00.000+08:00",
		"2026-11-29T09:30:00.5+08:00", "1900-01-01T00:00:00+08:00", "abcdef0123456789", "ABCDEF0123456789", "abcdef012345678",
		"00", "007", "-1-", "X", "12X", "", "0355-2021234", "0355-2021234", "a\u2028b", "\u00e9", "\\u0000"},
	[]string{strings.Repeat("重复的长字符串", 3), strings.Repeat("重复的长字符串", 3)},
	"just a string",
	json.Number("-0"),
	12,
}

func TestPackRoundTrip(t *testing.T) {
	for i, v := range packCases {
		src, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		p, ok := packJSON(nil, src)
		if !ok {
			t.Errorf("case %d does not pack: %s", i, src)
			continue
		}
		back, err := unpackJSON(nil, p)
		if err != nil || !bytes.Equal(back, src) {
			t.Errorf("case %d: %v\n got %s\nwant %s", i, err, back, src)
		}
		if i == 0 && len(p) > len(src)/2 {
			t.Errorf("a certificate packs to %d bytes of %d", len(p), len(src))
		}
	}
}

// Strings that occur again in a value cost two bytes the second time.
func TestPackRefersBack(t *testing.T) {
	long := strings.Repeat("长治市潞州区", 4)
	one, _ := packJSON(nil, []byte(`["`+long+`"]`))
	two, _ := packJSON(nil, []byte(`["`+long+`","`+long+`"]`))
	if len(two)-len(one) != 2 {
		t.Errorf("the repeat costs %d bytes", len(two)-len(one))
	}
}

// JSON that encoding/json does not write (spaces, broken text) is not packed.
func TestPackRefusesOtherJSON(t *testing.T) {
	for _, src := range []string{`{"a": 1}`, `{"a":1`, `["a]`, `[tru]`, `{"a"}`, `{1:2}`, `[1,]`, `[1 2]`, ``, `{}{}`,
		`[` + strings.Repeat(`[`, maxDepth) + strings.Repeat(`]`, maxDepth) + `]`} {
		if p, ok := packJSON(nil, []byte(src)); ok {
			t.Errorf("%q packed to %x", src, p)
		}
	}
}

// The packed form is part of the file: these bytes must read the same in
// every later version (see packedStrings).
func TestPackedFormatIsFixed(t *testing.T) {
	src := `{"seq":4,"time":"2025-12-03T08:39:15+08:00","operator_id":2,"operator":"郭建军","kind":"cert.issue",` +
		`"data":{"type_name":"居民在社区居住证明","id_number":"14043019860604939X","birth":"1986-06-04","n":-3,"x":1.5,` +
		`"issued":"2025-12-03T08:39:15.25+08:00","by":"郭建军","ok":[true,false,null],"h":"00ff00ff00ff00ff"}}`
	const want = "01200604210ce69afc920d220602230509e983ade5bbbae5869b2429260138ae3b0f1214043019860604939a3d0edc5d6707" +
		"030501780803312e35440de69afc920d80e59a7705026279110105026f6b03090a0b04050168100800ff00ff00ff00ff0202"
	p, ok := packJSON(nil, []byte(src))
	if got := hex.EncodeToString(p); !ok || got != want {
		t.Errorf("packed form changed:\n got %s\nwant %s", got, want)
	}
	back, err := unpackJSON(nil, mustHex(t, want))
	if err != nil || string(back) != src {
		t.Errorf("stored bytes read as %s (%v)", back, err)
	}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Damaged bytes give an error (or other JSON), never a crash.
func TestUnpackDamaged(t *testing.T) {
	src, _ := json.Marshal(packCases[0])
	p, _ := packJSON(nil, src)
	for i := range p {
		if _, err := unpackJSON(nil, p[:i]); err == nil {
			t.Errorf("cut at %d unpacks", i)
		}
		for _, x := range []byte{0x00, 0x02, 0x04, 0x11, 0x7f, 0xff} {
			d := bytes.Clone(p)
			d[i] = x
			unpackJSON(nil, d)
		}
	}
}

func FuzzPack(f *testing.F) {
	for _, v := range packCases {
		src, _ := json.Marshal(v)
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if p, ok := packJSON(nil, src); ok {
			if back, err := unpackJSON(nil, p); err != nil || !bytes.Equal(back, src) {
				t.Fatalf("%q packed and read back as %q (%v)", src, back, err)
			}
		}
		unpackJSON(nil, src) // any bytes: no crash
	})
}

// An event is stored without its prev and read back, given the hash
// before it, as the exact bytes its hash is over; a prev that is not the
// hash before keeps it stored as it is.
func TestStoredEventForm(t *testing.T) {
	db, _ := busyLedger(t)
	db.bolt.Update(func(tx *boltTx) error {
		ev, raw, err := eventAtJSON(tx, 4, nil)
		if err != nil {
			t.Fatal(err)
		}
		stored := tx.Bucket(bucketEvents).Get(u64(4))
		if stored[0] != evPacked || len(stored) > len(raw)/2 {
			t.Errorf("stored %d bytes for %d", len(stored), len(raw))
		}
		if _, err := eventJSON(nil, stored, ""); err == nil {
			t.Error("a packed event read without the hash before it")
		}
		if other := storedForm(tx, raw, genesisDigest); !bytes.Equal(other, raw) {
			t.Error("an event whose prev is not the hash before was packed")
		}
		if h, _ := storedHash(stored); h != ev.Hash {
			t.Errorf("stored hash %s, event %s", h, ev.Hash)
		}
		return nil
	})
}

func TestPackTimesAndDates(t *testing.T) {
	for _, s := range []string{"1986-06-04", "1900-02-28", "2026-11-29T09:30:00+08:00", "2026-11-29T09:30:00.123456789+08:00", "1960-01-01T00:00:00+08:00"} {
		p, _ := packJSON(nil, []byte(`"`+s+`"`))
		if p[0] != pkDate && p[0] != pkTime && p[0] != pkTimeNano || len(p) > 10 {
			t.Errorf("%s packs to %x", s, p)
		}
	}
}
