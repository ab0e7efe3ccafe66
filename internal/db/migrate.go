package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var embedded embed.FS

// Migrations is the embedded goose migration directory.
func Migrations() fs.FS {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// VersionTable is goose's bookkeeping table.
const VersionTable = "goose_db_version"

// BaselineVersion is the migration that creates the reference (Django)
// schema. An adopted Django database gets it recorded, not run.
const BaselineVersion = 1

// newProvider builds a goose provider over the pool, serialised by a
// PostgreSQL advisory lock so two deployments never migrate at once.
func newProvider(pool *pgxpool.Pool, log io.Writer) (*goose.Provider, *sql.DB, error) {
	sqlDB := stdlib.OpenDBFromPool(pool)
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, nil, err
	}
	opts := []goose.ProviderOption{goose.WithSessionLocker(locker)}
	if log != nil {
		opts = append(opts, goose.WithSlog(slog.New(slog.NewTextHandler(log, nil))))
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, Migrations(), opts...)
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return p, sqlDB, nil
}

// MigrateUp adopts a Django-built database if needed, then applies every
// pending migration. It returns the versions applied.
func MigrateUp(ctx context.Context, pool *pgxpool.Pool) (adopted bool, applied []int64, err error) {
	adopted, err = AdoptDjango(ctx, pool)
	if err != nil {
		return false, nil, err
	}
	p, sqlDB, err := newProvider(pool, nil)
	if err != nil {
		return adopted, nil, err
	}
	defer sqlDB.Close()
	res, err := p.Up(ctx)
	for _, r := range res {
		applied = append(applied, r.Source.Version)
	}
	if err != nil {
		return adopted, applied, fmt.Errorf("échec de la migration : %w", err)
	}
	return adopted, applied, nil
}

// MigrateDown rolls back the last migration, or down to version target
// when target >= 0.
func MigrateDown(ctx context.Context, pool *pgxpool.Pool, target int64) ([]int64, error) {
	p, sqlDB, err := newProvider(pool, nil)
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	var res []*goose.MigrationResult
	if target < 0 {
		var r *goose.MigrationResult
		r, err = p.Down(ctx)
		if r != nil {
			res = append(res, r)
		}
	} else {
		res, err = p.DownTo(ctx, target)
	}
	var versions []int64
	for _, r := range res {
		versions = append(versions, r.Source.Version)
	}
	if err != nil {
		return versions, fmt.Errorf("échec du retour arrière : %w", err)
	}
	return versions, nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Status lists every embedded migration with its state.
func Status(ctx context.Context, pool *pgxpool.Pool) ([]MigrationStatus, error) {
	p, sqlDB, err := newProvider(pool, nil)
	if err != nil {
		return nil, err
	}
	defer sqlDB.Close()
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{
			Version: s.Source.Version,
			Name:    s.Source.Path,
			Applied: s.State == goose.StateApplied,
		})
	}
	return out, nil
}

// AdoptDjango records the baseline as applied on a database that the
// Django APiLos built (it has django_migrations and the domain tables)
// and that goose has never touched. It changes nothing else.
func AdoptDjango(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var django, domain, goosed bool
	err := pool.QueryRow(ctx, `SELECT
		to_regclass('public.django_migrations') IS NOT NULL,
		to_regclass('public.conventions_convention') IS NOT NULL,
		to_regclass('public.`+VersionTable+`') IS NOT NULL`).Scan(&django, &domain, &goosed)
	if err != nil {
		return false, err
	}
	if !django || !domain || goosed {
		return false, nil
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	store, err := database.NewStore(goose.DialectPostgres, VersionTable)
	if err != nil {
		return false, err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := store.CreateVersionTable(ctx, tx); err != nil {
		return false, fmt.Errorf("création de la table des versions : %w", err)
	}
	for _, v := range []int64{0, BaselineVersion} {
		if err := store.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return false, err
		}
	}
	return true, tx.Commit()
}
