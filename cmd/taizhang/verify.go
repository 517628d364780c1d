package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"filippo.io/age"

	"taizhang/store/bundle"
)

// runVerify checks a bundle folder: every hash, the signature, the counts
// and the chain segment. It opens nothing in the folder for writing.
func runVerify(args []string, out, _ io.Writer) error {
	fset := flag.NewFlagSet("verify", flag.ContinueOnError)
	identity := fset.String("identity", "", "")
	key := fset.String("key", "", "")
	pos, err := parseWithArgs(fset, args)
	if err != nil {
		return err
	}
	const use = "用法：taizhang verify 导出包文件夹 [--identity 私钥文件] [--key 签名指纹]"
	switch len(pos) {
	case 0:
		return usageError{"请指明要核验的导出包文件夹。" + use}
	case 1:
	default:
		return usageError{fmt.Sprintf("多余的参数“%s”。一次核验一个导出包；路径含空格请加引号。%s", pos[1], use)}
	}
	opt := bundle.VerifyOptions{ExpectKey: *key}
	if *identity != "" {
		if opt.Identity, err = readIdentities(*identity); err != nil {
			return err
		}
	}
	rep, err := bundle.Verify(pos[0], opt)
	if err != nil {
		return err
	}
	fmt.Fprint(out, rep.String())
	return nil
}

// parseWithArgs parses flags given before, between or after the
// positional arguments, which it returns.
func parseWithArgs(fset *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fset, args); err != nil {
			return nil, err
		}
		if fset.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fset.Arg(0))
		args = fset.Args()[1:]
	}
}

// readIdentities reads a receiving office's identity file (taizhang keygen
// or age-keygen).
func readIdentities(path string) ([]age.Identity, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("找不到私钥文件 %s。请用 --identity 指定本单位用 taizhang keygen 生成的私钥文件。", path)
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取私钥文件 %s：%w", path, err)
	}
	defer f.Close()
	ids, err := age.ParseIdentities(f)
	if err != nil {
		return nil, fmt.Errorf("私钥文件 %s 格式不对：应是 taizhang keygen 生成的文件（含 AGE-SECRET-KEY- 开头的一行）。", path)
	}
	return ids, nil
}
