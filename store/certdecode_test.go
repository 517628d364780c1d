package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// jsonCertificate is a certificate put together the way materialise did
// before certDecoder: the issue event unpacked to JSON and decoded, its
// data decoded, the later events applied.
func jsonCertificate(tx *bolt.Tx, st certState) (Certificate, error) {
	var c Certificate
	issue, err := eventAt(tx, st.Issue, nil)
	if err != nil {
		return c, err
	}
	if issue.Kind != EvCertIssue && issue.Kind != EvCertImport {
		return c, fmt.Errorf("第 %d 条事件不是开具证明", st.Issue)
	}
	if err := json.Unmarshal(issue.Data, &c); err != nil {
		return c, err
	}
	c.Prints = st.Prints
	for _, seq := range st.Later {
		ev, err := eventAt(tx, seq, nil)
		if err != nil {
			return c, err
		}
		if err := certEvent(&c, ev); err != nil {
			return c, err
		}
	}
	return c, nil
}

// sameCertificate fails t unless got is want, to the byte of its JSON and
// to each time's location.
func sameCertificate(t *testing.T, what string, got, want Certificate) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !reflect.DeepEqual(got, want) || !bytes.Equal(g, w) || got.Issued.Location() != want.Issued.Location() ||
		got.VoidedAt.Location() != want.VoidedAt.Location() {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// kindsLedger holds every kind of certificate the store makes: issued
// (with nanoseconds on the clock, by a station's serial), printed, voided
// by hand, corrected (both ends), issued under an admission, with odd
// characters in every text, imported (with and without its old serial, a
// 15-digit ID number, a note), and after a profile change.
func kindsLedger(t *testing.T) *DB {
	db, op, clk := ledger(t)
	cat := catalog(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	a, err := db.IssueCertificate(op, input("张山", validID("14040319900101123"), 3), cat, IssueOptions{})
	must(err)
	must(second(db.RecordPrint(op, a.ID, 2)))
	must(second(db.RecordPrint(op, a.ID, 1)))
	must(second(db.CorrectCertificate(op, a.ID, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})))
	clk.set(clk.t.Add(123456789 * time.Nanosecond))
	b, err := db.IssueCertificate(op, input("李四", validID("14040319850202234"), 1), cat, IssueOptions{})
	must(err)
	must(second(db.VoidCertificate(op, b.ID, "打印错误，\"作废\"<重开>")))
	odd := CertInput{TypeNo: 3, Name: "阿卜杜·热合曼单𠮷祥", IDNumber: validID("65010219800303456"),
		Address: "潞州区<长兴南路>83号&\"1\"单元\\301室", Purpose: "办理e\u0301入学 a\u2028b", Recipient: "长治市 第一中学 ",
		Verified: "经查验户口簿，情况属实；2026-11-29T09:30:00+08:00；0355-2021234；00ff00ff00ff00ff", Copies: 9}
	must(second(db.IssueCertificate(op, odd, cat, IssueOptions{})))
	p, _ := db.Profile()
	p.SerialPrefix, p.Phone, p.Station = "", "", 2
	must(second(db.SaveProfile(op, p, true)))
	must(second(db.IssueCertificate(op, input("王五", validID("14040319700707777"), 12), cat, IssueOptions{})))

	adm := drafted(t, db, op, fullAdmission(t))
	for _, s := range []step{stSubmit, stCounty, stApprove} {
		must(second(s.do(db, op, adm.ID)))
	}
	in := input("赵六", validID("14040319300101123"), 0)
	in.AdmissionID = adm.ID
	must(second(db.IssueCertificate(op, in, cat, IssueOptions{})))

	old := importInput("钱七", "140403900101123", "2019-03-05") // 15 digits
	old.Note, old.Operator, old.Address = "原台账第12页 <补>", "老王", "英雄南路"
	bare := importInput("孙八", validID("14040319600505555"), "2020-12-31")
	bare.Serial, bare.Purpose = "", ""
	run, _ := importRows(t, db, op, old, bare)
	if _, err := run.Commit(); err != nil {
		t.Fatal(err)
	}
	return db
}

// Every certificate of every kind reads as its events' JSON says, and the
// packed decoder (not the JSON path) reads it.
func TestCertificateReadsAsItsJSONSays(t *testing.T) {
	ledgers := map[string]*DB{"kinds": kindsLedger(t)}
	for name, path := range map[string]string{"old": fileWithOldRecords(t), "v6": fileAtV6(t)} {
		db, err := Open(path, Options{}) // migrated
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ledgers[name] = db
	}
	for name, db := range ledgers {
		var ids []uint64
		var want []Certificate
		db.bolt.View(func(tx *bolt.Tx) error {
			events := tx.Bucket(bucketEvents)
			return tx.Bucket(bucketCertState).ForEach(func(k, v []byte) error {
				st, _ := decodeCertState(v)
				w, err := jsonCertificate(tx, st)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := new(certDecoder).issue(events.Get(u64(st.Issue))); !ok {
					t.Errorf("%s: certificate %d (%s) is not decoded from its packed event", name, w.ID, w.Serial)
				}
				got, err := getCert(tx, fromU64(k))
				if err != nil {
					t.Fatal(err)
				}
				sameCertificate(t, fmt.Sprintf("%s: certificate %d", name, w.ID), got, w)
				ids, want = append(ids, w.ID), append(want, w)
				return nil
			})
		})
		if name == "kinds" && len(ids) != 8 {
			t.Fatalf("%d certificates", len(ids))
		}
		// In bulk, in one transaction, the same; and month by month.
		var got []Certificate
		reversed := append([]uint64(nil), ids...)
		for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
			reversed[i], reversed[j] = reversed[j], reversed[i]
		}
		if err := db.Certificates(reversed, func(c Certificate) error { got = append(got, c); return nil }); err != nil {
			t.Fatal(err)
		}
		months := map[string][]Certificate{}
		for i, c := range want {
			sameCertificate(t, name+": Certificates", got[len(got)-1-i], c)
			months[c.IssueDate[:7]] = append(months[c.IssueDate[:7]], c)
		}
		for m, certs := range months {
			mt, _ := ParseMonth(m)
			var read []Certificate
			if err := db.MonthCertificates(mt.Year(), mt.Month(), func(c Certificate) error { read = append(read, c); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(read) != len(certs) {
				t.Fatalf("%s %s: %d certificates, want %d", name, m, len(read), len(certs))
			}
			for i := range certs {
				sameCertificate(t, name+": MonthCertificates "+m, read[i], certs[i])
			}
		}
	}
}

func TestCertificatesMissingAndStopped(t *testing.T) {
	db, _ := busyLedger(t)
	if err := db.Certificates([]uint64{1, 99}, func(Certificate) error { return nil }); err != ErrNotFound {
		t.Errorf("a missing certificate: %v", err)
	}
	stop := fmt.Errorf("stop")
	n := 0
	err := db.MonthCertificates(testNow.Year(), testNow.Month(), func(Certificate) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("fn's error: %v after %d", err, n)
	}
}

// The decoder knows every member of Certificate and Issuer by its static
// key: a member added to them without a case in certDecoder fails here.
func TestCertDecoderKnowsEveryField(t *testing.T) {
	names := map[string]bool{}
	for _, typ := range []reflect.Type{reflect.TypeFor[Certificate](), reflect.TypeFor[Issuer]()} {
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			names[name] = true
		}
	}
	for f := cfID; f < cfCount; f++ {
		if !names[certFieldNames[f]] {
			t.Errorf("certFieldNames has %q, which is no member", certFieldNames[f])
		}
		delete(names, certFieldNames[f])
		if _, ok := packedCode[certFieldNames[f]]; !ok {
			t.Errorf("%q is not a static key: its certificates take the JSON path", certFieldNames[f])
		}
	}
	for name := range names {
		t.Errorf("member %q is not in certFieldNames", name)
	}
}

// randomText draws a string from pieces that exercise every string token:
// static strings, digit and hex strings, dates and times, escapes, rare
// and invalid characters.
func randomText(r *rand.Rand) string {
	pieces := []string{"", "有效", "作废", "男", "居民在社区居住证明", "王丽", "潞州区英雄南路12号", "2026-0001", "2026-2-0001",
		"14040319900101123X", "0355-2021234", "007", "2026-11-29", "2026-02-30", "2026-11-29T09:30:00+08:00",
		"2026-11-29T09:30:00.5+08:00", "2026-11-29T09:30:00Z", "00ff00ff00ff00ff", "ABCDEF0123456789", "<&>", "\"",
		"\\", "\u2028", "\n", "\x01", "\xff", "e\u0301", "𠮷", "·", "旧", " ", "null", "1"}
	var b strings.Builder
	for range r.IntN(3) + 1 {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	if r.IntN(4) == 0 { // the whole string one piece: a typed token
		return pieces[r.IntN(len(pieces))]
	}
	return b.String()
}

func randomTime(r *rand.Rand) time.Time {
	switch r.IntN(5) {
	case 0:
		return time.Time{}
	case 1:
		return time.Unix(r.Int64N(4e9)-1e9, 0).UTC()
	case 2:
		return time.Unix(r.Int64N(4e9), int64(r.IntN(1e9))).In(Beijing)
	}
	return time.Unix(r.Int64N(4e9)-1e9, 0).In(Beijing)
}

// randomCertificate fills every member of a certificate, by reflection so
// that a member added later is filled too.
func randomCertificate(r *rand.Rand) Certificate {
	var c Certificate
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			if r.IntN(6) == 0 {
				continue // zero: omitted or written as zero
			}
			switch f.Kind() {
			case reflect.String:
				f.SetString(randomText(r))
			case reflect.Int:
				f.SetInt([]int64{0, 1, 9, 2026, -3, 1 << 40}[r.IntN(6)])
			case reflect.Uint64:
				f.SetUint([]uint64{1, 42, 1 << 63, 1<<64 - 1}[r.IntN(4)])
			case reflect.Bool:
				f.SetBool(true)
			case reflect.Pointer:
				iss := reflect.New(f.Type().Elem())
				fill(iss.Elem())
				f.Set(iss)
			case reflect.Struct:
				if f.Type() != reflect.TypeFor[time.Time]() {
					panic("randomCertificate: no case for " + f.Type().String())
				}
				f.Set(reflect.ValueOf(randomTime(r)))
			default:
				panic("randomCertificate: no case for " + f.Type().String())
			}
		}
	}
	fill(reflect.ValueOf(&c).Elem())
	return c
}

