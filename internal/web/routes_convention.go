package web

import (
	"context"
	"encoding/gob"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// ConventionOptions wire the convention pages: where signed documents are
// stored, and the queue the notifications go to.
type ConventionOptions struct {
	// Storage keeps signed and publication documents; a local directory
	// "media" when nil.
	Storage storage.Storage
	// Jobs enqueues the e-mails of the transitions after the commit; when
	// nil (no Redis), the notifications are logged and not sent.
	Jobs *jobs.Client
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
}

// ConventionOptionsFrom opens the storage and the queue client the
// configuration describes. The caller closes the client.
func ConventionOptionsFrom(ctx context.Context, cfg config.Config) (ConventionOptions, error) {
	st, err := storage.New(ctx, cfg.StorageConfig())
	if err != nil {
		return ConventionOptions{}, err
	}
	o := ConventionOptions{Storage: st}
	if url := cfg.RedisURL; url != "" {
		if o.Jobs, err = jobs.NewClient(url); err != nil {
			return ConventionOptions{}, err
		}
	}
	return o, nil
}

// conventions holds what the convention handlers need besides the server.
type conventions struct {
	s       *server
	storage storage.Storage
	jobs    *jobs.Client
	now     func() time.Time
}

func init() {
	routeGroups = append(routeGroups, (*server).conventionRoutes)
	gob.Register([]flash{})
}

// conventionRoutes registers the search, operation, convention, avenant
// and comment pages, at the reference's paths (spec access-api-ops §4.3),
// so bookmarks and links from SIAP keep working. Every route declares its
// rule; the domain functions check statut, role and scope again inside
// their transaction.
func (s *server) conventionRoutes() {
	c := newConventions(s)
	view := func(p access.Permission) access.Rule { return access.PermOn(p, access.ConventionFromPath("uuid")) }

	s.handleFunc("GET /conventions/{$}", access.LoggedIn(), c.index)
	s.handleFunc("GET /conventions/recherche", access.LoggedIn(), c.search)
	s.handleFunc("GET /operations/{numero...}", access.LoggedIn(), c.operation)
	s.handleFunc("POST /operations/{numero...}", access.Perm(access.AddConvention), c.operationCreate)

	s.handleFunc("GET /conventions/recapitulatif/{uuid}", view(access.ViewConvention), c.recap)
	s.handleFunc("POST /conventions/recapitulatif/{uuid}", view(access.ChangeConvention), c.recapPost)
	s.handleFunc("GET /conventions/post_action/{uuid}", view(access.ViewConvention), c.postAction)
	s.handleFunc("POST /conventions/post_action/{uuid}", view(access.ChangeConvention), c.postActionPost)
	s.handleFunc("GET /conventions/journal/{uuid}", view(access.ViewConvention), c.journal)

	// Transitions T1–T15.
	s.handleFunc("POST /conventions/save/{uuid}", view(access.ChangeConvention), c.save)
	s.handleFunc("POST /conventions/feedback/{uuid}", view(access.ChangeConvention), c.feedback)
	s.handleFunc("POST /conventions/validate/{uuid}", view(access.ValidateConvention), c.validate)
	s.handleFunc("POST /conventions/delete/{uuid}", view(access.DeleteConvention), c.delete)
	s.handleFunc("POST /conventions/denonciation_validate/{uuid}", view(access.ChangeConvention), c.denonciationValidate)
	s.handleFunc("POST /conventions/resiliation_validate/{uuid}", view(access.ChangeConvention), c.resiliationValidate)

	// Signed document (T6) and publication (T7–T10).
	s.handleFunc("GET /conventions/sent/{uuid}", view(access.ViewConvention), c.sent)
	s.handle("POST /conventions/sent/{uuid}", view(access.ChangeConvention), acceptFiles(maxUpload, c.sentUpload))
	s.handleFunc("GET /conventions/upload_signed/preview/{uuid}", view(access.ViewConvention), c.signedDate)
	s.handleFunc("GET /conventions/upload_signed/date/{uuid}", view(access.ViewConvention), c.signedDate)
	s.handleFunc("POST /conventions/upload_signed/date/{uuid}", view(access.ChangeConvention), c.signedDatePost)
	s.handleFunc("POST /conventions/upload_signed/cancel/{uuid}", view(access.ChangeConvention), c.signedCancel)
	s.handleFunc("GET /conventions/display_pdf/{uuid}", view(access.ViewConvention), c.displaySigned)
	s.handleFunc("POST /conventions/publication/{uuid}/send", view(access.ChangeConvention), c.publicationSend)
	s.handleFunc("GET /conventions/publication/{uuid}", view(access.ViewConvention), c.publication)
	s.handle("POST /conventions/publication/{uuid}", view(access.ChangeConvention), acceptFiles(maxUpload, c.publicationUpload))
	s.handleFunc("GET /conventions/publication/{uuid}/upload-preview", view(access.ViewConvention), c.publication)
	s.handleFunc("POST /conventions/publication/{uuid}/date", view(access.ChangeConvention), c.publicationDate)
	s.handleFunc("POST /conventions/publication/{uuid}/upload/cancel", view(access.ChangeConvention), c.publicationCancel)
	s.handleFunc("GET /conventions/display_convention_publie/{uuid}", view(access.ViewConvention), c.displayPublication)

	// Avenants, dénonciation, résiliation.
	s.handleFunc("POST /conventions/new_avenant/{uuid}", view(access.AddConvention), c.newAvenant)
	s.handleFunc("POST /conventions/remove_from_avenant/{uuid}", view(access.ChangeConvention), c.removeFromAvenant)
	s.handleFunc("POST /conventions/denonciation_start/{uuid}", view(access.AddConvention), c.denonciationStart)
	s.handleFunc("POST /conventions/resiliation_start/{uuid}", view(access.AddConvention), c.resiliationStart)
	s.handleFunc("GET /conventions/denonciation/{uuid}", view(access.ViewConvention), c.denonciation)
	s.handleFunc("POST /conventions/denonciation/{uuid}", view(access.ChangeConvention), c.denonciationPost)
	s.handleFunc("GET /conventions/resiliation/{uuid}", view(access.ViewConvention), c.resiliation)
	s.handleFunc("POST /conventions/resiliation/{uuid}", view(access.ChangeConvention), c.resiliationPost)

	// Comments on fields (form posts without JavaScript, JSON with it).
	s.handleFunc("POST /comments/{$}", access.Perm(access.AddComment), c.commentAdd)
	s.handleFunc("POST /comments/{comment}", access.Perm(access.ChangeComment), c.commentUpdate)
	s.handleFunc("GET /comments/convention/{uuid}", view(access.ViewComment), c.commentList)
}

func newConventions(s *server) *conventions {
	o := s.opts.Conventions
	c := &conventions{s: s, storage: o.Storage, jobs: o.Jobs, now: o.Now}
	if c.now == nil {
		c.now = time.Now
	}
	if c.storage == nil {
		st, err := storage.NewLocal("media")
		if err != nil {
			s.log.Error("stockage local « media » impossible : les dépôts de documents échoueront", "err", err)
		} else {
			c.storage = st
		}
	}
	return c
}

// today is the current date in Paris (a DATE value at midnight UTC).
func (c *conventions) today() time.Time {
	t := c.now().In(parisLocation)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

var parisLocation = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// index: /conventions/ is the search page.
func (c *conventions) index(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/conventions/recherche", http.StatusFound)
}

// ref is the convention the route's rule loaded.
func ref(r *http.Request) (*access.ConventionRef, uuid.UUID) {
	cr := access.ConventionFrom(r.Context())
	if cr == nil {
		return nil, uuid.Nil
	}
	id, _ := uuid.Parse(cr.UUID)
	return cr, id
}

// tx runs fn in one transaction.
func (c *conventions) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	return db.InTx(ctx, c.s.opts.DB, fn)
}

// enqueue sends the notifications of a committed operation to the
// queue. A queue failure does not undo the operation (it is committed):
// it is logged so the support can resend.
func (c *conventions) enqueue(r *http.Request, events []notify.Event) {
	if len(events) == 0 {
		return
	}
	log := LoggerFrom(r.Context(), c.s.log)
	if c.jobs == nil {
		log.Warn("notifications non envoyées : aucune file de tâches (REDIS_URL absent)", "nombre", len(events))
		return
	}
	if err := jobs.EnqueueNotifications(r.Context(), c.jobs, events); err != nil {
		log.Error("mise en file des notifications impossible", "err", err)
	}
}

// outcome answers a domain operation: a refusal outside the scope is a
// 404 (existence not revealed); any other refusal goes back to the page
// with the French reason as an error message, nothing changed; other
// errors are a 500. It reports whether the operation succeeded.
func (c *conventions) outcome(w http.ResponseWriter, r *http.Request, err error, back string) bool {
	if err == nil {
		return true
	}
	if ref, ok := convention.AsRefusal(err); ok {
		if ref.Reason == convention.ReasonScope {
			c.s.notFound(w, r)
			return false
		}
		c.s.addFlash(r.Context(), flashError, ref.Message)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return false
	}
	c.s.serverError(w, r, err)
	return false
}

// done redirects after a successful operation, with an optional message.
func (c *conventions) done(w http.ResponseWriter, r *http.Request, to, msg string) {
	if msg != "" {
		c.s.addFlash(r.Context(), flashSuccess, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Page paths of a convention.
func recapURL(id string) string      { return "/conventions/recapitulatif/" + id }
func postActionURL(id string) string { return "/conventions/post_action/" + id }
func sentURL(id string) string       { return "/conventions/sent/" + id }

// Flash messages: kept in the session until the next page shows them
// (POST-redirect-GET).
type flash struct {
	Level   string // flashSuccess, flashError, flashInfo
	Message string
}

const (
	flashSuccess = "success"
	flashError   = "error"
	flashInfo    = "info"
	sessionFlash = "flashes"
)

func (s *server) addFlash(ctx context.Context, level, msg string) {
	list, _ := s.sessions.Get(ctx, sessionFlash).([]flash)
	s.sessions.Put(ctx, sessionFlash, append(list, flash{Level: level, Message: msg}))
}

// popFlashes returns and forgets the pending messages.
func (s *server) popFlashes(ctx context.Context) []flash {
	list, _ := s.sessions.Pop(ctx, sessionFlash).([]flash)
	return list
}

// formUUID parses an optional uuid field.
func formUUID(v string) (*uuid.UUID, error) {
	if v == "" {
		return nil, nil
	}
	u, err := uuid.Parse(v)
	if err != nil {
		return nil, errors.New("identifiant invalide")
	}
	return &u, nil
}

// withQuery adds query parameters to a path.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
