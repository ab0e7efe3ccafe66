package demo

import (
	"context"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

func TestBulk(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	var calls int
	res, err := Bulk(ctx, pool, BulkOptions{Conventions: 3000, Seed: 7, Batch: 1000, Progress: func(int) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	var convs, avenants, lots, logements, statuts, depts int
	var big int
	var badRent, badAvenant int
	err = pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM conventions_convention),
		(SELECT count(*) FROM conventions_convention WHERE parent_id IS NOT NULL),
		(SELECT count(*) FROM programmes_lot), (SELECT count(*) FROM programmes_logement),
		(SELECT count(DISTINCT statut) FROM conventions_convention),
		(SELECT count(DISTINCT code_insee_departement) FROM programmes_programme),
		(SELECT count(*) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id
		   JOIN conventions_convention c ON c.id = l.convention_id WHERE c.uuid = $1),
		(SELECT count(*) FROM programmes_logement WHERE abs(loyer - round(surface_utile * loyer_par_metre_carre * coeficient, 2)) > 0.011),
		(SELECT count(*) FROM conventions_convention a JOIN conventions_convention p ON p.id = a.parent_id
		   WHERE p.statut NOT IN ('5. Signée', '7. Publié', '5. Publication en cours')
		      OR (SELECT parent_id FROM programmes_programme WHERE id = a.programme_id) <> p.programme_id)`,
		res.Big).Scan(&convs, &avenants, &lots, &logements, &statuts, &depts, &big, &badRent, &badAvenant)
	if err != nil {
		t.Fatal(err)
	}
	if convs != 3000 || res.Conventions+res.Avenants != 3000 || avenants != res.Avenants || lots != res.Lots || logements != res.Logements {
		t.Errorf("comptes : %d conventions (%d avenants), %d lots, %d logements ; résultat %+v", convs, avenants, lots, logements, res)
	}
	if avenants < 150 || avenants > 450 {
		t.Errorf("%d avenants sur 3000, attendu environ 10 %%", avenants)
	}
	if statuts != 10 || depts < 20 {
		t.Errorf("%d statuts, %d départements", statuts, depts)
	}
	if big != 300 {
		t.Errorf("la grande convention a %d logements, attendu 300", big)
	}
	if badRent != 0 || badAvenant != 0 {
		t.Errorf("%d loyers incohérents, %d avenants mal rattachés", badRent, badAvenant)
	}
	if calls != 3 {
		t.Errorf("progression appelée %d fois", calls)
	}
	// Sequences moved: a normal insert still works, and a second run adds rows.
	if _, err := pool.Exec(ctx, `INSERT INTO conventions_convention (programme_id, statut) SELECT min(id), '1. Projet' FROM programmes_programme`); err != nil {
		t.Errorf("insertion après génération : %v", err)
	}
	if _, err := Bulk(ctx, pool, BulkOptions{Conventions: 10, Seed: 8}); err != nil {
		t.Errorf("seconde génération : %v", err)
	}
}
