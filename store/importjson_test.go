package store

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// randomCert is a certificate with every field drawn from texts that
// json.Marshal writes plainly and texts it escapes.
// With plain, every text is one json.Marshal writes as it is.
func randomCert(r *rand.Rand, plain bool) Certificate {
	texts := []string{"", "张三", "𠮷野家", "居住证明", "=1+1", "旧2019-035", "é", "2019-03-05", "140403199001011234", "0123456789abcdef0123",
		"2026-03-02T09:00:00+08:00", "有效", "导入", "张三"}
	if !plain {
		texts = append(texts, "a\"b", `back\slash`, "<b>&", "tab\there", "\u2028", "bad\xffutf8", "\x00")
	}
	s := func() string { return texts[r.IntN(len(texts))] }
	u := func() uint64 {
		if r.IntN(3) == 0 {
			return 0
		}
		return r.Uint64N(1 << 40)
	}
	i := func() int { return r.IntN(5000) - 100 }
	zones := []*time.Location{Beijing, time.UTC, time.FixedZone("odd", 3600+17)}
	c := Certificate{ID: u(), Serial: s(), Year: i(), No: i(), TypeNo: i(), TypeName: s(), AdmissionID: u(),
		Name: s(), IDNumber: s(), Sex: s(), Birth: s(), Address: s(), Purpose: s(), Recipient: s(), Verified: s(),
		Copies: i(), IssueDate: s(), OperatorID: u(), OperatorName: s(), Prints: i(), Status: Status(s()),
		VoidReason: s(), VoidedBy: s(), Replaces: u(), ReplacedBy: u(), Imported: r.IntN(2) == 0, Note: s()}
	c.Issued = time.Date(r.IntN(10100)-50, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, r.IntN(3)*int(r.Uint32()%1e9), zones[r.IntN(len(zones))])
	switch r.IntN(8) {
	case 0:
		c.Issuer = &Issuer{Committee: s(), Prefix: s()}
	case 1:
		c.VoidedAt = c.Issued.Add(time.Hour)
	}
	return c
}

func TestImportCodecs(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 1))
	packed := 0
	for range 20000 {
		c := randomCert(r, r.IntN(4) != 0)
		if sameImportCodecs(t, c, Operator{ID: r.Uint64N(5), Name: []string{"李红梅", "张三", "a\"b", "0123"}[r.IntN(4)]}) {
			packed++
		}
	}
	t.Logf("%d of 20000 packed by hand", packed)
	if packed < 5000 {
		t.Errorf("only %d of 20000 packed by hand", packed)
	}
}

// sameImportCodecs checks encodeImport's JSON against json.Marshal and its packing
// against packJSON of the event head, and says whether encodeImport packed
// covered the certificate.
func sameImportCodecs(t *testing.T, c Certificate, op Operator) bool {
	t.Helper()
	ev := Event{Seq: c.ID + 3, Time: testNow, OperatorID: op.ID, Operator: op.Name, Kind: EvCertImport, Subject: c.ID}
	want, werr := json.Marshal(c)
	got, gotPacked, gerr := encodeImport([]byte{evPacked}, ev, &c, nil, nil)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("encodeImport's JSON differs from json.Marshal for %+v\n got  %s (%v)\n want %s (%v)", c, got, gerr, want, werr)
	}
	// The same with the members every event of a run has alike packed
	// once (newImportHead), as ImportRun.Encode packs them.
	shared := newImportHead(Event{Time: ev.Time, OperatorID: ev.OperatorID, Operator: ev.Operator, Kind: ev.Kind})
	got2, gotPacked2, _ := encodeImport([]byte{evPacked}, ev, &c, &importScratch{}, shared)
	if !bytes.Equal(got2, got) || !bytes.Equal(gotPacked2, gotPacked) || (gotPacked2 == nil) != (gotPacked == nil) {
		t.Fatalf("encodeImport with the run's shared head differs for %+v:\n %x\n %x", c, gotPacked2, gotPacked)
	}
	if werr != nil {
		return false
	}
	ev.Data = want
	body, err := ev.newBody()
	if err != nil {
		t.Fatal(err)
	}
	head := append(body[:len(body)-len(`,"prev":""}`)], '}')
	wantPacked, wok := packJSON([]byte{evPacked}, head)
	if gotPacked != nil && (!wok || !bytes.Equal(gotPacked, wantPacked)) {
		t.Fatalf("encodeImport's packing differs from packJSON for %s\n got  %x\n want %x (%v)", head, gotPacked, wantPacked, wok)
	}
	return gotPacked != nil
}

func FuzzImportCodecs(f *testing.F) {
	f.Add("张三", "110101199003071234", "2019-03-05", "旧2019-035", "备注<&>", uint64(7), int64(1551715200))
	f.Add("a\"b\\", "\u2028\x7f", "\xff", "", "\t", uint64(0), int64(-62135596800))
	f.Fuzz(func(t *testing.T, name, id, date, serial, note string, no uint64, unix int64) {
		c := Certificate{ID: no, Serial: serial, Name: name, IDNumber: id, IssueDate: date, Note: note, Status: Valid,
			Imported: true, Issued: time.Unix(unix, 0).In(Beijing), Address: strings.ToUpper(name)}
		sameImportCodecs(t, c, Operator{ID: no % 7, Name: note})
	})
}
