package settings

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"filippo.io/age"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/ui/common"
)

// keyError is a receiving office's key refused, in words the worker can act
// on; the edit stays open to try again.
type keyError struct {
	msg    string
	secret bool // the text was a private key
}

func (e *keyError) Error() string { return e.msg }

// parseReceiverKey checks a pasted key and returns it in its canonical form
// (age1…, lower case).
func parseReceiverKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.ToUpper(s) == s {
		s = strings.ToLower(s) // bech32 may be written all in capitals
	}
	switch {
	case strings.HasPrefix(strings.ToUpper(s), "AGE-SECRET-KEY-"):
		return "", &keyError{msg: "这是接收单位的私钥（AGE-SECRET-KEY 开头），不能放在社区的电脑上！请只粘贴以 age1 开头的公钥，并告诉接收单位：这份私钥已被看到，最好重新生成一对。", secret: true}
	case strings.HasPrefix(s, "ssh-"):
		return "", &keyError{msg: "这是 SSH 公钥，不能用于导出加密。请向接收单位要以 age1 开头的公钥（由 taizhang keygen 生成）。"}
	}
	r, err := age.ParseX25519Recipient(s)
	if err != nil {
		return "", &keyError{msg: fmt.Sprintf("“%s”不是接收单位公钥：公钥以 age1 开头，共 62 个字母和数字，由接收单位运行 taizhang keygen 生成。请核对后重新粘贴。", clip(s, 16))}
	}
	return r.String(), nil
}

// readReceiverKeyFile finds the key in a .txt file the receiving office
// gave: its first line that starts with age1. path may also be a folder
// (the stick's root, F:\): its .txt files are read in name order and the
// first key found is taken, unless one of them holds a private key.
func readReceiverKeyFile(path string) (string, error) {
	path = strings.Trim(strings.TrimSpace(path), `"`)
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", &keyError{msg: fmt.Sprintf("找不到 %s。请插好U盘，核对盘符和文件名后再试。", path)}
	case err != nil:
		return "", &keyError{msg: fmt.Sprintf("无法读取 %s（%v）。请插好U盘后再试。", path, err)}
	case !st.IsDir():
		return keyInFile(path)
	}
	files, _ := filepath.Glob(filepath.Join(path, "*.[tT][xX][tT]"))
	sort.Strings(files)
	found := ""
	for _, f := range files[:min(len(files), maxKeyFiles)] {
		k, err := keyInFile(f)
		var ke *keyError
		switch {
		case errors.As(err, &ke) && ke.secret:
			return "", err // a private key on the stick is worth stopping for
		case err == nil && found == "":
			found = k
		}
	}
	if found != "" {
		return found, nil
	}
	return "", &keyError{msg: fmt.Sprintf("%s 里的 .txt 文件中都没有以 age1 开头的公钥。请填写接收单位给的公钥文件的完整路径。", path)}
}

// maxKeyFile is the most of a file read for a key: a key file is one or
// two short lines, so a big file is the wrong file.
const maxKeyFile = 64 << 10

// maxKeyFiles is the most .txt files of a folder read.
const maxKeyFiles = 50

// keyInFile takes the first line that starts with age1. A file that also
// holds a private key is refused: it is the receiving office's own key
// file and must not stay on the stick.
func keyInFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &keyError{msg: fmt.Sprintf("无法读取 %s（%v）。请插好U盘后再试。", path, err)}
	}
	defer f.Close()
	found := ""
	sc := bufio.NewScanner(io.LimitReader(f, maxKeyFile))
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		switch {
		case strings.HasPrefix(strings.ToUpper(line), "AGE-SECRET-KEY-"):
			return "", &keyError{msg: fmt.Sprintf("%s 里有接收单位的私钥（AGE-SECRET-KEY 开头），不能用，也不要留在U盘上。请接收单位只把以 age1 开头的公钥存成 .txt 文件交给社区。", path), secret: true}
		case found == "" && strings.HasPrefix(line, "age1"):
			found = strings.Fields(line)[0]
		}
	}
	if found == "" {
		return "", &keyError{msg: fmt.Sprintf("%s 中没有以 age1 开头的公钥。请打开文件看一看，或直接粘贴公钥。", path)}
	}
	return parseReceiverKey(found)
}

// clip shortens s to n characters for a message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// shortKey is a key as the settings screen shows it: the start and the end.
func shortKey(k string) string {
	if len(k) <= 24 {
		return k
	}
	return k[:12] + "..." + k[len(k)-8:]
}

