package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

func runCmd(args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCmd("--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands {
		if !strings.Contains(out, "  "+c.name+" ") {
			t.Errorf("help lacks %s:\n%s", c.name, out)
		}
	}
	if !strings.Contains(out, "默认数据文件") {
		t.Error("help does not say where the data file is")
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, _ := runCmd(args...)
		if code != 0 || !strings.Contains(out, version) {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
}

func TestUnknownCommandAndFlag(t *testing.T) {
	if code, _, e := runCmd("frobnicate"); code != 2 || !strings.Contains(e, "没有“frobnicate”这个命令") {
		t.Errorf("unknown command: %d %q", code, e)
	}
	if code, _, e := runCmd("--nope"); code != 2 || !strings.Contains(e, "没有 --nope 这个参数。可用的参数：--db、--help、--version。") {
		t.Errorf("unknown flag: %d %q", code, e)
	}
}

// The flag package's errors reach the worker in Chinese, for every command,
// saying what the flag needs.
func TestFlagErrorsInChinese(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--db"}, "--db 需要一个文件路径"},
		{[]string{"init", "--db"}, "--db 需要一个文件路径"},
		{[]string{"check", "--db"}, "--db 需要一个文件路径"},
		{[]string{"demo", "--records"}, "--records 需要一个数字"},
		{[]string{"init", "--db", "x.db", "--county"}, "--county 需要县（市、区）代码"},
		{[]string{"demo", "--db", "x.db", "--months", "六"}, "--months 的值“六”不对：需要一个数字"},
		{[]string{"demo", "--foo"}, "demo 命令没有 --foo 这个参数。可用的参数：--db、--months、--records、--seed。"},
		{[]string{"lists", "--json=3"}, "--json 后面不用写值"},
		{[]string{"check", "---db", "x.db"}, "“---db”的写法不对"},
	} {
		code, out, e := runCmd(c.args...)
		if code != 2 || out != "" || !strings.Contains(e, c.want) || !strings.HasSuffix(e, "运行 taizhang --help 查看用法。\n") {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, e, c.want)
		}
		if strings.Contains(e, "flag") || strings.Contains(e, "argument") {
			t.Errorf("%v: English in %q", c.args, e)
		}
	}
	// --help after a command shows that command's usage.
	if code, out, _ := runCmd("init", "--help"); code != 0 || !strings.Contains(out, "taizhang init --db 数据文件") {
		t.Errorf("init --help: %d %q", code, out)
	}
}

func TestListsText(t *testing.T) {
	code, out, _ := runCmd("lists")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"附件1", "附件2", "附件3", "附件4", "共16项", "共34项", "共4项", "共12项", "依据：", "原件所印：", "整理说明：",
		"13. [注] 依法做好残疾人工作\n", "14. 【教育（推定）】加强对未成年人的校外教育工作\n", "20. [注] 【防灾减灾（推定）】", " 1. 【社会治安】维护社会治安\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("lists lacks %q", want)
		}
	}
	for i, l := range strings.Split(out, "\n") {
		if w := displayWidth(l); w > 80 {
			t.Errorf("line %d is %d cells wide: %q", i+1, w, l)
		}
	}
	code, out, _ = runCmd("lists", "certificates")
	if code != 0 || strings.Contains(out, "附件1") || !strings.Contains(out, "居民在社区居住证明") {
		t.Errorf("one list: %d\n%s", code, out)
	}
	if code, _, e := runCmd("lists", "nonsense"); code != 2 || !strings.Contains(e, "没有“nonsense”这个清单") {
		t.Errorf("bad list: %d %q", code, e)
	}
}

func TestListsJSON(t *testing.T) {
	code, out, _ := runCmd("lists", "--json")
	var all struct {
		Lists []struct {
			Items []map[string]any `json:"items"`
		} `json:"lists"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &all) != nil || len(all.Lists) != 4 {
		t.Fatalf("all: %d", code)
	}
	code, out, _ = runCmd("lists", "duties", "--json")
	var one struct {
		Items []struct {
			Reading string `json:"reading"`
			Note    string `json:"note"`
		} `json:"items"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &one) != nil || len(one.Items) != 16 {
		t.Fatalf("duties: %d %s", code, out)
	}
	if one.Items[9].Reading == "" || one.Items[9].Note == "" {
		t.Error("reading/note not carried in JSON")
	}
	// Both forms say which categories are inferred.
	for _, args := range [][]string{{"lists", "--json"}, {"lists", "assist", "--json"}} {
		code, out, _ := runCmd(args...)
		var assist struct {
			Items []struct {
				No               int    `json:"no"`
				Category         string `json:"category"`
				CategoryInferred bool   `json:"category_inferred"`
				NoteZh           string `json:"note_zh"`
			} `json:"items"`
		}
		var all struct {
			Lists []json.RawMessage `json:"lists"`
		}
		b := []byte(out)
		if json.Unmarshal(b, &all) == nil && len(all.Lists) == 4 {
			b = all.Lists[1]
		}
		if code != 0 || json.Unmarshal(b, &assist) != nil || len(assist.Items) != 34 {
			t.Fatalf("%v: %d %s", args, code, out)
		}
		if it := assist.Items[13]; it.No != 14 || it.Category != "教育" || !it.CategoryInferred {
			t.Errorf("%v: item 14 %+v", args, it)
		}
		if it := assist.Items[12]; it.CategoryInferred || it.NoteZh == "" {
			t.Errorf("%v: item 13 %+v", args, it)
		}
	}
}

