package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/assets"
	"taizhang/store/idcard"
)

// validID builds a valid ID number from 17 digits by computing its check digit.
func validID(first17 string) string { return first17 + string(idcard.CheckDigit(first17)) }

func catalog(t testing.TB) *assets.Catalog {
	c, err := assets.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func ledger(t testing.TB) (*DB, Operator, *clock) {
	t.Helper()
	clk := &clock{t: testNow}
	db, err := Open(t.TempDir()+"/c.db", Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	return db, op, clk
}

// setupEvents is how many events ledger's first-run setup writes: the first
// operator and the profile.
const setupEvents = 2

func input(name, id string, typ int) CertInput {
	return CertInput{TypeNo: typ, Name: name, IDNumber: id, Address: "潞州区英雄南路12号", Purpose: "办理入学", Recipient: "长治市第一中学", Verified: "经查验户口簿，情况属实", Copies: 1}
}

func TestIssueAllocatesSerials(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	a, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.IssueCertificate(op, input("李四", validID("14040219850505432"), 3), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Serial != "2026-0001" || b.Serial != "2026-0002" {
		t.Errorf("serials %s %s", a.Serial, b.Serial)
	}
	if a.TypeName != "居民在社区居住证明" || a.Sex != "男" || a.Birth != "1990-01-01" || a.OperatorName != "王丽" {
		t.Errorf("derived fields: %+v", a)
	}
	// A voided number stays taken.
	if _, err := db.VoidCertificate(op, b.ID, "姓名写错"); err != nil {
		t.Fatal(err)
	}
	c, _ := db.IssueCertificate(op, input("王五", validID("14040319700303001"), 5), cat, IssueOptions{})
	if c.Serial != "2026-0003" {
		t.Errorf("after void: %s", c.Serial)
	}
}

func TestSerialsUnderConcurrentSaves(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	const n = 40
	var wg sync.WaitGroup
	serials := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := validID(fmt.Sprintf("14040319900101%03d", i))
			c, err := db.IssueCertificate(op, input("张三", id, 1+i%12), cat, IssueOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			serials <- c.Serial
		}(i)
	}
	wg.Wait()
	close(serials)
	seen := map[string]bool{}
	for s := range serials {
		if seen[s] {
			t.Errorf("serial %s given twice", s)
		}
		seen[s] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[fmt.Sprintf("2026-%04d", i)] {
			t.Errorf("serial %d missing: numbers must be consecutive", i)
		}
	}
}

func TestSerialsRestartEachYear(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	clk.set(time.Date(2027, 1, 2, 9, 0, 0, 0, Beijing))
	c, err := db.IssueCertificate(op, input("李四", validID("14040219850505432"), 3), cat, IssueOptions{})
	if err != nil || c.Serial != "2027-0001" {
		t.Errorf("new year: %s %v", c.Serial, err)
	}
}

func TestClockBehindAsks(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	clk.set(testNow.Add(-48 * time.Hour))
	in := input("李四", validID("14040219850505432"), 3)
	_, err := db.IssueCertificate(op, in, cat, IssueOptions{})
	var cb *ClockBehindError
	if !errors.As(err, &cb) {
		t.Fatalf("err = %v, want ClockBehindError", err)
	}
	if db.CertCount() != 1 {
		t.Error("saved although the clock was behind")
	}
	c, err := db.IssueCertificate(op, in, cat, IssueOptions{AcceptClock: true})
	if err != nil || c.Serial != "2026-0002" {
		t.Errorf("confirmed: %s %v", c.Serial, err)
	}
}

func TestDuplicateWarning(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	id := validID("14040319900101123")
	first, _ := db.IssueCertificate(op, input("张三", id, 3), cat, IssueOptions{})
	_, err := db.IssueCertificate(op, input("张三", " "+id+" ", 3), cat, IssueOptions{})
	var de *DuplicateError
	if !errors.As(err, &de) || de.Earlier.Serial != first.Serial {
		t.Fatalf("err = %v, want DuplicateError naming %s", err, first.Serial)
	}
	// Another type is not a duplicate.
	if _, err := db.IssueCertificate(op, input("张三", id, 5), cat, IssueOptions{}); err != nil {
		t.Errorf("other type: %v", err)
	}
	if _, err := db.IssueCertificate(op, input("张三", id, 3), cat, IssueOptions{AcceptDuplicate: true}); err != nil {
		t.Errorf("confirmed duplicate: %v", err)
	}
	// 31 days on, no warning.
	clk.set(testNow.AddDate(0, 0, 31))
	if _, err := db.IssueCertificate(op, input("张三", id, 3), cat, IssueOptions{}); err != nil {
		t.Errorf("after 31 days: %v", err)
	}
}

func TestVoidAndCorrectLinks(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	old, _ := db.IssueCertificate(op, input("张山", validID("14040319900101123"), 3), cat, IssueOptions{})
	var fe *FieldError
	if _, err := db.VoidCertificate(op, old.ID, ""); !errors.As(err, &fe) {
		t.Errorf("void without reason: %v", err)
	}
	in := input("张三", validID("14040319900101123"), 3)
	nw, err := db.CorrectCertificate(op, old.ID, in, cat, IssueOptions{})
	if err != nil {
		t.Fatal(err) // the duplicate check must not count the certificate being corrected
	}
	got, _ := db.Certificate(old.ID)
	if got.Status != Voided || got.ReplacedBy != nw.ID || nw.Replaces != old.ID || got.VoidedBy != "王丽" || got.VoidReason == "" {
		t.Errorf("links: old %+v new %+v", got, nw)
	}
	if _, err := db.VoidCertificate(op, old.ID, "再次作废"); err == nil {
		t.Error("voided twice")
	}
	if _, err := db.CorrectCertificate(op, old.ID, in, cat, IssueOptions{}); err == nil {
		t.Error("corrected a voided certificate")
	}
	rows, _ := db.MonthRows(2026, 11)
	if len(rows) != 2 || rows[0].ID != nw.ID || !rows[1].Voided {
		t.Errorf("month rows %+v", rows)
	}
	h, _ := db.History(EvCertIssue, old.ID)
	if len(h) != 2 || h[0].Kind != EvCertIssue || h[1].Kind != EvCertVoid {
		t.Errorf("history %+v", h)
	}
	// The correction reads as one sentence, in the record and in its history.
	want := "已更正为 " + nw.Serial
	if got.VoidReasonText() != want || len(h) == 2 && h[1].Describe() != "作废："+want {
		t.Errorf("void reason %q, history %q", got.VoidReasonText(), h[1].Describe())
	}
}

// A void event as an older file wrote it reads the same as a new one; an
// ordinary reason is shown as written.
func TestVoidDescribed(t *testing.T) {
	for data, want := range map[string]string{
		`{"reason":"更正：由 2026-0003 取代","replaced_by":3}`: "作废：已更正为 2026-0003",
		`{"reason":"已更正为 2026-0003","replaced_by":3}`:    "作废：已更正为 2026-0003",
		`{"reason":"姓名写错"}`:                              "作废：姓名写错",
	} {
		if got := (Event{Kind: EvCertVoid, Data: json.RawMessage(data)}).Describe(); got != want {
			t.Errorf("%s: %q, want %q", data, got, want)
		}
	}
}

func TestPrintsCounted(t *testing.T) {
	db, op, _ := ledger(t)
	c, _ := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), catalog(t), IssueOptions{})
	db.RecordPrint(op, c.ID, 1)
	c, _ = db.RecordPrint(op, c.ID, 1)
	if c.Prints != 2 {
		t.Errorf("prints %d", c.Prints)
	}
}