// randomData is the JSON of c as an issue event carries it, sometimes
// changed in ways encoding/json still reads: members in another order,
// one twice, null, unknown members (static keys or not), a key in
// other letter case, a number written otherwise, a member dropped.
func randomData(r *rand.Rand, c Certificate) []byte {
	raw, _ := json.Marshal(c)
	if r.IntN(3) == 0 {
		return raw
	}
	var members []string
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		var v json.RawMessage
		dec.Decode(&v)
		kj, _ := json.Marshal(k)
		members = append(members, string(kj)+":"+string(v))
	}
	extra := []string{`"date":{"a":[1,-2,true,null,"x","2026-11-29"],"b":{}}`, `"foo":"bar"`, `"month":[]`, `"seq":1.5`,
		`"Name":"大写的键"`, `"name":null`, `"issuer":null`, `"issuer":{}`, `"issuer":{"committee":"委员会","kind":"x"}`,
		`"copies":1e0`, `"copies":-0`, `"id":-1`, `"year":"2026"`, `"imported":false`, `"issued":null`,
		`"voided_at":"2026-11-29T09:30:00+08:00"`, `"status":"` + randomText(r) + `"`, `"prints":7`, `"sex":"\u7537"`,
		`"recipient":"\ud800"`, `"address":"a\u0000b"`}
	for range r.IntN(4) + 1 {
		i := r.IntN(len(members) + 1)
		switch r.IntN(4) {
		case 0:
			if len(members) > 0 {
				members = append(members[:i%len(members)], members[i%len(members)+1:]...)
			}
		case 1:
			if len(members) > 0 {
				members = append(members, members[i%len(members)])
			}
		default:
			members = append(members[:i], append([]string{extra[r.IntN(len(extra))]}, members[i:]...)...)
		}
	}
	r.Shuffle(len(members), func(i, j int) {
		if r.IntN(4) == 0 {
			members[i], members[j] = members[j], members[i]
		}
	})
	return []byte("{" + strings.Join(members, ",") + "}")
}

