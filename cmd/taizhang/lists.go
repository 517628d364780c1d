package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"taizhang/assets"
	"taizhang/ui/common"
)

// runLists prints the lists as wrapped text, or the embedded data as JSON.
func runLists(args []string, out, _ io.Writer) error {
	fs := flag.NewFlagSet("lists", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	// Accept the list name before or after the flags.
	var names []string
	for len(args) > 0 {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(names) > 1 {
		return usageError{"一次只能指定一个清单：duties、assist、supervise 或 certificates。"}
	}
	cat, err := assets.LoadCatalog()
	if err != nil {
		return err
	}
	lists := cat.Lists
	if len(names) == 1 {
		l := cat.List(assets.ListID(names[0]))
		if l == nil {
			return usageError{fmt.Sprintf("没有“%s”这个清单。可选：duties（依法履职）、assist（协助政府）、supervise（监督职责）、certificates（出具证明）。", names[0])}
		}
		lists = []assets.List{*l}
	}
	if *asJSON {
		if len(names) == 0 {
			_, err := out.Write(assets.RawCatalog())
			return err
		}
		return writeJSON(out, lists[0])
	}
	writeLists(out, lists, terminalWidth(out))
	return nil
}

// terminalWidth is the width of the terminal out writes to, or 80.
func terminalWidth(out io.Writer) int {
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w >= 20 {
			return w
		}
	}
	return 80
}

func writeLists(out io.Writer, lists []assets.List, width int) {
	for i, l := range lists {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "附件%d  %s（共%d项）\n", l.Annex, l.Title, len(l.Items))
		fmt.Fprintln(out, strings.Repeat("=", min(width, 60)))
		for _, it := range l.Items {
			head := fmt.Sprintf("%2d. ", it.No)
			text := it.Text
			if c := it.CategoryLabel(); c != "" {
				text = "【" + c + "】" + text
			}
			writeWrapped(out, head, common.ItemMark(&it)+text, width)
			for _, sec := range common.ItemSections(&it) {
				for _, t := range sec.Texts {
					writeWrapped(out, "    "+sec.Label, t, width)
				}
			}
		}
	}
}

// writeWrapped prints text after a head, continuation lines indented to
// line up under the text.
func writeWrapped(out io.Writer, head, text string, width int) {
	hw := common.Width(head)
	indent := strings.Repeat(" ", hw)
	for i, line := range common.Wrap(text, max(width-hw, 10)) {
		if i == 0 {
			fmt.Fprintln(out, head+line)
		} else {
			fmt.Fprintln(out, indent+line)
		}
	}
}
