package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
)

func init() {
	// The matrix world's conventions cannot be rendered (a document the
	// user must fix): back to the récapitulatif with the reason, 303.
	for _, r := range []struct{ pattern, in string }{
		{"GET /conventions/preview/{uuid}", "200"},
		{"GET /conventions/generate/{uuid}", "303"},
		{"POST /conventions/generate/{uuid}", "303"},
		{"POST /conventions/get_or_generate_cerfa/{uuid}", "303"},
		{"GET /conventions/fiche_caf/{uuid}", "303"},
	} {
		_, path, _ := strings.Cut(r.pattern, " ")
		matrixRows = append(matrixRows, matrixRow{Pattern: r.pattern, Path: path, Want: permWant("view", r.in)})
	}
	renderFixtures["convention_preview"] = func(p Page) (any, []string) {
		h := conventionHeader{UUID: "x", Title: "Convention n° 1"}
		return previewView{Page: p, H: h, Generating: true, Tentatives: 2, Erreur: "LibreOffice introuvable", FrameURL: "/conventions/display_pdf/x"},
			[]string{"Document en préparation", "tentative 2", "LibreOffice introuvable", `hx-get="/conventions/preview/x"`, `hx-trigger="every 2s"`,
				`<iframe id="document-pdf"`, `src="/conventions/display_pdf/x"`}
	}
}

// documentTasks lists the generation tasks waiting in the queue.
func (w *cworld) documentTasks() []document.Task {
	w.t.Helper()
	opt, err := jobs.RedisOpt(w.redisURL)
	if err != nil {
		w.t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	tasks, err := insp.ListPendingTasks(jobs.QueueDefault)
	if err != nil && !strings.Contains(err.Error(), "not found") {
		w.t.Fatal(err)
	}
	var out []document.Task
	for _, tk := range tasks {
		if tk.Type != jobs.GenerateDocument.Type {
			continue
		}
		var d document.Task
		if err := json.Unmarshal(tk.Payload, &d); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func (w *cworld) put(key string, b []byte, ct string) {
	w.t.Helper()
	if err := w.store.Put(context.Background(), key, bytes.NewReader(b), int64(len(b)), ct); err != nil {
		w.t.Fatal(err)
	}
}

// raw GETs a path and returns the response with its body read.
func (a *actor) raw(path string) (*http.Response, []byte) {
	a.w.t.Helper()
	res, err := a.c.Get(a.w.srv.URL + path)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// Opening the preview of a convention without document asks the worker
// for it once (a second opening while it waits enqueues nothing more) and
// shows the progress, refreshed by htmx; outside the scope it is a 404
// and nothing is requested.
func TestPreviewRequestsGeneration(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction), numero: "75.D.26.0001"})
	if code, _ := w.autre.get("/conventions/preview/" + c.UUID); code != http.StatusNotFound {
		t.Fatalf("hors périmètre : %d, 404 attendu", code)
	}
	if n := w.id(`SELECT count(*) FROM document_generation`); n != 0 {
		t.Fatalf("%d demandes après un accès refusé", n)
	}
	code, page := w.instr.get("/conventions/preview/" + c.UUID)
	if code != http.StatusOK || !strings.Contains(page, "Document en préparation") || !strings.Contains(page, `hx-get="/conventions/preview/`+c.UUID+`"`) {
		t.Fatalf("aperçu %d :\n%s", code, page)
	}
	if code, _ := w.bailleur.get("/conventions/preview/" + c.UUID); code != http.StatusOK {
		t.Fatalf("bailleur : %d", code)
	}
	tasks := w.documentTasks()
	if len(tasks) != 1 || tasks[0].Convention.String() != c.UUID {
		t.Fatalf("tâches %+v, une attendue", tasks)
	}
	if w.str(`SELECT statut FROM document_generation WHERE convention_id = $1`, c.ID) != string(document.Pending) {
		t.Error("demande non enregistrée en attente")
	}
}

// display_pdf shows the generated PDF (framable by our own pages only),
// the .docx as a download when no PDF exists, the signed document once
// validated and deposited; nothing outside the scope.
func TestDisplayGeneratedDocument(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0002", signed: true})
	id := uuid.MustParse(c.UUID)
	path := "/conventions/display_pdf/" + c.UUID

	if res, _ := w.instr.raw(path); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sans document : %d, 404 attendu", res.StatusCode)
	}
	w.put(document.DocxKey(id), []byte("PK docx"), document.DocxContentType)
	res, b := w.instr.raw(path)
	if res.StatusCode != http.StatusOK || string(b) != "PK docx" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		res.Header.Get("Content-Type") != document.DocxContentType {
		t.Fatalf(".docx : %d %v", res.StatusCode, res.Header)
	}
	w.put(document.PDFKey(id), []byte("%PDF-1.4 généré"), "application/pdf")
	res, b = w.bailleur.raw(path)
	if res.StatusCode != http.StatusOK || string(b) != "%PDF-1.4 généré" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "inline") ||
		res.Header.Get("X-Frame-Options") != "SAMEORIGIN" || !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("PDF généré : %d %q %v", res.StatusCode, b, res.Header)
	}
	_, page := w.bailleur.get("/conventions/preview/" + c.UUID)
	if !strings.Contains(page, `<iframe id="document-pdf"`) || !strings.Contains(page, `src="`+path+`"`) {
		t.Errorf("l'aperçu doit montrer le PDF :\n%s", page)
	}
	w.put(convention.SignedKey(id, "convention_signee.pdf"), []byte("%PDF-1.4 signé"), "application/pdf")
	if _, b = w.instr.raw(path); string(b) != "%PDF-1.4 signé" {
		t.Errorf("document signé attendu, reçu %q", b)
	}
	if res, _ := w.autre.raw(path); res.StatusCode != http.StatusNotFound {
		t.Errorf("hors périmètre : %d, 404 attendu", res.StatusCode)
	}
}

