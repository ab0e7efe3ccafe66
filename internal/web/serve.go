package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout is how long in-flight requests may run once a stop is
// asked (SIGTERM); the PaaS kills the process a little later.
const ShutdownTimeout = 10 * time.Second

// Serve listens on addr and serves h until ctx is cancelled, then stops
// accepting, lets in-flight requests finish and returns (within
// ShutdownTimeout). It returns nil after a clean stop.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, ln, h, log)
}

// ServeListener is Serve on a listener the caller opened (apilos dev picks
// its port and prints the URL before serving). It closes ln.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, log *slog.Logger) error {
	if log == nil {
		log = slog.Default()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large uploads
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests must not inherit ctx: its cancellation starts the
		// drain, it must not abort the requests being drained.
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serveur web à l'écoute", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("arrêt demandé : plus de nouvelles connexions, fin des requêtes en cours", "timeout", ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	if err != nil {
		srv.Close()
		log.Error("arrêt forcé : des requêtes n'ont pas fini à temps", "err", err)
		return err
	}
	log.Info("serveur web arrêté proprement")
	return nil
}
