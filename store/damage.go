package store

import "runtime/debug"

// A bundle's ledger.db comes from another PC, and whoever made the bundle
// may have made the file: bbolt trusts the pages it maps, so a damaged or
// crafted page makes it panic, and a page past the end of a cut file is a
// memory fault (SIGBUS) that would end the program. The readers of such
// files run under catchDamage, and their goroutines that read pages under
// faultsPanic and a recover of their own.

// errDamagedPage is what a reader that hit a damaged page returns.
var errDamagedPage = &ChainError{0, "数据页已损坏，无法读取"}

// catchDamage runs read and turns a panic or a memory fault in it (on this
// goroutine) into a *NotLedgerError for path.
func catchDamage(path string, read func() error) (err error) {
	defer faultsPanic()()
	defer func() {
		if recover() != nil {
			err = &NotLedgerError{Path: path, Reason: "已损坏或不是台账导出文件"}
		}
	}()
	return read()
}

// faultsPanic makes a memory fault on this goroutine a panic that can be
// recovered, and returns the func that restores the setting.
func faultsPanic() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}
