package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RefusalInput is what the worker typed.
type RefusalInput struct {
	Requester     string
	RequesterKind string // 居民 or 单位
	Item          string
	Reason        RefusalReason
	Detail        string
}

// Field labels of the refusal form.
const (
	FieldRequester = "请求方"
	FieldItem      = "请求事项"
	FieldReason    = "拒绝理由"
	FieldDetail    = "说明"
)

// AddRefusal records a refused request, stamped with the operator and today.
func (db *DB) AddRefusal(op Operator, in RefusalInput) (r Refusal, err error) {
	err = db.update(func(tx *bolt.Tx) error {
		r, err = db.refuseTx(tx, op, in)
		return err
	})
	return r, err
}

func (db *DB) refuseTx(tx *bolt.Tx, op Operator, in RefusalInput) (Refusal, error) {
	now := db.now()
	r := Refusal{
		Requester: CleanText(in.Requester), RequesterKind: in.RequesterKind, Item: CleanText(in.Item),
		Reason: in.Reason, Detail: CleanText(in.Detail), Date: now.Format(time.DateOnly), Created: now,
		OperatorID: op.ID, OperatorName: op.Name,
	}
	if err := checkText(FieldRequester, r.Requester, 1, 40, true); err != nil {
		return r, err
	}
	if r.RequesterKind != "居民" && r.RequesterKind != "单位" {
		return r, &FieldError{FieldRequester, "请选择请求方是居民还是单位。"}
	}
	if err := checkText(FieldItem, r.Item, 2, 100, true); err != nil {
		return r, err
	}
	known := false
	for _, k := range RefusalReasons {
		known = known || k == r.Reason
	}
	if !known {
		return r, &FieldError{FieldReason, "请选择拒绝理由。"}
	}
	if err := checkText(FieldDetail, r.Detail, 2, 200, r.Reason == OtherReason); err != nil {
		if r.Reason == OtherReason && r.Detail == "" {
			return r, &FieldError{FieldDetail, "理由选“其他”时必须写明原因。"}
		}
		return r, err
	}
	if op.ID == 0 {
		return r, &FieldError{"经办人", "请先选择经办人。"}
	}
	id, err := tx.Bucket(bucketRefusals).NextSequence()
	if err != nil {
		return r, err
	}
	r.ID = id
	_, err = db.appendEvent(tx, op, now, EvRefusal, id, r)
	return r, err
}

// MonthRefusals lists one month's refusals, newest first.
func (db *DB) MonthRefusals(year int, month time.Month) ([]Refusal, error) {
	prefix := []byte(fmt.Sprintf("%04d%02d", year, int(month)))
	var out []Refusal
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRefusals).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r Refusal
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append([]Refusal{r}, out...)
		}
		return nil
	})
	return out, err
}

// AllRefusals calls fn for every refusal, oldest first.
func (db *DB) AllRefusals(fn func(Refusal)) error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRefusals).ForEach(func(_, v []byte) error {
			var r Refusal
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			fn(r)
			return nil
		})
	})
}
