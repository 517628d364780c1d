package drives

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseMounts(t *testing.T) {
	f, err := os.Open("testdata/mounts")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := parseMounts(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/media/wang/KINGSTON", "/run/media/li/U DISK", `/media/back\slash`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMounts = %q, want %q", got, want)
	}
}

func TestParseMountsEmpty(t *testing.T) {
	got, err := parseMounts(strings.NewReader(""))
	if err != nil || len(got) != 0 {
		t.Errorf("empty table: %q %v", got, err)
	}
}

func TestUnescapeMount(t *testing.T) {
	for in, want := range map[string]string{
		`/media/a\040b`:   "/media/a b",
		`/media/tab\011x`: "/media/tab\tx",
		`/media/end\04`:   `/media/end\04`, // cut off: left as it is
		`/media/bad\9xx`:  `/media/bad\9xx`,
		"/media/中文":       "/media/中文",
	} {
		if got := unescapeMount(in); got != want {
			t.Errorf("unescapeMount(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[uint64]string{
		0:                "0 字节",
		1023:             "1023 字节",
		1024:             "1.0 KB",
		1536:             "1.5 KB",
		5 << 20:          "5.0 MB",
		(123 << 30) / 10: "12.3 GB",
		3 << 40:          "3.0 TB",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	d := Drive{Path: `F:\`, Label: "KINGSTON", Free: 2 << 30, FreeKnown: true}
	if got, want := d.Describe(), `F:\  KINGSTON（可用 2.0 GB）`; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	if got := (Drive{Path: "/media/x"}).Describe(); got != "/media/x" {
		t.Errorf("Describe without label or space = %q", got)
	}
}
