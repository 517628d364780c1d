package store

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
)

// An operator's PIN (asked at start, on Ctrl+L and after 10 idle minutes)
// is kept as an argon2id hash with a random salt in bucket pins, which is
// never exported. The event log gets only a commitment to it (the
// operator.pin event's SHA-256 of the stored record), so the log, and the
// monthly bundle that carries a run of it, proves when a PIN was set or
// reset and by whom without carrying the hash; check proves that the
// stored record is the one the newest event committed to.
//
// The PIN guards the desk, not the file: the file is not encrypted, and a
// 4–8 digit PIN hashed on the PC can be found by trying them all.

// Argon2id parameters: one pass over 64 MiB on two threads, about 60 ms on
// a current PC core (BenchmarkPINCheck) and well within a 2 GB office PC.
const (
	pinTime    = 1
	pinMemory  = 64 * 1024 // KiB
	pinThreads = 2
	pinKeyLen  = 32
	pinSaltLen = 16
)

// PIN lengths (digits).
const (
	MinPINLen = 4
	MaxPINLen = 8
)

// pinRecord is the value under an operator's id in bucket pins.
type pinRecord struct {
	Salt    []byte `json:"salt"`
	Hash    []byte `json:"hash"`
	Time    uint32 `json:"time"`
	Memory  uint32 `json:"memory"`
	Threads uint8  `json:"threads"`
}

// pinData is the operator.pin event's Data: whether a PIN is set after it,
// and the commitment to the stored record (hex SHA-256 of its bytes).
type pinData struct {
	Set    bool   `json:"set"`
	Commit string `json:"commit,omitempty"`
	Reset  bool   `json:"reset,omitempty"` // cleared with taizhang operator --reset-pin
}

func pinCommit(raw []byte) string {
	d := sha256.Sum256(raw)
	return hex.EncodeToString(d[:])
}

func (r pinRecord) matches(pin string) bool {
	got := argon2.IDKey([]byte(pin), r.Salt, r.Time, r.Memory, r.Threads, uint32(len(r.Hash)))
	return subtle.ConstantTimeCompare(got, r.Hash) == 1
}

func newPINRecord(pin string) (pinRecord, error) {
	salt := make([]byte, pinSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return pinRecord{}, err
	}
	hash := argon2.IDKey([]byte(pin), salt, pinTime, pinMemory, pinThreads, pinKeyLen)
	return pinRecord{Salt: salt, Hash: hash, Time: pinTime, Memory: pinMemory, Threads: pinThreads}, nil
}

// NormalizePIN reads a PIN as typed: full-width digits count as digits,
// spaces are dropped; it must then be 4 to 8 digits.
func NormalizePIN(s string) (string, error) {
	var b []byte
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= '０' && r <= '９':
			b = append(b, byte('0'+r-'０'))
		case r == ' ' || r == '　':
		default:
			return "", &FieldError{"PIN", "只能是数字。"}
		}
	}
	if len(b) < MinPINLen || len(b) > MaxPINLen {
		return "", &FieldError{"PIN", fmt.Sprintf("请输入 %d 到 %d 位数字。", MinPINLen, MaxPINLen)}
	}
	return string(b), nil
}

// WrongPINError: the PIN given is not the operator's.
type WrongPINError struct{}

func (*WrongPINError) Error() string { return "PIN 不对。" }

func readPIN(tx *bolt.Tx, id uint64) (pinRecord, []byte, bool) {
	bk := tx.Bucket(bucketPins)
	if bk == nil {
		return pinRecord{}, nil, false
	}
	raw := bk.Get(u64(id))
	if raw == nil {
		return pinRecord{}, nil, false
	}
	var r pinRecord
	if json.Unmarshal(raw, &r) != nil {
		return pinRecord{}, nil, false
	}
	return r, append([]byte(nil), raw...), true
}

// HasPIN reports whether the operator has set a PIN.
func (db *DB) HasPIN(id uint64) bool {
	var ok bool
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		_, _, ok = readPIN(tx, id)
		return nil
	})
	return ok
}

// PINs lists the operators who have set a PIN.
func (db *DB) PINs() (map[uint64]bool, error) {
	out := map[uint64]bool{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketPins)
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, _ []byte) error { out[fromU64(k)] = true; return nil })
	})
	return out, err
}

// CheckPIN compares pin with the operator's PIN (an argon2id hash: about
// 60 ms and 64 MiB, so run it in a command). It returns nil when it
// matches or when the operator has no PIN, a *WrongPINError when not.
func (db *DB) CheckPIN(id uint64, pin string) error {
	var rec pinRecord
	var ok bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		rec, _, ok = readPIN(tx, id)
		return nil
	})
	if err != nil || !ok {
		return err
	}
	if !rec.matches(pin) {
		return &WrongPINError{}
	}
	return nil
}

