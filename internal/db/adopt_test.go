package db_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// djangoDatabase builds, on an empty database, what the Django reference
// leaves behind: the baseline schema (no defaults, no ON DELETE actions),
// its django_migrations bookkeeping, and the reference data its deploy
// loads (a few départements here).
func djangoDatabase(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := dbtest.Connect(t, dbtest.EmptyURL(t))
	exec(t, pool, upSection(t, "00001_baseline.sql"))
	exec(t, pool, `CREATE TABLE django_migrations (
		id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL)`)
	exec(t, pool, `INSERT INTO django_migrations (app, name, applied) VALUES
		('contenttypes', '0001_initial', '2021-06-01 10:00:00+02'),
		('conventions', '0001_initial', '2021-06-01 10:00:01+02'),
		('programmes', '0001_initial', '2021-06-01 10:00:02+02'),
		('stats', '0001_metabase_views', '2022-10-10 14:46:00+02')`)
	exec(t, pool, `INSERT INTO apilos_settings_departement (id, nom, code_insee, code_insee_region, code_postal) VALUES
		(1, 'Ain', '01', '84', '01'), (2, 'Aisne', '02', '32', '02'), (75, 'Paris', '75', '11', '75')`)
	return pool
}

// djangoInsert inserts a row the way Django does: every NOT NULL column is
// written by the application (Django has no DB defaults). Columns not in
// values get the zero value of their type; the new id is returned.
func djangoInsert(t *testing.T, pool *pgxpool.Pool, table string, values map[string]any) int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = $1
		  AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'
		ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	zero := map[string]string{
		"character varying": "''", "text": "''", "boolean": "false", "integer": "0",
		"bigint": "0", "numeric": "0", "double precision": "0", "date": "current_date",
		"timestamp with time zone": "now()", "uuid": "gen_random_uuid()", "jsonb": "'[]'",
	}
	var cols, exprs []string
	var args []any
	for rows.Next() {
		var col, typ string
		if err := rows.Scan(&col, &typ); err != nil {
			t.Fatal(err)
		}
		if _, given := values[col]; given {
			continue
		}
		z, ok := zero[typ]
		if !ok {
			t.Fatalf("%s.%s : pas de valeur nulle pour le type %s", table, col, typ)
		}
		cols = append(cols, fmt.Sprintf("%q", col))
		exprs = append(exprs, z)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for col, v := range values {
		args = append(args, v)
		cols = append(cols, fmt.Sprintf("%q", col))
		exprs = append(exprs, fmt.Sprintf("$%d", len(args)))
	}
	sql := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) RETURNING id", table, strings.Join(cols, ", "), strings.Join(exprs, ", "))
	return queryInt(t, pool, sql, args...)
}

// tableFingerprint hashes every row of the tables (in id order).
func tableFingerprint(t *testing.T, pool *pgxpool.Pool, tables ...string) string {
	t.Helper()
	var parts []string
	for _, table := range tables {
		parts = append(parts, queryString(t, pool, fmt.Sprintf(
			`SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r.id)), '') FROM %s r`, table)))
	}
	return strings.Join(parts, " ")
}

func TestAdoptDjangoDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := djangoDatabase(t)

	ts := "2023-03-14 09:26:53+01"
	u := djangoInsert(t, pool, "users_user", map[string]any{
		"password": "pbkdf2_sha256$260000$sel$hash", "username": "instructeur", "email": "i@example.org",
		"is_active": true, "date_joined": ts, "preferences_email": "PARTIEL"})
	b := djangoInsert(t, pool, "bailleurs_bailleur", map[string]any{
		"uuid": "0e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a01", "nom": "Habitat Test", "siret": "78901234500012",
		"nature_bailleur": "HLM", "sous_nature_bailleur": "OFFICE_PUBLIC_HLM", "cree_le": ts, "mis_a_jour_le": ts})
	a := djangoInsert(t, pool, "instructeurs_administration", map[string]any{
		"uuid": "0e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a02", "nom": "DDT Paris", "code": "DD075",
		"nb_convention_exemplaires": 3, "cree_le": ts, "mis_a_jour_le": ts})
	p := djangoInsert(t, pool, "programmes_programme", map[string]any{
		"uuid": "0e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a03", "nom": "Les Tilleuls", "bailleur_id": b,
		"administration_id": a, "code_postal": "75011", "type_operation": "NEUF",
		"nature_logement": "LOGEMENTSORDINAIRES", "cree_le": ts, "mis_a_jour_le": ts})
	c := djangoInsert(t, pool, "conventions_convention", map[string]any{
		"uuid": "0e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a04", "programme_id": p, "cree_par_id": u,
		"statut": "1. Projet", "type2_lgts_concernes_option1": true, "foyer_residence_variante_1": true,
		"cree_le": ts, "mis_a_jour_le": ts})
	djangoInsert(t, pool, "programmes_lot", map[string]any{
		"uuid": "0e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a05", "convention_id": c, "financement": "PLUS",
		"type_habitat": "COLLECTIF", "nb_logements": 12, "cree_le": ts, "mis_a_jour_le": ts})

	domain := []string{"users_user", "bailleurs_bailleur", "instructeurs_administration",
		"programmes_programme", "conventions_convention", "programmes_lot", "django_migrations"}
	before := tableFingerprint(t, pool, domain...)
	if n := queryInt(t, pool, `SELECT count(*) FROM programmes_programme WHERE search_vector IS NOT NULL`); n != 1 {
		t.Fatal("le déclencheur de recherche de la base de référence n'a pas rempli search_vector")
	}

	adopted, applied, err := db.MigrateUp(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !adopted {
		t.Fatal("la base Django n'a pas été adoptée")
	}
	if slices.Contains(applied, db.BaselineVersion) {
		t.Errorf("la migration de référence a été exécutée sur une base Django : %v", applied)
	}
	st, err := db.Status(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(st)-1 {
		t.Errorf("migrations appliquées %v, %d embarquées dont la référence", applied, len(st))
	}
	for _, s := range st {
		if !s.Applied {
			t.Errorf("migration %d non appliquée", s.Version)
		}
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM goose_db_version WHERE version_id = $1 AND is_applied`, db.BaselineVersion); n != 1 {
		t.Error("la version de référence n'est pas enregistrée")
	}

	// Rows and Django's bookkeeping are untouched.
	if after := tableFingerprint(t, pool, domain...); after != before {
		t.Errorf("les lignes existantes ont changé :\navant %s\naprès %s", before, after)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM django_migrations WHERE app = 'stats' AND name = '0001_metabase_views'`); n != 1 {
		t.Error("django_migrations a été modifiée")
	}

	// The schema is now the one a fresh database gets (django_migrations aside).
	got := actualColumns(t, pool)
	for k := range got {
		if strings.HasPrefix(k, "django_migrations\t") {
			delete(got, k)
		}
	}
	if d := diffColumns(expectedColumns(t), got); len(d) > 0 {
		t.Errorf("schéma adopté différent de testdata/schema_columns.txt :\n%s", strings.Join(d, "\n"))
	}

	// 00002 improvements are present: defaults, FK actions, unique uuids.
	b2 := newBailleur(t, pool, "78901234500099")
	if n := queryInt(t, pool, `SELECT count(*) FROM bailleurs_bailleur WHERE id = $1 AND uuid IS NOT NULL
		AND nature_bailleur = 'Autres bailleurs sociaux non HLM'`, b2); n != 1 {
		t.Error("les valeurs par défaut ne sont pas appliquées sur la base adoptée")
	}
	assertForeignKeyActions(t, pool)
	if n := queryInt(t, pool, `SELECT count(*) FROM pg_constraint WHERE contype = 'f'
		AND connamespace = 'public'::regnamespace AND conname NOT LIKE '%\_fk'`); n != 0 {
		t.Errorf("%d clés étrangères d'origine n'ont pas été remplacées", n)
	}
	exec(t, pool, `DELETE FROM instructeurs_administration WHERE id = $1`, a)
	if n := queryInt(t, pool, `SELECT count(*) FROM programmes_programme WHERE id = $1 AND administration_id IS NULL`, p); n != 1 {
		t.Error("supprimer l'administration aurait dû vider programme.administration_id")
	}
	exec(t, pool, `UPDATE programmes_programme SET nom = 'Les Acacias' WHERE id = $1`, p)
	if n := queryInt(t, pool, `SELECT count(*) FROM programmes_programme WHERE id = $1
		AND mis_a_jour_le > $2::timestamptz AND search_vector @@ plainto_tsquery('french', 'acacias')`, p, ts); n != 1 {
		t.Error("mis_a_jour_le ou search_vector non mis à jour sur la base adoptée")
	}

	// Reference data completed around the rows Django had loaded.
	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement`); n != 101 {
		t.Errorf("%d départements, 101 attendus", n)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM conventions_avenanttype`); n != 14 {
		t.Errorf("%d types d'avenant, 14 attendus", n)
	}
	exec(t, pool, `DELETE FROM bailleurs_bailleur WHERE id = $1`, b)
	if n := queryInt(t, pool, `SELECT count(*) FROM conventions_convention`); n != 0 {
		t.Error("supprimer le bailleur aurait dû supprimer ses conventions")
	}
}

func TestAdoptRefusesDuplicatedUUIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := djangoDatabase(t)
	b := djangoInsert(t, pool, "bailleurs_bailleur", map[string]any{
		"uuid": "1e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a01", "nom": "B", "siret": "1", "cree_le": "2023-01-01", "mis_a_jour_le": "2023-01-01"})
	for _, nom := range []string{"A", "B"} {
		djangoInsert(t, pool, "programmes_programme", map[string]any{
			"uuid": "1e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a02", "nom": nom, "bailleur_id": b,
			"cree_le": "2023-01-01", "mis_a_jour_le": "2023-01-01"})
	}
	_, _, err := db.MigrateUp(ctx, pool)
	if err == nil {
		t.Fatal("des uuid en double auraient dû arrêter la migration")
	}
	if !strings.Contains(err.Error(), "programmes_programme") || !strings.Contains(err.Error(), "1e8b5c1e-6f0f-4b7c-9f59-7d0c1a1f3a02") {
		t.Errorf("le message doit nommer la table et le uuid : %v", err)
	}
	// The failed migration left nothing half done: 00002 is not recorded.
	if n := queryInt(t, pool, `SELECT count(*) FROM goose_db_version WHERE version_id > $1`, db.BaselineVersion); n != 0 {
		t.Errorf("%d versions enregistrées après l'échec", n)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'programmes_programme'
		AND column_name = 'uuid' AND column_default IS NOT NULL`); n != 0 {
		t.Error("00002 a été appliquée en partie")
	}
}

func TestMigrateUpOnEmptyDatabaseCreatesEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Connect(t, dbtest.EmptyURL(t))
	adopted, applied, err := db.MigrateUp(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if adopted {
		t.Error("une base vide ne doit pas être adoptée")
	}
	if !slices.Contains(applied, db.BaselineVersion) {
		t.Errorf("la référence n'a pas été exécutée : %v", applied)
	}
	assertColumns(t, pool)
	assertForeignKeyActions(t, pool)
	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement`); n != 101 {
		t.Errorf("%d départements, 101 attendus", n)
	}
}