// storedEvent is how a ledger stores an event of kind with data whose
// previous event's hash is prev (storedForm), and whether it packed.
func storedEventValue(kind string, data []byte, prev string, at time.Time) ([]byte, bool) {
	ev := Event{Seq: 17, Time: at, OperatorID: 2, Operator: "王丽", Kind: kind, Subject: 5, Data: data, Prev: prev}
	body, err := ev.newBody()
	if err != nil {
		return nil, false
	}
	if ev.Hash, err = ev.digestOf(body); err != nil {
		return nil, false
	}
	raw := ev.withHash(body)
	head := append(append([]byte(nil), raw[:len(raw)-hashTail]...), '}')
	out, ok := packJSON([]byte{evPacked}, head)
	if !ok {
		return nil, false
	}
	h, _ := hex.DecodeString(ev.Hash)
	return append(out, h...), true
}

// checkDecoders compares the decoder with the JSON path on the stored
// value v: where the decoder reads a certificate, the JSON path reads
// the same one without an error.
func checkDecoders(t *testing.T, dec *certDecoder, v []byte, prev string) (decoded bool) {
	t.Helper()
	got, ok := dec.issue(v)
	if !ok {
		return false
	}
	ev, _, err := readEvent(nil, v, prev)
	if err != nil {
		t.Fatalf("decoded %x, which the JSON path cannot read: %v", v, err)
	}
	if ev.Kind != EvCertIssue && ev.Kind != EvCertImport {
		t.Fatalf("decoded an event of kind %q", ev.Kind)
	}
	var want Certificate
	if err := json.Unmarshal(ev.Data, &want); err != nil {
		t.Fatalf("decoded data the JSON path refuses (%v): %s", err, ev.Data)
	}
	sameCertificate(t, string(ev.Data), got, want)
	return true
}

