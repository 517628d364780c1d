package printout

import (
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTableSheet(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := TableSheet(f, "Sheet1", "英雄南路社区 2026年11月 证明 & 拒绝", 2); err != nil {
		t.Fatal(err)
	}
	lay, _ := f.GetPageLayout("Sheet1")
	if lay.Orientation == nil || *lay.Orientation != "landscape" || lay.Size == nil || *lay.Size != 9 || *lay.FitToWidth != 1 {
		t.Errorf("layout %+v", lay)
	}
	hf, _ := f.GetHeaderFooter("Sheet1")
	if hf.OddHeader != "&C英雄南路社区 2026年11月 证明 && 拒绝" {
		t.Errorf("header %q", hf.OddHeader)
	}
	names := f.GetDefinedName()
	if len(names) != 1 || names[0].Name != "_xlnm.Print_Titles" || names[0].RefersTo != "'Sheet1'!$1:$2" {
		t.Errorf("defined names %+v", names)
	}
}
