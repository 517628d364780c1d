package bundle

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"

	"taizhang/store"
)

// Format names this layout of bundle and manifest.
const Format = "taizhang-bundle/1"

// Manifest is MANIFEST.json, the bundle's signed table of contents. It
// holds no personal data (no names or ID numbers), so it can stay
// unencrypted when the files are.
//
// Encoding and signature: the file is UTF-8 JSON with the members in the
// order below, indented by two spaces, HTML characters not escaped, ending
// in a newline; "signature" is the last member. The signature is ed25519
// (RFC 8032) by the office key over the exact bytes of the file with the
// signature's value emptied, that is with `"signature": ""` in its place,
// written in standard base64 with padding. A verifier needs no JSON
// canonicalisation: it cuts the value out of the bytes it read.
type Manifest struct {
	Format     string `json:"format"`  // Format
	Program    string `json:"program"` // version of taizhang that wrote it
	Bundle     string `json:"bundle"`  // the folder's name as written
	CountyCode string `json:"county_code"`
	CountyName string `json:"county_name"`
	Community  string `json:"community"`
	Station    int    `json:"station"` // 窗口号
	Month      string `json:"month"`   // 2026-11
	N          int    `json:"n"`       // 1 for the month's first export, 2 for a re-export …

	Counts store.Counts `json:"counts"`
	// The chain segment: events First..Last (both 0 when the month has
	// none), Prev the hash of the event before First (64 zeros before the
	// first event) and Head the hash of Last (Prev when empty). A bundle's
	// Prev is the Head of the bundle before it.
	First uint64 `json:"first_seq"`
	Last  uint64 `json:"last_seq"`
	Prev  string `json:"prev_hash"`
	Head  string `json:"head_hash"`
	// PrevManifest is the SHA-256 of the previous bundle's MANIFEST.json as
	// the ledger recorded it ("" before the first export).
	PrevManifest string `json:"prev_manifest"`

	Encrypted bool        `json:"encrypted"`           // every file but this one is age-encrypted
	Recipient string      `json:"recipient,omitempty"` // the receiving office's age public key
	MaskedID  bool        `json:"masked_id"`           // ID numbers masked in the xlsx and csv files
	Files     []FileEntry `json:"files"`

	SigningKey  string `json:"signing_key"` // the office's ed25519 public key, base64
	Fingerprint string `json:"fingerprint"` // store.Fingerprint of it, to compare by phone
	Created     string `json:"created"`     // RFC 3339, Beijing time
	Signature   string `json:"signature"`
}

// FileEntry is one file of the bundle as written (encrypted when the
// bundle is).
type FileEntry struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
}

const sigMember = `"signature": "`

// encode writes m with an empty signature, the bytes that are signed.
func (m Manifest) encode() ([]byte, error) {
	m.Signature = ""
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sign returns the file's bytes: m encoded with its signature.
func (m Manifest) sign(key ed25519.PrivateKey) ([]byte, error) {
	body, err := m.encode()
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndex(body, []byte(sigMember+`"`))
	if i < 0 {
		return nil, errors.New("manifest: no signature member")
	}
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(key, body))
	i += len(sigMember)
	out := make([]byte, 0, len(body)+len(sig))
	out = append(append(append(out, body[:i]...), sig...), body[i:]...)
	return out, nil
}

// signedPart cuts the signature's value out of a manifest file's bytes and
// returns the bytes that were signed and the signature as written.
func signedPart(file []byte) (signed []byte, sig string, ok bool) {
	i := bytes.LastIndex(file, []byte(sigMember))
	if i < 0 {
		return nil, "", false
	}
	i += len(sigMember)
	j := bytes.IndexByte(file[i:], '"')
	if j < 0 {
		return nil, "", false
	}
	signed = append(append(make([]byte, 0, len(file)-j), file[:i]...), file[i+j:]...)
	return signed, string(file[i : i+j]), true
}

// checkSignature says whether file's signature is by the key it names.
func checkSignature(m Manifest, file []byte) bool {
	signed, sig, ok := signedPart(file)
	if !ok || sig != m.Signature {
		return false
	}
	pub, err := base64.StdEncoding.DecodeString(m.SigningKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	// Strict: the unused bits of the last character must be zero, so
	// that a signature has one spelling and a manifest's bytes (whose hash
	// names the bundle) one form.
	raw, err := base64.StdEncoding.Strict().DecodeString(sig)
	if err != nil {
		return false
	}
	return ed25519.Verify(pub, signed, raw)
}

// HashManifest is the hash the ledger records for a bundle: hex SHA-256 of
// the MANIFEST.json file's bytes.
func HashManifest(file []byte) string {
	h := sha256.Sum256(file)
	return hex.EncodeToString(h[:])
}
