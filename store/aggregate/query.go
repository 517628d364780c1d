package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"taizhang/assets"
	"taizhang/store"
)

// MonthRows lists a source's certificates issued in a month, newest
// first, for the read-only ledger.
func (db *DB) MonthRows(src uint64, year int, month time.Month) ([]store.CertRow, error) {
	prefix := append(u64(src), fmt.Sprintf("%04d%02d", year, int(month))...)
	var out []store.CertRow
	err := db.bolt.View(func(tx *bolt.Tx) error {
		certs := tx.Bucket(bucketCerts)
		c := tx.Bucket(bucketCertMonths).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			id := fromU64(k[len(prefix):])
			if h, _, ok := parseHead(certs.Get(recordKey(src, id))); ok {
				out = append(out, h.row(id))
			}
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

func (h certHead) row(id uint64) store.CertRow {
	return store.CertRow{ID: id, Serial: h.serial, IssueDate: h.date, TypeNo: h.typeNo, Name: h.name, IDNumber: h.idNumber, Voided: !h.valid}
}

// AllRows calls fn for every certificate of a source, oldest first (for
// the search index).
func (db *DB) AllRows(src uint64, fn func(store.CertRow)) error {
	prefix := u64(src)
	return db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketCerts).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if h, _, ok := parseHead(v); ok {
				fn(h.row(fromU64(k[8:])))
			}
		}
		return nil
	})
}

// Certificate reads one certificate of a source.
func (db *DB) Certificate(src, id uint64) (store.Certificate, error) {
	var c store.Certificate
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketCerts).Get(recordKey(src, id))
		if v == nil {
			return store.ErrNotFound
		}
		_, raw, ok := parseHead(v)
		if !ok {
			return fmt.Errorf("汇总文件中第 %d 号来源的第 %d 号证明无法读取，请运行 taizhang check。", src, id)
		}
		return json.Unmarshal(raw, &c)
	})
	return c, err
}

// Period is a run of months, both ends included (2026-01..2026-12).
type Period struct{ From, To string }

// ParsePeriod reads 2026-11 or 2026-10..2026-12 (each month as
// store.ParseMonth takes it).
func ParsePeriod(s string) (Period, error) {
	from, to, isRange := strings.Cut(strings.TrimSpace(s), "..")
	a, err := store.ParseMonth(from)
	if err != nil {
		return Period{}, err
	}
	p := Period{a.Format("2006-01"), a.Format("2006-01")}
	if isRange {
		b, err := store.ParseMonth(to)
		if err != nil {
			return Period{}, err
		}
		p.To = b.Format("2006-01")
	}
	if p.To < p.From {
		return p, fmt.Errorf("月份范围 %s 的结束月早于开始月，请写成 2026-01..2026-12 这样从早到晚。", s)
	}
	return p, nil
}

// MonthPeriod is one month.
func MonthPeriod(month string) Period { return Period{month, month} }

// Months lists the period's months.
func (p Period) Months() []string {
	var out []string
	for m := p.From; m <= p.To; m = nextMonth(m) {
		out = append(out, m)
	}
	return out
}

// Shift moves the period by n of its own lengths (the next quarter, the
// year before).
func (p Period) Shift(n int) Period {
	l := len(p.Months())
	return Period{addMonths(p.From, n*l), addMonths(p.To, n*l)}
}

// String names the period: 2026年11月, 2026年第4季度, 2026年, or
// 2026年3月至2026年5月.
func (p Period) String() string {
	y, from, to := p.From[:4], p.From[5:], p.To[5:]
	switch {
	case p.From == p.To:
		return store.ChineseMonthOf(p.From)
	case p.From[:4] == p.To[:4] && from == "01" && to == "12":
		return y + "年"
	case p.From[:4] == p.To[:4] && len(p.Months()) == 3 && (from == "01" || from == "04" || from == "07" || from == "10"):
		m, _ := strconv.Atoi(from)
		return fmt.Sprintf("%s年第%d季度", y, (m-1)/3+1)
	}
	return store.ChineseMonthOf(p.From) + "至" + store.ChineseMonthOf(p.To)
}

// Line is one community's figures over a period (or the total's).
type Line struct {
	CountyCode, CountyName, Community string
	Stations                          int            // windows received
	Valid                             map[string]int // valid certificates per type name
	Voided                            map[string]int // voided, per type name
	Refusals                          map[string]int // per reason
	InForce                           []store.Admission
	ByMonth                           map[string]int // valid certificates per month
}

