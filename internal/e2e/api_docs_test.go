package e2e

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/api"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// The SIAP API documentation page runs Swagger UI from the site's own
// files under the pages' CSP: every operation of the document is shown,
// and the browser reports no violation and no error.
func TestBrowserAPIDocumentation(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := web.New(web.Options{Environment: "development", Version: "e2e", Logger: log,
		Routes: []web.Route{{Pattern: api.Prefix, Rule: access.Delegated("test"), Handler: api.New(api.Options{JWTKey: []byte("k"), Logger: log})}}})
	if err != nil {
		t.Fatal(err)
	}
	site := openSite(t, ctx, b, h, "#swagger-ui")
	app, p := site.app, site.p
	if err := p.Navigate(ctx, app.URL+"/api-siap/v0/schema-ui/"); err != nil {
		t.Fatal(err)
	}
	var n int
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if err := p.Eval(ctx, `document.querySelectorAll(".opblock").length`, &n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
	}
	must(t, p.Settle(ctx))
	// config, kpi, operation ×4, close ×2, cancel.
	if n != 9 {
		var html string
		p.Eval(ctx, `document.body.innerText.slice(0, 2000)`, &html)
		t.Fatalf("Swagger UI shows %d operations, want 9:\n%s", n, html)
	}
	r := p.Report()
	if len(r.Violations) > 0 || len(r.Exceptions) > 0 {
		t.Errorf("CSP violations %v, exceptions %v", r.Violations, r.Exceptions)
	}
	for _, c := range r.Console {
		if strings.HasPrefix(c, "error") {
			t.Errorf("console: %s", c)
		}
	}
}
