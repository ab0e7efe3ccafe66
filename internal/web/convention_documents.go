package web

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// maxUpload bounds the request that deposits a PDF (the reference mailed
// up to 10 MiB of attachments; a scanned convention stays below 25 MiB).
const maxUpload = 25 << 20

// documentView is the deposit page of the signed document (T6, "sent")
// and of the publication deed (T8, "publication").
type documentView struct {
	Page
	Flashes []flash
	H       conventionHeader
	// Publication: the publication deed, else the signed document.
	Publication bool
	FileName    string
	FileURL     string
	CanUpload   bool
	// CanDate: the date step is possible (a file is deposited).
	CanDate           bool
	DateValue         string // yyyy-mm-dd for the date input
	Reference         string
	BackToInstruction bool
	DateAction        string
	UploadAction      string
	CancelAction      string
}

func (c *conventions) documentPage(w http.ResponseWriter, r *http.Request, publication bool) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	k, err := c.capability(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	conv := k.Convention
	id := conv.UUID.String()
	v := documentView{Page: c.s.page(r, "Document signé"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub), Publication: publication}
	if publication {
		v.Title = "Publication"
		v.FileName = conv.NomFichierPublicationSPF
		v.FileURL = "/conventions/display_convention_publie/" + id
		v.CanUpload = k.Can(convention.ActionUploadPublication)
		v.CanDate = k.Can(convention.ActionPublish) && v.FileName != ""
		v.Reference = conv.ReferenceSPF
		v.DateValue = isoDate(conv.DatePublicationSPF, c.today())
		v.UploadAction = "/conventions/publication/" + id
		v.DateAction = "/conventions/publication/" + id + "/date"
		v.CancelAction = "/conventions/publication/" + id + "/upload/cancel"
	} else {
		v.FileName = conv.NomFichierSigne
		v.FileURL = "/conventions/display_pdf/" + id
		v.CanUpload = k.Can(convention.ActionUploadSigned)
		v.CanDate = (k.Can(convention.ActionSign) || k.Can(convention.ActionSetSignatureDate)) && v.FileName != ""
		v.DateValue = isoDate(conv.TeleversementSigneeLe, c.today())
		v.UploadAction = sentURL(id)
		v.DateAction = "/conventions/upload_signed/date/" + id
		v.CancelAction = "/conventions/upload_signed/cancel/" + id
		v.BackToInstruction = k.Can(convention.ActionBackToInstruction)
	}
	if v.FileName == "" {
		v.FileURL = ""
	}
	c.s.render(w, r, http.StatusOK, "convention_document", v)
}

func isoDate(t *time.Time, today time.Time) string {
	if t == nil {
		return today.Format(time.DateOnly)
	}
	return t.Format(time.DateOnly)
}

func (c *conventions) sent(w http.ResponseWriter, r *http.Request)        { c.documentPage(w, r, false) }
func (c *conventions) signedDate(w http.ResponseWriter, r *http.Request)  { c.documentPage(w, r, false) }
func (c *conventions) publication(w http.ResponseWriter, r *http.Request) { c.documentPage(w, r, true) }

// sentUpload is POST /conventions/sent/<uuid>: the signed PDF is stored
// and recorded (first step of T6), the statut does not change.
func (c *conventions) sentUpload(w http.ResponseWriter, r *http.Request) {
	c.upload(w, r, false)
}

// publicationUpload is POST /conventions/publication/<uuid> (first step
// of T8, instructeurs).
func (c *conventions) publicationUpload(w http.ResponseWriter, r *http.Request) {
	c.upload(w, r, true)
}

func (c *conventions) upload(w http.ResponseWriter, r *http.Request, publication bool) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := sentURL(cr.UUID)
	if publication {
		back = "/conventions/publication/" + cr.UUID
	}
	f, err := multipartFile(r, "file") // parsed and bounded by acceptFiles
	if err != nil {
		c.outcome(w, r, err, back)
		return
	}
	file := convention.File{Size: -1}
	if f != nil {
		defer f.Close()
		file.Body = io.Reader(f)
	}
	if c.storage == nil {
		c.s.serverError(w, r, errors.New("aucun stockage de fichiers configuré"))
		return
	}
	var res *convention.Result
	err = c.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if publication {
			res, err = convention.RegisterPublicationFile(ctx, tx, c.storage, sub, id, file)
		} else {
			res, err = convention.RegisterSignedFile(ctx, tx, c.storage, sub, id, file)
		}
		return err
	})
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueueScans(r, res.Scans)
	if publication {
		c.done(w, r, "/conventions/publication/"+cr.UUID+"/upload-preview#date", "Le document de publication a été déposé : indiquez la référence et la date de publication.")
		return
	}
	c.done(w, r, "/conventions/upload_signed/date/"+cr.UUID+"#date", "Le document signé a été déposé : vérifiez-le puis indiquez la date de signature.")
}

