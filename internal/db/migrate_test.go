package db_test

import (
	"context"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

func TestMigrateUpOnEmptyDatabaseAppliesEverything(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Connect(t, dbtest.EmptyURL(t))
	adopted, applied, err := db.MigrateUp(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if adopted {
		t.Error("an empty database must not be adopted")
	}
	st, err := db.Status(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(st) {
		t.Errorf("applied %d migrations, %d embedded", len(applied), len(st))
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d not applied", s.Version)
		}
	}
	// A second run has nothing to do.
	if _, again, err := db.MigrateUp(ctx, pool); err != nil || len(again) != 0 {
		t.Errorf("second migrate up: applied %v, err %v", again, err)
	}
}
