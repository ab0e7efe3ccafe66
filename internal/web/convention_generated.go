package web

import (
	"net/http"

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
