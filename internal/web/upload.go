package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

func init() { routeGroups = append(routeGroups, (*server).uploadRoutes) }

// uploadRoutes: the attachments of the form's "text + files" fields, at
// the reference's paths (spec access-api-ops §4.6). The reference checked
// nothing; here a deposit needs change_convention on an object of the
// subject's scope, and a download view_convention on the convention of
// the path, the file belonging to it (404 otherwise).
func (s *server) uploadRoutes() {
	c := newConventions(s)
	s.handle("POST /upload/{$}", access.Perm(access.ChangeConvention), acceptFiles(maxUploadRequest, c.uploadFiles))
	s.handleFunc("GET /upload/{uuid}/media/{file}", access.PermOn(access.ViewConvention, access.ConventionFromPath("uuid")), c.uploadedFile)
}

var errNoStorage = errors.New("aucun stockage de fichiers configuré")

// maxUploadRequest bounds the body of one POST /upload/ (files are
// written to temporary files beyond 8 MiB and removed after the request).
const maxUploadRequest = 2 * upload.MaxFileSize

// uploadAnswer is the JSON answer of POST /upload/ (the reference's:
// "success" is a string).
type uploadAnswer struct {
	Success      string        `json:"success"`
	UploadedFile []upload.File `json:"uploaded_file,omitempty"`
	Error        string        `json:"error,omitempty"`
}

// uploadFiles is POST /upload/: the files are checked, stored and
// recorded in one transaction, then their antivirus scans are enqueued.
func (c *conventions) uploadFiles(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if c.storage == nil {
		c.uploadRefused(w, r, errNoStorage)
		return
	}
	target, files, cleanup, err := readUploadForm(r)
	defer cleanup()
	if err != nil {
		c.uploadRefused(w, r, err)
		return
	}
	var saved []upload.File
	var keys []string
	err = c.tx(ctx, func(tx pgx.Tx) (err error) {
		saved, keys, err = upload.Save(ctx, tx, c.storage, access.FromContext(ctx), target, files)
		return err
	})
	if err != nil {
		c.uploadRefused(w, r, err)
		return
	}
	c.enqueueScans(r, keys)
	writeJSON(w, http.StatusOK, uploadAnswer{Success: "true", UploadedFile: saved})
}

func (c *conventions) uploadRefused(w http.ResponseWriter, r *http.Request, err error) {
	var refusal *upload.Error
	switch {
	case errors.As(err, &refusal):
		writeJSON(w, http.StatusBadRequest, uploadAnswer{Success: "false", Error: refusal.Message})
	case errors.Is(err, upload.ErrNotFound):
		writeJSON(w, http.StatusNotFound, uploadAnswer{Success: "false", Error: "Destination introuvable : la convention, le programme ou le lot n'existe pas ou ne vous est pas accessible."})
	default:
		LoggerFrom(r.Context(), c.s.log).Error("dépôt de fichiers impossible", "err", err)
		writeJSON(w, http.StatusInternalServerError, uploadAnswer{Success: "false", Error: "Le dépôt a échoué à cause d'une erreur interne ; réessayez dans quelques minutes. Identifiant de la requête : " + RequestID(r.Context())})
	}
}

// enqueueScans queues the antivirus scans of committed deposits; a queue
// failure leaves them pending (logged), the deposit stands.
func (c *conventions) enqueueScans(r *http.Request, keys []string) {
	if len(keys) == 0 {
		return
	}
	log := LoggerFrom(r.Context(), c.s.log)
	if c.jobs == nil {
		log.Warn("analyse antivirus non mise en file : aucune file de tâches (REDIS_URL absent)", "nombre", len(keys))
		return
	}
	if err := jobs.EnqueueScans(r.Context(), c.jobs, keys); err != nil {
		log.Error("mise en file des analyses antivirus impossible", "err", err)
	}
}

// readUploadForm reads the multipart body of POST /upload/, parsed and
// bounded by the input layer (acceptFiles): exactly one of the fields
// convention, programme or lot (a uuid: where the files are filed) and
// the files of every file field. cleanup closes the opened files; the
// input layer removes their temporary copies.
func readUploadForm(r *http.Request) (t upload.Target, files []upload.Incoming, cleanup func(), err error) {
	var opened []multipart.File
	cleanup = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	if r.MultipartForm == nil {
		return t, nil, cleanup, &upload.Error{Field: "file", Message: "Envoi illisible : déposez les fichiers depuis le formulaire d'APiLos."}
	}
	form := r.MultipartForm
	for _, k := range upload.OwnerKinds {
		v := form.Value[string(k)]
		if len(v) == 0 || v[0] == "" {
			continue
		}
		if t.Kind != "" || len(v) > 1 {
			return t, nil, cleanup, &upload.Error{Field: string(k), Message: upload.MsgNoTarget}
		}
		id, err := uuid.Parse(v[0])
		if err != nil {
			return t, nil, cleanup, &upload.Error{Field: string(k), Message: "Identifiant de " + string(k) + " invalide : « " + v[0] + " »."}
		}
		t = upload.Target{Kind: k, UUID: id}
	}
	if t.Kind == "" {
		return t, nil, cleanup, &upload.Error{Field: "convention", Message: upload.MsgNoTarget}
	}
	fields := make([]string, 0, len(form.File))
	for f := range form.File {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, field := range fields {
		for _, fh := range form.File[field] {
			body, err := fh.Open()
			if err != nil {
				return t, nil, cleanup, err
			}
			opened = append(opened, body)
			files = append(files, upload.Incoming{Name: fh.Filename, Size: fh.Size, Body: body})
		}
	}
	return t, files, cleanup, nil
}

// uploadedFile is GET /upload/<convention uuid>/media/<file uuid>: the
// attachment as a download under its original name, or the quarantine
// page when the antivirus found a virus in it.
func (c *conventions) uploadedFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if c.storage == nil {
		c.s.serverError(w, r, errNoStorage)
		return
	}
	f, body, err := upload.Open(ctx, c.s.opts.DB, c.storage, access.ConventionFrom(ctx), r.PathValue("file"))
	switch {
	case errors.Is(err, upload.ErrNotFound):
		c.s.notFound(w, r)
		return
	case errors.Is(err, upload.ErrQuarantined):
		c.s.quarantined(w, r, f.Realname)
		return
	case err != nil:
		c.s.serverError(w, r, err)
		return
	}
	defer body.Close()
	w.Header().Set("Content-Type", f.ServedType())
	w.Header().Set("Content-Disposition", contentDisposition("attachment", f.Realname))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.Copy(w, body)
}

// quarantineView is the page of a file the antivirus quarantined.
type quarantineView struct {
	Page
	FileName string
}

// quarantined answers 410 with the French explanation: the file existed
// and is withdrawn for good.
func (s *server) quarantined(w http.ResponseWriter, r *http.Request, name string) {
	s.render(w, r, http.StatusGone, "upload_quarantine", quarantineView{Page: s.page(r, "Fichier mis en quarantaine"), FileName: name})
}