func TestCertValidation(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	cases := []struct {
		field string
		edit  func(*CertInput)
	}{
		{FieldCertType, func(in *CertInput) { in.TypeNo = 13 }},
		{FieldName, func(in *CertInput) { in.Name = "  " }},
		{FieldName, func(in *CertInput) { in.Name = "张\u200b三" }},
		{FieldName, func(in *CertInput) { in.Name = "张三<" }},
		{FieldIDNumber, func(in *CertInput) { in.IDNumber = "140403199001011230" }},
		{FieldPurpose, func(in *CertInput) { in.Purpose = "" }},
		{FieldAddress, func(in *CertInput) { in.Address = " " }},
		{FieldVerified, func(in *CertInput) { in.TypeNo, in.Verified = 4, "" }},
		{FieldVerified, func(in *CertInput) { in.TypeNo, in.Verified = 12, "　" }},
		{FieldCopies, func(in *CertInput) { in.Copies = 10 }},
	}
	for _, c := range cases {
		in := input("张三", validID("14040319900101123"), 3)
		c.edit(&in)
		_, err := db.IssueCertificate(op, in, cat, IssueOptions{})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if db.CertCount() != 0 {
		t.Error("an invalid certificate was saved")
	}
	c, err := db.IssueCertificate(op, input(" 𠮷祥 ", "１４０４０３１９９００１０１１２３"+string(idcard.CheckDigit("14040319900101123")), 3), cat, IssueOptions{})
	if err != nil || c.Name != "𠮷祥" || c.IDNumber != validID("14040319900101123") {
		t.Errorf("rare name / full-width id: %+v %v", c, err)
	}
}

// TestCertRequiredByTemplate: every type needs the address its text prints,
// and a type that certifies a finding needs 核实情况, asked for by what to
// write; the others do not.
func TestCertRequiredByTemplate(t *testing.T) {
	cat := catalog(t)
	tpls, err := assets.CertTemplates()
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	for no := 0; no <= 12; no++ {
		in := input("张三", validID("14040319900101123"), no)
		if no == 0 {
			in.AdmissionID = 1 // a type issued under an admission
		}
		noAddress := in
		noAddress.Address = ""
		if _, err := noAddress.Validate(cat, testNow); fieldOf(err) != FieldAddress {
			t.Errorf("type %d without address: %v", no, err)
		}
		in.Verified = ""
		_, err := in.Validate(cat, testNow)
		if !tpls[no].Finding {
			if err != nil {
				t.Errorf("type %d without 核实情况: %v", no, err)
			}
			continue
		}
		findings++
		if fieldOf(err) != FieldVerified || !strings.Contains(err.Error(), tpls[no].Short+"必须填写核实情况：请写明") || !strings.Contains(err.Error(), "例如：") {
			t.Errorf("type %d without 核实情况: %v", no, err)
		}
	}
	if findings < 5 {
		t.Errorf("%d types require 核实情况, want at least the five that certify a finding", findings)
	}
}

func TestPersonNameWarning(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	id := validID("14040319900101123")
	first, err := db.IssueCertificate(op, input("张三", id, 3), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.IssueCertificate(op, input("张山", id, 5), cat, IssueOptions{})
	var pe *PersonNameError
	if !errors.As(err, &pe) || pe.Earlier.Serial != first.Serial {
		t.Fatalf("err = %v, want PersonNameError naming %s", err, first.Serial)
	}
	for _, want := range []string{"张三", "张山", first.Serial, idcard.Mask(id)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("warning lacks %q: %v", want, err)
		}
	}
	if db.CertCount() != 1 {
		t.Error("saved before the worker confirmed")
	}
	// Confirming the name does not confirm a duplicate as well.
	if _, err := db.IssueCertificate(op, input("张山", id, 3), cat, IssueOptions{AcceptPersonName: true}); !errors.As(err, new(*DuplicateError)) {
		t.Errorf("same type, other name, confirmed name: %v", err)
	}
	second, err := db.IssueCertificate(op, input("张山", id, 5), cat, IssueOptions{AcceptPersonName: true})
	if err != nil {
		t.Fatalf("confirmed: %v", err)
	}
	// The misspelt name again is no warning; the right one is, naming the
	// latest certificate under the other name.
	third, err := db.IssueCertificate(op, input("张山", id, 6), cat, IssueOptions{})
	if err != nil {
		t.Errorf("same name again: %v", err)
	}
	if _, err := db.IssueCertificate(op, input("张三", id, 7), cat, IssueOptions{}); !errors.As(err, &pe) || pe.Earlier.Serial != third.Serial {
		t.Errorf("first name after the second: %v", err)
	}
	// Another person's number is no warning.
	if _, err := db.IssueCertificate(op, input("张山", validID("14040319900101131"), 5), cat, IssueOptions{}); err != nil {
		t.Errorf("other number: %v", err)
	}
	// A voided certificate does not count, nor does the one a correction
	// replaces.
	if _, err := db.VoidCertificate(op, third.ID, "姓名写错"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CorrectCertificate(op, second.ID, input("张三", id, 5), cat, IssueOptions{}); err != nil {
		t.Errorf("correcting the name: %v", err)
	}
	if _, err := db.IssueCertificate(op, input("张三", id, 8), cat, IssueOptions{}); err != nil {
		t.Errorf("after the correction: %v", err)
	}
}

func TestRefusals(t *testing.T) {
	db, op, _ := ledger(t)
	_, err := db.AddRefusal(op, RefusalInput{Requester: "某物业公司", RequesterKind: "单位", Item: "开具无犯罪记录证明", Reason: OtherReason})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != FieldDetail {
		t.Errorf("其他 without detail: %v", err)
	}
	r, err := db.AddRefusal(op, RefusalInput{Requester: "某物业公司", RequesterKind: "单位", Item: "开具无犯罪记录证明", Reason: DepartmentsDuty})
	if err != nil || r.OperatorName != "王丽" || r.Date != "2026-11-29" {
		t.Fatalf("%+v %v", r, err)
	}
	list, _ := db.MonthRefusals(2026, 11)
	if len(list) != 1 || list[0].Item != "开具无犯罪记录证明" {
		t.Errorf("%+v", list)
	}
	months, _ := db.CertMonths()
	if len(months) != 1 || months[0] != "202611" {
		t.Errorf("months %v", months)
	}
}

func TestChainVerifiesAndDetectsTampering(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	c, _ := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	db.RecordPrint(op, c.ID, 1)
	db.VoidCertificate(op, c.ID, "打印错误")
	db.AddRefusal(op, RefusalInput{Requester: "李四", RequesterKind: "居民", Item: "无犯罪记录证明", Reason: NotOnList})
	n, head, err := db.VerifyChain()
	if err != nil || n != setupEvents+4 || head == genesisDigest {
		t.Fatalf("verify: %d %s %v", n, head, err)
	}
	// Rewrite the name in the issue event: the chain must break there.
	db.bolt.Update(func(tx *bolt.Tx) error {
		return editEvent(tx, bucketEvents, u64(setupEvents+1), func(ev *Event) { ev.Data = []byte(`{"name":"赵六"}`) })
	})
	_, _, err = db.VerifyChain()
	var ce *ChainError
	if !errors.As(err, &ce) || ce.Seq != setupEvents+1 {
		t.Errorf("tampered: %v", err)
	}
}

// Replaying the log into empty buckets gives the same records: the screens'
// materialised buckets are derived from the events.
func TestReplayRebuildsRecords(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	a, _ := db.IssueCertificate(op, input("张山", validID("14040319900101123"), 3), cat, IssueOptions{})
	db.RecordPrint(op, a.ID, 2)
	db.CorrectCertificate(op, a.ID, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	db.AddRefusal(op, RefusalInput{Requester: "李四", RequesterKind: "居民", Item: "无犯罪记录证明", Reason: NotOnList})
	adm, _ := db.SaveAdmissionDraft(op, fullAdmission(t))
	db.SubmitAdmission(op, adm.ID)
	snapshot := func() map[string]string {
		out := map[string]string{}
		db.bolt.View(func(tx *bolt.Tx) error {
			for _, b := range [][]byte{bucketCertState, bucketCertRows, bucketCertSerials, bucketCertPerson, bucketSerials, bucketRefusals, bucketAdmissions} {
				tx.Bucket(b).ForEach(func(k, v []byte) error { out[string(b)+"/"+string(k)] = string(v); return nil })
			}
			return nil
		})
		return out
	}
	before := snapshot()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketCertState, bucketCertRows, bucketCertSerials, bucketCertPerson, bucketSerials, bucketRefusals, bucketAdmissions} {
			tx.DeleteBucket(b)
			tx.CreateBucket(b)
		}
		return forEachEvent(tx, func(ev Event, _ []byte) error { return applyEvent(tx, ev) })
	})
	if err != nil {
		t.Fatal(err)
	}
	after := snapshot()
	if len(before) == 0 || fmt.Sprint(before) != fmt.Sprint(after) {
		t.Errorf("replay differs:\nbefore %v\nafter  %v", before, after)
	}
}

