package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// axePath is axe-core, copied by scripts/assets.sh (make test runs it).
const axePath = "testdata/axe/axe.min.js"

// viewports are the widths every visited page is checked at.
var viewports = []struct {
	name          string
	width, height int
	mobile        bool
}{
	{"bureau", 1280, 900, false},
	{"mobile 390 px", 390, 844, true},
}

// axeRun runs axe-core on the page and keeps the serious and critical
// violations, and content outside any landmark (region, moderate for
// axe: the environment and impersonation banners were), with the first
// elements at fault.
const axeRun = `axe.run({exclude: %s}, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical" || v.id === "region")
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))})))`

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// watchAccessibility runs axe-core on every page of the site at base
// that p loads, at desktop and 390 px widths, and fails the test on any
// serious or critical violation. exclude lists CSS selectors of
// third-party widgets the site does not write (Swagger UI). Without
// axe-core (scripts/assets.sh not run) the check is
// mandatory where the browser is (CI=true or APILOS_REQUIRE_BROWSER=1),
// else reported in the log.
func watchAccessibility(t *testing.T, p *Page, base string, exclude ...string) {
	t.Helper()
	src, err := os.ReadFile(axePath)
	if errors.Is(err, fs.ErrNotExist) {
		msg := axePath + " absent : lancez scripts/assets.sh (make test le fait)"
		if browserRequired() {
			t.Fatal(msg)
		}
		t.Log(msg + " ; accessibilité non vérifiée")
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	ex := [][]string{}
	for _, sel := range exclude {
		ex = append(ex, []string{sel})
	}
	exJSON, _ := json.Marshal(ex)
	run := fmt.Sprintf(axeRun, exJSON)
	p.AfterLoad = func(ctx context.Context) error {
		var origin string
		must(t, p.Eval(ctx, `location.origin`, &origin))
		if origin == strings.TrimSuffix(base, "/") {
			checkAccessibility(ctx, t, p, string(src), run)
		}
		return nil
	}
}

func checkAccessibility(ctx context.Context, t *testing.T, p *Page, src, run string) {
	t.Helper()
	var where string
	must(t, p.Eval(ctx, `location.pathname`, &where))
	for _, vp := range viewports {
		must(t, p.SetViewport(ctx, vp.width, vp.height, vp.mobile))
		var loaded bool
		must(t, p.Eval(ctx, `typeof axe !== "undefined"`, &loaded))
		if !loaded {
			must(t, p.Eval(ctx, src+"\n;true", nil))
		}
		var found []axeViolation
		must(t, p.Eval(ctx, run, &found))
		for _, v := range found {
			t.Errorf("accessibilité de %s (%s) : %s [%s] %s — %v", where, vp.name, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
	must(t, p.SetViewport(ctx, viewports[0].width, viewports[0].height, viewports[0].mobile))
}
