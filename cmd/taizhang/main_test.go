package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	if code, _, e := runCmd("--nope"); code != 2 || !strings.Contains(e, "参数有误") {
		t.Errorf("unknown flag: %d %q", code, e)
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
	if code, _, e := runCmd("init", "--db", filepath.Join(t.TempDir(), "b.db"), "--community", "英雄南路社区", "--street", "英雄南路街道", "--county", "999999", "--operator", "王丽"); code != 1 || !strings.Contains(e, "县（市、区）") {
		t.Errorf("bad county: %d %q", code, e)
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
