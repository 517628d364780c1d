package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"taizhang/store"
)

// Working hours of the community office (morning and afternoon).
var officeHours = [2][2]time.Duration{
	{8*time.Hour + 30*time.Minute, 12 * time.Hour},
	{14*time.Hour + 30*time.Minute, 17*time.Hour + 30*time.Minute},
}

// minDeskSeconds is the least desk time per certificate a plan may assume;
// denser plans are refused as implausible.
const minDeskSeconds = 30

// holiday reports the fixed-date public holidays (元旦, 劳动节, 国庆节);
// the lunar ones move from year to year and are left as working days.
func holiday(d time.Time) bool {
	m, day := d.Month(), d.Day()
	return m == time.January && day == 1 || m == time.May && day <= 5 || m == time.October && day <= 7
}

type interval struct {
	from, to time.Time
	weight   float64 // busier days and mornings weigh more
}

// timeline draws random moments within office hours between from and to.
type timeline struct {
	spans []interval
	cum   []float64 // cumulative weighted seconds
	desk  float64   // unweighted seconds of office time
	days  int
}

func newTimeline(from, to time.Time) *timeline {
	tl := &timeline{}
	loc := to.Location()
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	dayWeight := map[time.Weekday]float64{time.Monday: 1.25, time.Tuesday: 1.1, time.Wednesday: 1, time.Thursday: 1, time.Friday: 0.85}
	for ; !day.After(to); day = day.AddDate(0, 0, 1) {
		w, ok := dayWeight[day.Weekday()]
		if !ok || holiday(day) {
			continue
		}
		counted := false
		for half, h := range officeHours {
			a, b := day.Add(h[0]), day.Add(h[1])
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if !a.Before(b) {
				continue
			}
			hw := w * 1.2 // mornings are busier
			if half == 1 {
				hw = w * 0.9
			}
			tl.spans = append(tl.spans, interval{a, b, hw})
			sec := b.Sub(a).Seconds()
			tl.desk += sec
			prev := 0.0
			if n := len(tl.cum); n > 0 {
				prev = tl.cum[n-1]
			}
			tl.cum = append(tl.cum, prev+sec*hw)
			counted = true
		}
		if counted {
			tl.days++
		}
	}
	return tl
}

