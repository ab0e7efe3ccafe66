package db_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// columnKey is "table<TAB>column"; the value is "type<TAB>NULL|NOT NULL".
type columnSet map[string]string

// expectedColumns reads testdata/schema_columns.txt (written from the spec).
func expectedColumns(t *testing.T) columnSet {
	t.Helper()
	f, err := os.Open("testdata/schema_columns.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := columnSet{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := strings.Split(line, "\t")
		if len(p) != 4 || (p[3] != "NULL" && p[3] != "NOT NULL") {
			t.Fatalf("schema_columns.txt ligne %d mal formée : %q", n, line)
		}
		key := p[0] + "\t" + p[1]
		if _, dup := want[key]; dup {
			t.Fatalf("schema_columns.txt ligne %d : colonne en double %q", n, key)
		}
		want[key] = p[2] + "\t" + p[3]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatal("schema_columns.txt est vide")
	}
	return want
}

// actualColumns lists every column of every table and view of the public
// schema except goose's bookkeeping table, types spelled by format_type.
func actualColumns(t *testing.T, pool *pgxpool.Pool) columnSet {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod),
		       CASE c.is_nullable WHEN 'YES' THEN 'NULL' ELSE 'NOT NULL' END
		FROM information_schema.columns c
		JOIN pg_attribute a
		  ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
		 AND a.attname = c.column_name
		WHERE c.table_schema = 'public' AND c.table_name <> $1`, db.VersionTable)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := columnSet{}
	for rows.Next() {
		var table, column, typ, null string
		if err := rows.Scan(&table, &column, &typ, &null); err != nil {
			t.Fatal(err)
		}
		got[table+"\t"+column] = typ + "\t" + null
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// diffColumns reports every missing, extra or different column.
func diffColumns(want, got columnSet) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			out = append(out, "manquante : "+k+"\t"+w)
		case g != w:
			out = append(out, fmt.Sprintf("différente : %s attendu %q, trouvé %q", k, w, g))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, "en trop : "+k+"\t"+g)
		}
	}
	sort.Strings(out)
	return out
}

func assertColumns(t *testing.T, pool *pgxpool.Pool) columnSet {
	t.Helper()
	got := actualColumns(t, pool)
	if d := diffColumns(expectedColumns(t), got); len(d) > 0 {
		t.Errorf("le schéma diffère de testdata/schema_columns.txt (%d écarts) :\n%s", len(d), strings.Join(d, "\n"))
	}
	return got
}

// upSection returns the Up part of an embedded migration. The goose
// annotations are SQL comments, so the text runs as is.
func upSection(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(db.Migrations(), name)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	up := strings.Index(s, "-- +goose Up")
	down := strings.Index(s, "-- +goose Down")
	if up < 0 || down < up {
		t.Fatalf("%s : sections goose Up/Down introuvables", name)
	}
	return s[up:down]
}

func queryInt(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
	return n
}

func queryString(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
	return s
}

func exec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
}

func TestSchemaColumnsMatchSpec(t *testing.T) {
	t.Parallel()
	assertColumns(t, dbtest.Pool(t))
}

// publicObjects lists what is left in the public schema besides goose's table.
func publicObjects(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	return queryStrings(t, pool, `
		SELECT 'relation ' || c.relname FROM pg_class c
		WHERE c.relnamespace = 'public'::regnamespace
		  AND c.relkind IN ('r', 'v', 'm', 'p', 'f', 'S')
		  AND c.relname NOT IN ($1::text, $1::text || '_id_seq')
		UNION ALL
		SELECT 'fonction ' || p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
		UNION ALL
		SELECT 'extension ' || e.extname FROM pg_extension e WHERE e.extname <> 'plpgsql'
		ORDER BY 1`, db.VersionTable)
}

// queryStrings returns the single text column of a query's rows.
func queryStrings(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrateDownToZeroThenUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	before := actualColumns(t, pool)

	down, err := db.MigrateDown(ctx, pool, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, err := db.Status(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(down) != len(st) {
		t.Errorf("retour arrière de %d migrations, %d embarquées", len(down), len(st))
	}
	if left := publicObjects(t, pool); len(left) > 0 {
		t.Errorf("objets restants après migrate down 0 :\n%s", strings.Join(left, "\n"))
	}

	adopted, applied, err := db.MigrateUp(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if adopted {
		t.Error("une base gérée par goose ne doit pas être adoptée")
	}
	if len(applied) != len(st) {
		t.Errorf("%d migrations réappliquées, %d embarquées", len(applied), len(st))
	}
	after := assertColumns(t, pool)
	if d := diffColumns(before, after); len(d) > 0 {
		t.Errorf("colonnes différentes après down puis up :\n%s", strings.Join(d, "\n"))
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement`); n != 101 {
		t.Errorf("%d départements après down puis up, 101 attendus", n)
	}
}

