package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/operation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// route is one entry of the API's route table. Path is the OpenAPI path
// (under Prefix, e.g. "operation/{numero}/"); the test of openapi.yaml
// walks this table, so a route without its description fails the tests.
type route struct {
	Method, Path string
}

// Endpoints lists the routes of the API as "METHOD /api-siap/v0/path"
// (for the tests of the site that mounts it).
func Endpoints() []string {
	var out []string
	for _, r := range newServer(Options{}).routes {
		out = append(out, r.Method+" "+Prefix+r.Path)
	}
	return out
}

// handle registers a route on the mux and in the table.
func (a *apiServer) handle(method, path string, h http.Handler) {
	a.routes = append(a.routes, route{Method: method, Path: path})
	pattern := Prefix + path
	if strings.HasSuffix(pattern, "/") {
		pattern += "{$}"
	}
	a.mux.Handle(method+" "+pattern, h)
}

// register declares every route of the API (spec access-api-ops §3.2).
func (a *apiServer) register() {
	a.handle("GET", "config/", a.simpleAuth(http.HandlerFunc(a.config)))
	a.handle("GET", "convention_kpi/", a.siapAuth(http.HandlerFunc(a.conventionKPI)))
	// config/ announces the operation URL without its trailing slash
	// (as the reference did): both forms are served.
	a.handle("GET", "operation/{numero}/", a.siapAuth(http.HandlerFunc(a.operationGet)))
	a.handle("GET", "operation/{numero}", a.siapAuth(http.HandlerFunc(a.operationGet)))
	a.handle("POST", "operation/{numero}/", a.siapAuth(http.HandlerFunc(a.operationPost)))
	a.handle("POST", "operation/{numero}", a.siapAuth(http.HandlerFunc(a.operationPost)))
	a.handle("GET", "close_operation/{numero}/", a.siapAuth(http.HandlerFunc(a.closeOperation)))
	a.handle("POST", "close_operation/{numero}/", a.siapAuth(http.HandlerFunc(a.closeOperation)))
	a.handle("POST", "cancel_operation/{numero}/", a.siapAuth(http.HandlerFunc(a.cancelOperation)))
	// The document itself is public, as in the reference (not listed in
	// itself).
	a.mux.HandleFunc("GET "+Prefix+"schema/{$}", a.schema)
}

// fail answers a refused or failed call with its HTTP status and a JSON
// body {"detail": ...} in French.
func (a *apiServer) fail(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := siap.AsError(err); ok {
		a.o.Logger.WarnContext(r.Context(), "appel d'API : erreur SIAP", "path", r.URL.Path, "err", err)
		status := http.StatusBadGateway
		switch e.Kind {
		case siap.KindNotFound:
			status = http.StatusNotFound
		case siap.KindUnauthorized, siap.KindForbidden, siap.KindHabilitation:
			status = http.StatusForbidden
		case siap.KindData:
			status = http.StatusUnprocessableEntity
		case siap.KindTimeout:
			status = http.StatusGatewayTimeout
		}
		writeJSON(w, status, errorBody{Detail: e.Message})
		return
	}
	if ref, ok := convention.AsRefusal(err); ok {
		status := http.StatusConflict
		switch ref.Reason {
		case convention.ReasonScope:
			status = http.StatusNotFound
		case convention.ReasonRole:
			status = http.StatusForbidden
		}
		writeJSON(w, status, errorBody{Detail: ref.Message})
		return
	}
	switch {
	case errors.Is(err, operation.ErrNotFound):
		writeJSON(w, http.StatusNotFound, errorBody{Detail: err.Error(), Code: "not_found"})
	case errors.Is(err, operation.ErrForbidden):
		writeJSON(w, http.StatusForbidden, errorBody{Detail: err.Error(), Code: "permission_denied"})
	default:
		a.o.Logger.ErrorContext(r.Context(), "appel d'API : erreur interne", "path", r.URL.Path, "err", err)
		writeJSON(w, http.StatusInternalServerError, errorBody{Detail: "Erreur interne du serveur."})
	}
}

