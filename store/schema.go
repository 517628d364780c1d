// Package store keeps the ledger: the community profile, operators and (in
// later schema versions) the certificates, refusals and admissions with their
// event log, in one bbolt file.
//
// # Bucket layout
//
//	meta/                      schema and identity of the file
//	  "app"       -> "taizhang"            (marks a ledger file)
//	  "schema"    -> uint64 big-endian     (version of the layout below)
//	  "created"   -> RFC 3339 text         (when the file was made)
//	profile/
//	  "current"   -> JSON Profile          (the community this ledger belongs to)
//	operators/
//	  uint64 BE id -> JSON Operator        (id from the bucket's NextSequence)
//	  "last"      -> uint64 BE id          (the operator at the desk last time; in meta)
//
// Keys that are numbers are big-endian uint64 so that cursors walk them in
// order. Values are JSON so a record read back by a later version keeps the
// fields it does not know. Every schema change is a migration in
// migrations.go, applied in order inside one write transaction.
package store

import "encoding/binary"

// Bucket and key names.
var (
	bucketMeta      = []byte("meta")
	bucketProfile   = []byte("profile")
	bucketOperators = []byte("operators")

	keyApp          = []byte("app")
	keySchema       = []byte("schema")
	keyCreated      = []byte("created")
	keyProfile      = []byte("current")
	keyLastOperator = []byte("last_operator")

	appMarker = []byte("taizhang")
)

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func fromU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
