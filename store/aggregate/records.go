package aggregate

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"taizhang/store"
)

// Count is one month of one source: valid and voided certificates issued
// in the month per type name, and refusals per reason.
type Count struct {
	Valid    map[string]int `json:"valid,omitempty"`
	Voided   map[string]int `json:"voided,omitempty"`
	Refusals map[string]int `json:"refusals,omitempty"`
}

func bump(m *map[string]int, k string, n int) {
	if *m == nil {
		*m = map[string]int{}
	}
	(*m)[k] += n
	if (*m)[k] == 0 {
		delete(*m, k)
	}
}

// add adds o to c.
func (c *Count) add(o Count) {
	for k, n := range o.Valid {
		bump(&c.Valid, k, n)
	}
	for k, n := range o.Voided {
		bump(&c.Voided, k, n)
	}
	for k, n := range o.Refusals {
		bump(&c.Refusals, k, n)
	}
}

func (c Count) empty() bool { return len(c.Valid) == 0 && len(c.Voided) == 0 && len(c.Refusals) == 0 }

// certHead is a certificate's head line in bucket certs.
type certHead struct {
	serial, date, typeName, name, idNumber string
	typeNo                                 int
	valid                                  bool
}

func headOf(h store.CertHead) certHead {
	return certHead{serial: h.Serial, date: h.IssueDate, typeNo: h.TypeNo, typeName: h.TypeName,
		name: h.Name, idNumber: h.IDNumber, valid: h.Status != store.Voided}
}

func (h certHead) encode() []byte {
	v := "0"
	if h.valid {
		v = "1"
	}
	return []byte(strings.Join([]string{h.serial, h.date, strconv.Itoa(h.typeNo), h.typeName, h.name, h.idNumber, v}, sep))
}

// parseHead reads the head line of a certs value; json is what follows it.
func parseHead(v []byte) (h certHead, json []byte, ok bool) {
	line, rest, found := bytes.Cut(v, []byte("\n"))
	f := strings.Split(string(line), sep)
	if !found || len(f) != 7 {
		return h, nil, false
	}
	n, _ := strconv.Atoi(f[2])
	return certHead{serial: f[0], date: f[1], typeNo: n, typeName: f[3], name: f[4], idNumber: f[5], valid: f[6] == "1"}, rest, true
}

// count is what the certificate adds to its month's Count.
func (h certHead) count(sign int) Count {
	var c Count
	if h.valid {
		bump(&c.Valid, h.typeName, sign)
	} else {
		bump(&c.Voided, h.typeName, sign)
	}
	return c
}

func refusalCount(r store.Refusal, sign int) Count {
	var c Count
	bump(&c.Refusals, string(r.Reason), sign)
	return c
}

// deltas gathers the changes to the counts of one transaction, written
// once at the end.
type deltas map[string]*Count

func (d deltas) add(month string, src uint64, c Count) {
	k := string(countKey(month, src))
	if d[k] == nil {
		d[k] = &Count{}
	}
	d[k].add(c)
}

func (d deltas) write(tx *bolt.Tx) error {
	bk, totals := tx.Bucket(bucketCounts), tx.Bucket(bucketTotals)
	for k, delta := range d {
		var c Count
		if v := bk.Get([]byte(k)); v != nil {
			if err := json.Unmarshal(v, &c); err != nil {
				return err
			}
		}
		c.add(*delta)
		if c.empty() {
			if err := bk.Delete([]byte(k)); err != nil {
				return err
			}
		} else if err := putJSON(bk, []byte(k), c); err != nil {
			return err
		}
		if err := putTotal(totals, []byte(k), c.validTotal()); err != nil {
			return err
		}
	}
	return nil
}

func (c Count) validTotal() int {
	n := 0
	for _, v := range c.Valid {
		n += v
	}
	return n
}

func putTotal(bk *bolt.Bucket, k []byte, n int) error {
	if n == 0 {
		return bk.Delete(k)
	}
	return bk.Put(k, u64(uint64(n)))
}

// fill is the page fill of the record buckets: within a source, ids only
// grow, so new records land at the end of its range.
const fill = 0.9

