package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"taizhang/assets"
	"taizhang/store/fold"

	bolt "go.etcd.io/bbolt"
)

// Profile is the community this ledger belongs to.
type Profile struct {
	Community    string `json:"community"`     // 社区名称, e.g. 英雄南路社区
	Street       string `json:"street"`        // 所属街道办事处
	CountyCode   string `json:"county_code"`   // GB/T 2260, one of the current Changzhi divisions
	CountyName   string `json:"county_name"`   // kept with the code so printouts need no table
	SerialPrefix string `json:"serial_prefix"` // 证明编号前缀, printed before 2026-0001
	Phone        string `json:"phone"`         // 联系电话
	ReceiverKey  string `json:"receiver_key,omitempty"`
	// Station is the window (窗口号) of an office that runs several PCs,
	// each with its own ledger: 1 by default; from 2 on it is part of every
	// serial (2026-2-0001) and bundle name, so two PCs never issue the same
	// number.
	Station int `json:"station,omitempty"`
	// SigningKey is the base64 ed25519 public key the office signs its
	// bundles with (set by the ledger, not typed).
	SigningKey string `json:"signing_key,omitempty"`
	// BackupCopy is a second folder (usually on a USB stick) that gets a
	// copy of every automatic backup; empty for none.
	BackupCopy string `json:"backup_copy,omitempty"`
	// RetentionYears: 设置 lists the certificates and refusals older than
	// this many years for review (DefaultRetentionYears when 0). Nothing
	// is deleted.
	RetentionYears int `json:"retention_years,omitempty"`
}

// MaxStation is the highest window number.
const MaxStation = 99

// StationNo is the window number, 1 when unset.
func (p Profile) StationNo() int { return max(p.Station, 1) }

// CommitteeName is the committee's full name as printed under a certificate.
func (p Profile) CommitteeName() string {
	if strings.HasSuffix(p.Community, "居民委员会") || strings.HasSuffix(p.Community, "居委会") {
		return p.Community
	}
	return p.Community + "居民委员会"
}

// Normalize trims every field and folds full-width digits in the phone.
func (p Profile) Normalize() Profile {
	p.Community = CleanText(p.Community)
	p.Street = CleanText(p.Street)
	p.CountyCode = strings.TrimSpace(p.CountyCode)
	p.SerialPrefix = CleanText(p.SerialPrefix)
	p.Phone = strings.ReplaceAll(fold.Width(CleanText(p.Phone)), " ", "")
	p.Station = p.StationNo()
	return p
}

// Validate checks a normalised profile and fills CountyName. The first
// problem found is returned as a *FieldError naming the field.
func (p *Profile) Validate() error {
	if err := checkText("社区名称", p.Community, 2, 30, true); err != nil {
		return err
	}
	if err := checkText("所属街道办事处", p.Street, 2, 30, true); err != nil {
		return err
	}
	divs, err := assets.LoadDivisions()
	if err != nil {
		return err
	}
	d, ok := divs.Find(p.CountyCode)
	if !ok {
		return &FieldError{"县（市、区）", "请从长治市现行的县（市、区）中选择一个。"}
	}
	p.CountyName = d.Name
	if err := checkText("证明编号前缀", p.SerialPrefix, 0, 12, false); err != nil {
		return err
	}
	if strings.ContainsAny(p.SerialPrefix, " \t") {
		return &FieldError{"证明编号前缀", "不能含有空格。"}
	}
	if p.RetentionYears < 0 || p.RetentionYears > MaxRetentionYears {
		return &FieldError{"复核年限", fmt.Sprintf("请填 1 到 %d 之间的年数。", MaxRetentionYears)}
	}
	p.Station = p.StationNo()
	if p.Station > MaxStation {
		return &FieldError{"窗口号", "请填 1 到 99 之间的数字；只有一台电脑的社区填 1。"}
	}
	if p.Phone != "" {
		digits := 0
		for _, r := range p.Phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '-':
			default:
				return &FieldError{"联系电话", "只能填数字和“-”，例如 0355-2021234 或 13812345678。"}
			}
		}
		if digits < 7 || digits > 13 {
			return &FieldError{"联系电话", "位数不对：固定电话 7–12 位（可带区号），手机 11 位。"}
		}
	}
	return nil
}

// CleanText brings text to Unicode NFC (the same text typed in composed or
// decomposed form is stored alike), trims white space (including the
// ideographic space U+3000), folds inner runs of white space to one space,
// and leaves every other character as typed.
func CleanText(s string) string {
	if !nfcInert(s) {
		s = norm.NFC.String(s)
	}
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	s = strings.TrimFunc(s, unicode.IsSpace)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CleanLines is CleanText for text of several paragraphs: each line is
// cleaned, blank lines at either end are dropped and runs of blank lines
// become one.
func CleanLines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = CleanText(l)
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// checkText refuses empty required text, lengths out of range and control or
// invisible characters (see text.go).
func checkText(field, s string, min, max int, required bool) error {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		if required {
			return &FieldError{field, "必须填写。"}
		}
		return nil
	}
	if msg := textProblem(s); msg != "" {
		return &FieldError{field, msg}
	}
	if n < min {
		return &FieldError{field, "太短，请填写完整（至少 " + strconv.Itoa(min) + " 个字）。"}
	}
	if n > max {
		return &FieldError{field, TooLong(n, max)}
	}
	return nil
}

// Invisible reports control, format (zero-width, bidi) and private-use
// characters, which must not end up in a printed record.
func Invisible(r rune) bool {
	if r >= 0x20 && r < 0x7F || r >= 0x4E00 && r <= 0x9FFF { // most of what a ledger holds
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || r == utf8.RuneError
}

// nfcInert reports text that NFC leaves as it is because every character
// in it is: ASCII or a CJK unified ideograph (U+4E00–U+9FFF), none of
// which composes with its neighbours (TestNFCInert). It saves the
// normalisation's table lookups on most of what a ledger holds.
func nfcInert(s string) bool {
	for _, r := range s {
		if r >= 0x80 && (r < 0x4E00 || r > 0x9FFF) {
			return false
		}
	}
	return true
}

// Profile returns the community profile, or ErrNoProfile.
func (db *DB) Profile() (Profile, error) {
	var p Profile
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		p, err = profileTx(tx)
		return err
	})
	return p, err
}

func profileTx(tx *bolt.Tx) (Profile, error) {
	var p Profile
	v := tx.Bucket(bucketProfile).Get(keyProfile)
	if v == nil {
		return p, ErrNoProfile
	}
	return p, json.Unmarshal(v, &p)
}

// SaveProfile validates and stores the profile (an event, so the ledger
// can show when it changed and who changed it). With overwrite false an
// existing profile is not replaced (ProfileExistsError).
func (db *DB) SaveProfile(op Operator, p Profile, overwrite bool) (Profile, error) {
	p = p.Normalize()
	if err := p.Validate(); err != nil {
		return p, err
	}
	err := db.update(func(tx *bolt.Tx) error {
		return db.saveProfileTx(tx, op, p, overwrite)
	})
	return p, err
}

func (db *DB) saveProfileTx(tx *bolt.Tx, op Operator, p Profile, overwrite bool) error {
	if old := tx.Bucket(bucketProfile).Get(keyProfile); old != nil && !overwrite {
		var cur Profile
		_ = json.Unmarshal(old, &cur)
		return &ProfileExistsError{Community: cur.Community}
	}
	signer, err := signerTx(tx)
	if err != nil {
		return err
	}
	p.SigningKey = signer.PublicText()
	_, err = db.appendEvent(tx, op, db.now(), EvProfile, 0, p)
	return err
}
