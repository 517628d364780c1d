package oldledger

import (
	"errors"

	"taizhang/store"
)

func importFile(db *store.DB, path string, opt Options) (Report, error) {
	return Report{File: path}, errors.New("旧台账导入尚未完成")
}
