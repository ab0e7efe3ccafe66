package access_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// seedVolume inserts n conventions spread over 2,000 bailleurs (one in
// ten absorbed by another) and 100 administrations: 80 % roots, 20 %
// avenants of earlier roots, each with its own programme like in the
// reference data, one avenant in ten moving its family to another
// bailleur. Statuts cycle through the ten values.
func seedVolume(tb testing.TB, pool *pgxpool.Pool, n int) {
	tb.Helper()
	ctx := context.Background()
	stmts := []string{
		`INSERT INTO bailleurs_bailleur (nom, siret) SELECT 'B' || i, 'vol-' || i FROM generate_series(1, 2000) i`,
		`UPDATE bailleurs_bailleur SET parent_id = id - 1 WHERE id % 10 = 0`,
		`INSERT INTO instructeurs_administration (nom, code) SELECT 'A' || i, 'VOL' || i FROM generate_series(1, 100) i`,
		`INSERT INTO programmes_programme (nom, bailleur_id, administration_id, code_postal, code_insee_departement, code_insee_region, ville)
SELECT 'P' || i, 1 + (i::int8 * 7919) % 2000, 1 + i % 100,
       lpad((1 + i % 95)::text, 2, '0') || '000', lpad((1 + i % 95)::text, 2, '0'), (11 + i % 10)::text, 'V'
  FROM generate_series(1, $1::int) i`,
		// Roots: programme i for i <= 80 %.
		`INSERT INTO conventions_convention (programme_id, statut, cree_le, mis_a_jour_le)
SELECT i, (ARRAY['1. Projet','2. Instruction requise','3. Corrections requises','4. A signer','5. Signée',
                 '5. Publication en cours','7. Publié','6. Résiliée','7. Dénoncée','8. Annulée en suivi'])[1 + i % 10],
       timestamptz '2015-01-01' + make_interval(mins => i), now()
  FROM generate_series(1, ($1::int * 8) / 10) i`,
		// Avenants: the remaining programmes, each attached to a root.
		`INSERT INTO conventions_convention (programme_id, parent_id, statut, cree_le, mis_a_jour_le)
SELECT i, 1 + (i::int8 * 104729) % (($1::int * 8) / 10),
       (ARRAY['1. Projet','3. Corrections requises','5. Signée','7. Publié','4. A signer'])[1 + i % 5],
       timestamptz '2020-01-01' + make_interval(mins => i), now()
  FROM generate_series(($1::int * 8) / 10 + 1, $1::int) i`,
		`ANALYZE`,
		// Most avenants keep the root's bailleur; one in ten changes it.
		`UPDATE programmes_programme pa SET bailleur_id = pr.bailleur_id
  FROM conventions_convention a, conventions_convention r, programmes_programme pr
 WHERE a.programme_id = pa.id AND r.id = a.parent_id AND pr.id = r.programme_id AND a.id % 10 <> 0`,
		`ANALYZE`,
	}
	for _, s := range stmts {
		var args []any
		if strings.Contains(s, "$1") {
			args = []any{n}
		}
		if _, err := pool.Exec(ctx, s, args...); err != nil {
			tb.Fatalf("%v\n%s", err, s)
		}
	}
}

// bailleurSubject is a bailleur with a child bailleur (ids 9 and 10: 10
// is absorbed by 9).
func bailleurSubject() *access.Subject {
	return &access.Subject{UserID: 1, IsActive: true, BailleurIDs: []int64{9, 10},
		Role: &access.Role{Typologie: access.TypologieBailleur, Group: access.GroupBailleur, BailleurID: 9}}
}

const pageSQL = `SELECT c.id FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
WHERE %s ORDER BY c.cree_le DESC, c.id DESC LIMIT 20`

// TestBailleurScopePlanUsesFamilyIndex checks, on enough rows for the
// planner to prefer indexes, that the effective-bailleur condition is
// served by the partial index of migration 00004 and by the programmes'
// bailleur index, without reading the whole conventions table per row.
func TestBailleurScopePlanUsesFamilyIndex(t *testing.T) {
	pool := dbtest.Pool(t)
	seedVolume(t, pool, 20000)
	var a access.Args
	sql := strings.Replace(pageSQL, "%s", access.ConventionScope(bailleurSubject(), &a), 1)
	rows, err := pool.Query(context.Background(), "EXPLAIN "+sql, a.Values()...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var line string
		rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	rows.Close()
	for _, idx := range []string{"convention_famille_decisive_idx", "programmes_programme_bailleur_id"} {
		if !strings.Contains(plan.String(), idx) {
			t.Errorf("le plan n'utilise pas %s :\n%s", idx, plan.String())
		}
	}
	// And the result is the exact rule, computed the slow way.
	var got, want int
	var b access.Args
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE `+
		access.ConventionScope(bailleurSubject(), &b), b.Values()...).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
WHERE COALESCE((SELECT pd.bailleur_id FROM conventions_convention d JOIN programmes_programme pd ON pd.id = d.programme_id
                 WHERE d.parent_id = COALESCE(c.parent_id, c.id) AND d.statut IN `+access.EffectiveBailleurStatutsSQL+`
                 ORDER BY d.cree_le DESC, d.id DESC LIMIT 1), p.bailleur_id) IN (9, 10)`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if got != want || want == 0 {
		t.Errorf("périmètre bailleur : %d conventions, la règle appliquée ligne à ligne en donne %d", got, want)
	}
}

// BenchmarkConventionScope measures a list page (20 rows, newest first)
// and its count on 200,000 conventions, per kind of user.
func BenchmarkConventionScope(b *testing.B) {
	pool := dbtest.Pool(b)
	seedVolume(b, pool, 200000)
	ctx := context.Background()
	subjects := map[string]*access.Subject{
		"bailleur": bailleurSubject(),
		"instructeur": {UserID: 1, IsActive: true, Role: &access.Role{Typologie: access.TypologieInstructeur,
			Group: access.GroupInstructeur, AdministrationID: 42}},
		"administrateur_departemental": {UserID: 1, IsActive: true, Role: &access.Role{Typologie: access.TypologieAdministrateur,
			Group: access.GroupAdministrateur, PerimetreDepartement: "13"}},
		"superuser": {UserID: 1, IsActive: true, IsSuperuser: true},
	}
	for name, s := range subjects {
		b.Run(name+"/page", func(b *testing.B) {
			for b.Loop() {
				var a access.Args
				rows, err := pool.Query(ctx, strings.Replace(pageSQL, "%s", access.ConventionScope(s, &a), 1), a.Values()...)
				if err != nil {
					b.Fatal(err)
				}
				rows.Close()
			}
		})
		b.Run(name+"/count", func(b *testing.B) {
			for b.Loop() {
				var a access.Args
				var n int
				if err := pool.QueryRow(ctx, `SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE `+
					access.ConventionScope(s, &a), a.Values()...).Scan(&n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
