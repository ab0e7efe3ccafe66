package web

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// readyTimeout bounds each dependency check of /readyz: a hung dependency
// must not hang the probe.
const readyTimeout = 2 * time.Second

// healthz says the process is alive; it checks nothing else on purpose.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok"))
}

type readiness struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
	// Failing names the dependencies that did not answer.
	Failing []string `json:"failing,omitempty"`
}

// readyz pings PostgreSQL and Redis (when configured), each with a short
// timeout: 200 when all answer, 503 naming the failing ones.
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	res := readiness{Status: "ok", Checks: map[string]string{}}
	check := func(name string, ping func(context.Context) error) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := ping(ctx); err != nil {
			res.Checks[name] = "erreur : " + err.Error()
			res.Failing = append(res.Failing, name)
			return
		}
		res.Checks[name] = "ok"
	}
	if s.opts.DB == nil {
		res.Checks["postgresql"] = "non configurée"
		res.Failing = append(res.Failing, "postgresql")
	} else {
		check("postgresql", s.opts.DB.Ping)
	}
	if s.redis == nil {
		res.Checks["redis"] = "non configuré"
	} else {
		check("redis", func(ctx context.Context) error { return s.redis.Ping(ctx).Err() })
	}
	status := http.StatusOK
	if len(res.Failing) > 0 {
		res.Status = "indisponible"
		status = http.StatusServiceUnavailable
		LoggerFrom(r.Context(), s.log).Warn("dépendance indisponible", "failing", res.Failing, "checks", res.Checks)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(res)
}