func newLine() Line {
	return Line{Valid: map[string]int{}, Voided: map[string]int{}, Refusals: map[string]int{}, ByMonth: map[string]int{}}
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// ValidTotal, VoidedTotal and RefusalTotal add up a line.
func (l Line) ValidTotal() int   { return total(l.Valid) }
func (l Line) VoidedTotal() int  { return total(l.Voided) }
func (l Line) RefusalTotal() int { return total(l.Refusals) }

func (l *Line) add(c Count, month string) {
	for k, n := range c.Valid {
		l.Valid[k] += n
		l.ByMonth[month] += n
	}
	for k, n := range c.Voided {
		l.Voided[k] += n
	}
	for k, n := range c.Refusals {
		l.Refusals[k] += n
	}
}

// Summary is the 汇总 of a period: per community, and in total.
type Summary struct {
	Office string
	Period Period
	Lines  []Line // per community: county code, then name
	Total  Line
	Types  []string // every certificate type with a count: the 附件4 order, then admitted types
}

// Summary sums up the period from the precomputed counts (one range read)
// and lists the admissions in force at the end of its last month.
func (db *DB) Summary(p Period) (Summary, error) {
	sum := Summary{Office: db.office.Name, Period: p, Total: newLine()}
	lines := map[string]*Line{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		groups, err := db.sourceGroups(tx)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if lines[g.key] == nil {
				l := newLine()
				l.CountyCode, l.CountyName, l.Community = g.county, g.countyName, g.community
				lines[g.key] = &l
			}
			if g.current {
				lines[g.key].Stations++
			}
		}
		err = eachMonth(tx, bucketCounts, p, func(month string, src uint64, v []byte) error {
			var cnt Count
			if err := json.Unmarshal(v, &cnt); err != nil {
				return err
			}
			if l := lines[groups[src].key]; l != nil {
				l.add(cnt, month)
			}
			sum.Total.add(cnt, month)
			return nil
		})
		if err != nil {
			return err
		}
		return inForce(tx, groups, lines, &sum.Total, endOf(p.To))
	})
	if err != nil {
		return sum, err
	}
	for _, l := range lines {
		sum.Lines = append(sum.Lines, *l)
		sum.Total.Stations += l.Stations
	}
	sort.Slice(sum.Lines, func(i, j int) bool {
		a, b := sum.Lines[i], sum.Lines[j]
		if a.CountyCode != b.CountyCode {
			return a.CountyCode < b.CountyCode
		}
		return a.Community < b.Community
	})
	sum.Types = typeOrder(sum.Total)
	return sum, nil
}

// eachMonth calls fn for every entry of a bucket keyed "YYYYMM" + source
// id within the period.
func eachMonth(tx *bolt.Tx, bucket []byte, p Period, fn func(month string, src uint64, v []byte) error) error {
	from, to := []byte(store.MonthKey(p.From)), []byte(store.MonthKey(p.To))
	c := tx.Bucket(bucket).Cursor()
	for k, v := c.Seek(from); k != nil && len(k) == 14 && bytes.Compare(k[:6], to) <= 0; k, v = c.Next() {
		if err := fn(string(k[:4])+"-"+string(k[4:6]), fromU64(k[6:]), v); err != nil {
			return err
		}
	}
	return nil
}

// endOf is noon of a month's last day, Beijing time: when "in force at
// the end of the month" is judged.
func endOf(month string) time.Time {
	t, err := time.ParseInLocation("2006-01", month, store.Beijing)
	if err != nil {
		return time.Time{}
	}
	return t.AddDate(0, 1, -1).Add(12 * time.Hour)
}

// inForce adds the admissions in force at t to their community's line.
func inForce(tx *bolt.Tx, groups map[uint64]group, lines map[string]*Line, tot *Line, t time.Time) error {
	return tx.Bucket(bucketAdmissions).ForEach(func(k, v []byte) error {
		var a store.Admission
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		if !a.InForce(t) {
			return nil
		}
		if l := lines[groups[fromU64(k[:8])].key]; l != nil {
			l.InForce = append(l.InForce, a)
		}
		tot.InForce = append(tot.InForce, a)
		return nil
	})
}

// typeOrder lists the types with a count: 附件4's in its order, then the
// others (admitted types) by name.
func typeOrder(l Line) []string {
	have := map[string]bool{}
	for t := range l.Valid {
		have[t] = true
	}
	for t := range l.Voided {
		have[t] = true
	}
	var out []string
	if cat, err := assets.LoadCatalog(); err == nil {
		for _, it := range cat.List(assets.Certificates).Items {
			if have[it.Text] {
				out = append(out, it.Text)
				delete(have, it.Text)
			}
		}
	}
	var rest []string
	for t := range have {
		rest = append(rest, t)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// Trend is the valid certificates per month over the months up to to,
// per community and in total, for the bar charts.
type Trend struct {
	Months      []string
	Total       []int
	ByCommunity map[string][]int // by county code 0x1F community (Line.Key)
}

// Key is the line's community as Trend.ByCommunity names it.
func (l Line) Key() string { return l.CountyCode + sep + l.Community }

// Trend counts the valid certificates of the n months up to to, from the
// month totals (8 bytes per month and window).
func (db *DB) Trend(to string, n int) (Trend, error) {
	p := Period{addMonths(to, 1-n), to}
	t := Trend{Months: p.Months(), Total: make([]int, n), ByCommunity: map[string][]int{}}
	at := map[string]int{}
	for i, m := range t.Months {
		at[m] = i
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		groups, err := db.sourceGroups(tx)
		if err != nil {
			return err
		}
		for _, g := range groups {
			if t.ByCommunity[g.key] == nil {
				t.ByCommunity[g.key] = make([]int, n)
			}
		}
		return eachMonth(tx, bucketTotals, p, func(month string, src uint64, raw []byte) error {
			i, v := at[month], int(fromU64(raw))
			t.Total[i] += v
			if per := t.ByCommunity[groups[src].key]; per != nil {
				per[i] += v
			}
			return nil
		})
	})
	return t, err
}
