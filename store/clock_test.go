package store

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // TZ=America/New_York on a machine without a zone database
)

// A certificate issued at 07:30 Beijing time on 1 January 2027 belongs to
// 2027 whatever zone the PC is set to: the test runs itself again with TZ
// set, and the child does the issuing.
func TestBeijingTimeWhateverTheZone(t *testing.T) {
	if os.Getenv("TAIZHANG_ZONE_CHILD") != "" {
		issueAtNewYear(t)
		return
	}
	for _, tz := range []string{"UTC", "America/New_York", "Asia/Shanghai"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBeijingTimeWhateverTheZone$", "-test.v")
		cmd.Env = append(os.Environ(), "TZ="+tz, "TAIZHANG_ZONE_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "zone "+tz) {
			t.Errorf("TZ=%s: %v\n%s", tz, err, out)
		}
	}
}

func issueAtNewYear(t *testing.T) {
	t.Logf("zone %s", os.Getenv("TZ"))
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) // 2027-01-01 07:30 in Beijing
	offsets := map[string]int{"UTC": 0, "America/New_York": -5 * 3600, "Asia/Shanghai": 8 * 3600}
	if _, off := at.Local().Zone(); off != offsets[os.Getenv("TZ")] {
		t.Fatalf("the child runs in the wrong zone: %v", at.Local())
	}
	db, err := Open(t.TempDir()+"/z.db", Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	op := setupAt(t, db)
	c, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), catalog(t), IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Serial != "2027-0001" || ChineseDateOf(c.IssueDate) != "2027年1月1日" {
		t.Errorf("issued %s dated %s", c.Serial, ChineseDateOf(c.IssueDate))
	}
	rows, _ := db.MonthRows(2027, time.January)
	if len(rows) != 1 || rows[0].Serial != "2027-0001" {
		t.Errorf("2027年1月 lists %+v", rows)
	}
	if months, _ := db.CertMonths(); len(months) != 1 || months[0] != "202701" {
		t.Errorf("months %v", months)
	}
	r, err := db.AddRefusal(op, RefusalInput{Requester: "李四", RequesterKind: "居民", Item: "无犯罪记录证明", Reason: NotOnList})
	if err != nil || r.Date != "2027-01-01" {
		t.Errorf("refusal dated %s: %v", r.Date, err)
	}
	if got := db.Now(); got.Hour() != 7 || ChineseDate(got) != "2027年1月1日" || MonthStart(got).Month() != time.January {
		t.Errorf("clock reads %v", got)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}

func setupAt(t *testing.T, db *DB) Operator {
	t.Helper()
	_, op, err := db.Setup(testProfile(), "王丽", false)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// With the clock a year behind, every action that writes an event asks
// first; a confirmed reprint does not lower meta/newest, so the issue that
// follows asks again and no 2025 serial is taken silently.
func TestClockBehindAsksBeforeEveryWrite(t *testing.T) {
	db, op, clk := ledger(t)
	cat := catalog(t)
	c, err := db.IssueCertificate(op, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clk.mu.Lock()
	clk.t = clk.t.AddDate(-1, 0, 0)
	clk.mu.Unlock()

	var cb *ClockBehindError
	if _, err := db.RecordPrint(op, c.ID, 1); !errors.As(err, &cb) {
		t.Fatalf("reprint with the clock behind: %v", err)
	}
	if msg := err2s(db.RecordPrint(op, c.ID, 1)); !strings.Contains(msg, "早了 1 年") {
		t.Errorf("the warning does not say by how much: %s", msg)
	}
	if _, err := db.AcceptClockBehind().RecordPrint(op, c.ID, 1); err != nil {
		t.Fatalf("confirmed reprint: %v", err)
	}
	if _, err := db.IssueCertificate(op, input("李四", validID("14040319850202234"), 1), cat, IssueOptions{}); !errors.As(err, &cb) {
		t.Fatalf("issue after a confirmed reprint: %v", err)
	}
	writes := map[string]func() error{
		"void": func() error { return second(db.VoidCertificate(op, c.ID, "打印错误")) },
		"refusal": func() error {
			return second(db.AddRefusal(op, RefusalInput{Requester: "李四", RequesterKind: "居民", Item: "无犯罪记录证明", Reason: NotOnList}))
		},
		"draft":    func() error { return second(db.SaveAdmissionDraft(op, fullAdmission(t))) },
		"operator": func() error { return second(db.AddOperator(op, "刘洋")) },
		"profile":  func() error { return second(db.SaveProfile(op, testProfile(), true)) },
		"correct": func() error {
			return second(db.CorrectCertificate(op, c.ID, input("张三", validID("14040319900101123"), 3), cat, IssueOptions{}))
		},
	}
	for name, write := range writes {
		if err := write(); !errors.As(err, &cb) {
			t.Errorf("%s with the clock behind: %v", name, err)
		}
	}
	rows, _ := db.MonthRows(2025, time.November)
	if len(rows) != 0 {
		t.Errorf("a 2025 certificate was saved: %+v", rows)
	}
	if _, err := db.Check(); err != nil {
		t.Error(err)
	}
}

func err2s[T any](_ T, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSpanText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		20 * time.Second:                 "不到 1 分钟",
		3*time.Hour + 20*time.Minute:     " 3 小时 20 分钟",
		2*24*time.Hour + 5*time.Hour:     " 2 天 5 小时",
		365*24*time.Hour - time.Second:   " 1 年",
		400*24*time.Hour + 3*time.Minute: " 1 年 35 天",
	} {
		if got := spanText(d); got != want {
			t.Errorf("spanText(%v) = %q, want %q", d, got, want)
		}
	}
}
