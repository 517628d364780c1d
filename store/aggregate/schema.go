// Package aggregate is the receiving office's file (汇总文件): the street
// office or county bureau takes in the monthly bundles of its communities
// (Receive), refuses what does not verify or does not continue what it
// received before, and sums up the city (Summary) for the 汇总 screens and
// the report.
//
// # The file
//
// A bbolt file like a community's ledger, marked as an aggregate so that
// neither program side opens the other's file (store.Open refuses it with
// a *store.AggregateFileError, Open refuses a ledger):
//
//	meta/
//	  "app"     -> "taizhang"
//	  "kind"    -> "aggregate"  (store.KindAggregate)
//	  "schema"  -> uint64 BE    (version of the layout below: 1)
//	  "created" -> RFC 3339
//	  "office"  -> JSON Office  (the receiving office's name)
//	sources/      uint64 BE source id -> JSON Source: one community
//	              window's chain (its profile, signing key, chain position
//	              and the bundles received from it)
//	source_keys/  signing key (base64) -> uint64 BE source id
//	stations/     county code 0x1F community 0x1F station -> uint64 BE id of
//	              the station's current source (a new key makes a new
//	              source; the old one stays, marked replaced)
//	bundles/      manifest SHA-256 (hex) -> JSON Bundle (what was received)
//	certs/        source id + certificate id (uint64 BE each) -> head line,
//	              "\n", the certificate's JSON as the bundle carried it;
//	              the head line is serial, issue date, type no, type name,
//	              name, ID number and "1" (valid) or "0" (voided), joined
//	              by 0x1F, read without JSON for lists and the search
//	cert_months/  source id + "YYYYMM" (issue date) + certificate id -> empty
//	refusals/     source id + refusal id -> JSON store.Refusal
//	admissions/   source id + admission id -> JSON store.Admission (latest)
//	counts/       "YYYYMM" + source id -> JSON Count: the month's valid and
//	              voided certificates per type and refusals per reason,
//	              kept up to date as records come in, so a year's 汇总 is
//	              one range read
//	totals/       "YYYYMM" + source id -> uint64 BE: the month's valid
//	              certificates (the sum of its Count.Valid), for the
//	              charts of 12 months
//
// Every bundle is taken in by one write transaction: a crash leaves the
// file with the whole bundle or without it. Check proves the derived parts
// (counts, month index, chain positions) agree with the records.
package aggregate

import (
	"encoding/binary"
)

// Schema is the version of the layout.
const Schema = 1

var (
	bucketMeta       = []byte("meta")
	bucketSources    = []byte("sources")
	bucketSourceKeys = []byte("source_keys")
	bucketStations   = []byte("stations")
	bucketBundles    = []byte("bundles")
	bucketCerts      = []byte("certs")
	bucketCertMonths = []byte("cert_months")
	bucketRefusals   = []byte("refusals")
	bucketAdmissions = []byte("admissions")
	bucketCounts     = []byte("counts")
	bucketTotals     = []byte("totals")

	allBuckets = [][]byte{bucketMeta, bucketSources, bucketSourceKeys, bucketStations, bucketBundles,
		bucketCerts, bucketCertMonths, bucketRefusals, bucketAdmissions, bucketCounts, bucketTotals}

	keyApp     = []byte("app")
	keyKind    = []byte("kind")
	keySchema  = []byte("schema")
	keyCreated = []byte("created")
	keyOffice  = []byte("office")

	appMarker = []byte("taizhang")
)

const sep = "\x1f"

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func fromU64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// recordKey is source id + record id.
func recordKey(src, id uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, src)
	binary.BigEndian.PutUint64(k[8:], id)
	return k
}

// certMonthKey is source id + "YYYYMM" + certificate id.
func certMonthKey(src uint64, month string, id uint64) []byte {
	k := make([]byte, 0, 22)
	k = append(k, u64(src)...)
	k = append(k, month...)
	return append(k, u64(id)...)
}

// countKey is "YYYYMM" + source id.
func countKey(month string, src uint64) []byte {
	return append([]byte(month), u64(src)...)
}
