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
//	meta/"last_operator" -> uint64 BE id  (the operator at the desk last time)
//	meta/"newest"        -> RFC 3339 time  (time of the newest event: the clock check)
//
// Version 2 adds the event log and the records it adds up to:
//
//	events/       uint64 BE seq -> JSON Event (hash-chained; see events.go)
//	subjects/     group byte ('c' cert, 'r' refusal, 'a' admission) + uint64 BE
//	              record id + uint64 BE seq -> empty   (a record's history)
//	certs/        uint64 BE id -> JSON Certificate   (id from NextSequence)
//	cert_rows/    "YYYYMM" + uint64 BE id -> row text (the ledger's list line:
//	              serial, date, type no, name, ID number, status, joined by
//	              0x1F; a month is one cursor range, read without JSON)
//	cert_serials/ "2026-0001" -> uint64 BE id
//	cert_person/  18-char ID number + uint64 BE id -> empty (duplicate check)
//	serials/      "2026" -> uint64 BE last number issued that year
//	refusals/     "YYYYMM" + uint64 BE id -> JSON Refusal
//
// Version 3 adds the approval forms (部门工作进社区准入审批表):
//
//	admissions/   uint64 BE id -> JSON Admission   (id from NextSequence;
//	              written only by applyEvent from the admission.save and
//	              admission.status events; 已到期 is never stored, it is
//	              derived from the end month when read)
//
// Version 4 puts the profile and the operators in the event log: bucket
// profile and operators are written only by applyEvent from the
// profile.set, operator.add and operator.set events (subjects group 'p' and
// 'o'); the migration records the state a file already had as such events
// and raises meta/newest to the newest event time, which from then on only
// moves forward. Certificates keep the issuer (committee name, serial
// prefix, phone) they were issued under.
//
// Version 5 is for the monthly export:
//
//	checkpoints/  "YYYYMM" (Beijing month of the event time) -> JSON
//	              checkpoint {first, last, head, events}: a month's run of
//	              the log found with one read
//	exports/      uint64 BE seq of the export.done event -> JSON ExportRecord
//	meta/"signing_key" -> 32-byte ed25519 seed of the office's signing key
//	              (never exported; its public half is Profile.SigningKey)
//
// and Profile.Station (窗口号, 1 unless the office has several PCs; serials
// of station 2 and up read 2026-2-0001).
//
// Version 6 is for privacy (个人信息保护法):
//
//	pins/         uint64 BE operator id -> JSON pinRecord (argon2id hash,
//	              salt and parameters of the operator's PIN; never
//	              exported; check proves it against the commitment in the
//	              operator's newest operator.pin event, see pin.go)
//
// with two event kinds that change no other bucket: cert.id_shown (a
// worker showed a certificate's whole ID number) and operator.pin; and
// Profile.RetentionYears (旧记录复核的年限).
//
// Version 7 stores the same in about a third of the space:
//
//	events/       uint64 BE seq -> 0x01 + the event's canonical JSON packed
//	              (pack.go), which unpacks to exactly the bytes its hash is
//	              over; a value that does not pack stays plain JSON
//	cert_state/   uint64 BE id -> certState (certstate.go): the seq of the
//	              cert.issue event, the issue month, the print count and the
//	              seqs of the later events (void …). It replaces certs/: a
//	              certificate is its issue event's data with those applied,
//	              and its id comes from this bucket's NextSequence.
//	meta/"compact" -> present while the file should be rewritten without
//	              its free pages (compact.go; Open does it and removes it)
//	meta/"replaced" -> written into a file after its compacted copy was
//	              renamed over it: a program that opened it meanwhile opens
//	              the path again
//
// Buckets whose keys arrive in order fill their pages (appendOnly; events
// entirely, as they are never rewritten).
//
// A bundle's ledger.db (segment.go) has the same layout with meta/"kind" =
// "segment" and meta/"segment" = JSON segmentMeta, the month's events in
// events/ (keys are their sequence numbers in the office's ledger) and, in
// base_events/, the earlier events of the records the month touched, so
// that check can replay it on its own. It keeps the version 5 forms: plain
// JSON events and whole certificates in certs/ (other offices' programs
// read them as they are).
//
// Which buckets are derived from the events, and how check proves it, is in
// check.go.
//
// Keys that are numbers are big-endian uint64 so that cursors walk them in
// order. Values are JSON so a record read back by a later version keeps the
// fields it does not know. Every schema change is a migration in
// migrations.go, applied in order inside one write transaction.
package store

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names.
var (
	bucketMeta      = []byte("meta")
	bucketProfile   = []byte("profile")
	bucketOperators = []byte("operators")

	keyApp            = []byte("app")
	keySchema         = []byte("schema")
	keyCreated        = []byte("created")
	bucketEvents      = []byte("events")
	bucketSubjects    = []byte("subjects")
	bucketCerts       = []byte("certs")
	bucketCertRows    = []byte("cert_rows")
	bucketCertState   = []byte("cert_state")
	bucketCertSerials = []byte("cert_serials")
	bucketCertPerson  = []byte("cert_person")
	bucketSerials     = []byte("serials")
	bucketRefusals    = []byte("refusals")
	bucketAdmissions  = []byte("admissions")
	bucketCheckpoints = []byte("checkpoints")
	bucketExports     = []byte("exports")
	bucketBaseEvents  = []byte("base_events")
	bucketPins        = []byte("pins")

	keyProfile      = []byte("current")
	keyNewest       = []byte("newest")
	keyLastOperator = []byte("last_operator")
	keySigningKey   = []byte("signing_key")
	keyKind         = []byte("kind")
	keySegment      = []byte("segment")
	keyCompact      = []byte("compact")
	keyReplaced     = []byte("replaced")

	appMarker = []byte("taizhang")
)

// appendFill is the page fill for buckets whose keys only grow (sequence
// numbers, month+id): bbolt's default of one half leaves pages half empty
// when keys arrive in order.
const appendFill = 0.9

// appendOnly returns a bucket whose new keys come in ascending order, set to
// fill its pages (the handle is the same for the whole transaction).
func appendOnly(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = appendFill
	return b
}

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
