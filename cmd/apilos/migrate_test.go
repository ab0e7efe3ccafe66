package main

import (
	"context"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

func TestMigrateCommands(t *testing.T) {
	url := dbtest.EmptyURL(t)
	t.Setenv("DATABASE_URL", url)
	pool := dbtest.Connect(t, url)
	ctx := context.Background()

	out, err := runCmd(t, "", "migrate", "up")
	if err != nil || !strings.Contains(out, "Migration 00001 appliquée.") {
		t.Fatalf("migrate up: %v\n%s", err, out)
	}
	if out, err := runCmd(t, "", "migrate", "up"); err != nil || !strings.Contains(out, "le schéma est à jour") {
		t.Errorf("second migrate up: %v\n%s", err, out)
	}
	out, err = runCmd(t, "", "migrate", "status")
	if err != nil || strings.Contains(out, "en attente") || !strings.Contains(out, "appliquée") {
		t.Errorf("status: %v\n%s", err, out)
	}

	// Destructive in production: refused before anything is touched.
	for _, env := range []string{"production", "siap-production"} {
		t.Setenv("ENVIRONMENT", env)
		for _, args := range [][]string{{"migrate", "down", "0"}, {"dev"}} {
			out, err := runCmd(t, "", args...)
			if err == nil || !strings.Contains(err.Error(), env) {
				t.Errorf("%v under %s: err = %v (%s), want a refusal naming the environment", args, env, err, out)
			}
		}
	}
	st, err := db.Status(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !s.Applied {
			t.Fatalf("migration %d rolled back in production", s.Version)
		}
	}

	t.Setenv("ENVIRONMENT", "development")
	if out, err := runCmd(t, "", "migrate", "down", "0"); err != nil || !strings.Contains(out, "Migration 00001 annulée.") {
		t.Fatalf("migrate down 0: %v\n%s", err, out)
	}
	var tables int
	pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'").Scan(&tables)
	if tables != 0 {
		t.Errorf("%d tables left after migrate down 0", tables)
	}
	if out, err := runCmd(t, "", "migrate", "down", "x"); err == nil {
		t.Errorf("migrate down x accepted: %s", out)
	}
}
