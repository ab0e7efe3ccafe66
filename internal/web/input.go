package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The input-decoding layer. Every value a request carries (path, query,
// form fields, multipart fields and file names, JSON strings) is checked
// here once, before any handler or database sees it: invalid UTF-8 and
// NUL bytes, which PostgreSQL refuses in text, answer a French 400. Every
// request body is bounded (413 beyond), forms are parsed here, and the
// files of a multipart form are removed when the request ends.
//
// The handlers get a request whose Form, PostForm and MultipartForm are
// already filled: r.ParseForm and r.ParseMultipartForm are no-ops there.

const (
	// maxFormBytes bounds the body of every route that takes no file
	// (forms, JSON): far above any form of the site, far below what
	// would cost memory.
	maxFormBytes = 1 << 20
	// uploadMemory is the part of a multipart upload kept in memory;
	// larger files go to temporary files, removed after the request.
	uploadMemory = 1 << 20
)

// Messages of the refusals.
const (
	msgBadEncoding   = "La demande contient des caractères invalides (octet nul ou texte qui n'est pas en UTF-8)."
	msgBadForm       = "Le formulaire envoyé est illisible (envoi interrompu ou mal formé)."
	msgNoFileHere    = "Ce formulaire n'accepte pas de fichier."
	hintBadInput     = "Revenez à la page précédente, vérifiez votre saisie puis envoyez à nouveau le formulaire depuis APiLos."
	msgTooLargeForm  = "Le formulaire envoyé est trop volumineux."
	hintTooLargeForm = "Raccourcissez les textes saisis, puis envoyez à nouveau le formulaire."
)

// filesRoute marks a handler that receives files, with its size limit
// (acceptFiles).
type filesRoute struct {
	limit int64
	http.Handler
}

// acceptFiles declares that the route h receives files (multipart form)
// of at most limit bytes in all. It is the only way a route gets more
// than maxFormBytes: register it as
//
//	s.handle("POST /x/{uuid}", rule, acceptFiles(25<<20, h))
//
// The handler reads the files with r.FormFile; their temporary copies
// are removed when it returns.
func acceptFiles(limit int64, h http.HandlerFunc) http.Handler {
	return filesRoute{limit: limit, Handler: h}
}

// inputError is a refused request body or value.
type inputError struct {
	status int
	msg    string
	hint   string
}

func (e *inputError) Error() string { return e.msg }

func badInput(msg string) *inputError {
	return &inputError{status: http.StatusBadRequest, msg: msg, hint: hintBadInput}
}

// tooLarge is the 413 of a body beyond limit; a file route names its limit.
func tooLarge(limit int64, files bool) *inputError {
	if files {
		mb := strconv.FormatInt(limit>>20, 10)
		return &inputError{status: http.StatusRequestEntityTooLarge,
			msg:  "Le fichier envoyé est trop volumineux : " + mb + " Mo au plus.",
			hint: "Déposez une version plus légère du document (" + mb + " Mo au plus), par exemple numérisée en noir et blanc ou à une résolution plus faible."}
	}
	return &inputError{status: http.StatusRequestEntityTooLarge, msg: msgTooLargeForm, hint: hintTooLargeForm}
}

// validText reports whether s can be stored as PostgreSQL text.
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// checkValues checks every key and value of a form-like map.
func checkValues(v map[string][]string) error {
	for k, vs := range v {
		if !validText(k) {
			return badInput(msgBadEncoding)
		}
		for _, s := range vs {
			if !validText(s) {
				return badInput(msgBadEncoding)
			}
		}
	}
	return nil
}

// checkURL refuses a request whose path or query is not valid text, or
// whose query is not well encoded, before routing: path values such as
// an operation number go to the database as they are.
func (s *server) checkURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !validText(r.URL.Path) {
			s.refuseInput(w, r, badInput(msgBadEncoding))
			return
		}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				s.refuseInput(w, r, badInput("L'adresse demandée est mal formée (paramètres mal encodés)."))
				return
			}
			if err := checkValues(q); err != nil {
				s.refuseInput(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// decodeInput bounds the body of route h, parses and checks its form
// (or JSON) values, and removes the form's temporary files after h. A
// route declared with acceptFiles gets its own limit and may receive
// files; any other refuses them.
func (s *server) decodeInput(h http.Handler) http.Handler {
	limit, files := int64(maxFormBytes), false
	if f, ok := h.(filesRoute); ok {
		limit, files = f.limit, true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		err := readInput(r, limit, files)
		// Set on this request even when parsing failed half-way: the
		// handler's copies of r share it, but the server only cleans the
		// request it created, never the copies (r.WithContext), so the
		// files are removed here.
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if err != nil {
			s.refuseInput(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// readInput parses the body of r according to its content type and
// checks every value.
func readInput(r *http.Request, limit int64, files bool) error {
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return badInput(msgBadForm)
		}
	}
	switch {
	case mt == "multipart/form-data":
		memory := int64(uploadMemory)
		if !files {
			// The whole body fits in memory: nothing is written to disk.
			memory = limit
		}
		if err := r.ParseMultipartForm(memory); err != nil {
			return formError(err, limit, files)
		}
		if !files {
			for _, fhs := range r.MultipartForm.File {
				if len(fhs) > 0 {
					return badInput(msgNoFileHere)
				}
			}
		}
		for _, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				if !validText(fh.Filename) {
					return badInput(msgBadEncoding)
				}
			}
		}
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		if err := r.ParseForm(); err != nil { // the query only
			return formError(err, limit, files)
		}
		if err := checkJSON(r); err != nil {
			return err
		}
	default:
		if err := r.ParseForm(); err != nil {
			return formError(err, limit, files)
		}
	}
	return checkValues(r.Form)
}

// formError turns a parsing error into the refusal to answer.
func formError(err error, limit int64, files bool) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit, files)
	}
	return badInput(msgBadForm)
}

