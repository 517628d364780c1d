package ui

import (
	"fmt"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"taizhang/store"
	"taizhang/store/certindex"
)

// searchNames are the residents of issueRows, one certificate each, in
// the order issued (2026-0001 first).
var searchNames = []string{
	"高峰", "李建华", "王芳", "赵丽", "刘洋", "陈明", "张卫国", "杨帆", "黄磊", "周杰",
	"吴静", "徐强", "孙敏", "马超", "朱军", "胡艳", "张伟", "郭涛", "何平", "张有才",
}

// rowID is the ID number of certificate i (0-based) of issueRows.
func rowID(i int) string { return validID(fmt.Sprintf("14040319900101%03d", i)) }

// issueRows issues one certificate to each of searchNames, the types
// going round 附件4 (1, 2, …, 12, 1, …): 2026-0004 and 2026-0016 are 死亡证明.
func issueRows(t *testing.T, db *store.DB) {
	t.Helper()
	op, _ := db.Operator(db.LastOperator())
	cat := newApp(t, db).ctx.Catalog
	for i, n := range searchNames {
		in := store.CertInput{TypeNo: 1 + i%12, Name: n, IDNumber: rowID(i), Address: "潞州区英雄南路12号",
			Purpose: "办理入学", Verified: "经查验户口簿，情况属实", Copies: 1}
		if _, err := db.IssueCertificate(op, in, cat, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// searchGolden opens a screen from the home screen (key, then shown when
// its title is on screen), types / and a query, waits for the count of
// hits and compares the screen at 80×24, which must show want.
func searchGolden(t *testing.T, db *store.DB, key, shown, query, found, want string) {
	t.Helper()
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, key)
	waitFor(t, tm, shown)
	typeText(tm, "/"+query)
	waitFor(t, tm, found)
	v := finalView(t, tm, 80, 24)
	if !strings.Contains(v, want) {
		t.Errorf("%s: no %s:\n%s", query, want, v)
	}
	golden.RequireEqual(t, []byte(v))
}

// The serial as printed on the paper, prefix and all, finds the
// certificate.
func TestLedgerSearchPrintedSerialGolden(t *testing.T) {
	db := newDB(t, true) // prefix 英南证
	issueRows(t, db)
	searchGolden(t, db, "2", "共 20 份", "英南证2026-0017", "找到 1 份", "2026-0017  11-29 有效 社会保险办理证明     张伟")
}

// resultRows are the result lines of the ledger search, below its header.
func resultRows(v string) []string {
	lines := strings.Split(v, "\n")
	var out []string
	for i, l := range lines {
		if strings.Contains(l, " 编号 ") && strings.Contains(l, "状态") {
			for _, r := range lines[i+1:] {
				if strings.Contains(r, "2026-") {
					out = append(out, r)
				}
			}
			break
		}
	}
	return out
}

// What else a worker types into the ledger search: the serial another
// way, a type word, an old 15-digit ID number, pinyin whose best matches
// come first.
func TestLedgerSearchWays(t *testing.T) {
	db := newDB(t, true)
	issueRows(t, db)
	send, view := driver(t, db, 80, 24)
	send("2")
	old15 := rowID(5)[:6] + rowID(5)[8:17]
	tests := []struct {
		query string
		want  []string // the rows' serials, in order
	}{
		{"英南证２０２６－００１７", []string{"2026-0017"}},
		{"20260017", []string{"2026-0017"}},
		{"17", []string{"2026-0017", "2026-0018"}}, // the serial, then an ID number …0175
		{"死亡", []string{"2026-0016", "2026-0004"}}, // 死亡证明, newest first
		{old15, []string{"2026-0006"}},
		// 张伟 (whole) and 张卫国 (from the start) before 张有才 (有 read wei).
		{"zhangw", []string{"2026-0017", "2026-0007", "2026-0020"}},
	}
	for _, tt := range tests {
		send("/", tt.query)
		var got []string
		for _, r := range resultRows(view()) {
			got = append(got, strings.TrimLeft(strings.Fields(r)[0], ">"))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: %v, want %v\n%s", tt.query, got, tt.want, view())
		}
		send(tea.KeyEsc)
	}
}

// ledgerSearches starts the program on db, opens 证明 and returns the
// result rows of each query.
func ledgerSearches(t *testing.T, db *store.DB, queries ...string) [][]string {
	t.Helper()
	send, view := driver(t, db, 80, 24)
	send("2")
	var out [][]string
	for _, q := range queries {
		send("/", q)
		out = append(out, resultRows(view()))
		send(tea.KeyEsc)
	}
	return out
}

// The 证明 screen keeps its search index beside the ledger: the next start
// reads it rather than building it again (the file is not written anew),
// finds what the first start found, and catches up with a certificate
// issued since.
func TestLedgerSearchIndexKept(t *testing.T) {
	db := newDB(t, true)
	issueRows(t, db)
	queries := []string{"zhangw", "死亡", "17", "张", "20260003", "jianhua"}
	first := ledgerSearches(t, db, queries...)
	path := certindex.SnapshotPath(db.Path())
	written, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no search index beside the ledger: %v", err)
	}
	if again := ledgerSearches(t, db, queries...); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Errorf("the next start finds\n%v\nthe first\n%v", again, first)
	}
	if st, err := os.Stat(path); err != nil || !os.SameFile(st, written) {
		t.Errorf("the next start wrote the search index again (%v): it did not read it", err)
	}
	op, _ := db.Operator(db.LastOperator())
	in := store.CertInput{TypeNo: 3, Name: "张伟强", IDNumber: rowID(30), Address: "潞州区英雄南路12号", Purpose: "办理入学", Copies: 1}
	if _, err := db.IssueCertificate(op, in, newApp(t, db).ctx.Catalog, store.IssueOptions{}); err != nil {
		t.Fatal(err)
	}
	got := ledgerSearches(t, db, "zhangw")[0]
	if len(got) != len(first[0])+1 || !strings.Contains(got[1], "张伟强") {
		t.Errorf("zhangw after a new certificate:\n%s", strings.Join(got, "\n"))
	}
}

