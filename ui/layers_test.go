package ui

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// imports lists, per directory under root, the module's packages that the
// directory's non-test files import.
func imports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			if p == "taizhang" || strings.HasPrefix(p, "taizhang/") {
				out[filepath.Dir(path)] = append(out[filepath.Dir(path)], p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A screen talks to another screen only through messages declared in
// ui/common, never by importing it; components and common import no screen;
// nothing in store imports ui.
func TestPackageLayers(t *testing.T) {
	for dir, list := range imports(t, ".") {
		if dir == "." {
			continue // the root wires the screens together
		}
		for _, p := range list {
			if strings.HasPrefix(p, "taizhang/ui/") && p != "taizhang/ui/common" && !strings.HasPrefix(p, "taizhang/ui/components/") {
				t.Errorf("ui/%s imports %s: send a message declared in ui/common instead", filepath.ToSlash(dir), p)
			}
		}
	}
	for dir, list := range imports(t, filepath.Join("..", "store")) {
		for _, p := range list {
			if p == "taizhang/ui" || strings.HasPrefix(p, "taizhang/ui/") {
				t.Errorf("%s imports %s: nothing in store may import ui", filepath.ToSlash(dir), p)
			}
		}
	}
}
