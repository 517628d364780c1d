package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// drawing are the methods the root calls to draw a frame.
var drawing = map[string]bool{"View": true, "Title": true, "ShortHelp": true, "FullHelp": true, "Capturing": true}

// No screen reads the store while drawing: in every package under ui, the
// drawing methods and every function of the package they name (called or
// passed on, found by name, so more rather than fewer) never touch
// ctx.Store. Reads belong in Update or in a command whose result the model
// keeps.
func TestNoStoreInView(t *testing.T) {
	dirs := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for dir, files := range dirs {
		fset := token.NewFileSet()
		funcs := map[string][]*ast.FuncDecl{}
		for _, f := range files {
			file, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range file.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
				}
			}
		}
		var queue []string
		seen := map[string]bool{}
		for name := range funcs {
			if drawing[name] {
				queue, seen[name] = append(queue, name), true
			}
		}
		var found []string
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			for _, fd := range funcs[name] {
				checked++
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.SelectorExpr:
						if n.Sel.Name == "Store" {
							found = append(found, fset.Position(n.Pos()).String()+" in "+name)
						}
					case *ast.Ident:
						if _, ok := funcs[n.Name]; ok && !seen[n.Name] {
							queue, seen[n.Name] = append(queue, n.Name), true
						}
					}
					return true
				})
			}
		}
		sort.Strings(found)
		for _, f := range found {
			t.Errorf("%s: the store is read while drawing %s", dir, f)
		}
	}
	if checked < 20 {
		t.Errorf("only %d functions checked: did the walk find the screens?", checked)
	}
}
