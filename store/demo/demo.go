// Package demo fills a ledger file with realistic made-up records, for
// trying the program out and for benchmarks.
//
// Everything goes through the store's API (store.Batch, which runs the same
// checks and writes the same events as the DB methods, a few thousand calls
// per transaction), with the store's clock (store.Options.Now) set to each
// record's historical moment, so a demo file is indistinguishable in form
// from a real ledger: the event log chains, serials run on per year, and
// times only move forward.
//
// A file is marked as demo data by its community name (Community); Fill
// writes only to a new file, an empty ledger, or such a demo file.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

// Community is the community name of a demo file's profile. Fill appends to
// a file only if its profile carries this name (or it holds no records).
const Community = "示例社区（演示数据）"

// Operators are the two demo operators (经办人).
var Operators = [2]string{"王丽娟", "郭建军"}

// Profile is the profile Fill writes to a file that has none.
func Profile() store.Profile {
	return store.Profile{
		Community:    Community,
		Street:       "英雄南路街道办事处",
		CountyCode:   "140403",
		SerialPrefix: "演示",
		Phone:        "0355-2021234",
	}
}

// ErrNotDemo: the file holds records of a real community.
var ErrNotDemo = errors.New("该数据文件是社区的正式台账，演示数据只能写入新文件或演示文件。请换一个文件名，例如 --db demo.db。")

// Options say how much to generate.
type Options struct {
	Records int   // certificates to issue, corrections included
	Months  int   // spread over this many months up to End
	Seed    int64 // same seed, same data
	// End is the last day. Zero means now. A time of day other than
	// midnight is also the latest moment written (so a demo made today
	// has nothing "in the future" that would trip the clock check).
	End time.Time
	// Profile, if set, is written instead of Profile() (a made-up
	// community of another name, for tests that need several); it marks
	// the file as demo data as the demo name does.
	Profile *store.Profile
}

// Summary counts what Fill wrote in this run.
type Summary struct {
	Path         string
	Appended     bool // the file already held demo records; these came after
	Certificates int  // issued, corrections included
	Voided       int  // of them now 作废: plain voids and those a correction replaced
	Corrected    int  // corrections (each replaces and voids an earlier one)
	Prints       int  // printouts recorded, reprints included
	Reprinted    int  // certificates printed a second time
	Refusals     int
	Operators    int
	Residents    int       // distinct residents named on certificates
	From, To     time.Time // first and last moment written
}

// clock is the store's clock during a fill: it reads what Fill set.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// writer is what Fill calls: a *store.Batch (one transaction, one disk
// sync, for batchActions calls at a time).
type writer interface {
	IssueCertificate(store.Operator, store.CertInput, *assets.Catalog, store.IssueOptions) (store.Certificate, error)
	CorrectCertificate(store.Operator, uint64, store.CertInput, *assets.Catalog, store.IssueOptions) (store.Certificate, error)
	VoidCertificate(store.Operator, uint64, string) (store.Certificate, error)
	RecordPrint(store.Operator, uint64, int) (store.Certificate, error)
	AddRefusal(store.Operator, store.RefusalInput) (store.Refusal, error)
}

// batchActions is how many store calls share a transaction.
const batchActions = 2000