// Random certificates, their events packed as a ledger packs them: the
// two decoders agree, and a certificate as json.Marshal writes it with no
// text to unescape is read by the decoder.
//
// More cases: TAIZHANG_DECODE_CASES=1000000 go test ./store -run TestCertDecodersAgree
func TestCertDecodersAgree(t *testing.T) {
	n := 3000
	if m, err := strconv.Atoi(os.Getenv("TAIZHANG_DECODE_CASES")); err == nil && m > 0 {
		n = m
	}
	r := rand.New(rand.NewPCG(13, uint64(n)))
	prev := strings.Repeat("ab", sha256.Size)
	var dec certDecoder
	decoded := 0
	for i := 0; i < n; i++ {
		c := randomCertificate(r)
		data := randomData(r, c)
		kind := []string{EvCertIssue, EvCertImport, EvCertVoid, "cert.\u0069ssue"}[r.IntN(4)]
		at := randomTime(r)
		if r.IntN(2) == 0 {
			at = c.Issued
		}
		v, ok := storedEventValue(kind, data, prev, at)
		if !ok {
			continue
		}
		if checkDecoders(t, &dec, v, prev) {
			decoded++
		}
		plain, _ := json.Marshal(c)
		if bytes.Equal(data, plain) && issueKind(kind) && !bytes.Contains(plain, []byte(`\`)) && c.Issued.Location() == Beijing &&
			c.Issued.Year() > 0 && !c.Issued.IsZero() && !bytes.Contains(plain, []byte(`"0001-01-01T00:00:00Z"`)) {
			if _, ok := dec.issue(v); !ok {
				t.Errorf("a plain certificate takes the JSON path: %s", plain)
			}
		}
	}
	if decoded < n/4 {
		t.Errorf("only %d of %d events decoded directly", decoded, n)
	}
	t.Logf("%d of %d events decoded directly", decoded, n)
}

// Whatever the bytes, the decoder does not crash, and what it reads the
// JSON path reads the same.
//
//	go test ./store -run '^$' -fuzz FuzzCertDecoder -fuzztime 5m
func FuzzCertDecoder(f *testing.F) {
	prev := strings.Repeat("ab", sha256.Size)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		c := randomCertificate(r)
		if v, ok := storedEventValue(EvCertIssue, randomData(r, c), prev, c.Issued); ok {
			f.Add(v)
		}
	}
	c := Certificate{ID: 3, Serial: "2026-0003", Name: "张三", IssueDate: "2026-11-29", Issued: testNow, Status: Valid,
		Issuer: &Issuer{Committee: "英雄南路社区居民委员会"}}
	data, _ := json.Marshal(c)
	v, _ := storedEventValue(EvCertIssue, data, prev, testNow)
	f.Add(v)
	f.Fuzz(func(t *testing.T, v []byte) {
		var dec certDecoder
		checkDecoders(t, &dec, v, prev)
	})
}

// appendDate writes every date as unpackJSON does.
func TestAppendDate(t *testing.T) {
	days := []int64{-1 << 40, -719163, -719162, -1, 0, 1, 2932896, 2932897, 1 << 40}
	for d := int64(-800000); d < 3000000; d += 97 {
		days = append(days, d)
	}
	for d := int64(-2000); d < 25000; d++ { // 1964–2038, day by day
		days = append(days, d)
	}
	for _, d := range days {
		want := time.Unix(d*86400, 0).UTC().AppendFormat(nil, time.DateOnly)
		if got := appendDate(nil, d); !bytes.Equal(got, want) {
			t.Fatalf("day %d: %s, want %s", d, got, want)
		}
	}
}

// plainJSON is true exactly for the texts encoding/json reads back as
// they are.
func TestPlainJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	texts := []string{"", "a", "潞州区", "𠮷", "\u2028", "\ufffd", "\xff", "\xe4\xb8", "\xed\xa0\x80", "\xe0\x80\x80",
		"\xef\xbf\xbf", "\xf4\x90\x80\x80", "\"", "\\", "\x1f", "\x7f", "é"}
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		texts = append(texts, string(b), randomText(r))
	}
	for _, s := range texts {
		var back string
		err := json.Unmarshal([]byte(`"`+s+`"`), &back)
		want := err == nil && back == s && !strings.Contains(s, `\`)
		if got := plainJSON([]byte(s)); got != want {
			t.Errorf("plainJSON(%q) = %v", s, got)
		}
	}
}

// BenchmarkCertDecoder decodes one packed cert.issue event: an issued
// certificate (its time the event's) and an imported one.
func BenchmarkCertDecoder(b *testing.B) {
	prev := strings.Repeat("ab", sha256.Size)
	issued := Certificate{ID: 12345, Serial: "2026-0123", Year: 2026, No: 123, TypeNo: 3, TypeName: "居民在社区居住证明",
		Name: "王秀英", IDNumber: "14040319900101123X", Sex: "女", Birth: "1990-01-01", Address: "潞州区英雄南路12号",
		Purpose: "办理入学", Recipient: "长治市潞州区教育局", Verified: "经查验户口簿，情况属实", Copies: 1, IssueDate: "2026-11-29",
		Issued: testNow, OperatorID: 2, OperatorName: "王丽", Status: Valid,
		Issuer: &Issuer{Committee: "英雄南路社区居民委员会", Prefix: "英南证", Phone: "0355-2021234"}}
	imported := Certificate{ID: 12346, Serial: "旧2019-035", Year: 2019, TypeNo: 3, TypeName: "居民在社区居住证明",
		Name: "李建国", IDNumber: "140403196501011234", Sex: "男", Birth: "1965-01-01", Address: "潞州区长兴南路83号",
		Purpose: "办理社保", IssueDate: "2019-03-05", Issued: time.Date(2019, 3, 5, 0, 0, 0, 0, Beijing), OperatorName: "老王",
		Status: Valid, Imported: true}
	for _, c := range []struct {
		name string
		kind string
		c    Certificate
		at   time.Time
	}{{"issued", EvCertIssue, issued, testNow}, {"imported", EvCertImport, imported, testNow}} {
		data, _ := json.Marshal(c.c)
		v, ok := storedEventValue(c.kind, data, prev, c.at)
		if !ok {
			b.Fatal("does not pack")
		}
		b.Run(c.name, func(b *testing.B) {
			var dec certDecoder
			for b.Loop() {
				if _, ok := dec.issue(v); !ok {
					b.Fatal("not decoded")
				}
			}
		})
	}
}
