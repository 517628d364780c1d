package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"taizhang/store"
)

// demoLedger is a demo file of three months up to today.
func demoLedger(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.db")
	if code, _, e := runCmd("demo", "--db", path, "--records", "120", "--months", "3"); code != 0 {
		t.Fatalf("demo: %s", e)
	}
	return path
}

func lastMonth() string { return store.MonthStart(store.Clock()).AddDate(0, -1, 0).Format("2006-01") }

func onlyEntry(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("%s holds %v (%v)", dir, entries, err)
	}
	return filepath.Join(dir, entries[0].Name())
}

// keygen, export to the receiving office's key, verify with and without
// its identity, and a changed byte named with exit 1.
func TestExportVerifyKeygen(t *testing.T) {
	db := demoLedger(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "office.key")
	code, pub, e := runCmd("keygen", "--out", keyFile)
	pub = strings.TrimSpace(pub)
	if code != 0 || !strings.HasPrefix(pub, "age1") || !strings.Contains(e, "妥善保管") {
		t.Fatalf("keygen: %d %q %q", code, pub, e)
	}
	if code, _, e := runCmd("keygen", "--out", keyFile); code != 1 || !strings.Contains(e, "不会覆盖") {
		t.Errorf("second keygen: %d %q", code, e)
	}

	stick := filepath.Join(dir, "stick")
	os.Mkdir(stick, 0o700)
	code, out, e := runCmd("export", "--db", db, "--month", lastMonth(), "--out", stick, "--recipient", pub, "--mask-id")
	if code != 0 || !strings.Contains(out, "导出包：") || !strings.Contains(out, "已加密") || !strings.Contains(out, "签名指纹") {
		t.Fatalf("export: %d %q %q", code, out, e)
	}
	bundle := onlyEntry(t, stick)
	if !strings.Contains(out, bundle) {
		t.Errorf("export does not print the bundle's path %s:\n%s", bundle, out)
	}

	code, out, e = runCmd("verify", bundle)
	if code != 0 || !strings.Contains(out, "核验通过") || !strings.Contains(out, "没有核对内容") {
		t.Errorf("verify without identity: %d %q %q", code, out, e)
	}
	// Flags after the folder are read too.
	code, out, e = runCmd("verify", bundle, "--identity", keyFile)
	if code != 0 || !strings.Contains(out, "事件链都相符") {
		t.Errorf("verify with identity: %d %q %q", code, out, e)
	}
	if code, _, e := runCmd("verify", "--key", "0000-0000-0000-0000", bundle); code != 1 || !strings.Contains(e, "签名密钥不是该社区的密钥") {
		t.Errorf("verify against another fingerprint: %d %q", code, e)
	}
	other := filepath.Join(dir, "other.key")
	runCmd("keygen", "--out", other)
	if code, _, e := runCmd("verify", bundle, "--identity", other); code != 1 || !strings.Contains(e, "私钥不是这份导出包的接收密钥") {
		t.Errorf("verify with another identity: %d %q", code, e)
	}
	path := filepath.Join(bundle, "证明.csv.age")
	b, _ := os.ReadFile(path)
	b[len(b)-1] ^= 1
	os.WriteFile(path, b, 0o600)
	if code, out, e := runCmd("verify", bundle); code != 1 || out != "" || !strings.Contains(e, "证明.csv.age") || !strings.Contains(e, "核验未通过") {
		t.Errorf("verify a changed file: %d %q %q", code, out, e)
	}
}

// Without --recipient the export encrypts to the key set under 设置; the
// ledger records the export and the ledger file stays a valid ledger.
func TestExportUsesTheProfileKey(t *testing.T) {
	path := demoLedger(t)
	dir := t.TempDir()
	_, pub, _ := runCmd("keygen", "--out", filepath.Join(dir, "k"))
	d, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.Profile()
	p.ReceiverKey = strings.TrimSpace(pub)
	ops, _ := d.Operators()
	if _, err := d.SaveProfile(ops[0], p, true); err != nil {
		t.Fatal(err)
	}
	d.Close()
	stick := t.TempDir()
	if code, out, e := runCmd("export", "--db", path, "--month", lastMonth(), "--out", stick); code != 0 || !strings.Contains(out, "已加密") {
		t.Fatalf("export: %d %q %q", code, out, e)
	}
	if _, err := os.Stat(filepath.Join(onlyEntry(t, stick), "ledger.db.age")); err != nil {
		t.Error(err)
	}
	if code, out, e := runCmd("check", "--db", path); code != 0 {
		t.Errorf("check after export: %q %q", out, e)
	}
	d, _ = store.Open(path, store.Options{ReadOnly: true})
	defer d.Close()
	if exports, _ := d.Exports(); len(exports) != 1 || exports[0].Month != lastMonth() {
		t.Errorf("exports recorded: %+v", exports)
	}
}

func TestExportUsage(t *testing.T) {
	path := demoLedger(t)
	before, _ := os.ReadFile(path)
	stick := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"export", "--db", path, "--out", stick}, 2, "缺少 --month"},
		{[]string{"export", "--db", path, "--month", "2026-11"}, 2, "缺少 --out"},
		{[]string{"export", "--db", path, "--month", "十一月", "--out", stick}, 2, "看不懂"},
		{[]string{"export", "--db", path, "--month", lastMonth(), "--out", stick, "--recipient", "age1bad"}, 1, "公钥“age1bad”格式不对"},
		{[]string{"export", "--db", path, "--month", lastMonth(), "--out", filepath.Join(stick, "无")}, 1, "找不到导出位置"},
		{[]string{"export", "--db", path, "--month", lastMonth(), "--out", stick, "--operator", "无名"}, 2, "没有名叫“无名”"},
		{[]string{"export", "--db", path, "--month", lastMonth(), "--out", stick, "--bogus"}, 2, "没有 --bogus 这个参数"},
		{[]string{"verify"}, 2, "请指明要核验的导出包文件夹"},
		{[]string{"verify", stick, "--identity", filepath.Join(stick, "none.key")}, 1, "找不到私钥文件"},
		{[]string{"verify", stick}, 1, "没有 MANIFEST.json"},
		{[]string{"keygen"}, 2, "缺少 --out"},
	} {
		code, _, e := runCmd(c.args...)
		if code != c.code || !strings.Contains(e, c.want) {
			t.Errorf("%v: exit %d %q, want %d %q", c.args[1:], code, e, c.code, c.want)
		}
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("a refused export changed the ledger")
	}
	if entries, _ := os.ReadDir(stick); len(entries) != 0 {
		t.Errorf("a refused export left %v", entries)
	}
}
