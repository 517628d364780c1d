package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// busyLedger has every kind of record: certificates (printed, voided,
// corrected), a refusal, admissions through several steps, a second
// operator, a renamed one and a profile change.
func busyLedger(t *testing.T) (*DB, Operator) {
	t.Helper()
	db, op, _ := ledger(t)
	fillBusy(t, db, op)
	return db, op
}

func fillBusy(t *testing.T, db *DB, op Operator) {
	t.Helper()
	cat := catalog(t)
	a, err := db.IssueCertificate(op, input("张山", validID("14040319900101123"), 3), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []error{
		second(db.RecordPrint(op, a.ID, 2)),
		second(db.CorrectCertificate(op, a.ID, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})),
		second(db.IssueCertificate(op, input("李四", validID("14040319850202234"), 1), cat, IssueOptions{})),
		second(db.AddRefusal(op, RefusalInput{Requester: "某单位", RequesterKind: "单位", Item: "创卫检查台账", Reason: DepartmentsDuty})),
		second(db.AddOperator(op, "刘洋")),
		second(db.RenameOperator(op, op.ID, "王丽华")),
	}
	adm, err := db.SaveAdmissionDraft(op, fullAdmission(t))
	steps = append(steps, err, second(db.SubmitAdmission(op, adm.ID)))
	p, _ := db.Profile()
	p.Phone = "0355-2021234"
	steps = append(steps, second(db.SaveProfile(op, p, true)))
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestCheckProvesAnUntouchedLedger(t *testing.T) {
	db, _ := busyLedger(t)
	rep, err := db.Check()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Certificates != 3 || rep.Refusals != 1 || rep.Admissions != 1 || rep.Operators != 2 || rep.Events < 12 {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(rep.String(), "证明 3 份") {
		t.Errorf("report text %q", rep.String())
	}
}

// Each edit below changes a derived bucket behind the program's back; the
// chain still verifies, so only the replay can catch it.
func TestCheckCatchesEditsTheChainDoesNotExplain(t *testing.T) {
	cases := []struct {
		name     string
		edit     func(tx *bolt.Tx) error
		register string
		field    string
		event    bool // the error names the last event about the record
	}{
		{"a certificate's print count", func(tx *bolt.Tx) error {
			return editState(tx, 1, func(s *certState) { s.Prints = 9 })
		}, "证明", "打印次数", true},
		{"a certificate's void dropped", func(tx *bolt.Tx) error {
			return editState(tx, 1, func(s *certState) { s.Later = nil })
		}, "证明", "后续事件", true},
		{"a certificate deleted", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCertState).Delete(u64(3))
		}, "证明", "", true},
		{"a voided certificate made valid in the month list", func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketCertRows).Cursor()
			k, v := c.First()
			return tx.Bucket(bucketCertRows).Put(append([]byte(nil), k...), bytes.Replace(v, []byte("\x1f0"), []byte("\x1f1"), 1))
		}, "证明月目录", "", true},
		{"a serial counter set back", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSerials).Put([]byte("2026"), u64(1))
		}, "年度编号", "", false},
		{"an extra person index entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCertPerson).Put(append([]byte(validID("14040319700101123")), u64(9)...), nil)
		}, "身份证号索引", "", false},
		{"a refusal reason changed", func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketRefusals).Cursor()
			k, _ := c.First()
			return editJSON(tx.Bucket(bucketRefusals), append([]byte(nil), k...), "reason", string(NotOnList))
		}, "拒绝出具登记", "拒绝理由", true},
		{"an admission status changed", func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketAdmissions), u64(1), "status", string(AdmApproved))
		}, "准入申请", "status", true},
		{"the profile's prefix", func(tx *bolt.Tx) error {
			return editJSON(tx.Bucket(bucketProfile), keyProfile, "serial_prefix", "假")
		}, "社区信息", "serial_prefix", true},
		{"a certificate sequence moved", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketCertState).SetSequence(10)
		}, "证明", "", false},
		{"newest set back", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyNewest, []byte(testNow.Format("2006-01-02T15:04:05Z07:00")))
		}, "时钟记录", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := busyLedger(t)
			if err := db.bolt.Update(tc.edit); err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.VerifyChain(); err != nil {
				t.Fatalf("the chain itself still verifies: %v", err)
			}
			_, err := db.Check()
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("check: %v, want a CheckError", err)
			}
			if ce.Register != tc.register || !strings.Contains(ce.Field, tc.field) || (ce.Seq != 0) != tc.event {
				t.Errorf("got %+v\n%s", ce, ce.Error())
			}
		})
	}
}

// editEvent changes a stored event behind the program's back (its hash
// stays), storing it as the file stores events.
func editEvent(tx *bolt.Tx, bucket, key []byte, edit func(*Event)) error {
	bk := tx.Bucket(bucket)
	prev, err := hashBefore(bk, fromU64(key))
	if err != nil {
		return err
	}
	ev, _, err := readEvent(nil, bk.Get(key), prev)
	if err != nil {
		return err
	}
	edit(&ev)
	raw, _ := json.Marshal(ev)
	return bk.Put(key, storedForm(tx, raw, ev.Prev))
}

// editState changes a certificate's stored state behind the program's back.
func editState(tx *bolt.Tx, id uint64, edit func(*certState)) error {
	bk := tx.Bucket(bucketCertState)
	s, ok := decodeCertState(bk.Get(u64(id)))
	if !ok {
		return errors.New("no state")
	}
	edit(&s)
	return bk.Put(u64(id), s.encode())
}

func editJSON(bk *bolt.Bucket, key []byte, field, value string) error {
	var m map[string]any
	if err := json.Unmarshal(bk.Get(key), &m); err != nil {
		return err
	}
	m[field] = value
	b, _ := json.Marshal(m)
	return bk.Put(key, b)
}

func TestCheckNamesRecordFieldAndEvent(t *testing.T) {
	db, _ := busyLedger(t)
	db.bolt.Update(func(tx *bolt.Tx) error { return editState(tx, 1, func(s *certState) { s.Prints = 7 }) })
	_, err := db.Check()
	msg := err.Error()
	h, _ := db.History(EvCertIssue, 1)
	last := h[len(h)-1].Seq
	for _, want := range []string{"证明 2026-0001", "打印次数", "文件中为 7", "应为 1", "第 " + strconv.FormatUint(last, 10) + " 条"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

func TestCheckReadsOnly(t *testing.T) {
	db, _ := busyLedger(t)
	path := db.Path()
	db.Close()
	before, _ := os.ReadFile(path)
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Check(); err != nil {
		t.Fatal(err)
	}
	ro.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("check changed the file")
	}
}

func TestOpeningACurrentFileWritesNothing(t *testing.T) {
	db, _ := busyLedger(t)
	path := db.Path()
	db.Close()
	before, _ := os.ReadFile(path)
	for i := 0; i < 2; i++ {
		db, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("opening a current file changed it")
	}
}

// The hash checked from the stored bytes is the hash appendEvent computed.
func TestStoredDigestIsTheDigest(t *testing.T) {
	db, _ := busyLedger(t)
	db.bolt.View(func(tx *bolt.Tx) error {
		return forEachEvent(tx, func(ev Event, raw []byte) error {
			long, _ := ev.digest()
			short, _ := ev.storedDigest(raw)
			if long != short || short != ev.Hash {
				t.Errorf("event %d: stored %s, long %s, hash %s", ev.Seq, short, long, ev.Hash)
			}
			return nil
		})
	})
}
