// Package dbtest gives each test its own real PostgreSQL database, cloned
// from a template migrated once per migration set (pgtestdb).
//
// The server is the one named by APILOS_TEST_DATABASE_URL (make test starts
// a throwaway cluster and sets it); by default the machine's PostgreSQL on
// 127.0.0.1:5432 as user postgres.
package dbtest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/peterldowns/pgtestdb"
	"github.com/peterldowns/pgtestdb/migrators/common"

	"github.com/MTES-MCT/apilos-go/internal/db"
)

// DefaultURL is used when APILOS_TEST_DATABASE_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL is the administrative URL of the test server.
func ServerURL() string {
	if u := os.Getenv("APILOS_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

func config(t testing.TB) pgtestdb.Config {
	t.Helper()
	u, err := url.Parse(ServerURL())
	if err != nil {
		t.Fatalf("APILOS_TEST_DATABASE_URL invalide : %v", err)
	}
	pw, _ := u.User.Password()
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	db := u.Path
	if len(db) > 0 && db[0] == '/' {
		db = db[1:]
	}
	if db == "" {
		db = "postgres"
	}
	return pgtestdb.Config{
		DriverName: "pgx",
		Host:       u.Hostname(),
		Port:       port,
		User:       u.User.Username(),
		Password:   pw,
		Database:   db,
		Options:    q.Encode(),
		// Tests adopt schemas and create roles: they need a superuser.
		TestRole: &pgtestdb.Role{
			Username:     "apilos_test",
			Password:     "apilos_test",
			Capabilities: "SUPERUSER",
		},
		ForceTerminateConnections: true,
	}
}

// gooseMigrator migrates the template with the embedded migrations.
type gooseMigrator struct{}

func (gooseMigrator) Hash() (string, error) {
	return common.HashDirs(db.Migrations(), "*.sql", ".")
}

func (gooseMigrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	pool, err := pgxpool.New(ctx, conf.URL())
	if err != nil {
		return err
	}
	defer pool.Close()
	_, _, err = db.MigrateUp(ctx, pool)
	return err
}

// URL returns the URL of a fresh, fully migrated database for this test.
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, config(t), gooseMigrator{}).URL()
}

// EmptyURL returns the URL of a fresh database with no schema at all.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, config(t), pgtestdb.NoopMigrator{}).URL()
}

// Pool returns a pool on a fresh, fully migrated database, closed at the
// end of the test.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Connect(t, URL(t))
}

// Connect opens a pool on url, closed at the end of the test.
func Connect(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("connexion à la base de test : %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ID runs a statement returning one integer (an inserted row's id),
// failing the test on error.
func ID(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
	return id
}

// Exec runs a statement, failing the test on error.
func Exec(t testing.TB, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
}
