package e2e

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// The instructeur opens the preview of a validated convention: the page
// asks the worker for the document (templates, then LibreOffice), shows
// the progress, refreshed by htmx, then the PDF in the page. The PDF is
// served to the frame; the page respects its CSP and logs no error.
func TestBrowserPreviewValidatedConvention(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	s := newSeed(t, ctx)
	pool := s.pool
	adm, bail := s.administration(), s.bailleur()
	s.role(s.user("dominique.instructeur", "Dominique", false), "INSTRUCTEUR", "instructeur", nil, adm)
	conv := s.convention(bail, adm, "4. A signer", "numero, valide_le", "75.D.26.0042", "2026-03-02")

	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	redisURL := redistest.URL(t)
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	workerCtx, stopWorker := context.WithCancel(ctx)
	worker := make(chan error, 1)
	go func() {
		worker <- jobs.Run(workerCtx, jobs.Deps{Pool: pool, RedisURL: redisURL, Logger: logger, Storage: store,
			Converter: &document.LibreOffice{}}, jobs.WithPollInterval(100*time.Millisecond))
	}()
	defer func() { stopWorker(); <-worker }()

	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool, Logger: logger,
		Conventions: web.ConventionOptions{Storage: store, Jobs: client}})
	if err != nil {
		t.Fatal(err)
	}
	site := openSite(t, ctx, b, h)
	app, p := site.app, site.p
	site.login("dominique.instructeur")

	must(t, p.Navigate(ctx, app.URL+"/conventions/preview/"+conv))
	if !strings.Contains(text(ctx, t, p, "main"), "Document en préparation") {
		t.Fatalf("aperçu sans progression :\n%s", text(ctx, t, p, "main"))
	}
	// htmx replaces the progress block by the PDF once generated.
	var src string
	deadline := time.Now().Add(3 * time.Minute)
	for src == "" {
		if time.Now().After(deadline) {
			t.Fatalf("le PDF n'est pas apparu dans la page : %s", text(ctx, t, p, "main"))
		}
		time.Sleep(500 * time.Millisecond)
		must(t, p.Eval(ctx, `(document.querySelector("#document-pdf") || {}).getAttribute ? document.querySelector("#document-pdf").getAttribute("src") : ""`, &src))
	}
	if src != "/conventions/display_pdf/"+conv || location(ctx, t, p) != "/conventions/preview/"+conv {
		t.Fatalf("cadre %q sur %q", src, location(ctx, t, p))
	}
	var served struct {
		Type  string `json:"type"`
		Magic string `json:"magic"`
	}
	must(t, p.Eval(ctx, `fetch("`+src+`").then(async r => ({type: r.headers.get("Content-Type"), magic: (await r.text()).slice(0, 5)}))`, &served))
	if served.Type != "application/pdf" || served.Magic != "%PDF-" {
		t.Fatalf("le cadre reçoit %+v, un PDF attendu", served)
	}
	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}
