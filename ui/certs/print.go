package certs

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"taizhang/store"
	"taizhang/store/printout"
	"taizhang/ui/common"
)

// print writes the XLSX printout in the background, then counts the print.
func (m *Model) print(c store.Certificate) tea.Cmd {
	t, ok := m.types[c.TypeNo]
	if !ok {
		t = m.types[0]
	}
	db, p, op := m.ctx.Store, m.ctx.Profile, m.ctx.Operator
	return common.Save(common.CertsScreen, db, func(db *store.DB) (tea.Msg, error) {
		path, err := printout.SaveCertificate(printout.PrintDir(db.Path()), p, c, t)
		if err != nil {
			return printed{cert: c, err: err}, err
		}
		c, err := db.RecordPrint(op, c.ID, c.Copies)
		return printed{cert: c, path: path, err: err}, err
	})
}

func (m *Model) afterPrint(msg printed) tea.Cmd {
	m.printing = false
	if msg.err != nil {
		return common.Fail(msg.err)
	}
	m.lastPrint = msg.path
	done := common.Info(fmt.Sprintf("已生成打印文件（%s，第 %d 次打印，%d 份）：%s。按 o 打开。",
		msg.cert.Serial, msg.cert.Prints, msg.cert.Copies, common.InDataFolder(m.ctx.Store.Path(), msg.path)))
	if m.mode == detail && m.cert.ID == msg.cert.ID {
		return tea.Batch(m.openCert(msg.cert.ID), done)
	}
	return done
}

// openFile hands the printout to Excel/WPS (or the system's viewer)
// without waiting for it.
func openFile(path string) tea.Cmd {
	return func() tea.Msg {
		if err := printout.Open(path); err != nil {
			return common.Status{Text: err.Error(), Err: true}
		}
		return common.Status{Text: "已交给默认程序打开：" + path}
	}
}
