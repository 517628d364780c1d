package store

// Setup writes the profile and the first operator in one go (the first-run
// screen and `taizhang init`). With force false an existing profile is kept
// and a ProfileExistsError returned.
func (db *DB) Setup(p Profile, operator string, force bool) (Profile, Operator, error) {
	if _, err := validOperatorName(operator); err != nil {
		return p, Operator{}, err
	}
	p = p.Normalize()
	if err := p.Validate(); err != nil {
		return p, Operator{}, err
	}
	if !force {
		if cur, err := db.Profile(); err == nil {
			return p, Operator{}, &ProfileExistsError{Community: cur.Community}
		}
	}
	p, err := db.SaveProfile(p, true)
	if err != nil {
		return p, Operator{}, err
	}
	ops, err := db.Operators()
	if err != nil {
		return p, Operator{}, err
	}
	name := CleanText(operator)
	for _, o := range ops {
		if o.Name == name && !o.Retired {
			return p, o, db.SetLastOperator(o.ID)
		}
	}
	o, err := db.AddOperator(name)
	if err != nil {
		return p, o, err
	}
	return p, o, db.SetLastOperator(o.ID)
}
