package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"
)

// Setup writes the profile and the first operator in one transaction (the
// first-run screen and `taizhang init`): either both are saved or neither.
// With force false an existing profile is kept and a ProfileExistsError
// returned. An active operator of the same name is reused.
func (db *DB) Setup(p Profile, operator string, force bool) (Profile, Operator, error) {
	name, err := validOperatorName(operator)
	if err != nil {
		return p, Operator{}, err
	}
	p = p.Normalize()
	if err := p.Validate(); err != nil {
		return p, Operator{}, err
	}
	var o Operator
	err = db.update(func(tx *bolt.Tx) error {
		if cur := tx.Bucket(bucketProfile).Get(keyProfile); cur != nil && !force {
			var old Profile
			_ = json.Unmarshal(cur, &old)
			return &ProfileExistsError{Community: old.Community}
		}
		var err error
		if o, err = activeOperatorNamed(tx, name); err != nil {
			return err
		}
		if o.ID == 0 {
			if o, err = db.addOperatorTx(tx, Operator{}, name); err != nil {
				return err
			}
		}
		if err := db.saveProfileTx(tx, o, p, true); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyLastOperator, u64(o.ID))
	})
	if err != nil {
		return p, Operator{}, err
	}
	return p, o, nil
}

// activeOperatorNamed finds an active operator by name (zero if none).
func activeOperatorNamed(tx *bolt.Tx, name string) (Operator, error) {
	var found Operator
	err := tx.Bucket(bucketOperators).ForEach(func(_, v []byte) error {
		var o Operator
		if err := json.Unmarshal(v, &o); err != nil {
			return err
		}
		if o.Name == name && !o.Retired {
			found = o
		}
		return nil
	})
	return found, err
}
