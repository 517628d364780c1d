package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// helpRequested: -h or --help after a command; run prints that command's
// usage.
type helpRequested struct{ command string }

func (h helpRequested) Error() string { return "taizhang " + h.command + " --help" }

// parseFlags parses a command's flags. The flag package's errors (English)
// become Chinese usage messages; each flag's usage string names the value
// it takes ("一个文件路径"), so a missing value reads "--db 需要一个文件路径".
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return helpRequested{fs.Name()}
	}
	return usageError{flagMessage(fs, err) + "运行 taizhang --help 查看用法。"}
}

// The messages of Go's flag package (flag.go, failf), by kind.
var (
	flagNeedsValue = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
	flagUnknown    = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	flagBadBool    = regexp.MustCompile(`^invalid boolean value "(.*)" for -([^:]+):`)
	flagBadValue   = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+):`)
	flagBadSyntax  = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagMessage says in Chinese what is wrong with the command line.
func flagMessage(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagNeedsValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s 需要%s。", m[1], valueOf(fs, m[1]))
	}
	if m := flagUnknown.FindStringSubmatch(msg); m != nil {
		where := "没有"
		if fs.Name() != "taizhang" {
			where = fs.Name() + " 命令没有"
		}
		return fmt.Sprintf("%s --%s 这个参数。可用的参数：%s。", where, m[1], flagNames(fs))
	}
	if m := flagBadBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s 后面不用写值（“%s”），写 --%s 即可。", m[2], m[1], m[2])
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s 的值“%s”不对：需要%s。", m[2], m[1], valueOf(fs, m[2]))
	}
	if m := flagBadSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("“%s”的写法不对：参数名前写两个减号，例如 --db 数据文件。", m[1])
	}
	return "参数有误：" + msg + "。"
}

// valueOf is what a flag takes, from its usage string.
func valueOf(fs *flag.FlagSet, name string) string {
	if f := fs.Lookup(name); f != nil && f.Usage != "" {
		return f.Usage
	}
	return "一个值"
}

// flagNames lists a command's flags: --db、--json.
func flagNames(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "h" {
			names = append(names, "--"+f.Name)
		}
	})
	if len(names) == 0 {
		return "无"
	}
	return strings.Join(names, "、")
}
