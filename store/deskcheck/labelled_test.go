package deskcheck

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"taizhang/store"
)

// labelled is one request of testdata/requests.txt.
type labelled struct {
	line    int
	request string
	cert    bool    // kind 证明
	verdict Verdict // MustDo, CanIssue, Admitted, NotAdmitted
	items   []string
}

// readLabelled parses a labelled set (testdata/requests.txt): its
// admissions and requests.
func readLabelled(t testing.TB, name string) ([]store.Admission, []labelled) {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var adm []store.Admission
	var set []labelled
	for i, line := range strings.Split(string(b), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if rest, ok := strings.CutPrefix(f[0], "@admission "); ok {
			id, err := strconv.ParseUint(rest, 10, 64)
			if err != nil || len(f) != 5 {
				t.Fatalf("line %d: bad admission %q", i+1, line)
			}
			a := store.Admission{ID: id, Unit: "长治市潞州区城市管理局", Kind: f[1], Item: f[2], From: f[3], To: f[4], Status: store.AdmApproved, Term: store.TermTemporary}
			if a.To == "" {
				a.Term = store.TermLong
			}
			adm = append(adm, a)
			continue
		}
		if len(f) != 4 || f[1] != "证明" && f[1] != "工作" {
			t.Fatalf("line %d: want request | 证明/工作 | verdict | items: %q", i+1, line)
		}
		l := labelled{line: i + 1, request: f[0], cert: f[1] == "证明", items: strings.Fields(f[3])}
		switch f[2] {
		case "应当承担":
			l.verdict = MustDo
		case "可以出具":
			l.verdict = CanIssue
		case "已准入":
			l.verdict = Admitted
		case "未准入":
			l.verdict = NotAdmitted
		default:
			t.Fatalf("line %d: verdict %q", i+1, f[2])
		}
		if (l.verdict == NotAdmitted) != (len(l.items) == 0) {
			t.Fatalf("line %d: %s with items %v", i+1, f[2], l.items)
		}
		set = append(set, l)
	}
	return adm, set
}

// testDay is the day the labelled set's admissions are judged on, Beijing time.
var testDay = time.Date(2026, 11, 29, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// key names a match as the labelled set does: 2.25, or @1 for an admission.
func key(m Match) string {
	if m.Admission != nil {
		return fmt.Sprintf("@%d", m.Admission.ID)
	}
	return fmt.Sprintf("%d.%d", m.List.Annex, m.Item.No)
}

// agrees: the same verdict, and for a listed one a first match the label
// names.
func agrees(l labelled, r Result) bool {
	if r.Verdict != l.verdict {
		return false
	}
	return l.verdict == NotAdmitted || slices.Contains(l.items, key(r.Matches[0]))
}

// TestLabelledSet measures the judge on the labelled set and holds it to
// issue 9's bar: at least 97% agreement, no 可以出具 for a work request and
// no 应当承担 for a certificate request. Run with -v for the figures.
func TestLabelledSet(t *testing.T) {
	_, set := readLabelled(t, "testdata/requests.txt")
	if len(set) < 200 {
		t.Fatalf("%d labelled requests, want at least 200", len(set))
	}
	measure(t, "testdata/requests.txt", 97)
}

// TestHeldOutSet measures the judge on requests it was not built around
// (testdata/holdout.txt; its first run agreed on 79 of 80). The bar for
// agreement is lower, so that a new held-out set is not tuned to; the two
// errors the policy forbids outright are held to zero as on the labelled set.
func TestHeldOutSet(t *testing.T) { measure(t, "testdata/holdout.txt", 90) }

// measure checks every request of a labelled set, logs agreement and
// precision and recall per verdict, and fails below floor percent
// agreement or on any 可以出具 for work or 应当承担 for a certificate.
func measure(t *testing.T, name string, floor float64) {
	c := checker(t)
	adm, set := readLabelled(t, name)
	verdicts := []Verdict{MustDo, CanIssue, Admitted, NotAdmitted}
	said, truth, right := map[Verdict]int{}, map[Verdict]int{}, map[Verdict]int{}
	agree, kinds, uncertain, pickable := 0, 0, 0, 0
	var workIssued, certMust, misses []string
	for _, l := range set {
		r := c.Check(l.request, adm, testDay)
		said[r.Verdict]++
		truth[l.verdict]++
		if agrees(l, r) {
			agree++
			right[l.verdict]++
		} else {
			var got []string
			for _, m := range r.Matches {
				got = append(got, fmt.Sprintf("%s %s %.2f", key(m), m.Label(), m.Score))
			}
			misses = append(misses, fmt.Sprintf("line %d %s: %s %v, labelled %s %v", l.line, l.request, r.Verdict, got, l.verdict, l.items))
		}
		if r.AsksCertificate == l.cert {
			kinds++
		}
		if r.Uncertain() {
			uncertain++
			for i := range r.Matches {
				if p := r.Pick(i); l.verdict != NotAdmitted && agrees(l, p) {
					pickable++
					break
				}
			}
		}
		if !l.cert && r.Verdict == CanIssue {
			workIssued = append(workIssued, l.request)
		}
		if l.cert && r.Verdict == MustDo {
			certMust = append(certMust, l.request)
		}
	}
	n := len(set)
	t.Logf("%s: %d requests; agreement %d/%d = %.1f%%; kind (证明/工作) read right %d/%d", name, n, agree, n, pct(agree, n), kinds, n)
	t.Logf("%-8s  %5s %5s %5s %9s %7s", "verdict", "label", "judge", "right", "precision", "recall")
	for _, v := range verdicts {
		t.Logf("%s  %5d %5d %5d %8.1f%% %6.1f%%", short(v), truth[v], said[v], right[v], pct(right[v], said[v]), pct(right[v], truth[v]))
	}
	t.Logf("可能相关 (candidates only): %d, of which %d list the labelled item among the candidates", uncertain, pickable)
	t.Logf("可以出具 for a work request: %d; 应当承担 for a certificate request: %d", len(workIssued), len(certMust))
	for _, m := range misses {
		t.Log("  miss: " + m)
	}
	if pct(agree, n) < floor {
		t.Errorf("agreement %.1f%%, want at least %.0f%%", pct(agree, n), floor)
	}
	if len(workIssued) > 0 {
		t.Errorf("可以出具 for work requests: %q", workIssued)
	}
	if len(certMust) > 0 {
		t.Errorf("应当承担 for certificate requests: %q", certMust)
	}
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// short is the verdict in 8 columns.
func short(v Verdict) string {
	if v == NotAdmitted {
		return "未准入  "
	}
	return string(v)
}

// BenchmarkCheck is one check of a request of the labelled set, in turn.
func BenchmarkCheck(b *testing.B) {
	c := checker(b)
	adm, set := readLabelled(b, "testdata/requests.txt")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Check(set[i%len(set)].request, adm, testDay)
	}
}
