package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"taizhang/store"
)

func newRecipient(t *testing.T) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.Recipient().String()
}

// openSettings starts the program on 设置 and waits for the fingerprint.
func openSettings(t *testing.T, db *store.DB) *teatest.TestModel {
	t.Helper()
	signer, err := db.Signer()
	if err != nil {
		t.Fatal(err)
	}
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "按数字键进入")
	typeText(tm, "9")
	waitFor(t, tm, "本单位签名指纹："+store.Fingerprint(signer.Public))
	return tm
}

// waitForAll waits until the output read so far holds every text: what
// one frame draws is read once.
func waitForAll(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func receiverKey(t *testing.T, db *store.DB) string {
	t.Helper()
	p, err := db.Profile()
	if err != nil {
		t.Fatal(err)
	}
	return p.ReceiverKey
}

// The fingerprint is shown; a pasted key that is not an age public key is
// refused in Chinese and nothing is saved; a valid one is saved (an
// event) and shown; an empty field clears it.
func TestSettingsReceiverKeyPasted(t *testing.T) {
	db := newDB(t, true)
	tm := openSettings(t, db)
	typeText(tm, "g")
	waitFor(t, tm, "设置接收单位公钥")
	typeText(tm, "age1notakey")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "不是接收单位公钥")
	if k := receiverKey(t, db); k != "" {
		t.Fatalf("an invalid key was saved: %q", k)
	}
	tm.Send(press(tea.KeyCtrlU))
	typeText(tm, "AGE-SECRET-KEY-1QQQ")
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "这是接收单位的私钥")

	key := newRecipient(t)
	tm.Send(press(tea.KeyCtrlU))
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(" " + key + " "), Paste: true})
	tm.Send(press(tea.KeyEnter))
	waitForAll(t, tm, "已保存接收单位公钥", "接收单位公钥："+key[:12]+"...")
	if k := receiverKey(t, db); k != key {
		t.Errorf("saved key %q, want %q", k, key)
	}

	typeText(tm, "g")
	waitFor(t, tm, "设置接收单位公钥")
	tm.Send(press(tea.KeyCtrlU))
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "已清除接收单位公钥")
	checkFrame(t, finalView(t, tm, 80, 24), 80, 24)
	if k := receiverKey(t, db); k != "" {
		t.Errorf("key not cleared: %q", k)
	}
}

// The key is read from a .txt file on the stick (its first age1 line), or
// from the .txt files of a folder; a file holding a private key is refused.
func TestSettingsReceiverKeyFromFile(t *testing.T) {
	db := newDB(t, true)
	stick := t.TempDir()
	key := newRecipient(t)
	if err := os.WriteFile(filepath.Join(stick, "私钥.txt"), []byte("# created\nAGE-SECRET-KEY-1ABC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tm := openSettings(t, db)
	typeText(tm, "g")
	waitFor(t, tm, "设置接收单位公钥")
	tm.Send(press(tea.KeyTab))
	typeText(tm, filepath.Join(stick, "私钥.txt"))
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "里有接收单位的私钥")
	if k := receiverKey(t, db); k != "" {
		t.Fatalf("saved from a private key file: %q", k)
	}
	os.Remove(filepath.Join(stick, "私钥.txt"))
	text := "\ufeff长治市潞州区民政局 接收公钥\r\n" + key + "\r\n"
	if err := os.WriteFile(filepath.Join(stick, "接收单位公钥.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tm.Send(press(tea.KeyCtrlU))
	typeText(tm, stick) // the folder: its .txt files are searched
	tm.Send(press(tea.KeyEnter))
	waitFor(t, tm, "已保存接收单位公钥")
	finalView(t, tm, 80, 24)
	if k := receiverKey(t, db); k != key {
		t.Errorf("saved key %q, want %q", k, key)
	}
}

// The window number is set in the first-run form and is part of every
// serial: 2026-2-0001.
func TestSetupStation(t *testing.T) {
	db := newDB(t, false)
	tm := start(t, newApp(t, db), 80, 24)
	waitFor(t, tm, "首次设置")
	for _, v := range []string{"英雄南路社区", "英雄南路街道办事处", "潞州", "英南证", ""} {
		typeText(tm, v)
		tm.Send(press(tea.KeyTab))
	}
	tm.Send(press(tea.KeyBackspace))
	typeText(tm, "0")
	tm.Send(press(tea.KeyTab))
	waitFor(t, tm, "请填 1 到 99 之间的数字")
	tm.Send(press(tea.KeyShiftTab))
	tm.Send(press(tea.KeyBackspace))
	typeText(tm, "2")
	tm.Send(press(tea.KeyTab))
	typeText(tm, "王丽")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "按数字键进入")
	if p, _ := db.Profile(); p.Station != 2 {
		t.Fatalf("station %d, want 2", p.Station)
	}
	typeText(tm, "2")
	waitFor(t, tm, "该月没有开具证明")
	typeText(tm, "n")
	waitFor(t, tm, "本机是 2 号窗口")
	fillCertForm(tm, "jzzm", "𠮷祥", validID("14040319900101123"))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "已保存，编号 英南证2026-2-0001")
	finalView(t, tm, 80, 24)
	if _, err := db.CertificateBySerial("2026-2-0001"); err != nil {
		t.Error(err)
	}
}

// 设置 → 社区信息 shows the window number saved and keeps it.
func TestEditProfileKeepsStationAndKey(t *testing.T) {
	db := newDB(t, true)
	key := newRecipient(t)
	p, _ := db.Profile()
	p.Station, p.ReceiverKey = 3, key
	if _, err := db.SaveProfile(store.Operator{}, p, true); err != nil {
		t.Fatal(err)
	}
	tm := openScreen(t, db, "9", "窗口号：3")
	typeText(tm, "e")
	waitFor(t, tm, "修改本社区的信息")
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	waitFor(t, tm, "社区信息已保存")
	finalView(t, tm, 80, 24)
	if got, _ := db.Profile(); got.Station != 3 || got.ReceiverKey != key {
		t.Errorf("after editing: station %d key %q", got.Station, got.ReceiverKey)
	}
	if !strings.HasPrefix(key, "age1") {
		t.Fatal(key)
	}
}
