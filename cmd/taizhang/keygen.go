package main

import (
	"flag"
	"fmt"
	"io"

	"taizhang/store/bundle"
)

// runKeygen makes a key pair for a receiving office: the public key goes
// to the communities, the identity file stays with the office.
func runKeygen(args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	file := fs.String("out", "", "")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("多余的参数“%s”。用法：taizhang keygen --out 私钥文件", fs.Arg(0))}
	case *file == "":
		return usageError{"缺少 --out（私钥保存到哪个文件，例如 --out 街道办.key）。用法：taizhang keygen --out 私钥文件"}
	}
	pub, err := bundle.Keygen(*file)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, pub)
	fmt.Fprintf(errOut, `上面一行是本单位的公钥。请把它发给各社区：在台账“设置”中填为接收单位公钥（可粘贴，或存成 .txt 放在U盘上读入），或导出时用 --recipient 指定。
私钥已保存到 %s（只有本人可读）。核验和打开导出包时用 --identity 指定它。
请妥善保管并另行备份私钥文件：丢失后，用这个公钥加密的导出包再也打不开；不要把私钥交给社区或他人。
`, *file)
	return nil
}
