// Package web is the HTML side of APiLos: pages in the State design system
// (DSFR), static assets, health and metrics endpoints, and the middleware
// every request goes through.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/alexedwards/scs/v2"
	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/config"
)

// Options is what the web process needs from the outside.
type Options struct {
	// Environment drives the banner and robots tag (config.IsProduction).
	Environment string
	// Version is shown in the footer.
	Version string
	// Logger receives the access log and errors; slog.Default() if nil.
	Logger *slog.Logger
	// DB may be nil in template-only tests; /readyz then reports it missing.
	DB *pgxpool.Pool
	// Redis is used by /readyz and the queue metrics. When nil and
	// RedisURL is set, a client is opened from it for the process lifetime.
	Redis    redis.UniversalClient
	RedisURL string
	// Routes are extra handlers mounted on the same mux, behind the same
	// middleware and access rules (asynqmon in apilos dev, test-only
	// routes...).
	Routes []Route
	// CerbereMode sends anonymous users to the CAS login
	// (/accounts/cerbere-login) instead of the local login form; set it
	// when CERBERE_AUTH is configured.
	CerbereMode bool
	// Cerbere wires the CERBERE login and the SIAP habilitations
	// (cerbere.go); nil without CERBERE_AUTH.
	Cerbere *CerbereOptions
	// Accounts configures the local account pages and impersonation
	// (account_deps.go); Transport the proxy, HTTPS and HSTS handling
	// (transport.go). Zero values suit development and tests.
	Accounts  AccountOptions
	Transport TransportOptions
	// Conventions wires the convention pages: document storage and the
	// notification queue (routes_convention.go).
	Conventions ConventionOptions
}

// Route is one extra handler: Pattern is a ServeMux pattern such as
// "GET /admin/queues/", Rule its access rule (required: New refuses a
// route without one).
type Route struct {
	Pattern string
	Rule    access.Rule
	Handler http.Handler
}

type server struct {
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	assets  *assets
	tmpl    *renderer
	metrics *metrics
	redis   redis.UniversalClient
	// sessions is the scs session manager (session.go).
	sessions *scs.SessionManager
	// registered is the route table: every pattern with its access rule
	// (router.go).
	registered []registeredRoute
}

// New builds the web handler: templates are parsed and assets hashed here,
// once, so a broken template stops the process at start.
func New(opts Options) (http.Handler, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	return s.handler(), nil
}

// newServer prepares templates, assets, sessions and the route table.
func newServer(opts Options) (*server, error) {
	s := &server{opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.Default()
	}
	var err error
	if s.assets, err = newAssets(); err != nil {
		return nil, err
	}
	if s.tmpl, err = newRenderer(s.assets); err != nil {
		return nil, err
	}
	for _, f := range []string{"vendor/dsfr/dsfr.min.css", "vendor/htmx/htmx.min.js"} {
		if !s.assets.Has(f) {
			s.log.Warn("fichiers statiques DSFR/htmx absents du binaire : les pages s'afficheront sans style ; lancez scripts/assets.sh (make assets) avant de compiler", "missing", f)
			break
		}
	}
	s.redis = opts.Redis
	if s.redis == nil && opts.RedisURL != "" {
		ro, err := redis.ParseURL(opts.RedisURL)
		if err != nil {
			return nil, errors.New("REDIS_URL invalide : " + err.Error())
		}
		s.redis = redis.NewClient(ro)
	}
	var inspector *asynq.Inspector
	if s.redis != nil {
		inspector = asynq.NewInspectorFromRedisClient(s.redis)
	}
	s.metrics = newMetrics(opts.DB, inspector)
	s.sessions = newSessionManager(opts)
	s.sessions.ErrorFunc = s.serverError
	s.routes()
	for _, rt := range opts.Routes {
		if !rt.Rule.Valid() {
			return nil, fmt.Errorf("route %q sans règle d'accès : renseignez Route.Rule (access.Public(), LoggedIn(), Perm(...)...)", rt.Pattern)
		}
		s.handle(rt.Pattern, rt.Rule, rt.Handler)
	}
	return s, nil
}

// handler wraps the mux in the middleware every request goes through.
func (s *server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.forbiddenCrossOrigin))
	// Outermost first.
	var h http.Handler = recordRoute(s.mux)
	h = s.cerbereSession(h)
	h = s.checkURL(h)
	h = cop.Handler(h)
	h = s.notFoundPages(h)
	h = s.recoverPanics(h)
	h = s.observe(h)
	h = securityHeaders(h)
	h = s.opts.Transport.middleware(h)
	h = withRequestID(s.log, h)
	return h
}

const staticPattern = "GET /static/{version}/{path...}"

// routes registers the pages of this package; every route states its
// access rule (router.go).
func (s *server) routes() {
	s.handleFunc("GET /{$}", access.Public(), s.home)
	s.handle(staticPattern, access.Public().WithoutSession(), s.assets)
	s.handleFunc("GET /healthz", access.Public().WithoutSession(), s.healthz)
	s.handleFunc("GET /readyz", access.Public().WithoutSession(), s.readyz)
	s.handle("GET /metrics", metricsRule(s.opts.Environment), s.metrics.handler())
	for _, add := range routeGroups {
		add(s)
	}
}

// routeGroups are the route registrations of the other files of the
// package (accounts, CERBERE, conventions...). Each file appends its own
// in an init function, so adding pages never edits this file:
//
//	func init() { routeGroups = append(routeGroups, (*server).accountRoutes) }
var routeGroups []func(*server)

// metricsRule: open on developer machines and test platforms (the
// scraper there is local), staff only in production, where the numbers
// (routes, queue sizes, pool usage) are not for the public. A production
// scraper therefore needs a staff session until a scrape token exists.
func metricsRule(env string) access.Rule {
	if config.IsProduction(env) {
		return access.StaffOnly()
	}
	return access.Public().WithoutSession()
}