func referenceFingerprint(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	return queryString(t, pool, `SELECT
		(SELECT md5(string_agg(d::text, '|' ORDER BY d.id)) FROM apilos_settings_departement d) || ' ' ||
		(SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM conventions_avenanttype a)`)
}

func TestReferenceData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)

	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement`); n != 101 {
		t.Errorf("%d départements, 101 attendus", n)
	}
	// The fixture's 8 avenant types with their keys, plus the 6 blocks of
	// spec §11 that production created in the back office.
	if n := queryInt(t, pool, `SELECT count(*) FROM conventions_avenanttype`); n != 14 {
		t.Errorf("%d types d'avenant, 14 attendus", n)
	}
	fixture := map[int64]string{1: "bailleur", 2: "logements", 3: "duree", 4: "commentaires",
		5: "programme", 6: "champ_libre", 7: "denonciation", 8: "resiliation"}
	for pk, nom := range fixture {
		if got := queryString(t, pool, `SELECT nom FROM conventions_avenanttype WHERE id = $1`, pk); got != nom {
			t.Errorf("type d'avenant %d : %q, %q attendu", pk, got, nom)
		}
	}
	for _, nom := range []string{"edd", "residence_attribution", "foyer_attribution", "variantes", "stationnement", "cadastre"} {
		if n := queryInt(t, pool, `SELECT count(*) FROM conventions_avenanttype WHERE nom = $1 AND id > 8`, nom); n != 1 {
			t.Errorf("type d'avenant %q absent", nom)
		}
	}
	var nom, region, cp string
	if err := pool.QueryRow(ctx, `SELECT nom, code_insee_region, code_postal FROM apilos_settings_departement
		WHERE id = 20 AND code_insee = '2A'`).Scan(&nom, &region, &cp); err != nil {
		t.Fatalf("département 20 (2A) : %v", err)
	}
	if nom != "Corse-du-Sud" || region != "94" || cp != "20" {
		t.Errorf("2A = %q/%q/%q", nom, region, cp)
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement
		WHERE code_insee IN ('971','972','973','974','976') AND code_postal = code_insee`); n != 5 {
		t.Errorf("%d départements d'outre-mer, 5 attendus", n)
	}

	// Running the inserts again changes nothing.
	before := referenceFingerprint(t, pool)
	exec(t, pool, upSection(t, "00003_reference_data.sql"))
	if after := referenceFingerprint(t, pool); after != before {
		t.Error("rejouer 00003 a modifié les données de référence")
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM apilos_settings_departement`); n != 101 {
		t.Errorf("%d départements après un second passage", n)
	}

	// The sequences are past the fixed keys: a new row gets a fresh id.
	id := queryInt(t, pool, `INSERT INTO apilos_settings_departement (nom, code_insee, code_insee_region, code_postal)
		VALUES ('Essai', 'ZZ', '00', 'ZZ') RETURNING id`)
	if id <= 101 {
		t.Errorf("nouveau département avec l'id %d, la séquence n'a pas été avancée", id)
	}
	id = queryInt(t, pool, `INSERT INTO conventions_avenanttype (nom) VALUES ('essai') RETURNING id`)
	if id <= 14 {
		t.Errorf("nouveau type d'avenant avec l'id %d, la séquence n'a pas été avancée", id)
	}
}

// newBailleur inserts a bailleur relying on the database defaults.
func newBailleur(t *testing.T, pool *pgxpool.Pool, siret string) int64 {
	t.Helper()
	return queryInt(t, pool, `INSERT INTO bailleurs_bailleur (nom, siret) VALUES ('Bailleur ' || $1::text, $1) RETURNING id`, siret)
}

func TestDefaultsLetMinimalInsertsWork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)

	b := newBailleur(t, pool, "12345678901234")
	a := queryInt(t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT Test', 'DD099') RETURNING id`)
	p := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id) VALUES ('Les Lilas', $1, $2) RETURNING id`, b, a)
	u := queryInt(t, pool, `INSERT INTO users_user (password, username) VALUES ('!', 'jean') RETURNING id`)
	c := queryInt(t, pool, `INSERT INTO conventions_convention (programme_id, cree_par_id) VALUES ($1, $2) RETURNING id`, p, u)
	queryInt(t, pool, `INSERT INTO programmes_lot (convention_id) VALUES ($1) RETURNING id`, c)
	queryInt(t, pool, `INSERT INTO conventions_evenement (convention_id) VALUES ($1) RETURNING id`, c)
	queryInt(t, pool, `INSERT INTO conventions_alertesiaplog (convention_id, operation, statut, description) VALUES ($1, 'CREATION', 'ENVOYEE', 'x') RETURNING id`, c)
	queryInt(t, pool, `INSERT INTO waffle_switch (name) VALUES ('siap_alerte_on') RETURNING id`)

	checks := []struct{ sql, want string }{
		{`SELECT nature_bailleur || '|' || sous_nature_bailleur FROM bailleurs_bailleur`, "Autres bailleurs sociaux non HLM|NONRENSEIGNE"},
		{`SELECT nb_convention_exemplaires::text FROM instructeurs_administration`, "3"},
		{`SELECT type_operation || '|' || nature_logement || '|' || seconde_vie || '|' || numero_operation || '|' || vendeur FROM programmes_programme`, "NEUF|LOGEMENTSORDINAIRES|false||"},
		{`SELECT statut || '|' || type2_lgts_concernes_option8 || '|' || foyer_residence_variante_1 || '|' || attribution_agees_autre FROM conventions_convention`, "1. Projet|true|true|false"},
		{`SELECT financement || '|' || type_habitat || '|' || lgts_mixite_sociale_negocies || '|' || surface_locaux_collectifs_residentiels || '|' || annexe_caves FROM programmes_lot`, "PLUS|INDIVIDUEL|0|0.00|false"},
		{`SELECT preferences_email || '|' || is_active || '|' || is_staff || '|' || email || '|' || (date_joined IS NOT NULL) FROM users_user`, "PARTIEL|true|false||true"},
		{`SELECT type_evenement || '|' || (survenu_le = CURRENT_DATE) || '|' || pieces_jointes FROM conventions_evenement`, "DEPOT_BAILLEUR|true|"},
		{`SELECT destinataires::text || '|' || erreur FROM conventions_alertesiaplog`, "[]|"},
		{`SELECT active || '|' || note FROM waffle_switch`, "false|"},
	}
	for _, c := range checks {
		if got := queryString(t, pool, c.sql); got != c.want {
			t.Errorf("%s\n  = %q, %q attendu", c.sql, got, c.want)
		}
	}
	var uuid, cree, maj *string
	if err := pool.QueryRow(ctx, `SELECT uuid::text, cree_le::text, mis_a_jour_le::text FROM conventions_convention WHERE id = $1`, c).Scan(&uuid, &cree, &maj); err != nil {
		t.Fatal(err)
	}
	if uuid == nil || cree == nil || maj == nil {
		t.Error("uuid, cree_le et mis_a_jour_le doivent être remplis par défaut")
	}

	// Every uuid column of a domain table defaults to gen_random_uuid() and
	// every cree_le / mis_a_jour_le to now() (except the legacy piece jointe).
	for _, s := range queryStrings(t, pool, `
		SELECT table_name || '.' || column_name || ' = ' || coalesce(column_default, '(aucun)')
		FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name NOT LIKE '%historical%'
		  AND (
		    (column_name = 'uuid' AND coalesce(column_default, '') <> 'gen_random_uuid()')
		    OR (column_name IN ('cree_le', 'mis_a_jour_le') AND table_name <> 'conventions_piecejointe'
		        AND coalesce(column_default, '') <> 'now()'))
		ORDER BY 1`) {
		t.Errorf("défaut manquant : %s", s)
	}
}

func TestUUIDUniqueOnEveryDomainTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	for _, table := range queryStrings(t, pool, `
		SELECT c.table_name FROM information_schema.columns c
		WHERE c.table_schema = 'public' AND c.column_name = 'uuid' AND c.table_name NOT LIKE '%historical%'
		  AND NOT EXISTS (
		    SELECT 1 FROM pg_index i
		    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		    WHERE i.indrelid = format('public.%I', c.table_name)::regclass
		      AND i.indisunique AND i.indnatts = 1 AND i.indpred IS NULL AND a.attname = 'uuid')
		ORDER BY 1`) {
		t.Errorf("%s.uuid n'a pas d'index unique", table)
	}
	// And the database refuses a duplicate.
	b := newBailleur(t, pool, "22222222200011")
	p := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id) VALUES ('A', $1) RETURNING id`, b)
	_, err := pool.Exec(ctx, `INSERT INTO programmes_programme (nom, bailleur_id, uuid)
		SELECT 'B', bailleur_id, uuid FROM programmes_programme WHERE id = $1`, p)
	if err == nil {
		t.Error("deux programmes avec le même uuid ont été acceptés")
	}
}

