package jobs

import (
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// Deps are what the handlers need. Features add their services here
// (storage, mailer, converter...) and the commands fill them.
type Deps struct {
	Pool *pgxpool.Pool
	// RedisURL is the queue's Redis (redis://[user:password@]host:port/db,
	// or rediss:// for TLS).
	RedisURL string
	Logger   *slog.Logger
	// Mailer sends the e-mails (nil: console, written to the log).
	Mailer mail.Mailer
	// SiteURL is the public URL the e-mails link to.
	SiteURL string
	// Storage holds the uploaded files the antivirus reads.
	Storage storage.Storage
	// Scanner is the antivirus (clamd, CLAMD_ADDRESS); nil: files are
	// recorded as not scanned.
	Scanner upload.Scanner
	// Converter turns the generated documents into PDF (LibreOffice,
	// LIBREOFFICE_EXEC).
	Converter document.Converter
	// Build builds the .docx of a convention from the templates.
	Build document.BuildFunc
}

// register is the one place where the worker's tasks and schedule are
// declared. A feature adds its Handle (and Schedule) lines here; its
// handler lives in this package, in a file of its own, and calls domain
// code.
func register(r *Registry, d Deps) {
	r.Handle(ClearExpiredSessions, clearExpiredSessions(d))
	r.Handle(SendNotification, sendNotification(d))
	r.Handle(ScanUpload, scanUpload(d))
	r.Handle(GenerateDocument, generateDocument(d))
	// Every night, when nobody works: the web process no longer needs them.
	r.Schedule("0 3 * * *", ClearExpiredSessions, nil)
}

// DefaultRegistry returns the registry of every task of APiLos, or the
// declaration mistakes.
func DefaultRegistry(d Deps) (*Registry, error) {
	r := NewRegistry()
	register(r, d.withDefaults())
	return r, r.Err()
}

func (d Deps) withDefaults() Deps {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}
