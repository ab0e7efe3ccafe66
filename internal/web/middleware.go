package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/MTES-MCT/apilos-go/internal/version"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
	// routeKey holds a *string where recordRoute writes the matched pattern.
	routeKey
)

// RequestID returns the id of the request being served, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// LoggerFrom returns the request logger (it carries request_id), or
// fallback outside a request.
func LoggerFrom(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return fallback
}

// validRequestID accepts the proxy's id only when it is short and plain,
// since it is echoed in a header and written in the logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withRequestID keeps the X-Request-Id of the proxy (Scalingo sets one) or
// makes one, answers it, and puts it with a request logger in the context.
func withRequestID(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, log.With("request_id", id))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// recorder remembers the status and size written through it.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	if rw.status == 0 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// quietRoutes are probed every few seconds: logged at debug level only.
// Static files are many per page view: debug level too.
var quietRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, staticPattern: true}

// recordRoute wraps the mux: once it has routed the request (it writes the
// pattern into the *http.Request it was given), the pattern is copied where
// observe can read it, whatever copies of the request were made between.
func recordRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(routeKey).(*string); ok {
			defer func() { *p = r.Pattern }() // also after a panic
		}
		mux.ServeHTTP(w, r)
	})
}

// observe logs one line per request and feeds the request metrics, by
// route pattern (never the raw path: bounded label values).
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var route string
		r = r.WithContext(context.WithValue(r.Context(), routeKey, &route))
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if route == "" {
			route = "aucune"
		}
		s.metrics.observe(route, rec.status, d)
		level := slog.LevelInfo
		if quietRoutes[route] {
			level = slog.LevelDebug
		}
		LoggerFrom(r.Context(), s.log).Log(r.Context(), level, "requête",
			"method", r.Method,
			"route", route,
			"path", r.URL.Path,
			"status", rec.status,
			"duration_ms", float64(d.Microseconds())/1000,
			"bytes", rec.bytes,
		)
	})
}

// recoverPanics turns a panic into the 500 page and one error log line with
// the stack; the server goes on serving other requests.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the documented way to abort a response
			}
			LoggerFrom(r.Context(), s.log).Error("panique pendant le traitement de la requête",
				"panic", fmt.Sprint(v), "method", r.Method, "path", r.URL.Path, "stack", string(debug.Stack()))
			if rec.status != 0 {
				// Headers are gone: the best left is to cut the response.
				panic(http.ErrAbortHandler)
			}
			s.serverErrorPage(w, r)
		}()
		next.ServeHTTP(rec, r)
	})
}

// contentSecurityPolicy allows only our own scripts, styles, fonts and
// images (plus data: images used by the DSFR CSS). The layout has no inline
// script or style, and htmx is told not to inject its indicator styles.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// The deployment check compares it with the version it deployed.
		h.Set("X-Apilos-Version", version.Version)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// notFoundPages replaces the mux's plain-text 404 by the DSFR page. The
// mux has no hook for that, so when no pattern matches we let it answer
// through a writer that swaps a 404 for our page (405 and redirects pass).
func (s *server) notFoundPages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := s.mux.Handler(r); pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		nf := &notFoundWriter{ResponseWriter: w}
		next.ServeHTTP(nf, r)
		if nf.swallowed {
			s.notFound(w, r)
		}
	})
}

type notFoundWriter struct {
	http.ResponseWriter
	swallowed bool
	wrote     bool
}

func (nf *notFoundWriter) WriteHeader(code int) {
	if code == http.StatusNotFound && !nf.wrote {
		nf.swallowed = true
		return
	}
	nf.wrote = true
	nf.ResponseWriter.WriteHeader(code)
}

func (nf *notFoundWriter) Write(b []byte) (int, error) {
	if nf.swallowed {
		return len(b), nil
	}
	nf.wrote = true
	return nf.ResponseWriter.Write(b)
}