func TestProgrammeSearchVector(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	b := newBailleur(t, pool, "33333333300011")
	p := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id) VALUES ('Résidence des Tilleuls', $1) RETURNING id`, b)
	match := func(word string) bool {
		return queryInt(t, pool, `SELECT count(*) FROM programmes_programme
			WHERE id = $1 AND search_vector @@ plainto_tsquery('french', $2)`, p, word) == 1
	}
	if !match("tilleul") {
		t.Errorf("search_vector non rempli à l'insertion : %q", queryString(t, pool, `SELECT coalesce(search_vector::text, 'NULL') FROM programmes_programme WHERE id = $1`, p))
	}
	exec(t, pool, `UPDATE programmes_programme SET nom = 'Les Acacias' WHERE id = $1`, p)
	if match("tilleul") || !match("acacias") {
		t.Error("search_vector non mis à jour quand le nom change")
	}
}

func TestMisAJourLeTrigger(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	old := "2000-01-01 00:00:00+00"
	id := queryInt(t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, cree_le, mis_a_jour_le)
		VALUES ('B', '44444444400011', $1, $1) RETURNING id`, old)

	// An ordinary update stamps the row.
	exec(t, pool, `UPDATE bailleurs_bailleur SET nom = 'B2' WHERE id = $1`, id)
	if n := queryInt(t, pool, `SELECT count(*) FROM bailleurs_bailleur
		WHERE id = $1 AND mis_a_jour_le > $2::timestamptz AND mis_a_jour_le <= now() AND cree_le = $2::timestamptz`, id, old); n != 1 {
		t.Error("mis_a_jour_le non rafraîchi par la mise à jour (ou cree_le modifié)")
	}
	// An update that sets mis_a_jour_le keeps the given value (loaddata).
	exec(t, pool, `UPDATE bailleurs_bailleur SET nom = 'B3', mis_a_jour_le = '2010-05-05 10:00:00+00' WHERE id = $1`, id)
	if n := queryInt(t, pool, `SELECT count(*) FROM bailleurs_bailleur
		WHERE id = $1 AND mis_a_jour_le = '2010-05-05 10:00:00+00'`, id); n != 1 {
		t.Error("une valeur explicite de mis_a_jour_le a été écrasée")
	}
	// Every table that has the column has the trigger.
	for _, table := range queryStrings(t, pool, `
		SELECT c.table_name FROM information_schema.columns c
		WHERE c.table_schema = 'public' AND c.column_name = 'mis_a_jour_le'
		  AND c.table_name NOT LIKE '%historical%'
		  AND NOT EXISTS (SELECT 1 FROM pg_trigger tg
		    WHERE tg.tgrelid = format('public.%I', c.table_name)::regclass AND tg.tgname = 'mis_a_jour_le_trigger')`) {
		t.Errorf("%s n'a pas le déclencheur mis_a_jour_le", table)
	}
}

