package store

import "fmt"

// KindAggregate is meta/"kind" of a receiving office's aggregate file
// (汇总文件, package store/aggregate): a bbolt file like a ledger, holding
// the bundles of many communities instead of one community's records. Open
// refuses it with an *AggregateFileError, and aggregate.Open refuses a
// community's ledger.
const KindAggregate = "aggregate"

// AggregateFileError: the desk was asked to open a receiving office's
// aggregate file. The program opens such a file with the 汇总 screens.
type AggregateFileError struct{ Path string }

func (e *AggregateFileError) Error() string {
	return fmt.Sprintf("文件 %s 是接收单位的汇总文件，不是社区台账，不能在这里开具证明或登记。请用 --db 指定社区的台账数据文件；查看汇总请直接打开它（taizhang --db %s）。", e.Path, e.Path)
}
