package programme

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// Every convention of the demo dataset has a complete content: the demo
// bailleur can submit the ones in projet.
func TestDemoConventionsComplete(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile("../../dataset_staging.json")
	if err != nil {
		t.Fatal(err)
	}
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(ctx, pool, []fixture.Source{{Name: "dataset_staging.json", Data: data}}); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT id FROM conventions_convention ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		t.Fatalf("%d conventions, %v", len(ids), err)
	}
	for _, id := range ids {
		conv, err := convention.LoadByID(ctx, pool, id)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Missing(ctx, pool, conv)
		if err != nil {
			t.Fatal(err)
		}
		if len(m) > 0 {
			t.Errorf("convention %d (%s) incomplète : %s", id, conv.Statut, strings.Join(m, " ; "))
		}
	}
}
