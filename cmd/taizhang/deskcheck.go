package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"taizhang/assets"
	"taizhang/store"
	"taizhang/store/deskcheck"
)

// deskcheckJSON is what `taizhang deskcheck --json` prints.
type deskcheckJSON struct {
	Request         string           `json:"request"`
	Verdict         string           `json:"verdict"`
	AsksCertificate bool             `json:"asks_certificate"`
	Matches         []deskcheckMatch `json:"matches"`
}

// deskcheckMatch is one item or admission: annex and no for a list item,
// admission_id for an admission (the other null); verdict 可能相关 for a
// candidate.
type deskcheckMatch struct {
	Verdict     string   `json:"verdict"`
	Annex       *int     `json:"annex"`
	No          *int     `json:"no"`
	Item        string   `json:"item"`
	Basis       []string `json:"basis"`
	Score       float64  `json:"score"`
	AdmissionID *uint64  `json:"admission_id"`
}

// runDeskcheck judges one request (the words given, joined) as 准入核查
// does, against the admissions in force in --db when given. It exits 0
// whatever the verdict.
func runDeskcheck(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("deskcheck", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	db := fs.String("db", "", "")
	// Accept the flags before or after the words.
	var words []string
	for len(args) > 0 {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		words = append(words, fs.Arg(0))
		args = fs.Args()[1:]
	}
	request := strings.TrimSpace(strings.Join(words, " "))
	if request == "" {
		return usageError{"请写出对方的请求事项，如：taizhang deskcheck 开个居住证明"}
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		return err
	}
	var admissions []store.Admission
	var today time.Time
	if *db != "" {
		d, err := openReadOnly(*db)
		if err != nil {
			return err
		}
		defer d.Close()
		today = d.Now()
		// All of them: the checker keeps those in force and those approved
		// but not yet begun (未生效).
		if admissions, err = d.Admissions(); err != nil {
			return err
		}
	}
	c := deskcheck.New(cat)
	r := c.Check(request, admissions, today)
	if *asJSON {
		return writeJSON(out, deskcheckResult(r))
	}
	writeDeskcheck(out, c, r, terminalWidth(out))
	return nil
}

func deskcheckResult(r deskcheck.Result) deskcheckJSON {
	j := deskcheckJSON{Request: r.Request, Verdict: string(r.Verdict), AsksCertificate: r.AsksCertificate, Matches: []deskcheckMatch{}}
	for _, m := range r.Matches {
		x := deskcheckMatch{Verdict: string(m.Label()), Item: m.Text(), Basis: []string{}, Score: math.Round(m.Score*100) / 100}
		if m.Admission != nil {
			id := m.Admission.ID
			x.AdmissionID = &id
			if m.Admission.Basis != "" {
				x.Basis = []string{m.Admission.Basis}
			}
		} else {
			annex, no := m.List.Annex, m.Item.No
			x.Annex, x.No = &annex, &no
			x.Basis = append(x.Basis, m.Item.Basis...)
		}
		j.Matches = append(j.Matches, x)
	}
	return j
}

func writeDeskcheck(out io.Writer, c *deskcheck.Checker, r deskcheck.Result, width int) {
	kind := "工作事项"
	if r.AsksCertificate {
		kind = "证明事项"
	}
	writeWrapped(out, "请求事项：", r.Request+"（"+kind+"）", width)
	verdict := string(r.Verdict)
	if r.Uncertain() {
		verdict += "（下列事项可能相关，请核对；选定其一才算数）"
	} else if r.Verdict == deskcheck.NotYet {
		verdict += "（已批准准入，" + store.ChineseMonthOf(r.Matches[0].Admission.From) + "起生效；此前可依法拒绝）"
	}
	writeWrapped(out, "核查结果：", verdict, width)
	for _, m := range r.Matches {
		var head string
		if m.Admission != nil {
			head = fmt.Sprintf("  [%s] 准入审批 %d：", m.Label(), m.Admission.ID)
		} else {
			head = fmt.Sprintf("  [%s] 附件%d 第%d项：", m.Label(), m.List.Annex, m.Item.No)
		}
		writeWrapped(out, head, m.Text(), width)
		if m.Admission != nil {
			writeWrapped(out, "      期限：", m.Admission.Term+"，至"+m.Admission.Until(), width)
			if m.Admission.Basis != "" {
				writeWrapped(out, "      依据：", m.Admission.Basis, width)
			}
		} else {
			for _, b := range m.Item.Basis {
				writeWrapped(out, "      依据：", b, width)
			}
		}
		match := fmt.Sprintf("%s（相符度 %.2f）", strings.Join(m.Words, "、"), m.Score)
		if len(m.Against) > 0 {
			match += "；请求中有「" + strings.Join(m.Against, "」「") + "」，与本项不符"
		}
		writeWrapped(out, "      匹配：", match, width)
	}
	for _, g := range c.Force(r) {
		writeWrapped(out, "", "依据"+g.Source()+"："+g.Sentence, width)
	}
}