// conventionKPI is GET convention_kpi/ (§3.4).
func (a *apiServer) conventionKPI(w http.ResponseWriter, r *http.Request) {
	sub := access.FromContext(r.Context())
	kpis, err := a.kpis.get(r.Context(), sub, func(ctx context.Context) ([]convention.Indicator, error) {
		return convention.KPIs(ctx, a.o.DB, sub)
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, kpis)
}

// operationGet is GET operation/<numero>/ (§3.5): 404 when no programme
// or convention of that number is visible.
func (a *apiServer) operationGet(w http.ResponseWriter, r *http.Request) {
	op, err := operation.Get(r.Context(), a.o.DB, access.FromContext(r.Context()), r.PathValue("numero"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, op)
}

// operationPost is POST operation/<numero>/: the operation is read from
// SIAP with the caller's habilitation, its missing conventions are
// created, and the operation is answered as GET does.
func (a *apiServer) operationPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	numero := r.PathValue("numero")
	if err := operation.CheckImport(sub); err != nil {
		a.fail(w, r, err)
		return
	}
	c, _ := ClaimsFrom(ctx)
	op, err := operation.Fetch(ctx, a.o.Habilitations.SIAP, c.UserLogin, c.HabilitationID, numero)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	err = db.InTx(ctx, a.o.DB, func(tx pgx.Tx) error {
		_, err := operation.Import(ctx, tx, sub, op)
		return err
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.operationGet(w, r)
}

// closeOperation is close_operation/<numero>/ (§3.6), GET and POST alike.
func (a *apiServer) closeOperation(w http.ResponseWriter, r *http.Request) {
	cl, err := operation.GetClosing(r.Context(), a.o.DB, access.FromContext(r.Context()), r.PathValue("numero"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cl)
}

// cancelOperation is POST cancel_operation/<numero>/ (§3.7). An operation
// with an active convention answers 409 with the reference's ERROR body
// (the reference said 200).
func (a *apiServer) cancelOperation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var res *operation.CancelResult
	err := db.InTx(ctx, a.o.DB, func(tx pgx.Tx) (err error) {
		res, err = operation.Cancel(ctx, tx, access.FromContext(ctx), r.PathValue("numero"))
		return err
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if res.Status == operation.CancelError {
		status = http.StatusConflict
	}
	writeJSON(w, status, res)
}

// subjectCache keeps the subjects of recently confirmed habilitations.
type subjectCache struct {
	ttl time.Duration
	now func() time.Time
	mu  sync.Mutex
	m   map[subjectKey]cachedSubject
}

type subjectKey struct {
	login string
	habID int64
}

type cachedSubject struct {
	sub     *access.Subject
	expires time.Time
}

func newSubjectCache(ttl time.Duration, now func() time.Time) *subjectCache {
	if now == nil {
		now = time.Now
	}
	return &subjectCache{ttl: ttl, now: now, m: map[subjectKey]cachedSubject{}}
}

// get returns a copy of the cached subject (each request owns its own).
func (c *subjectCache) get(login string, habID int64) (*access.Subject, bool) {
	if c == nil || c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	e, ok := c.m[subjectKey{login, habID}]
	c.mu.Unlock()
	if !ok || c.now().After(e.expires) {
		return nil, false
	}
	sub, role := *e.sub, *e.sub.Role
	sub.Role = &role
	return &sub, true
}

func (c *subjectCache) put(login string, habID int64, sub *access.Subject) {
	if c == nil || c.ttl <= 0 {
		return
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m { // few entries: one per active SIAP user
		if now.After(e.expires) {
			delete(c.m, k)
		}
	}
	cp, role := *sub, *sub.Role
	cp.Role = &role
	c.m[subjectKey{login, habID}] = cachedSubject{sub: &cp, expires: now.Add(c.ttl)}
}
