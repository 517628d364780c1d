package main

import (
	"taizhang/store"
	"taizhang/store/oldledger"
)

// importLedger is `taizhang import FILE --apply`: every row validated,
// one chained event each, indexed, durable when it returns.
func importLedger(db *store.DB, path string) (imported, rejected int, err error) {
	rep, err := oldledger.Import(db, path, oldledger.Options{Apply: true})
	return rep.Valid, rep.Rejected, err
}
