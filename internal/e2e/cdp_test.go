package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The client itself, against a page made to misbehave: the recorders must
// see the console call, the exception and the CSP violations, or the
// application test could not trust an empty report.
func TestClientRecordsWhatThePageDoes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /script.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `console.warn("avertissement de test"); document.body.dataset.ok = "1"; setTimeout(() => { throw new Error("exception de test") }, 0);`)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>t</title></head><body>
<p style="color: red">style en ligne</p>
<form method="post" action="/envoi"><input id="champ" name="champ"><button id="envoyer" type="submit">Envoyer</button></form>
<script>document.title = "interdit"</script>
<script src="/script.js"></script></body></html>`)
	})
	mux.HandleFunc("POST /envoi", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>reçu</title><p id="recu">%s</p>`, r.PostFormValue("champ"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := launch(t)
	ctx := testContext(t)
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, srv.URL+"/"); err != nil {
		t.Fatal(err)
	}
	var ok, title string
	if err := p.Eval(ctx, `document.body.dataset.ok`, &ok); err != nil || ok != "1" {
		t.Fatalf("script autorisé non exécuté : %q %v", ok, err)
	}
	if err := p.Eval(ctx, `new Promise(r => setTimeout(() => r(document.title), 50))`, &title); err != nil || title != "t" {
		t.Errorf("titre %q : le script en ligne aurait dû être bloqué (%v)", title, err)
	}
	if err := p.Type(ctx, "#champ", "valeur tapée é"); err != nil {
		t.Fatal(err)
	}
	if err := p.AndWaitLoad(ctx, func() error { return p.Click(ctx, "#envoyer") }); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := p.Eval(ctx, `document.getElementById("recu").textContent`, &got); err != nil || got != "valeur tapée é" {
		t.Errorf("formulaire reçu : %q %v", got, err)
	}

	if err := p.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	rep := p.Report()
	joined := strings.Join(rep.Violations, "\n")
	if !strings.Contains(joined, `"directive":"script-src-elem"`) || !strings.Contains(joined, `"directive":"style-src-attr"`) {
		t.Errorf("violations CSP non rapportées : %v", rep.Violations)
	}
	if !strings.Contains(strings.Join(rep.Console, "\n"), "warning: avertissement de test") {
		t.Errorf("console non rapportée : %v", rep.Console)
	}
	if !strings.Contains(strings.Join(rep.Exceptions, "\n"), "exception de test") {
		t.Errorf("exception non rapportée : %v", rep.Exceptions)
	}
	p.Reset()
	if r := p.Report(); len(r.Console)+len(r.Violations)+len(r.Exceptions)+len(r.Logs) != 0 {
		t.Errorf("Reset : %+v", r)
	}
}
