package store

import (
	"errors"
	"fmt"
)

// LockedError: another program (usually a second taizhang window) holds the
// data file.
type LockedError struct{ Path string }

func (e *LockedError) Error() string {
	return fmt.Sprintf("数据文件 %s 正被另一个台账窗口使用。请先关闭那个窗口，再重新打开本程序。", e.Path)
}

// NotLedgerError: the file exists but is not a taizhang ledger. It is left
// untouched.
type NotLedgerError struct {
	Path   string
	Reason string
}

func (e *NotLedgerError) Error() string {
	return fmt.Sprintf("文件 %s %s，本程序不会改动它。请用 --db 指定正确的台账数据文件，或换一个新的文件名。", e.Path, e.Reason)
}

// NewerSchemaError: the file was written by a newer taizhang.
type NewerSchemaError struct {
	Path      string
	Have, Max uint64
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("数据文件 %s 由较新版本的台账程序写入（格式版本 %d，本程序只认识到 %d）。请升级台账程序后再打开。", e.Path, e.Have, e.Max)
}

// FieldError is a value a user typed that cannot be saved. Field names the
// form field (its Chinese label); Msg says why and what to do.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + "：" + e.Msg }

// ProfileExistsError: init was asked to write a profile over an existing one.
type ProfileExistsError struct{ Community string }

func (e *ProfileExistsError) Error() string {
	return fmt.Sprintf("该数据文件已设置为“%s”的台账。如确需覆盖社区信息，请加上 --force。", e.Community)
}

// ErrNoProfile is returned where a community profile is needed and none is
// set yet.
var ErrNoProfile = errors.New("尚未设置社区信息，请先完成首次设置（或运行 taizhang init）。")

// ErrNotFound is returned for a record id that does not exist.
var ErrNotFound = errors.New("找不到该记录。")