// Fill writes demo data to the ledger at path: the demo profile (if the
// file has none), the two demo operators, opt.Records certificates spread
// over office hours of the last opt.Months months (oldest first), with
// voids, corrections, printouts and reprints, and about one refusal per 20
// certificates. progress, if not nil, is called after each certificate.
func Fill(path string, opt Options, progress func(done, total int)) (Summary, error) {
	sum := Summary{Path: path}
	if opt.Records < 1 {
		return sum, errors.New("演示证明份数至少为 1，请用 --records 指定。")
	}
	if opt.Months < 1 {
		return sum, errors.New("时间跨度至少为 1 个月，请用 --months 指定。")
	}
	end := opt.End.In(store.Beijing) // office hours are Beijing hours
	if opt.End.IsZero() {
		end = store.Clock()
	}
	limit := end
	day := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, end.Location())
	if end.Equal(day) {
		limit = day.Add(24*time.Hour - time.Second)
	}
	from := day.AddDate(0, -opt.Months, 1)
	// Check the plan is possible before Open creates a file.
	tl := newTimeline(from, limit)
	if err := roomFor(tl, opt.Records, time.Time{}); err != nil {
		return sum, err
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		return sum, err
	}

	clk := &clock{t: from.Add(8 * time.Hour)}
	db, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		return sum, err
	}
	defer db.Close()

	prof := Profile()
	if opt.Profile != nil {
		prof = *opt.Profile
	}
	newest, err := acceptable(db, prof.Community)
	if err != nil {
		return sum, err
	}
	if !newest.IsZero() {
		// Appending: the new records come after the newest one.
		sum.Appended = true
		if after := newest.Add(time.Minute).Truncate(time.Second); after.After(from) {
			from = after
		}
		if clk.t.Before(newest) {
			clk.t = newest
		}
		tl = newTimeline(from, limit)
		if err := roomFor(tl, opt.Records, newest); err != nil {
			return sum, err
		}
	}

	if _, err := db.Profile(); errors.Is(err, store.ErrNoProfile) {
		if _, _, err := db.Setup(prof, Operators[0], false); err != nil {
			return sum, err
		}
	} else if err != nil {
		return sum, err
	}
	ops, err := ensureOperators(db)
	if err != nil {
		return sum, err
	}
	sum.Operators = len(ops)

	r := rand.New(rand.NewPCG(uint64(opt.Seed), 0x7a68616e67)) // "zhang"
	nRefusals := max(opt.Records/20, min(opt.Records, len(store.RefusalReasons)))
	pl := makePlan(r, opt.Records, nRefusals, tl, limit)

	ids := make([]uint64, len(pl.slots))
	done := 0
	run := func(w writer, acts []action) error {
		for _, a := range acts {
			clk.t = a.at
			op := ops[a.op]
			var err error
			switch a.kind {
			case actIssue:
				s := pl.slots[a.slot]
				// The planned slips (a misspelt name) went past the name
				// warning, as a hurried worker's do.
				opts := store.IssueOptions{AcceptDuplicate: true, AcceptPersonName: true}
				var c store.Certificate
				if s.replaces >= 0 {
					c, err = w.CorrectCertificate(op, ids[s.replaces], s.in, cat, opts)
				} else {
					c, err = w.IssueCertificate(op, s.in, cat, opts)
				}
				ids[a.slot] = c.ID
				if err == nil {
					done++
					if progress != nil {
						progress(done, opt.Records)
					}
				}
			case actPrint:
				_, err = w.RecordPrint(op, ids[a.slot], a.copies)
			case actVoid:
				_, err = w.VoidCertificate(op, ids[a.slot], a.reason)
			case actRefusal:
				_, err = w.AddRefusal(op, pl.refusals[a.slot])
			}
			if err != nil {
				return fmt.Errorf("写入演示数据时出错（%s %s）：%w", store.ChineseDate(a.at), a.at.Format("15:04"), err)
			}
		}
		return nil
	}
	for start := 0; start < len(pl.actions); start += batchActions {
		acts := pl.actions[start:min(start+batchActions, len(pl.actions))]
		before := done
		if err := db.Batch(func(b *store.Batch) error { return run(b, acts) }); err != nil {
			sum.Certificates = before // the failed batch wrote nothing
			return sum, err
		}
	}

	sum.Certificates = len(pl.slots)
	sum.Voided, sum.Corrected, sum.Reprinted = pl.voided, pl.corrected, pl.reprinted
	sum.Prints = len(pl.slots) + pl.reprinted
	sum.Refusals = len(pl.refusals)
	sum.Residents = pl.residents
	sum.From, sum.To = pl.actions[0].at, pl.actions[len(pl.actions)-1].at
	return sum, db.Close()
}

// roomFor checks that the timeline has office time for n certificates at a
// plausible pace. newest is the newest record of a demo file appended to.
func roomFor(tl *timeline, n int, newest time.Time) error {
	switch {
	case tl.desk == 0 && !newest.IsZero():
		return fmt.Errorf("演示文件中最新的记录已到 %s %s，之后到截止时间没有剩下的办公时间可以追加。请换一个新文件名，例如 --db demo2.db。",
			store.ChineseDate(newest), newest.Format("15:04"))
	case tl.desk == 0:
		return errors.New("所选时间段内没有工作日。请加大 --months。")
	case tl.desk/float64(n) < minDeskSeconds:
		return fmt.Errorf("所选时间段只有 %d 个工作日，开具 %d 份证明平均每份不到 %d 秒，不像真实台账。请加大 --months 或减小 --records。",
			tl.days, n, minDeskSeconds)
	}
	return nil
}

// errStop ends a walk over the event log early.
var errStop = errors.New("stop")

// acceptable checks that Fill may write to db: it holds no records at all,
// or it is a demo file. For a demo file with records it returns the time
// of the newest event, after which new records must come.
func acceptable(db *store.DB, community string) (newest time.Time, err error) {
	// A community's own ledger is never filled with made-up records, even
	// before its first certificate: only a file without a profile or with
	// the demo profile is taken.
	p, err := db.Profile()
	switch {
	case errors.Is(err, store.ErrNoProfile):
		found := false
		if err := db.Events(func(store.Event) error { found = true; return errStop }); err != nil && !errors.Is(err, errStop) {
			return newest, err
		}
		if found {
			return newest, ErrNotDemo
		}
		return newest, nil
	case err != nil:
		return newest, err
	case p.Community != community:
		return newest, ErrNotDemo
	}
	err = db.Events(func(ev store.Event) error {
		newest = ev.Time
		return nil
	})
	return newest, err
}

// ensureOperators returns the two demo operators, adding those missing.
func ensureOperators(db *store.DB) ([]store.Operator, error) {
	have, err := db.Operators()
	if err != nil {
		return nil, err
	}
	var out []store.Operator
	var by store.Operator
	for _, name := range Operators {
		found := false
		for _, o := range have {
			if o.Name == name && !o.Retired {
				out, found = append(out, o), true
				by = o
				break
			}
		}
		if !found {
			o, err := db.AddOperator(by, name)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
			by = o
		}
	}
	if db.LastOperator() == 0 {
		if err := db.SetLastOperator(out[0].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
