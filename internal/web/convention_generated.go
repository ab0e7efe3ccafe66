package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

func init() { routeGroups = append(routeGroups, (*server).generatedDocumentRoutes) }

// generatedDocumentRoutes: the convention's generated document, at the
// reference's paths (spec workflows §6.4).
func (s *server) generatedDocumentRoutes() {
	c := newConventions(s)
	view := access.PermOn(access.ViewConvention, access.ConventionFromPath("uuid"))
	s.handleFunc("GET /conventions/preview/{uuid}", view, c.preview)
	// "Télécharger le projet": the reference posts a form (option
	// without_filigram); GET serves the links of the pages without form.
	s.handleFunc("GET /conventions/generate/{uuid}", view, c.generateDocx)
	s.handleFunc("POST /conventions/generate/{uuid}", view, c.generateDocx)
	s.handleFunc("POST /conventions/get_or_generate_cerfa/{uuid}", view, c.cerfa)
	s.handleFunc("GET /conventions/fiche_caf/{uuid}", view, c.ficheCAF)
}

// generateDocx is the convention's .docx built now from the templates;
// posted with without_filigram, without its watermark.
func (c *conventions) generateDocx(w http.ResponseWriter, r *http.Request) {
	opts := []document.Option{document.WithStorage(c.storage)}
	if r.Method == http.MethodPost {
		if r.PostForm.Get("without_filigram") != "" {
			opts = append(opts, document.WithoutFiligrane())
		}
	}
	c.sendBuilt(w, r, func(ctx context.Context, id int64) (*document.Document, error) {
		return document.Build(ctx, c.s.opts.DB, id, opts...)
	})
}

// cerfa is the CERFA of the finalisation: the uploaded one if any, else
// the generated .docx.
func (c *conventions) cerfa(w http.ResponseWriter, r *http.Request) {
	c.sendBuilt(w, r, func(ctx context.Context, id int64) (*document.Document, error) {
		return document.Build(ctx, c.s.opts.DB, id, document.WithStorage(c.storage))
	})
}

// ficheCAF is the fiche CAF of the convention (.docx).
func (c *conventions) ficheCAF(w http.ResponseWriter, r *http.Request) {
	c.sendBuilt(w, r, func(ctx context.Context, id int64) (*document.Document, error) {
		return document.BuildFicheCAF(ctx, c.s.opts.DB, id, document.WithStorage(c.storage))
	})
}

// sendBuilt sends a document built for the route's convention as a
// download; a document the user must fix goes back to the récapitulatif
// with the reason.
func (c *conventions) sendBuilt(w http.ResponseWriter, r *http.Request, build func(context.Context, int64) (*document.Document, error)) {
	cr, _ := ref(r)
	doc, err := build(r.Context(), cr.ID)
	if document.Permanent(err) {
		c.s.addFlash(r.Context(), flashError, err.Error())
		http.Redirect(w, r, recapURL(cr.UUID), http.StatusSeeOther)
		return
	}
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", document.DocxContentType)
	h.Set("Content-Disposition", contentDisposition("attachment", doc.Name+".docx"))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(doc.Docx)))
	w.Write(doc.Docx)
}

// previewView is the document page: the PDF in the page when ready, the
// progress of its generation meanwhile.
type previewView struct {
	Page
	Flashes []flash
	H       conventionHeader
	// FrameURL shows the PDF (signed or generated); DocxURL offers the
	// generated .docx when no PDF exists.
	FrameURL, DocxURL string
	Generating        bool
	Failed            bool
	Erreur            string
	Tentatives        int
	// Requested: this opening asked for the document.
	Requested bool
	NoQueue   bool
}

// preview is GET /conventions/preview/<uuid>. Opening it requests the
// document when it was never generated or is out of date (before
// validation); htmx refreshes the progress block until it is ready.
func (c *conventions) preview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	conv, err := c.conventionFor(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	var p *document.Preview
	err = c.tx(ctx, func(tx pgx.Tx) (err error) { p, err = document.OpenPreview(ctx, tx, c.storage, conv); return })
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v := previewView{Page: c.s.page(r, "Document de la convention"), Flashes: c.s.popFlashes(ctx),
		H: header(conv, access.FromContext(ctx)), Generating: p.Generating(), Requested: p.Task != nil}
	if p.Task != nil {
		v.NoQueue = !c.enqueueDocument(r, *p.Task, nil)
	}
	switch p.Shown.Source {
	case document.SourceSigned, document.SourcePDF:
		v.FrameURL = "/conventions/display_pdf/" + conv.UUID.String()
	case document.SourceDocx:
		v.DocxURL = "/conventions/display_pdf/" + conv.UUID.String()
	}
	if g := p.Generation; g != nil {
		v.Failed, v.Erreur, v.Tentatives = g.State == document.Failed, g.Erreur, g.Tentatives
	}
	c.s.render(w, r, http.StatusOK, "convention_preview", v)
}

// enqueueDocument sends a generation request to the worker; false when
// there is no queue (the request stays recorded and waits).
func (c *conventions) enqueueDocument(r *http.Request, t document.Task, then *notify.Event) bool {
	log := LoggerFrom(r.Context(), c.s.log)
	if c.jobs == nil {
		log.Warn("document non généré : aucune file de tâches (REDIS_URL absent)", "convention", t.Convention)
		return false
	}
	if err := jobs.EnqueueDocument(r.Context(), c.jobs, t, then); err != nil {
		log.Error("mise en file de la génération du document impossible", "err", err, "convention", t.Convention)
		return false
	}
	return true
}
