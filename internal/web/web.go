// Package web is the HTML side of APiLos: pages in the State design system
// (DSFR), static assets, health and metrics endpoints, and the middleware
// every request goes through.
package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
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
	// middleware (asynqmon in apilos dev, test-only routes...).
	Routes []Route
}

// Route is one extra handler: Pattern is a ServeMux pattern such as
// "GET /admin/queues/".
type Route struct {
	Pattern string
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
}

// New builds the web handler: templates are parsed and assets hashed here,
// once, so a broken template stops the process at start.
func New(opts Options) (http.Handler, error) {
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
	s.routes()
	for _, rt := range opts.Routes {
		s.mux.Handle(rt.Pattern, rt.Handler)
	}

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(s.forbiddenCrossOrigin))
	// Outermost first.
	var h http.Handler = recordRoute(s.mux)
	h = cop.Handler(h)
	h = s.notFoundPages(h)
	h = s.recoverPanics(h)
	h = s.observe(h)
	h = securityHeaders(h)
	h = withRequestID(s.log, h)
	return h, nil
}

const staticPattern = "GET /static/{version}/{path...}"

func (s *server) routes() {
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.Handle(staticPattern, s.assets)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.Handle("GET /metrics", s.metrics.handler())
}
