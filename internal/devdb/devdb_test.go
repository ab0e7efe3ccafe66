package devdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestStartRestartAndStop(t *testing.T) {
	if _, err := BinDir(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Under /tmp with open permissions: as root the server runs as postgres,
	// which must be able to reach the directory.
	base, err := os.MkdirTemp("", "devdb")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o755)
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, ".data")

	c, err := Start(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	if err := c.EnsureDatabase(ctx, "apilos"); err != nil {
		t.Fatal(err)
	}
	if err := c.EnsureDatabase(ctx, "apilos"); err != nil {
		t.Fatalf("second EnsureDatabase: %v", err)
	}
	conn, err := pgx.Connect(ctx, c.URL("apilos"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	// Starting again while it runs is a no-op on the same port.
	again, err := Start(ctx, dir)
	if err != nil || again.Port != c.Port {
		t.Fatalf("restart while running: port %d vs %d, err %v", again.Port, c.Port, err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	// After a stop, a start finds the data again.
	c2, err := Start(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err = pgx.Connect(ctx, c2.URL("apilos"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var x int
	if err := conn.QueryRow(ctx, "SELECT x FROM kept").Scan(&x); err != nil || x != 42 {
		t.Fatalf("data lost across restart: %d %v", x, err)
	}
}
