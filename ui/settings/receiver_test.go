package settings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
)

func recipient(t *testing.T) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.Recipient().String()
}

func TestParseReceiverKey(t *testing.T) {
	key := recipient(t)
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: key, want: key},
		{in: "  " + key + "\n", want: key},
		{in: strings.ToUpper(key), want: key},
		{in: key[:len(key)-1], err: "不是接收单位公钥"},
		{in: "age1", err: "不是接收单位公钥"},
		{in: "AGE-SECRET-KEY-1QYQSZQGPQYQSZQGP", err: "私钥"},
		{in: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA", err: "SSH 公钥"},
	} {
		got, err := parseReceiverKey(tc.in)
		var ke *keyError
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("parseReceiverKey(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		case tc.err != "" && (!errors.As(err, &ke) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("parseReceiverKey(%q) error %v, want one saying %q", tc.in, err, tc.err)
		}
	}
}

func TestReadReceiverKeyFile(t *testing.T) {
	key, other := recipient(t), recipient(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bom := write("bom.txt", "\ufeff"+key+"\r\n"+other+"\r\n")
	noted := write("noted.txt", "潞州区民政局的公钥：\n\n"+key+"  \n")
	secret := write("secret.txt", "# public key: "+key+"\nAGE-SECRET-KEY-1QYQSZQGPQYQSZQGP\n")
	none := write("none.txt", "nothing here\n")
	for _, tc := range []struct {
		path, want, err string
	}{
		{path: bom, want: key},
		{path: noted, want: key},
		{path: `"` + noted + `"`, want: key}, // pasted from Explorer's 复制路径
		{path: secret, err: "私钥"},
		{path: none, err: "没有以 age1 开头的公钥"},
		{path: filepath.Join(dir, "missing.txt"), err: "找不到"},
	} {
		got, err := readReceiverKeyFile(tc.path)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %q, %v; want %q", filepath.Base(tc.path), got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one saying %q", filepath.Base(tc.path), err, tc.err)
		}
	}
	// A folder: the .txt files in name order, but a private key stops it.
	if _, err := readReceiverKeyFile(dir); err == nil || !strings.Contains(err.Error(), "私钥") {
		t.Errorf("folder with a private key file: %v", err)
	}
	os.Remove(secret)
	if got, err := readReceiverKeyFile(dir); err != nil || got != key {
		t.Errorf("folder: %q %v", got, err)
	}
	empty := t.TempDir()
	if _, err := readReceiverKeyFile(empty); err == nil || !strings.Contains(err.Error(), ".txt 文件中都没有") {
		t.Errorf("empty folder: %v", err)
	}
}
