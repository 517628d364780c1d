package store

import (
	"crypto/ed25519"
	"time"
)

// Segment is what one month's bundle carries: the run of events from the
// one after the previous export's last event up to the last event dated in
// the month (Beijing time), and the records those events touched, as they
// stood after the segment's last event.
type Segment struct {
	Month string // 2026-11
	N     int    // this export's number among the exports of the month (1, 2 …)
	First uint64 // first event sequence (0 when the segment is empty)
	Last  uint64 // last event sequence (0 when the segment is empty)
	Prev  string // hash of the event before First (64 zeros for the first)
	Head  string // hash of Last (Prev when empty)
	// Late counts the events dated before Month that the segment carries
	// (a clock set back, or a month not exported on its own).
	Late int

	Profile      Profile
	Certificates []Certificate // touched by the segment, oldest first
	Refusals     []Refusal
	Admissions   []Admission

	counts Counts // from the segment's events
	start  uint64 // where the segment begins in the log, also when empty
	path   string // the ledger.db built by SegmentFor
}

// Counts are a segment's numbers per register, for the manifest and summary.
type Counts struct {
	Events       int            `json:"events"`
	Certificates int            `json:"certificates"` // issued in the segment
	Voided       int            `json:"voided"`       // voided in the segment
	Prints       int            `json:"prints"`
	Refusals     int            `json:"refusals"`
	Admissions   int            `json:"admissions"` // touched in the segment
	ByType       map[string]int `json:"by_type"`    // issued per certificate type name
	Late         int            `json:"late"`
	// Imported counts the certificates of the old ledger imported in the
	// segment (导入旧台账): historical records, not issued this month.
	Imported int `json:"imported,omitempty"`
}

// ExportRecord is the ledger's own record of one export (an export event).
type ExportRecord struct {
	Seq          uint64    `json:"seq"` // the export event
	Month        string    `json:"month"`
	N            int       `json:"n"`
	Bundle       string    `json:"bundle"` // folder name
	ManifestHash string    `json:"manifest_hash"`
	First        uint64    `json:"first"`
	Last         uint64    `json:"last"`
	Head         string    `json:"head"`
	Time         time.Time `json:"time"`
	Operator     string    `json:"operator"`
}

// Signer is the office's ed25519 signing key, kept in the ledger file and
// never exported.
type Signer struct {
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
}