// signedDatePost is the date step of T6: A_SIGNER → SIGNEE with the date;
// on an already signed convention (new version deposited) only the date
// changes.
func (c *conventions) signedDatePost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := "/conventions/upload_signed/date/" + cr.UUID
	date, ok := c.formDate(w, r, "televersement_convention_signee_le", convention.MsgSignatureDateMissing, back)
	if !ok {
		return
	}
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.RecordSignatureDate(ctx, tx, sub, id, date); return })
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueue(r, res.Events)
	c.done(w, r, postActionURL(cr.UUID), res.Flash)
}

// formDate reads a required date field; on a missing or malformed date
// it answers with the message and returns false.
func (c *conventions) formDate(w http.ResponseWriter, r *http.Request, field, missing, back string) (t time.Time, ok bool) {
	raw := r.PostForm.Get(field)
	if raw == "" {
		c.outcome(w, r, &convention.Refusal{Reason: convention.ReasonInput, Field: field, Message: missing}, back)
		return t, false
	}
	d, err := fr.ParseDate(raw)
	if err != nil {
		c.outcome(w, r, &convention.Refusal{Reason: convention.ReasonInput, Field: field, Message: "Date : " + err.Error()}, back)
		return t, false
	}
	return d, true
}

// signedCancel renames the deposited file and clears it (stepper cancel).
func (c *conventions) signedCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	err := c.tx(ctx, func(tx pgx.Tx) error {
		_, err := convention.CancelSignedFile(ctx, tx, c.storage, sub, id)
		return err
	})
	if c.outcome(w, r, err, sentURL(cr.UUID)) {
		c.done(w, r, sentURL(cr.UUID), "Le dépôt du document signé a été annulé.")
	}
}

func (c *conventions) publicationCancel(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := "/conventions/publication/" + cr.UUID
	err := c.tx(ctx, func(tx pgx.Tx) error {
		_, err := convention.CancelPublicationFile(ctx, tx, c.storage, sub, id)
		return err
	})
	if c.outcome(w, r, err, back) {
		c.done(w, r, back, "Le dépôt du document de publication a été annulé.")
	}
}

// publicationSend is T7 (SIGNEE → PUBLICATION_EN_COURS).
func (c *conventions) publicationSend(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.SendToPublication(ctx, tx, sub, id); return })
	if !c.outcome(w, r, err, postActionURL(cr.UUID)) {
		return
	}
	c.enqueue(r, res.Events)
	c.done(w, r, "/conventions/publication/"+cr.UUID, "La convention a été envoyée pour publication : déposez le document de publication.")
}

// publicationDate is the date step of T8 (→ PUBLIE).
func (c *conventions) publicationDate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := "/conventions/publication/" + cr.UUID + "/upload-preview"
	date, ok := c.formDate(w, r, "date_publication_spf", convention.MsgPublicationDateMissing, back)
	if !ok {
		return
	}
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = convention.Publish(ctx, tx, sub, id, convention.Publication{ReferenceSPF: r.PostForm.Get("reference_spf"), Date: date})
		return
	})
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueue(r, res.Events)
	c.done(w, r, postActionURL(cr.UUID), res.Flash)
}

// displaySigned is display_pdf: the convention's document as the
// reference picks it (document.Displayed): the signed one once
// validated, else the generated PDF, else the generated .docx (as a
// download); displayPublication streams the publication deed.
func (c *conventions) displaySigned(w http.ResponseWriter, r *http.Request) {
	conv, err := c.conventionFor(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if c.storage == nil {
		c.s.notFound(w, r)
		return
	}
	shown, err := document.Displayed(r.Context(), c.s.opts.DB, c.storage, conv)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.streamAs(w, r, shown.Key, shown.Name, shown.ContentType)
}

func (c *conventions) displayPublication(w http.ResponseWriter, r *http.Request) {
	conv, err := c.conventionFor(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.stream(w, r, convention.PublicationKey(conv.UUID, conv.NomFichierPublicationSPF), conv.NomFichierPublicationSPF)
}

func (c *conventions) stream(w http.ResponseWriter, r *http.Request, key, name string) {
	c.streamAs(w, r, key, name, "application/pdf")
}

// streamAs sends a stored document: a PDF inline, which the preview page
// may frame (same origin only), anything else as a download.
func (c *conventions) streamAs(w http.ResponseWriter, r *http.Request, key, name, contentType string) {
	if name == "" || c.storage == nil {
		c.s.notFound(w, r)
		return
	}
	quarantined, err := upload.Quarantined(r.Context(), c.s.opts.DB, key)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if quarantined {
		c.s.quarantined(w, r, name)
		return
	}
	f, err := c.storage.Get(r.Context(), key)
	if errors.Is(err, storage.ErrNotFound) {
		c.s.notFound(w, r)
		return
	}
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if contentType != "application/pdf" {
		h.Set("Content-Disposition", contentDisposition("attachment", name))
		io.Copy(w, f)
		return
	}
	h.Set("Content-Disposition", contentDisposition("inline", name))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", documentSecurityPolicy)
	io.Copy(w, f)
}

// documentSecurityPolicy replaces the site's policy on a PDF: nothing
// loaded from elsewhere, framed by our own pages only (the preview).
const documentSecurityPolicy = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'self'"
