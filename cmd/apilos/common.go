package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// loadConfig reads the environment once per command.
func loadConfig() (config.Config, error) { return config.Load() }

// openDB opens the configured database.
func openDB(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	url, err := cfg.RequireDatabase()
	if err != nil {
		return nil, err
	}
	return db.Open(ctx, url)
}

// connect reads the configuration and opens its database: what most
// commands need and all they need.
func connect(ctx context.Context) (*pgxpool.Pool, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	return openDB(ctx, cfg)
}

// newLogger gives JSON logs in production and text logs elsewhere.
func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.IsDevelopment() {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// workerDeps are the worker's services: the file storage and the
// antivirus the configuration describes, with the given mailer (nil:
// e-mails written to the log).
func workerDeps(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger, mailer mail.Mailer) (jobs.Deps, error) {
	d := jobs.Deps{Pool: pool, RedisURL: cfg.RedisURL, Logger: log, Mailer: mailer, SiteURL: cfg.SiteURL,
		Converter: cfg.PDFConverter()}
	st, err := storage.New(ctx, cfg.StorageConfig())
	if err != nil {
		return d, err
	}
	d.Storage = st
	av, err := cfg.Antivirus()
	if err != nil {
		return d, err
	}
	if av != nil {
		d.Scanner = av
	} else {
		log.Warn("antivirus non configuré (CLAMD_ADDRESS) : les fichiers déposés ne sont pas analysés")
	}
	return d, nil
}
