package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sqlExempt is a file allowed to read the database: none since the
// récapitulatif reads through programme.Load.
const sqlExempt = ""

// sqlText matches the start of an SQL statement in a string literal.
var sqlText = regexp.MustCompile(`\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WITH\s+\w+\s+AS)`)

var (
	sqlCalls = map[string]bool{"Query": true, "QueryRow": true, "Exec": true, "Begin": true, "SendBatch": true, "CopyFrom": true}
	ruleRefs = map[string]bool{
		"access.ConventionEditable": true, "access.FieldEditable": true, "access.CanOnConvention": true,
		"access.Args": true, "access.ConventionScope": true, "access.ProgrammeScope": true,
		"access.BailleurScope": true, "access.AdministrationScope": true, "access.UserScope": true,
		"convention.Rules": true, "convention.Operations": true,
	}
)

// layerViolations lists what file f of internal/web must not do: run SQL
// (Query, QueryRow, Exec, Begin, pgx rows, SQL text) unless exempt, or
// recompute a rule the domain answers (scope conditions, statut groups,
// editability, allowed actions).
func layerViolations(fset *token.FileSet, f *ast.File, exempt bool) []string {
	var out []string
	bad := func(n ast.Node, msg string) { out = append(out, fset.Position(n.Pos()).String()+" : "+msg) }
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if sqlCalls[sel.Sel.Name] && len(n.Args) > 0 && !exempt {
				bad(n, "appel SQL "+sel.Sel.Name+" (lisez par un modèle de lecture du domaine)")
			}
			if sel.Sel.Name == "In" && slices.ContainsFunc(n.Args, fromConvention) {
				bad(n, "liste de statuts (Statut.In)")
			}
		case *ast.SelectorExpr:
			pkg, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			ref := pkg.Name + "." + n.Sel.Name
			switch {
			case pkg.Name == "pgx" && n.Sel.Name != "Tx" && !exempt:
				bad(n, ref+" (seul pgx.Tx passe aux fonctions du domaine)")
			case ruleRefs[ref]:
				bad(n, ref+" (la règle est dans le domaine : convention.Capabilities)")
			case pkg.Name == "convention" && strings.HasSuffix(n.Sel.Name, "Statuts") && n.Sel.Name != "Statuts":
				bad(n, "groupe de statuts "+ref)
			}
		case *ast.CompositeLit:
			if arr, ok := n.Type.(*ast.ArrayType); ok {
				if sel, ok := arr.Elt.(*ast.SelectorExpr); ok && sel.Sel.Name == "Statut" {
					bad(n, "liste de statuts")
				}
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING || exempt {
				return true
			}
			if v, err := strconv.Unquote(n.Value); err == nil && sqlText.MatchString(v) {
				bad(n, "texte SQL")
			}
		}
		return true
	})
	return out
}

// fromConvention: an argument like convention.Projet.
func fromConvention(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "convention"
}

// TestWebHoldsNoSQLNorRule keeps internal/web a translating layer.
func TestWebHoldsNoSQLNorRule(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, v := range layerViolations(fset, f, name == sqlExempt) {
			t.Error(v)
		}
	}
	if checked < 10 {
		t.Fatalf("%d fichiers vérifiés seulement", checked)
	}
}

// TestLayerViolations proves the check catches each kind of fault.
func TestLayerViolations(t *testing.T) {
	src := `package web
func f() {
	db.QueryRow(ctx, "SELECT 1").Scan(&x)
	rows, _ := q.Query(ctx, sql)
	pool.Exec(ctx, sql)
	_ = pgx.CollectRows
	var a access.Args
	_ = access.ConventionEditable(sub, st)
	_ = conv.Statut.In(convention.OngoingAvenantStatuts...)
	_ = conv.Statut.In(convention.Instruction, convention.Correction)
	_ = []convention.Statut{convention.Projet}
	_ = "DELETE FROM conventions_convention"
	_ = r.URL.Query()
	var tx pgx.Tx
	_ = convention.Statuts
}`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := layerViolations(fset, f, false)
	if len(got) != 12 {
		t.Errorf("%d fautes trouvées, 12 attendues : %q", len(got), got)
	}
	// The exempt file may read, not recompute rules.
	if got := layerViolations(fset, f, true); len(got) != 6 {
		t.Errorf("fichier exempté : %d fautes, 6 attendues : %q", len(got), got)
	}
}