// 清单 finds 低保 (附件2 第25项 says 最低生活保障).
func TestListsSearchSynonymGolden(t *testing.T) {
	searchGolden(t, newDB(t, true), "1", "依法履行职责事项清单", "低保", "找到 1 项", "[协助政府]25. 协助人民政府或者它的派出机关做好社区居民最低生活保障工作")
}

// dibao finds it too; 居住 puts 附件4 居住证明 first.
func TestListsSearchWays(t *testing.T) {
	db := newDB(t, true)
	send, view := driver(t, db, 80, 24)
	send("1")
	for _, tt := range []struct{ query, first string }{
		{"dibao", "[协助政府]25."},
		{"居住", "[出具证明] 3."},
		{"死亡", "[出具证明] 4."},
	} {
		send("/", tt.query)
		lines := strings.Split(view(), "\n")
		if len(lines) < 4 || !strings.Contains(lines[3], tt.first) {
			t.Errorf("%s: first result is not %s:\n%s", tt.query, tt.first, view())
		}
		send(tea.KeyEsc)
	}
}

// The setup form's 县（市、区） picker says it finds by pinyin, and does.
func TestSetupCountyByPinyin(t *testing.T) {
	db := newDB(t, false)
	send, view := driver(t, db, 80, 24)
	send("英雄南路社区", tea.KeyTab, "英雄南路街道办事处", tea.KeyTab)
	wantIn(t, view(), "< （未选择） >  左/右 切换，或输入汉字、拼音、首字母（lz）")
	for _, tt := range []struct{ query, want string }{
		{"xy", "< 襄垣县 140423 >  查找：xy"},
		{"luzhou", "< 潞州区 140403 >  查找：luzhou"},
	} {
		send(tt.query)
		wantIn(t, view(), tt.want)
		send(tea.KeyCtrlU)
	}
}