// SetPIN sets, changes or (pin empty) clears operator id's PIN. When a PIN
// is set, current must match it (a *FieldError on 当前 PIN if not). by is
// the operator at the desk.
func (db *DB) SetPIN(by Operator, id uint64, current, pin string) error {
	var old []byte
	var has bool
	var rec pinRecord
	var o Operator
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		if o, err = getOperator(tx, id); err != nil {
			return err
		}
		if o.Retired {
			return fmt.Errorf("经办人“%s”已停用，不能设置 PIN。", o.Name)
		}
		rec, old, has = readPIN(tx, id)
		return nil
	})
	if err != nil {
		return err
	}
	if has && !rec.matches(current) {
		return &FieldError{"当前 PIN", "不对。忘记了 PIN，请在这台电脑上运行 taizhang operator --reset-pin " + o.Name + " 清除，再重新设置。"}
	}
	data := pinData{}
	var raw []byte
	if pin != "" {
		if pin, err = NormalizePIN(pin); err != nil {
			return err
		}
		r, err := newPINRecord(pin)
		if err != nil {
			return err
		}
		if raw, err = json.Marshal(r); err != nil {
			return err
		}
		data = pinData{Set: true, Commit: pinCommit(raw)}
	} else if !has {
		return &FieldError{"新 PIN", fmt.Sprintf("请输入 %d 到 %d 位数字。", MinPINLen, MaxPINLen)}
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		if _, now, _ := readPIN(tx, id); !bytes.Equal(now, old) {
			return fmt.Errorf("PIN 刚刚在别处改过，请重新设置。")
		}
		return db.writePIN(tx, by, id, data, raw)
	})
}

// writePIN records the PIN event and stores (raw) or removes the record.
func (db *DB) writePIN(tx *bolt.Tx, by Operator, id uint64, data pinData, raw []byte) error {
	if _, err := db.appendEvent(tx, by, db.now(), EvOperatorPIN, id, data); err != nil {
		return err
	}
	bk, err := tx.CreateBucketIfNotExists(bucketPins)
	if err != nil {
		return err
	}
	if raw == nil {
		return bk.Delete(u64(id))
	}
	return bk.Put(u64(id), raw)
}

// ResetPIN clears the PIN of the operator named name (active ones first),
// for one who forgot it: `taizhang operator --reset-pin NAME`, run on the
// PC itself. It is an event of that operator, marked as a reset.
func (db *DB) ResetPIN(name string) (Operator, error) {
	name = CleanText(name)
	var o Operator
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		var found []Operator
		err := tx.Bucket(bucketOperators).ForEach(func(_, v []byte) error {
			var op Operator
			if err := json.Unmarshal(v, &op); err != nil {
				return err
			}
			if op.Name == name {
				found = append(found, op)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, op := range found {
			if _, _, has := readPIN(tx, op.ID); has && (o.ID == 0 || o.Retired) {
				o = op
			}
		}
		switch {
		case len(found) == 0:
			return fmt.Errorf("没有名叫“%s”的经办人。请核对姓名（与“设置”中经办人列表里的一致）。", name)
		case o.ID == 0:
			return fmt.Errorf("经办人“%s”没有设置 PIN，不需要重置。", name)
		}
		return db.writePIN(tx, o, o.ID, pinData{Reset: true}, nil)
	})
	return o, err
}

// pinProof collects, during check's replay, the newest PIN event of each
// operator; prove then compares them with bucket pins.
type pinProof map[uint64]pinData

func (p pinProof) note(ev Event) {
	if ev.Kind != EvOperatorPIN {
		return
	}
	var d pinData
	_ = json.Unmarshal(ev.Data, &d)
	p[ev.Subject] = d
}

func (p pinProof) prove(tx *bolt.Tx) error {
	record := func(id uint64) string { return fmt.Sprintf("第 %d 号经办人的 PIN", id) }
	bk := tx.Bucket(bucketPins)
	if bk == nil {
		return &CheckError{Register: "经办人 PIN", Record: "整个登记簿", Want: "存在"}
	}
	for id, d := range p {
		raw := bk.Get(u64(id))
		switch {
		case d.Set && raw == nil:
			return &CheckError{Register: "经办人 PIN", Record: record(id), Want: "已设置"}
		case !d.Set && raw != nil:
			return &CheckError{Register: "经办人 PIN", Record: record(id), Have: "已设置"}
		case d.Set && pinCommit(raw) != d.Commit:
			return &CheckError{Register: "经办人 PIN", Record: record(id), Field: "摘要",
				Have: shortHash(pinCommit(raw)), Want: shortHash(d.Commit)}
		}
	}
	return bk.ForEach(func(k, _ []byte) error {
		if _, ok := p[fromU64(k)]; !ok {
			return &CheckError{Register: "经办人 PIN", Record: record(fromU64(k)), Have: "已设置"}
		}
		return nil
	})
}
