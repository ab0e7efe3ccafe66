package demo

import (
	"context"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// The committed dataset loads into the real schema (after the groups and
// permissions its roles name), every table gets the rows of the file, and
// the demo users can log in with the demo password.
func TestStagingFileLoads(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile(filepath.FromSlash(stagingFile))
	if err != nil {
		t.Fatal(err)
	}
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatalf("load-permissions : %v", err)
	}
	res, err := fixture.Load(ctx, pool, []fixture.Source{{Name: "dataset_staging.json", Data: data}})
	if err != nil {
		t.Fatalf("chargement de dataset_staging.json : %v", err)
	}

	d := parse(t, data)
	if res.Objects != len(d.objs) {
		t.Errorf("%d objets chargés, %d dans le fichier", res.Objects, len(d.objs))
	}
	for model, objs := range d.byModel {
		table := fixture.TableName(model)
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatalf("%s : %v", table, err)
		}
		if n != len(objs) {
			t.Errorf("%s : %d lignes, %d objets dans le fichier", table, n, len(objs))
		}
	}

	// Decimals arrive unchanged.
	sum := new(big.Rat)
	for _, lg := range d.byModel["programmes.logement"] {
		sum.Add(sum, dec(t, lg.str(t, "loyer")))
	}
	var dbSum string
	if err := pool.QueryRow(ctx, "SELECT sum(loyer)::text FROM programmes_logement").Scan(&dbSum); err != nil {
		t.Fatal(err)
	}
	if dec(t, dbSum).Cmp(sum) != 0 {
		t.Errorf("somme des loyers en base %s, %s dans le fichier", dbSum, sum.FloatString(2))
	}

	// Many-to-many rows and natural keys landed too.
	var types, roleGroups int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM conventions_convention_avenant_types cat
		JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id
		WHERE t.nom IN ('logements', 'duree', 'denonciation')`).Scan(&types); err != nil {
		t.Fatal(err)
	}
	if types != 3 {
		t.Errorf("%d liens convention–type d'avenant, attendu 3", types)
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM users_role r JOIN auth_group g ON g.id = r.group_id
		JOIN users_user u ON u.id = r.user_id
		WHERE g.name = split_part(u.username, '.', 2)`).Scan(&roleGroups); err != nil {
		t.Fatal(err)
	}
	if roleGroups != 3 {
		t.Errorf("%d rôles dans le groupe de leur type, attendu 3", roleGroups)
	}

	// The search trigger indexed the programme names.
	var found int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM programmes_programme
		WHERE search_vector @@ plainto_tsquery('french', 'terrasses')`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if found == 0 {
		t.Error("la recherche plein texte ne trouve pas « Les Terrasses du Jas de Bouffan »")
	}

	for _, u := range Users() {
		var hash string
		var super bool
		if err := pool.QueryRow(ctx, `SELECT password, is_superuser FROM users_user WHERE username = $1`, u.Login).Scan(&hash, &super); err != nil {
			t.Fatalf("%s : %v", u.Login, err)
		}
		if ok, _, err := password.Check(u.Password, hash); !ok || err != nil {
			t.Errorf("%s : le mot de passe %q ne se vérifie pas (%v)", u.Login, u.Password, err)
		}
		if super != (u.Kind == KindSuperuser) {
			t.Errorf("%s : is_superuser = %v", u.Login, super)
		}
	}
}