// checkJSON reads a JSON body (within its limit), refuses invalid UTF-8
// and strings holding NUL, and puts the body back for the handler. A body
// that is not JSON is left to the handler, which answers its own error.
func checkJSON(r *http.Request) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(mbe.Limit, false)
		}
		return badInput(msgBadForm)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	if !utf8.Valid(b) {
		return badInput(msgBadEncoding)
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	if !jsonText(v) {
		return badInput(msgBadEncoding)
	}
	return nil
}

// jsonText reports whether every string (keys included) of a decoded
// JSON value is valid text.
func jsonText(v any) bool {
	switch v := v.(type) {
	case string:
		return validText(v)
	case []any:
		for _, e := range v {
			if !jsonText(e) {
				return false
			}
		}
	case map[string]any:
		for k, e := range v {
			if !validText(k) || !jsonText(e) {
				return false
			}
		}
	}
	return true
}

// inputErrorView is the page of a refused request (400, 413).
type inputErrorView struct {
	Page
	Status int
	Reason string
	Hint   string
}

// refuseInput answers a refused request: a French page, or a JSON body
// for the API and JSON callers.
func (s *server) refuseInput(w http.ResponseWriter, r *http.Request, err error) {
	ie, ok := err.(*inputError)
	if !ok {
		ie = badInput(msgBadForm)
	}
	LoggerFrom(r.Context(), s.log).Info("demande refusée", "status", ie.status, "reason", ie.msg, "method", r.Method, "path", safePath(r.URL.Path))
	if wantsJSON(r) || strings.HasPrefix(r.URL.Path, "/api-siap/") {
		writeJSON(w, ie.status, map[string]any{"detail": ie.msg})
		return
	}
	v := inputErrorView{Page: s.page(r, "Demande refusée"), Status: ie.status, Reason: ie.msg, Hint: ie.hint}
	v.Path = safePath(v.Path)
	s.render(w, r, ie.status, "refused", v)
}

// safePath is p made printable for logs and pages (invalid bytes as �,
// NUL removed).
func safePath(p string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(p, "\uFFFD"), "\x00", "")
}

// multipartFile is a file field of a multipart form already parsed and
// bounded by decodeInput, on a route declared with acceptFiles (nil when
// absent).
func multipartFile(r *http.Request, field string) (multipart.File, error) {
	f, _, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	return f, err
}