// draw returns n sorted moments, whole seconds.
func (tl *timeline) draw(r *rand.Rand, n int) []time.Time {
	out := make([]time.Time, n)
	total := tl.cum[len(tl.cum)-1]
	for i := range out {
		u := r.Float64() * total
		k := sort.SearchFloat64s(tl.cum, u)
		if k >= len(tl.spans) {
			k = len(tl.spans) - 1
		}
		prev := 0.0
		if k > 0 {
			prev = tl.cum[k-1]
		}
		sp := tl.spans[k]
		off := time.Duration((u - prev) / sp.weight * float64(time.Second))
		t := sp.from.Add(off).Truncate(time.Second)
		if t.Before(sp.from) {
			t = sp.from
		}
		out[i] = t
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// Action kinds, in the order they run when two fall on the same second.
const (
	actIssue = iota
	actPrint
	actVoid
	actRefusal
)

// action is one call to the store at one moment.
type action struct {
	at      time.Time
	kind    int
	slot    int // certificate slot (issue, print, void) or refusal index
	op      int // operator index
	copies  int // print
	reason  string
	replace int // issue: slot of the certificate this one corrects, or -1
}

// slot is one certificate to issue.
type slot struct {
	at       time.Time
	typeNo   int
	in       store.CertInput
	who      *person
	printAt  time.Time
	op       int
	anchor   bool
	replaces int  // slot corrected by this one, or -1
	fixed    bool // voided by a correction or plainly: no more actions on it
	reprint  bool // printed a second time
}

// plan is everything Fill will write, in time order.
type plan struct {
	slots     []slot
	refusals  []store.RefusalInput
	actions   []action
	voided    int
	corrected int
	reprinted int
	residents int
}

// guaranteed are residents every demo file has (when it has at least as
// many certificates), so that screens and tests always meet a character
// outside the BMP, two-reading and compound surnames and rare characters.
var guaranteed = []struct {
	surname, given string
	male           bool
	year           int
}{
	{"单", "𠮷祥", true, 1986},
	{"欧阳", "淼", false, 1992},
	{"曾", "喆", true, 1979},
	{"解", "珺瑶", false, 1988},
	{"仇", "昇", true, 1975},
	{"司马", "堃", true, 1983},
	{"朴", "玥", false, 1990},
	{"查", "建军", true, 1968},
}

// makePlan invents n certificates and nRefusals refusals at moments of the
// timeline, none after limit, and orders every store call they take.
func makePlan(r *rand.Rand, n, nRefusals int, tl *timeline, limit time.Time) *plan {
	times := tl.draw(r, n)
	ps := newPeople(r)
	pl := &plan{slots: make([]slot, n)}

	// Which operator sits at the desk each half day.
	desk := map[string]int{}
	deskOp := func(t time.Time) int {
		key := t.Format("2006-01-02") + fmt.Sprint(t.Hour() >= 13)
		op, ok := desk[key]
		if !ok {
			op = r.IntN(2)
			desk[key] = op
		}
		return op
	}

	anchorAt := map[int]int{}
	if k := min(len(guaranteed), n); k > 0 {
		for i := range k {
			anchorAt[i*n/k] = i
		}
	}
	lastUse := map[string]time.Time{} // ID number + type: last issue
	for i := range pl.slots {
		s := &pl.slots[i]
		s.at, s.replaces, s.op = times[i], -1, deskOp(times[i])
		if a, ok := anchorAt[i]; ok {
			g := guaranteed[a]
			birth := time.Date(g.year, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			s.who = ps.addNamed(g.surname, g.given, g.male, birth)
			s.typeNo, s.anchor = 3, true
			u := fitting(certTypes[2].uses, s.who, s.at)
			s.in = input(r, certTypes[2], u, s.who, s.at)
			lastUse[s.who.IDNumber+"/3"] = s.at
			s.who.Last = s.at
			continue
		}
		ct := pickType(r, s.at)
		u := pickUse(r, ct.uses)
		s.who = choosePerson(r, ps, u, ct.no, s.at, lastUse)
		s.typeNo = ct.no
		s.in = input(r, ct, u, s.who, s.at)
		lastUse[s.who.IDNumber+"/"+fmt.Sprint(ct.no)] = s.at
		s.who.Last = s.at
		if ct.no == 4 {
			s.who.Dead = true
		}
	}
	pl.residents = len(ps.all)

	// First prints, a little after saving (and before anything else is
	// done to the certificate).
	for i := range pl.slots {
		pl.slots[i].printAt = pl.slots[i].at.Add(time.Duration(30+r.IntN(90)) * time.Second)
	}

	// Corrections (~1%): a later certificate replaces an earlier one that
	// had a mistake, usually within days.
	want := roundShare(n, 1)
	for tries := 0; pl.corrected < want && tries < 50*want; tries++ {
		i := 1 + r.IntN(max(1, n-1))
		if i >= n || pl.slots[i].anchor || pl.slots[i].replaces >= 0 || pl.slots[i].fixed {
			continue
		}
		j := i - 1 - r.IntN(min(i, 30))
		sj := &pl.slots[j]
		gap := pl.slots[i].at.Sub(sj.at)
		if sj.fixed || sj.replaces >= 0 || sj.anchor || gap < 2*time.Minute || gap > 10*24*time.Hour {
			continue
		}
		si := &pl.slots[i]
		si.who, si.typeNo, si.in, si.replaces = sj.who, sj.typeNo, sj.in, j
		sj.in = mistake(r, sj.in)
		sj.fixed = true
		if latest := sj.at.Add(gap / 2); sj.printAt.After(latest) {
			sj.printAt = latest
		}
		pl.corrected++
	}

	// Follow-ups happen at the desk while a later resident is served.
	later := func(j, within int) (time.Time, bool) {
		if j+1 >= n {
			return time.Time{}, false
		}
		k := j + 1 + r.IntN(min(within, n-1-j))
		t := pl.slots[k].at
		if p := pl.slots[j].printAt.Add(time.Minute); t.Before(p) {
			t = p
		}
		t = t.Add(20 * time.Second)
		return t, !t.After(limit)
	}

	// Plain voids (~3%).
	want = roundShare(n, 3)
	voids := 0
	for tries := 0; voids < want && tries < 50*want; tries++ {
		j := r.IntN(n)
		s := &pl.slots[j]
		if s.fixed || s.anchor || s.replaces >= 0 {
			continue
		}
		at, ok := later(j, 8)
		if !ok {
			continue
		}
		s.fixed = true
		pl.actions = append(pl.actions, action{at: at, kind: actVoid, slot: j, op: deskOp(at), reason: one(r, voidReasons)})
		voids++
	}
	pl.voided = voids + pl.corrected

	// Reprints (~10%): a lost or spoilt printout made again.
	want = roundShare(n, 10)
	for tries := 0; pl.reprinted < want && tries < 50*want; tries++ {
		j := r.IntN(n)
		s := &pl.slots[j]
		if s.fixed || s.reprint {
			continue
		}
		at, ok := later(j, 40)
		if !ok {
			continue
		}
		pl.actions = append(pl.actions, action{at: at, kind: actPrint, slot: j, op: deskOp(at), copies: 1})
		s.reprint = true
		pl.reprinted++
	}

	for i := range pl.slots {
		s := &pl.slots[i]
		pl.actions = append(pl.actions, action{at: s.at, kind: actIssue, slot: i, op: s.op, replace: s.replaces})
		pa := s.printAt
		if pa.After(limit) {
			pa = limit
		}
		pl.actions = append(pl.actions, action{at: pa, kind: actPrint, slot: i, op: s.op, copies: s.in.Copies})
	}

	// Refusals, every reason at least once.
	rts := tl.draw(r, nRefusals)
	forced := r.Perm(nRefusals)
	for k, at := range rts {
		var rk refusalKind
		if f := forced[k]; f < len(store.RefusalReasons) {
			rk = refusalOf(r, store.RefusalReasons[f])
		} else {
			rk = pickRefusal(r)
		}
		in := store.RefusalInput{Item: rk.item, Reason: rk.reason, Detail: one(r, rk.details), RequesterKind: "单位"}
		if rk.resident {
			in.RequesterKind = "居民"
			birth, _ := birthFor(r, at, 20, 80)
			in.Requester = ps.surname() + givenName(r, birth.Year(), r.IntN(2) == 0)
		} else {
			in.Requester = one(r, rk.units)
		}
		pl.refusals = append(pl.refusals, in)
		pl.actions = append(pl.actions, action{at: at, kind: actRefusal, slot: k, op: deskOp(at)})
	}

	slices.SortStableFunc(pl.actions, func(a, b action) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.kind - b.kind
	})
	return pl
}

// roundShare is pct percent of n, at least 1 when n ≥ 20.
func roundShare(n, pct int) int {
	k := (n*pct + 50) / 100
	if k == 0 && n >= 20 {
		k = 1
	}
	return k
}

// pickType draws a certificate type, weighted by how often it is asked for
// in that month.
func pickType(r *rand.Rand, t time.Time) certType {
	items := make([]weighted[int], len(certTypes))
	for i, ct := range certTypes {
		w := ct.weight * 100
		if ct.season != nil {
			w = ct.weight * ct.season[t.Month()-1]
		}
		items[i] = weighted[int]{i, w}
	}
	return certTypes[pick(r, items)]
}

func pickUse(r *rand.Rand, uses []use) use {
	items := make([]weighted[use], len(uses))
	for i, u := range uses {
		items[i] = weighted[use]{u, u.weight}
	}
	return pick(r, items)
}

// fitting returns a use of the type that fits the person, or the first.
func fitting(uses []use, p *person, t time.Time) use {
	for _, u := range uses {
		if fits(u, p, t) {
			return u
		}
	}
	return uses[0]
}

func fits(u use, p *person, t time.Time) bool {
	a := p.age(t)
	return !p.Dead && a >= u.minAge && a <= u.maxAge && (u.sex == 0 || (u.sex == 1) == p.Male)
}

// choosePerson finds a resident the use fits: about a third of the time
// someone who came before, otherwise a newcomer of fitting age and sex.
func choosePerson(r *rand.Rand, ps *people, u use, typeNo int, t time.Time, lastUse map[string]time.Time) *person {
	if len(ps.all) >= 40 && r.IntN(3) == 0 {
		for range 12 {
			p := one(r, ps.all)
			if !fits(u, p, t) || typeNo == 4 && t.Sub(p.Last) < 4*24*time.Hour {
				continue
			}
			if last, ok := lastUse[p.IDNumber+"/"+fmt.Sprint(typeNo)]; ok && t.Sub(last) < store.DuplicateDays*24*time.Hour {
				continue
			}
			return p
		}
	}
	male := r.IntN(2) == 0
	switch u.sex {
	case 1:
		male = true
	case 2:
		male = false
	}
	birth, ok := birthFor(r, t, u.minAge, u.maxAge)
	if !ok {
		birth, _ = birthFor(r, t, 18, 86)
	}
	return ps.add(male, birth)
}

// input fills the certificate form for a person.
func input(r *rand.Rand, ct certType, u use, p *person, t time.Time) store.CertInput {
	copies := pick(r, []weighted[int]{{1, 70}, {2, 22}, {3, 8}})
	if ct.no == 4 && copies == 1 { // families need several copies of a death certificate
		copies = 2
	}
	return store.CertInput{
		TypeNo:    ct.no,
		Name:      p.Name,
		IDNumber:  p.IDNumber,
		Address:   p.Address,
		Purpose:   fill(r, u.purpose, p, t),
		Recipient: one(r, u.recipients),
		Verified:  fill(r, one(r, u.verified), p, t),
		Copies:    copies,
	}
}

// mistake returns the input as first typed, with the slip a correction
// later fixes: a homophone in the name, a wrong room or house number, or
// the wrong number of copies.
func mistake(r *rand.Rand, in store.CertInput) store.CertInput {
	if r.IntN(2) == 0 {
		if name := misspell(in.Name); name != "" {
			in.Name = name
			return in
		}
	}
	if r.IntN(3) > 0 {
		rs := []rune(in.Address)
		for i := len(rs) - 1; i >= 0; i-- {
			if rs[i] >= '1' && rs[i] <= '8' {
				rs[i]++
				in.Address = string(rs)
				return in
			}
		}
	}
	in.Copies = in.Copies%3 + 1
	return in
}

func pickRefusal(r *rand.Rand) refusalKind {
	items := make([]weighted[int], len(refusalKinds))
	for i, k := range refusalKinds {
		items[i] = weighted[int]{i, k.weight}
	}
	return refusalKinds[pick(r, items)]
}

func refusalOf(r *rand.Rand, reason store.RefusalReason) refusalKind {
	var items []weighted[int]
	for i, k := range refusalKinds {
		if k.reason == reason {
			items = append(items, weighted[int]{i, k.weight})
		}
	}
	return refusalKinds[pick(r, items)]
}
