package store

import (
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Operator is a worker at the desk (经办人). Operators are never deleted:
// one who leaves is retired and keeps their name on the records.
type Operator struct {
	ID      uint64    `json:"id"`
	Name    string    `json:"name"`
	Retired bool      `json:"retired,omitempty"`
	Added   time.Time `json:"added"`
}

// Operators lists every operator, retired ones too, in the order added.
func (db *DB) Operators() ([]Operator, error) {
	var out []Operator
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOperators).ForEach(func(k, v []byte) error {
			var o Operator
			if err := json.Unmarshal(v, &o); err != nil {
				return err
			}
			out = append(out, o)
			return nil
		})
	})
	return out, err
}

// Operator returns one operator by id.
func (db *DB) Operator(id uint64) (Operator, error) {
	var o Operator
	err := db.bolt.View(func(tx *bolt.Tx) error {
		var err error
		o, err = getOperator(tx, id)
		return err
	})
	return o, err
}

func getOperator(tx *bolt.Tx, id uint64) (Operator, error) {
	var o Operator
	v := tx.Bucket(bucketOperators).Get(u64(id))
	if v == nil {
		return o, ErrNotFound
	}
	return o, json.Unmarshal(v, &o)
}

func validOperatorName(name string) (string, error) {
	name = CleanText(name)
	return name, checkName("经办人姓名", name, 20, true)
}

// AddOperator adds an operator; names must be unique among active operators.
// by is the operator at the desk who makes the change (zero at first run).
func (db *DB) AddOperator(by Operator, name string) (Operator, error) {
	var o Operator
	err := db.update(func(tx *bolt.Tx) (err error) {
		o, err = db.addOperatorTx(tx, by, name)
		return err
	})
	return o, err
}

func (db *DB) addOperatorTx(tx *bolt.Tx, by Operator, name string) (Operator, error) {
	name, err := validOperatorName(name)
	if err != nil {
		return Operator{}, err
	}
	bk := tx.Bucket(bucketOperators)
	if err := uniqueOperator(bk, 0, name); err != nil {
		return Operator{}, err
	}
	o := Operator{ID: bk.Sequence() + 1, Name: name, Added: db.now()}
	if by.ID == 0 {
		by = o // the first operator adds themself
	}
	_, err = db.appendEvent(tx, by, o.Added, EvOperatorAdd, o.ID, o)
	return o, err
}

// RenameOperator changes an operator's name (records keep the id, and the
// name they were stamped with).
func (db *DB) RenameOperator(by Operator, id uint64, name string) (Operator, error) {
	return db.updateOperator(by, id, func(bk *bolt.Bucket, o *Operator) error {
		n, err := validOperatorName(name)
		if err != nil {
			return err
		}
		if err := uniqueOperator(bk, id, n); err != nil {
			return err
		}
		o.Name = n
		return nil
	})
}

// SetOperatorRetired retires an operator (or brings one back).
func (db *DB) SetOperatorRetired(by Operator, id uint64, retired bool) (Operator, error) {
	return db.updateOperator(by, id, func(_ *bolt.Bucket, o *Operator) error {
		o.Retired = retired
		return nil
	})
}

func (db *DB) updateOperator(by Operator, id uint64, change func(*bolt.Bucket, *Operator) error) (Operator, error) {
	var o Operator
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		if o, err = getOperator(tx, id); err != nil {
			return err
		}
		if err := change(tx.Bucket(bucketOperators), &o); err != nil {
			return err
		}
		_, err = db.appendEvent(tx, by, db.now(), EvOperatorSet, id, o)
		return err
	})
	return o, err
}

func uniqueOperator(bk *bolt.Bucket, self uint64, name string) error {
	return bk.ForEach(func(k, v []byte) error {
		var o Operator
		if json.Unmarshal(v, &o) != nil || o.ID == self || o.Retired {
			return nil
		}
		if CleanText(o.Name) == name {
			return &FieldError{"经办人姓名", "已有同名经办人“" + name + "”，请加以区分（例如 张敏2）。"}
		}
		return nil
	})
}

// LastOperator is the operator chosen at the desk last time (0 if none).
func (db *DB) LastOperator() uint64 {
	var id uint64
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		id = fromU64(tx.Bucket(bucketMeta).Get(keyLastOperator))
		return nil
	})
	return id
}

// SetLastOperator remembers who is at the desk. It is desk state, not a
// record, so it is not an event; choosing the same operator again writes
// nothing.
func (db *DB) SetLastOperator(id uint64) error {
	if db.LastOperator() == id {
		return nil
	}
	return db.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyLastOperator, u64(id))
	})
}

func putJSON(bk *bolt.Bucket, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return bk.Put(key, b)
}
