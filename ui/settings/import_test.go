package settings

import (
	"strings"
	"testing"
)

// The progress line says what the run is doing; once an import has read
// every row, that it is writing the data file.
func TestProgressText(t *testing.T) {
	for _, tc := range []struct {
		stage       importStage
		done, total int
		want        string
	}{
		{importReading, 40, 100, "正在读取和核对……已读 40 / 100 行"},
		{importReading, 100, 100, "正在读取和核对……已读 100 / 100 行"},
		{importWriting, 40, 100, "正在导入……已读 40 / 100 行"},
		{importWriting, 100, 100, "已读完 100 行，正在写入数据文件"},
	} {
		if got := progressText(tc.stage, tc.done, tc.total); !strings.Contains(got, tc.want) {
			t.Errorf("progressText(%d, %d, %d) = %q, want %q", tc.stage, tc.done, tc.total, got, tc.want)
		}
	}
}
