package store

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Signer reads the office's signing key.
func (db *DB) Signer() (Signer, error) {
	var s Signer
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		s, err = signerTx(tx)
		return err
	})
	return s, err
}

func signerTx(tx *bolt.Tx) (Signer, error) {
	seed := tx.Bucket(bucketMeta).Get(keySigningKey)
	if len(seed) != ed25519.SeedSize {
		return Signer{}, fmt.Errorf("数据文件中没有单位签名密钥，请用本程序重新打开一次该文件（会自动补上）。")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	return Signer{Private: priv, Public: priv.Public().(ed25519.PublicKey)}, nil
}

// makeSigningKey gives a file its signing key if it has none.
func makeSigningKey(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if len(meta.Get(keySigningKey)) == ed25519.SeedSize {
		return nil
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return fmt.Errorf("无法生成单位签名密钥：%w", err)
	}
	return meta.Put(keySigningKey, seed)
}

// PublicText is the public key as the profile and the manifest hold it.
func (s Signer) PublicText() string { return base64.StdEncoding.EncodeToString(s.Public) }

// ParsePublicKey reads a public key written by PublicText.
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(text))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("签名公钥“%s”格式不对。", text)
	}
	return ed25519.PublicKey(b), nil
}

// Fingerprint is a public key in a form two people can compare by phone:
// the first 8 bytes of its SHA-256, as four groups of four hex digits.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(fmt.Sprintf("%x", sum[:8]))
	return h[0:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:16]
}