const (
	keyHint  = "age1 开头，由接收单位提供"
	fileHint = `如 F:\接收单位公钥.txt，或只填盘符 F:\`
)

// editReceiver opens the receiving office's key for editing, the key field
// holding the key now set.
func (m *Model) editReceiver() tea.Cmd {
	m.edit = receiver
	m.keyIn.SetValue(m.ctx.Profile.ReceiverKey)
	m.keyIn.CursorEnd()
	m.fileIn.SetValue("")
	m.keyFocus = 0
	m.fileIn.Blur()
	return m.keyIn.Focus()
}

// receiverKey handles a key while the receiving office's key is edited.
func (m *Model) receiverKey(km tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(km, k.Cancel):
		m.edit = none
		m.keyIn.Blur()
		m.fileIn.Blur()
		m.err = ""
		return nil
	case key.Matches(km, k.Confirm):
		return m.saveReceiver()
	case key.Matches(km, k.NextField, k.PrevField):
		m.keyFocus = 1 - m.keyFocus
		if m.keyFocus == 0 {
			m.fileIn.Blur()
			return m.keyIn.Focus()
		}
		m.keyIn.Blur()
		return m.fileIn.Focus()
	}
	m.err = ""
	var cmd tea.Cmd
	if m.keyFocus == 0 {
		m.keyIn, cmd = m.keyIn.Update(km)
	} else {
		m.fileIn, cmd = m.fileIn.Update(km)
	}
	return cmd
}

// saveReceiver reads the key (from the file when one is named, which may be
// on a slow stick, so in the command), checks it and saves the profile with
// it; both fields empty clear it.
func (m *Model) saveReceiver() tea.Cmd {
	typed, file := m.keyIn.Value(), strings.TrimSpace(m.fileIn.Value())
	p, by := m.ctx.Profile, m.ctx.Operator
	m.busy = true
	return common.Save(m.id(), m.ctx.Store, func(db *store.DB) (tea.Msg, error) {
		k, err := receiverFrom(typed, file)
		if err == nil && k != p.ReceiverKey {
			p.ReceiverKey = k
			_, err = db.SaveProfile(by, p, true)
		}
		return saved{change: keySet, receiver: k, err: err}, err
	})
}

// receiverFrom is the key the worker gave: read from the file when one is
// named, else the one pasted ("" to clear).
func receiverFrom(typed, file string) (string, error) {
	if file != "" {
		return readReceiverKeyFile(file)
	}
	if strings.TrimSpace(typed) == "" {
		return "", nil
	}
	return parseReceiverKey(typed)
}

// afterKeySet closes the edit and says what the next export will do.
func (m *Model) afterKeySet(msg saved, profileChanged tea.Cmd) tea.Cmd {
	m.edit = none
	m.keyIn.Blur()
	m.fileIn.Blur()
	text := "已保存接收单位公钥 " + shortKey(msg.receiver) + "：以后导出的文件都会加密。"
	if msg.receiver == "" {
		text = "已清除接收单位公钥：以后导出的文件不加密。"
	}
	return tea.Batch(profileChanged, common.Info(text))
}

// exportLines are what the monthly export needs from this screen.
func (m *Model) exportLines(line func(string)) {
	s := m.ctx.Styles
	line(s.Title.Render("月度导出") + s.Dim.Render("（按 g 设置接收单位公钥）"))
	line("  本单位签名指纹：" + s.Label.Render(m.fingerprint) + s.Dim.Render("（接收单位来电核对这串字符，一致才说明导出包确是本社区做的）"))
	if k := m.ctx.Profile.ReceiverKey; k != "" {
		line("  接收单位公钥：" + shortKey(k) + s.Dim.Render("（导出时加密，只有接收单位能打开）"))
	} else {
		line("  接收单位公钥：未设置" + s.Dim.Render("（导出的文件不加密）"))
	}
}

// receiverLines are the receiving office's key being edited.
func (m *Model) receiverLines(line func(string)) {
	s := m.ctx.Styles
	line(s.Title.Render("设置接收单位公钥") + s.Dim.Render("（粘贴公钥，或填写U盘上公钥文件的位置）"))
	labels := []string{"粘贴公钥：", "或读取文件："}
	for i, in := range []textinput.Model{m.keyIn, m.fileIn} {
		mark, st := "  ", s.Label
		if i == m.keyFocus {
			mark, st = "> ", s.Focused
		}
		line(mark + st.Render(common.Pad(labels[i], 14)) + "[" + in.View() + "]")
	}
	for _, l := range common.Wrap("读取文件时取其中以 age1 开头的第一行；只填盘符（如 F:\\）则在U盘根目录的 .txt 文件里找。两栏都空着保存，即清除公钥，以后导出不加密。", m.width-4) {
		line("  " + s.Dim.Render(l))
	}
	m.stateLines(line)
}

// stateLines say that a save runs, or why the last one was refused, in
// full.
func (m *Model) stateLines(line func(string)) {
	s := m.ctx.Styles
	if m.busy {
		line(s.Dim.Render(common.SavingText))
	}
	if m.err != "" {
		for _, l := range common.Wrap(common.Display(m.err), m.width-2) {
			line(s.Error.Render(l))
		}
	}
}