// apply writes a bundle decided on: its window, the bundle, and its
// records with the counts they change.
func apply(tx *bolt.Tx, p *plan, in incoming) (Changes, error) {
	added := Changes{CertMonths: map[string]int{}}
	if err := p.placeSource(tx); err != nil {
		return added, err
	}
	src := p.src.ID
	d := deltas{}
	certs, months := tx.Bucket(bucketCerts), tx.Bucket(bucketCertMonths)
	certs.FillPercent, months.FillPercent = fill, fill
	for _, c := range in.certs {
		h := headOf(c.head)
		key := recordKey(src, c.head.ID)
		if old := certs.Get(key); old != nil {
			oh, _, ok := parseHead(old)
			if ok {
				d.add(store.MonthKey(oh.date), src, oh.count(-1))
				if store.MonthKey(oh.date) != store.MonthKey(h.date) {
					if err := months.Delete(certMonthKey(src, store.MonthKey(oh.date), c.head.ID)); err != nil {
						return added, err
					}
				}
			}
			added.UpdatedCerts++
		} else {
			added.NewCerts++
		}
		val := append(append(h.encode(), '\n'), c.raw...)
		if err := certs.Put(key, val); err != nil {
			return added, err
		}
		if err := months.Put(certMonthKey(src, store.MonthKey(h.date), c.head.ID), nil); err != nil {
			return added, err
		}
		d.add(store.MonthKey(h.date), src, h.count(1))
		added.CertMonths[c.head.IssueDate[:min(7, len(c.head.IssueDate))]]++
	}
	refusals := tx.Bucket(bucketRefusals)
	refusals.FillPercent = fill
	for _, r := range in.refusals {
		key := recordKey(src, r.rec.ID)
		if old := refusals.Get(key); old != nil {
			var o store.Refusal
			if err := json.Unmarshal(old, &o); err != nil {
				return added, err
			}
			d.add(store.MonthKey(o.Date), src, refusalCount(o, -1))
		} else {
			added.NewRefusals++
		}
		if err := refusals.Put(key, r.raw); err != nil {
			return added, err
		}
		d.add(store.MonthKey(r.rec.Date), src, refusalCount(r.rec, 1))
	}
	for _, a := range in.admissions {
		if err := tx.Bucket(bucketAdmissions).Put(recordKey(src, a.rec.ID), a.raw); err != nil {
			return added, err
		}
		added.Admissions++
	}
	if err := d.write(tx); err != nil {
		return added, err
	}
	p.src.Certs += added.NewCerts
	p.src.Refusals += added.NewRefusals
	p.bundle.Source = src
	if err := putJSON(tx.Bucket(bucketSources), u64(src), p.src); err != nil {
		return added, err
	}
	return added, putJSON(tx.Bucket(bucketBundles), []byte(p.bundle.Hash), p.bundle)
}

// placeSource gives a new window its id and indexes, hands the window over
// from an earlier key, and follows a renamed community.
func (p *plan) placeSource(tx *bolt.Tx) error {
	sources, stations := tx.Bucket(bucketSources), tx.Bucket(bucketStations)
	if p.isNew {
		id, err := sources.NextSequence()
		if err != nil {
			return err
		}
		p.src.ID = id
		if err := tx.Bucket(bucketSourceKeys).Put([]byte(p.src.SigningKey), u64(id)); err != nil {
			return err
		}
		if p.replaces != nil {
			old, err := getSource(tx, p.replaces.ID)
			if err != nil {
				return err
			}
			old.Replaced = id
			if err := putJSON(sources, u64(old.ID), old); err != nil {
				return err
			}
		}
	}
	key := stationKey(p.src.Profile)
	if p.oldKey != nil && !bytes.Equal(p.oldKey, key) && fromU64(stations.Get(p.oldKey)) == p.src.ID {
		if err := stations.Delete(p.oldKey); err != nil {
			return err
		}
	}
	if p.src.Replaced != 0 { // an old key of the window, still sending
		return nil
	}
	return stations.Put(key, u64(p.src.ID))
}