func TestBatchWritesAllOrNothing(t *testing.T) {
	db, op, _ := ledger(t)
	cat := catalog(t)
	err := db.Batch(func(b *Batch) error {
		for i := 0; i < 3; i++ {
			c, err := b.IssueCertificate(op, input("张三", validID(fmt.Sprintf("14040319900101%03d", i)), 3), cat, IssueOptions{})
			if err != nil {
				return err
			}
			if _, err := b.RecordPrint(op, c.ID, 1); err != nil {
				return err
			}
		}
		_, err := b.VoidCertificate(op, 1, "测试作废")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, _, err := db.VerifyChain(); err != nil || n != setupEvents+7 {
		t.Errorf("chain %d %v", n, err)
	}
	// A failing batch leaves nothing behind.
	err = db.Batch(func(b *Batch) error {
		b.IssueCertificate(op, input("李四", validID("14040319850505432"), 3), cat, IssueOptions{})
		_, err := b.VoidCertificate(op, 99, "没有这张")
		return err
	})
	if !errors.Is(err, ErrNotFound) || db.CertCount() != 3 {
		t.Errorf("failed batch: %v, %d certificates", err, db.CertCount())
	}
}

// A reprint prints what was issued: the committee name, prefix and phone
// stay those of the profile at the time of issue.
func TestCertificateKeepsItsIssuer(t *testing.T) {
	db, op, _ := ledger(t)
	c, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), catalog(t), IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := db.Profile()
	old := IssuerOf(p)
	p.Community, p.SerialPrefix, p.Phone = "英雄北路社区", "英北证", "0355-1234567"
	if _, err := db.SaveProfile(op, p, true); err != nil {
		t.Fatal(err)
	}
	c, _ = db.Certificate(c.ID)
	if got := c.IssuedBy(p); got != old || c.FullSerial(p) != old.Prefix+"2026-0001" {
		t.Errorf("after the profile changed the certificate prints %+v %s, want %+v", got, c.FullSerial(p), old)
	}
	h, _ := db.History(EvProfile, 0)
	if len(h) != 2 || h[1].Describe() != "社区信息：英雄北路社区" {
		t.Errorf("profile history %+v", h)
	}
}