// foreignKeys maps "table.column" to the ON DELETE action letter of its FK
// (c = CASCADE, n = SET NULL, a = NO ACTION) and checks each is deferred.
func foreignKeys(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT c.conrelid::regclass::text || '.' || a.attname, c.confdeltype::text,
		       c.condeferrable AND c.condeferred, c.conname
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var col, action, name string
		var deferred bool
		if err := rows.Scan(&col, &action, &deferred, &name); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[col]; dup {
			t.Errorf("%s a plusieurs clés étrangères", col)
		}
		if !deferred {
			t.Errorf("la clé étrangère %s (%s) n'est pas DEFERRABLE INITIALLY DEFERRED", name, col)
		}
		out[col] = action
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// setNull lists the foreign keys that become NULL when their target goes
// (spec §16, §23.2); every other one cascades.
var setNull = map[string]bool{
	"programmes_programme.administration_id": true,
	"conventions_convention.cree_par_id":     true,
	"conventions_conventionhistory.user_id":  true,
	"users_user.creator_id":                  true,
	"users_historicaluser.history_user_id":   true,
	"users_historicalrole.history_user_id":   true,
	"content_override.user_id":               true, // who confirmed an override (internal/programme)
	"upload_scan.uploader_id":                true,
}

func assertForeignKeyActions(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	fks := foreignKeys(t, pool)
	if len(fks) < 50 {
		t.Errorf("%d clés étrangères, au moins 50 attendues", len(fks))
	}
	representative := map[string]string{
		"programmes_programme.bailleur_id":       "c",
		"programmes_programme.administration_id": "n",
		"conventions_convention.cree_par_id":     "n",
		"programmes_lot.convention_id":           "c",
		"comments_comment.user_id":               "c",
		"users_role.group_id":                    "c",
	}
	for col, want := range representative {
		if fks[col] != want {
			t.Errorf("%s : ON DELETE %q, %q attendu", col, fks[col], want)
		}
	}
	for col, got := range fks {
		want := "c"
		if setNull[col] {
			want = "n"
		}
		if got != want {
			t.Errorf("%s : ON DELETE %q, %q attendu", col, got, want)
		}
	}
}

func TestForeignKeyActions(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	assertForeignKeyActions(t, pool)

	// The actions at work.
	b := newBailleur(t, pool, "55555555500011")
	a := queryInt(t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT', 'DD098') RETURNING id`)
	u := queryInt(t, pool, `INSERT INTO users_user (password, username) VALUES ('!', 'marie') RETURNING id`)
	p := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id) VALUES ('P', $1, $2) RETURNING id`, b, a)
	c := queryInt(t, pool, `INSERT INTO conventions_convention (programme_id, cree_par_id) VALUES ($1, $2) RETURNING id`, p, u)
	queryInt(t, pool, `INSERT INTO programmes_lot (convention_id) VALUES ($1) RETURNING id`, c)

	exec(t, pool, `DELETE FROM instructeurs_administration WHERE id = $1`, a)
	exec(t, pool, `DELETE FROM users_user WHERE id = $1`, u)
	if n := queryInt(t, pool, `SELECT count(*) FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id
		WHERE p.id = $1 AND p.administration_id IS NULL AND c.cree_par_id IS NULL`, p); n != 1 {
		t.Error("administration_id et cree_par_id auraient dû passer à NULL")
	}
	exec(t, pool, `DELETE FROM bailleurs_bailleur WHERE id = $1`, b)
	if n := queryInt(t, pool, `SELECT (SELECT count(*) FROM programmes_programme) + (SELECT count(*) FROM conventions_convention)
		+ (SELECT count(*) FROM programmes_lot)`); n != 0 {
		t.Errorf("la suppression du bailleur laisse %d programmes, conventions ou lots", n)
	}
}

func TestSearchIndexesAndSessions(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	for _, idx := range []string{
		"programme_num_for_search_trgm_idx", "programme_ville_trgm_idx",
		"programme_code_postal_trgm_idx", "convention_num_for_search_trgm_idx",
	} {
		if n := queryInt(t, pool, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'
			AND indexname = $1 AND indexdef LIKE '%USING gin%gin_trgm_ops%'`, idx); n != 1 {
			t.Errorf("index trigramme %s absent", idx)
		}
	}
	for _, idx := range []string{"search_vector_programme_idx", "programme_numero_operation_idx",
		"programmes__date_ac_4ced67_idx", "convention_statut_idx", "idx_annee_and_type",
		"avenant_type_nom_idx", "comment_statut_idx", "apilos_model_id_idx", "sessions_expiry_idx"} {
		if n := queryInt(t, pool, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname = $1`, idx); n != 1 {
			t.Errorf("index %s absent", idx)
		}
	}
	if n := queryInt(t, pool, `SELECT count(*) FROM pg_extension WHERE extname IN ('pg_trgm', 'unaccent')`); n != 2 {
		t.Error("extensions pg_trgm et unaccent attendues")
	}
	exec(t, pool, `INSERT INTO sessions (token, data, expiry) VALUES ('t', '\x00', $1)`, time.Now().Add(time.Hour))
}

func TestMetabaseViews(t *testing.T) {
	t.Parallel()
	pool := dbtest.Pool(t)
	b := newBailleur(t, pool, "66666666600011")
	paris := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, code_postal) VALUES ('Paris', $1, '75011') RETURNING id`, b)
	gwada := queryInt(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, code_postal) VALUES ('Gwada', $1, '97110') RETURNING id`, b)
	c1 := queryInt(t, pool, `INSERT INTO conventions_convention (programme_id) VALUES ($1) RETURNING id`, paris)
	c2 := queryInt(t, pool, `INSERT INTO conventions_convention (programme_id) VALUES ($1) RETURNING id`, gwada)
	for c, code := range map[int64]string{c1: "75", c2: "971"} {
		got := queryString(t, pool, `SELECT string_agg(d.code_insee, ',') FROM v_convention_departement v
			JOIN apilos_settings_departement d ON d.id = v.departement_id WHERE v.id = $1`, c)
		if got != code {
			t.Errorf("convention %d : départements %q, %q attendu", c, got, code)
		}
	}
	exec(t, pool, `INSERT INTO conventions_conventionhistory (convention_id, statut_convention) VALUES ($1, '2. Instruction requise'), ($2, '2. Instruction requise'), ($1, '1. Projet')`, c1, c2)
	if got := queryString(t, pool, `SELECT string_agg(statut, '|' ORDER BY statut) FROM v_convention_statuts`); got != "1. Projet|2. Instruction requise" {
		t.Errorf("v_convention_statuts = %q", got)
	}
}