func TestInit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a", "t.db")
	args := []string{"init", "--db", db, "--community", "英雄南路社区", "--street", "英雄南路街道办事处", "--county", "140403", "--operator", "王丽", "--phone", "0355-2021234"}
	code, out, e := runCmd(args...)
	if code != 0 || !strings.Contains(out, "英雄南路社区居民委员会") {
		t.Fatalf("init: %d %q %q", code, out, e)
	}
	code, _, e = runCmd(append(args[:len(args):len(args)], "--community", "太行东街社区")...)
	if code == 0 || !strings.Contains(e, "--force") {
		t.Errorf("overwrite without --force: %d %q", code, e)
	}
	if code, _, e = runCmd(append(args[:len(args):len(args)], "--community", "太行东街社区", "--force")...); code != 0 {
		t.Errorf("--force: %d %q", code, e)
	}
	d, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.Profile()
	d.Close()
	if p.Community != "太行东街社区" || p.CountyName != "潞州区" {
		t.Errorf("profile %+v", p)
	}
	if code, _, e := runCmd("init", "--db", db, "--community", "x"); code != 2 || !strings.Contains(e, "缺少 --street") {
		t.Errorf("missing flag: %d %q", code, e)
	}
}

// A wrong county code lists the valid ones and creates no file; so does any
// other mistake the profile check finds.
func TestInitWrongCountyCreatesNoFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "b.db")
	divs, err := assets.LoadDivisions()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"init", "--db", db, "--county", "140499"},
		{"init", "--db", db, "--community", "英雄南路社区", "--street", "英雄南路街道", "--county", "999999", "--operator", "王丽"},
	} {
		code, _, e := runCmd(args...)
		if code != 2 || !strings.Contains(e, "不是长治市现行的县（市、区）代码") {
			t.Errorf("%v: %d %q", args, code, e)
		}
		for _, d := range divs.Current {
			if !strings.Contains(e, d.Code+" "+d.Name) {
				t.Errorf("%v: %s %s not listed in %q", args, d.Code, d.Name, e)
			}
		}
	}
	if code, _, e := runCmd("init", "--db", db, "--county", "140402"); code != 2 || !strings.Contains(e, "140402 是2018年区划调整前城区的代码，现为 140403 潞州区") {
		t.Errorf("legacy code: %d %q", code, e)
	}
	if code, _, e := runCmd("init", "--db", db, "--community", "英", "--street", "英雄南路街道", "--county", "140403", "--operator", "王丽"); code != 1 || !strings.Contains(e, "社区名称") {
		t.Errorf("short name: %d %q", code, e)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused init left %s (%v)", db, err)
	}
}

// A file held by another process is reported, with its name, within 2 s.
func TestLockedFileFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	d, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	start := time.Now()
	code, _, e := runCmd("init", "--db", path, "--community", "英雄南路社区", "--street", "英雄南路街道", "--county", "140403", "--operator", "王丽")
	if code == 0 || !strings.Contains(e, path) || !strings.Contains(e, "另一个台账窗口") {
		t.Errorf("locked: %d %q", code, e)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestRefusesNonLedgerFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("这是一份会议记录，不是台账。"), 0o644)
	code, _, e := runCmd("--db", path)
	if code != 1 || !strings.Contains(e, "不是台账数据文件") {
		t.Errorf("%d %q", code, e)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "这是一份会议记录，不是台账。" {
		t.Error("file was changed")
	}
}

func TestDataDir(t *testing.T) {
	env := map[string]string{"AppData": `C:\Users\w\AppData\Roaming`, "HOME": "/home/w"}
	get := func(k string) string { return env[k] }
	if got := dataDir("windows", get); got != `C:\Users\w\AppData\Roaming` {
		t.Errorf("windows: %s", got)
	}
	if got := dataDir("linux", get); got != "/home/w/.local/share" {
		t.Errorf("linux: %s", got)
	}
	env["XDG_DATA_HOME"] = "/data"
	if got := dataDir("linux", get); got != "/data" {
		t.Errorf("xdg: %s", got)
	}
	t.Setenv("TAIZHANG_DB", "/tmp/x.db")
	if defaultDBPath() != "/tmp/x.db" {
		t.Error("TAIZHANG_DB ignored")
	}
}
