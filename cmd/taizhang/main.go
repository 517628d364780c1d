// Command taizhang is the electronic ledger of a Changzhi community
// residents' committee. Without a subcommand it opens the terminal program
// on the data file; subcommands do one job each without the screens.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"taizhang/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

type command struct {
	name  string
	args  string
	usage string
	run   func(args []string, out, errOut io.Writer) error
}

var commands []command

func init() {
	commands = []command{
		{"lists", "[duties|assist|supervise|certificates] [--json]", "打印四个法定清单（可只打印一个；--json 输出内置数据）", runLists},
		{"init", "--db 数据文件 --community 名称 --street 街道 --county 代码 --operator 姓名 [--phone 电话] [--prefix 前缀] [--station 窗口号] [--force]\n            taizhang init --receiving-office --office 单位名称 --db 汇总文件", "不进入界面，直接设置社区信息和第一位经办人（批量装机用）；接收单位用 --receiving-office 建立汇总文件", runInit},
		{"deskcheck", "[--json] [--db 数据文件] 请求事项…", "准入核查：对方的要求社区是否应当承担、可以出具（--db：只读其中有效的准入审批）", runDeskcheck},
		{"check", "[--db 数据文件]", "核对台账：事件链是否完整，各登记簿是否与事件记录一致（只读）", runCheck},
		{"export", "[--db 数据文件] --month 2026-11 --out 文件夹 [--recipient 公钥] [--mask-id] [--operator 经办人]", "把一个月的台账导出到U盘（签名；设置了接收单位公钥时加密）", runExport},
		{"verify", "导出包文件夹 [--identity 私钥文件] [--key 签名指纹]", "核验导出包：文件哈希、签名、计数和事件链（只读）", runVerify},
		{"keygen", "--out 私钥文件", "为接收单位生成加密密钥对：显示公钥，私钥写入文件（不覆盖已有文件）", runKeygen},
		{"receive", "导出包或U盘文件夹... --db 汇总文件 [--identity 私钥文件] [--apply] [--accept-key 指纹]", "接收单位：核验并接收各社区的导出包（不加 --apply 只试运行）", runReceive},
		{"report", "--db 汇总文件 --month 2026-11[..2026-12] --out 报表.xlsx", "接收单位：把一个月、一季度或一年的汇总写成 Excel 报表", runReport},
		{"import", "旧台账.xlsx|旧台账.csv [--db 数据文件] [--apply] [--operator 经办人]", "导入旧台账：找出表头，核对每一行，报告可以导入的和不能导入的（原因写入“文件名.rejected.csv”）；加 --apply 才导入（先自动备份，全部成功或一条不导入）", runImport},
		{"backup", "[--db 数据文件] --out 备份文件", "把台账做一个完整备份（带 .sha256 校验文件）；程序每天首次启动和每次导出前也会自动备份到数据文件旁的“备份”文件夹", runBackup},
		{"restore", "备份文件 [--db 数据文件]", "用备份恢复台账：先核对备份，原数据文件改名保留，不会删除（请先关闭所有台账窗口）", runRestore},
		{"operator", "--reset-pin 经办人姓名 [--db 数据文件]", "经办人忘记 PIN 时在本机清除它（记入台账），再到“设置”中重新设置", runOperator},
		{"demo", "--db 文件 [--records N] [--months M]", "生成演示数据（仅用于新文件或演示文件）", runDemo},
		{"version", "", "显示版本", func(_ []string, out, _ io.Writer) error { fmt.Fprintln(out, versionLine()); return nil }},
		{"help", "", "显示本帮助", func(_ []string, out, _ io.Writer) error { usage(out); return nil }},
	}
}

func main() {
	store.RunGuardIfChild()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests.
func run(args []string, out, errOut io.Writer) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, c := range commands {
			if c.name == args[0] {
				err := c.run(args[1:], out, errOut)
				if errors.As(err, new(helpRequested)) {
					commandUsage(out, c)
					return 0
				}
				return report(err, errOut)
			}
		}
		fmt.Fprintf(errOut, "没有“%s”这个命令。运行 taizhang --help 查看全部命令。\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet("taizhang", flag.ContinueOnError)
	db := dbFlag(fs)
	showVersion := fs.Bool("version", false, "")
	showHelp := fs.Bool("help", false, "")
	fs.BoolVar(showHelp, "h", false, "")
	if err := parseFlags(fs, args); err != nil {
		return report(err, errOut)
	}
	switch {
	case *showHelp:
		usage(out)
		return 0
	case *showVersion:
		fmt.Fprintln(out, versionLine())
		return 0
	}
	return report(runTUI(*db), errOut)
}

func report(err error, errOut io.Writer) int {
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(errOut, ue.Error())
		return 2
	}
	fmt.Fprintln(errOut, err.Error())
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func versionLine() string {
	return fmt.Sprintf("台账 taizhang %s（%s/%s，%s）", version, runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `台账：社区居民委员会电子台账（依据长民发〔2017〕124号）

用法：
  taizhang [--db 数据文件]          打开台账界面
  taizhang 命令 [参数]

命令：
`)
	for _, c := range commands {
		commandUsage(w, c)
	}
	fmt.Fprintf(w, `
通用参数：
  --db 路径      使用指定的数据文件（也可设置环境变量 TAIZHANG_DB）
  --version      显示版本
  --help         显示本帮助

默认数据文件：%s
`, defaultDBPath())
}

// commandUsage is a command's lines of the help.
func commandUsage(w io.Writer, c command) {
	fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	if c.args != "" {
		fmt.Fprintf(w, "            taizhang %s %s\n", c.name, c.args)
	}
}

// dbFlag adds --db to a flag set, defaulting to TAIZHANG_DB or the per-user
// data folder.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDBPath(), "一个文件路径，例如 --db 台账.db")
}

// defaultDBPath: Windows %AppData%\taizhang\taizhang.db; elsewhere
// $XDG_DATA_HOME/taizhang/taizhang.db (~/.local/share when unset).
func defaultDBPath() string {
	if p := os.Getenv("TAIZHANG_DB"); p != "" {
		return p
	}
	return filepath.Join(dataDir(runtime.GOOS, os.Getenv), "taizhang", "taizhang.db")
}

func dataDir(goos string, getenv func(string) string) string {
	if goos == "windows" {
		if d := getenv("AppData"); d != "" {
			return d
		}
		return filepath.Join(getenv("USERPROFILE"), "AppData", "Roaming")
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "share")
}
