package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"

	bolt "go.etcd.io/bbolt"

	"taizhang/store"
)

// CheckReport is what Check found: how much the file holds, all of it
// consistent.
type CheckReport struct {
	Sources, Bundles, Certificates, Refusals, Admissions int
}

func (r CheckReport) String() string {
	return fmt.Sprintf("来源（社区窗口）%d 个，导出包 %d 个；证明 %d 份，拒绝出具 %d 条，准入申请 %d 份。各项统计与记录一致，每个来源的事件链位置与收到的导出包一致。",
		r.Sources, r.Bundles, r.Certificates, r.Refusals, r.Admissions)
}

// CheckError: a derived part of the file disagrees with the records.
type CheckError struct{ What string }

func (e *CheckError) Error() string {
	return "汇总文件核对未通过：" + e.What + "。汇总文件在本程序之外被改动过或已损坏：请保留它，用备份恢复，或新建汇总文件后重新接收各社区的导出包。"
}

func inconsistent(format string, args ...any) error {
	return &CheckError{fmt.Sprintf(format, args...)}
}

// Check proves the file: the counts are what the records add up to, the
// month index lists every certificate and nothing else, every source's
// chain position is that of the last bundle received from it, and every
// bundle and index names a source that is there. It only reads.
func (db *DB) Check() (CheckReport, error) {
	var rep CheckReport
	err := db.bolt.View(func(tx *bolt.Tx) error {
		sources, err := checkSources(tx, &rep)
		if err != nil {
			return err
		}
		want := deltas{}
		certs := tx.Bucket(bucketCerts)
		err = certs.ForEach(func(k, v []byte) error {
			h, raw, ok := parseHead(v)
			var c store.CertHead
			if !ok || json.Unmarshal(raw, &c) != nil || headOf(c) != h || c.ID != fromU64(k[8:]) {
				return inconsistent("第 %d 号来源的第 %d 号证明的索引行与内容不符", fromU64(k), fromU64(k[8:]))
			}
			src := fromU64(k)
			if sources[src] == nil {
				return inconsistent("证明 %s 属于不存在的第 %d 号来源", h.serial, src)
			}
			sources[src].Certs--
			want.add(store.MonthKey(h.date), src, h.count(1))
			if tx.Bucket(bucketCertMonths).Get(certMonthKey(src, store.MonthKey(h.date), c.ID)) == nil {
				return inconsistent("证明 %s（第 %d 号来源）不在月份索引中", h.serial, src)
			}
			rep.Certificates++
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketCertMonths).ForEach(func(k, _ []byte) error {
			if len(k) != 22 || certs.Get(recordKey(fromU64(k), fromU64(k[14:]))) == nil {
				return inconsistent("月份索引中有一条不存在的证明（%x）", k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketRefusals).ForEach(func(k, v []byte) error {
			var r store.Refusal
			if err := json.Unmarshal(v, &r); err != nil || r.ID != fromU64(k[8:]) {
				return inconsistent("第 %d 号来源的第 %d 条拒绝出具记录无法读取", fromU64(k), fromU64(k[8:]))
			}
			if sources[fromU64(k)] == nil {
				return inconsistent("拒绝出具记录属于不存在的第 %d 号来源", fromU64(k))
			}
			sources[fromU64(k)].Refusals--
			want.add(store.MonthKey(r.Date), fromU64(k), refusalCount(r, 1))
			rep.Refusals++
			return nil
		})
		if err != nil {
			return err
		}
		for id, s := range sources {
			if s.Certs != 0 || s.Refusals != 0 {
				return inconsistent("第 %d 号来源（%s）记下的证明或拒绝出具条数与实有的不符", id, s.Community())
			}
		}
		rep.Admissions = tx.Bucket(bucketAdmissions).Stats().KeyN
		return compareCounts(tx, want)
	})
	return rep, err
}

// checkSources checks every source against its bundles and indexes; it
// returns them by id for the record counts.
func checkSources(tx *bolt.Tx, rep *CheckReport) (map[uint64]*Source, error) {
	sources := map[uint64]*Source{}
	bundles := tx.Bucket(bucketBundles)
	err := tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
		var s Source
		if err := json.Unmarshal(v, &s); err != nil || s.ID != fromU64(k) {
			return inconsistent("第 %d 号来源无法读取", fromU64(k))
		}
		sources[s.ID] = &s
		rep.Sources++
		if fromU64(tx.Bucket(bucketSourceKeys).Get([]byte(s.SigningKey))) != s.ID {
			return inconsistent("%s 的签名密钥索引不对", s.Community())
		}
		var last uint64
		head := genesis
		for _, r := range s.Received {
			var b Bundle
			if err := json.Unmarshal(bundles.Get([]byte(r.Hash)), &b); err != nil || b.Source != s.ID {
				return inconsistent("%s %s 的导出包记录缺失", s.Community(), r.Month)
			}
			if r.Last != 0 {
				last, head = r.Last, r.Head
			}
		}
		if last != s.Last || head != s.Head {
			return inconsistent("%s 的事件链位置（第 %d 条）与收到的最后一个导出包（第 %d 条）不符", s.Community(), s.Last, last)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = bundles.ForEach(func(k, v []byte) error {
		var b Bundle
		if err := json.Unmarshal(v, &b); err != nil || sources[b.Source] == nil {
			return inconsistent("导出包记录 %s 不属于任何来源", k)
		}
		found := false
		for _, r := range sources[b.Source].Received {
			found = found || r.Hash == string(k)
		}
		if !found {
			return inconsistent("导出包 %s 不在 %s 的接收记录中", b.Name, sources[b.Source].Community())
		}
		rep.Bundles++
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bucketStations).ForEach(func(k, v []byte) error {
		if s := sources[fromU64(v)]; s == nil || !bytes.Equal(stationKey(s.Profile), k) {
			return inconsistent("窗口索引 %q 指向的来源不对", k)
		}
		return nil
	})
	return sources, err
}

// compareCounts compares the stored counts with those the records give.
func compareCounts(tx *bolt.Tx, want deltas) error {
	seen := map[string]bool{}
	err := tx.Bucket(bucketCounts).ForEach(func(k, v []byte) error {
		var have Count
		if err := json.Unmarshal(v, &have); err != nil {
			return inconsistent("统计 %s 无法读取", k[:6])
		}
		seen[string(k)] = true
		w := want[string(k)]
		if w == nil || !sameCount(have, *w) || int(fromU64(tx.Bucket(bucketTotals).Get(k))) != have.validTotal() {
			return inconsistent("%s年%s月第 %d 号来源的统计与记录不符", k[:4], k[4:6], fromU64(k[6:]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketTotals).ForEach(func(k, _ []byte) error {
		if !seen[string(k)] {
			return inconsistent("%s年%s月第 %d 号来源有合计但没有统计", k[:4], k[4:6], fromU64(k[6:]))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for k, w := range want {
		if !seen[k] && !w.empty() {
			return inconsistent("%s年%s月第 %d 号来源有记录但没有统计", k[:4], k[4:6], fromU64([]byte(k[6:])))
		}
	}
	return nil
}

func sameCount(a, b Count) bool {
	norm := func(m map[string]int) map[string]int {
		if len(m) == 0 {
			return nil
		}
		return m
	}
	return reflect.DeepEqual(norm(a.Valid), norm(b.Valid)) && reflect.DeepEqual(norm(a.Voided), norm(b.Voided)) &&
		reflect.DeepEqual(norm(a.Refusals), norm(b.Refusals))
}
