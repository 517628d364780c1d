package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"taizhang/store"
)

// runCheck proves the ledger: the event chain holds and every register is
// what the events add up to. It opens the file read-only.
func runCheck(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	db := dbFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("多余的参数“%s”。用法：taizhang check [--db 数据文件]", fs.Arg(0))}
	}
	d, err := openReadOnly(*db)
	if errors.As(err, new(*store.AggregateFileError)) {
		return checkAggregate(*db, out)
	}
	if err != nil {
		return err
	}
	defer d.Close()
	rep, err := d.Check()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "核对通过：%s\n数据文件：%s\n", rep, d.Path())
	return nil
}

// openReadOnly opens an existing ledger for reading only; a missing file is
// refused, never created, and a damaged one too (guard).
func openReadOnly(path string) (*store.DB, error) {
	if err := mustExist(path); err != nil {
		return nil, err
	}
	if err := guard(path, false); err != nil {
		return nil, err
	}
	return store.Open(path, store.Options{ReadOnly: true})
}

// mustExist refuses a data file that is not there, so that a command that
// only reads never creates one.
func mustExist(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("找不到数据文件 %s。请用 --db 指定台账数据文件的位置。", path)
	}
	return nil
}