// The .docx downloads (projet, CERFA, fiche CAF) are built from the
// templates for the convention, named after it; outside the scope, 404.
// The "à signer" page offers them with the preview.
func TestGeneratedDownloads(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0003", nom: "Les Tilleuls"})
	for _, tc := range []struct {
		name, method, path, prefix string
	}{
		{"projet", http.MethodGet, "/conventions/generate/", "Paris - Les Tilleuls"},
		{"projet sans filigrane", http.MethodPost, "/conventions/generate/", "Paris - Les Tilleuls"},
		{"CERFA", http.MethodPost, "/conventions/get_or_generate_cerfa/", "Paris - Les Tilleuls"},
		{"fiche CAF", http.MethodGet, "/conventions/fiche_caf/", "ficheCAF_Paris - Les Tilleuls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			do := func(a *actor) (*http.Response, []byte) {
				if tc.method == http.MethodGet {
					return a.raw(tc.path + c.UUID)
				}
				res, err := a.c.PostForm(w.srv.URL+tc.path+c.UUID, map[string][]string{"without_filigram": {"1"}})
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res, b
			}
			res, b := do(w.bailleur)
			if res.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("PK")) || res.Header.Get("Content-Type") != document.DocxContentType {
				t.Fatalf("%d %v", res.StatusCode, res.Header)
			}
			cd := res.Header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, tc.prefix) || !strings.Contains(cd, ".docx") {
				t.Errorf("Content-Disposition %q", cd)
			}
			if res, _ := do(w.autre); res.StatusCode != http.StatusNotFound {
				t.Errorf("hors périmètre : %d, 404 attendu", res.StatusCode)
			}
		})
	}
	_, page := w.bailleur.get("/conventions/sent/" + c.UUID)
	for _, want := range []string{`href="/conventions/preview/` + c.UUID + `"`, `href="/conventions/generate/` + c.UUID + `"`, `href="/conventions/fiche_caf/` + c.UUID + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page « à signer » sans %s", want)
		}
	}
}
