package bundle

import (
	"errors"
	"fmt"
	"io/fs"

	"taizhang/store"
)

// WriteError: the bundle could not be written. Nothing was marked
// exported and what was written was removed as far as the disk allowed,
// unless Recorded is set; the message says what happened and what to do.
type WriteError struct {
	Step string // what was being done: 写入 台账.xlsx, 创建文件夹 …
	Dir  string // the destination folder
	Err  error
	// Left is a folder that could not be removed (the stick was pulled);
	// it is incomplete and does not verify.
	Left string
	// Recorded is the bundle folder when only its manifest's last step
	// failed, after the ledger recorded the export: exporting the month
	// again to the same stick completes it.
	Recorded string
}

func (e *WriteError) Error() string {
	if e.Recorded != "" {
		return fmt.Sprintf("这个月的导出已记入台账，但U盘上的导出包 %s 没有写完（%s时出错：%s），请先不要交出这个U盘。请插好U盘，再导出一次这个月：程序会把它补完整（换了U盘则会重新导出一份）。",
			e.Recorded, e.Step, cause(e.Err))
	}
	left := ""
	if e.Left != "" {
		left = fmt.Sprintf("未能删除写了一半的文件夹 %s，它不完整、不能通过核验，插回U盘后可以删掉它。", e.Left)
	}
	return fmt.Sprintf("导出没有完成（%s时出错：%s）。%s台账没有改动，这个月也没有标记为已导出。%s",
		e.Step, cause(e.Err), left, advice(e.Err))
}

func (e *WriteError) Unwrap() error { return e.Err }

// Kinds of disk failure a worker can act on.
const (
	failOther       = store.DiskOther
	failFull        = store.DiskFull
	failReadOnly    = store.DiskReadOnly
	failGone        = store.DiskGone
	failNameTooLong = store.DiskNameTooLong
)

// failKind sorts an error from the disk.
func failKind(err error) store.DiskFault { return store.DiskFaultOf(err) }

// cause says in words what went wrong.
func cause(err error) string {
	switch failKind(err) {
	case failFull:
		return "U盘或磁盘已满"
	case failReadOnly:
		return "U盘是只读的或没有写入权限"
	case failGone:
		return "U盘已拔出或无法读写"
	case failNameTooLong:
		return "文件名太长"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// advice says what to do next.
func advice(err error) string {
	switch failKind(err) {
	case failFull:
		return "请删除U盘上不需要的文件，或换一个空间更大的U盘，然后重新导出。"
	case failReadOnly:
		return "请检查U盘侧面的写保护开关，或换一个U盘，然后重新导出。"
	case failGone:
		return "请重新插好U盘（或换一个U盘），然后重新导出。"
	case failNameTooLong:
		return "请导出到路径较短的位置（例如U盘的根目录），然后重新导出。"
	}
	return "请检查U盘或目标文件夹后重新导出；如仍不成功，请换一个U盘。"
}
