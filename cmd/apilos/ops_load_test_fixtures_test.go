package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/ops"
)

// The dialogue of the deployment document ("Rechargement des fixtures de
// tests en staging"), word for word, answered with two empty lines.
const docLoadTestFixturesTranscript = "" +
	"Do you want to truncate Conventions/Operations/Lots (N/y) ?\n" +
	"Using default option: Operation won't be truncated\n" +
	"Do you want to truncate Users (N/y) ?\n" +
	"Using default option: Users won't be truncated\n"

func TestLoadTestFixturesDocumentDialogue(t *testing.T) {
	pool := opsDB(t)
	out, err := runCmd(t, "\n\n", "load_test_fixtures", "--seed", "7", "--count", "3")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, docLoadTestFixturesTranscript) {
		t.Errorf("output does not start with the document's dialogue:\n--- got\n%s--- want\n%s", out, docLoadTestFixturesTranscript)
	}
	for _, line := range []string{
		"Administration de test « Administration DAP Test » (code 00000) créée.\n",
		"Bailleur de test « Bailleur HLM de test » (SIRET 12345678900000) créé.\n",
		"Utilisateurs de démonstration créés : demo.bailleur, demo.instructeur (mot de passe : apilos-demo).\n",
		"Jeu de test généré (graine 7 ; ",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme p JOIN instructeurs_administration a ON a.id = p.administration_id
WHERE a.code = '00000' AND a.nom = 'Administration DAP Test' AND a.ville_signature = 'Ma ville sur Fleuve' AND p.parent_id IS NULL`); n != 3 {
		t.Errorf("%d root programmes on the test administration, want 3", n)
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM bailleurs_bailleur WHERE siret = '12345678900000' AND nom = 'Bailleur HLM de test'
AND nature_bailleur = 'HLM' AND sous_nature_bailleur = 'OFFICE_PUBLIC_HLM' AND ville = 'Ma Ville' AND signataire_nom = 'John Doe'`); n != 1 {
		t.Errorf("test bailleur: %d matching rows", n)
	}
	roles := opsScalar[string](t, pool, `SELECT string_agg(u.username || ' ' || r.typologie || ' ' || g.name || ' ' || coalesce(b.siret, a.code), ', ' ORDER BY u.username)
FROM users_role r JOIN users_user u ON u.id = r.user_id JOIN auth_group g ON g.id = r.group_id
LEFT JOIN bailleurs_bailleur b ON b.id = r.bailleur_id LEFT JOIN instructeurs_administration a ON a.id = r.administration_id`)
	if roles != "demo.bailleur BAILLEUR bailleur 12345678900000, demo.instructeur INSTRUCTEUR instructeur 00000" {
		t.Errorf("roles: %s", roles)
	}
	assertRentRules(t, pool)
	// Every signed or published test convention has its PDF in MEDIA_ROOT.
	var keys []string
	rows, err := pool.Query(context.Background(), `SELECT 'conventions/' || uuid || '/convention_docs/' || nom_fichier_signe
FROM conventions_convention WHERE nom_fichier_signe IS NOT NULL
UNION ALL SELECT 'spf/' || uuid || '/publication/' || nom_fichier_publication_spf FROM conventions_convention WHERE nom_fichier_publication_spf IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		t.Fatal("aucune convention signée générée : la graine 7 n'exerce pas les documents")
	}
	for _, k := range keys {
		b, err := os.ReadFile(filepath.Join(os.Getenv("MEDIA_ROOT"), filepath.FromSlash(k)))
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") {
			t.Errorf("document %s : %v", k, err)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("Documents PDF des conventions signées ou publiées créés : %d.", len(keys))) {
		t.Errorf("nombre de documents non annoncé :\n%s", out)
	}
}

func TestLoadTestFixturesRefusedInProduction(t *testing.T) {
	pool := opsDB(t)
	seedBusiness(t, pool)
	before := opsSnapshot(t, pool)
	for _, env := range []string{"production", "siap-production"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("ENVIRONMENT", env)
			for _, args := range [][]string{{"load_test_fixtures"}, {"load-test-fixtures", "--noinput", "--truncate-operations", "--truncate-users"}} {
				out, err := runCmd(t, "y\ny\n", args...)
				if err == nil || !strings.Contains(err.Error(), "commande refusée : l'environnement « "+env+" » est un environnement de production, rien n'a été modifié") {
					t.Fatalf("%v: err = %v\n%s", args, err, out)
				}
				if out != "" {
					t.Errorf("%v: a refused command asked or printed %q", args, out)
				}
			}
			opsAssertUnchanged(t, before, opsSnapshot(t, pool))
		})
	}
}

func TestLoadTestFixturesBadAnswers(t *testing.T) {
	pool := opsDB(t)
	seedBusiness(t, pool)
	before := opsSnapshot(t, pool)
	for _, c := range []struct{ stdin, want string }{
		{"peut-être\n", "réponse « peut-être » non comprise : répondez y (oui) ou n (non)"},
		{"\nsi\n", "réponse « si » non comprise"},
		{"", "fin de l'entrée standard"},
		{"y\n", "fin de l'entrée standard"},
	} {
		out, err := runCmd(t, c.stdin, "load_test_fixtures", "--seed", "1")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "rien n'a été modifié") {
			t.Errorf("stdin %q: err = %v, want %q\n%s", c.stdin, err, c.want, out)
		}
	}
	if _, err := runCmd(t, "", "load_test_fixtures", "--noinput", "--count", "-1"); err == nil || !strings.Contains(err.Error(), "--count -1") {
		t.Errorf("negative count: err = %v", err)
	}
	opsAssertUnchanged(t, before, opsSnapshot(t, pool))
}

// generatedDump is every row load_test_fixtures writes, as JSON text,
// ordered; the test entities' random uuid and load-time timestamps are
// left out.
func generatedDump(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	dump := map[string][]string{}
	for _, tbl := range []string{"instructeurs_administration", "bailleurs_bailleur", "users_user", "users_role",
		"programmes_programme", "programmes_referencecadastrale", "programmes_logementedd", "conventions_convention",
		"conventions_convention_avenant_types", "programmes_lot", "programmes_logement", "programmes_annexe",
		"programmes_typestationnement", "conventions_pret", "conventions_conventionhistory"} {
		rows, err := pool.Query(ctx, `SELECT (CASE WHEN to_jsonb(t) ->> 'code' = '00000' OR to_jsonb(t) ->> 'siret' = '12345678900000'
  THEN to_jsonb(t) - 'uuid' - 'cree_le' - 'mis_a_jour_le' ELSE to_jsonb(t) END)::text
FROM `+tbl+` t ORDER BY t.id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			dump[tbl] = append(dump[tbl], s)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return dump
}

func TestLoadTestFixturesSameSeedSameData(t *testing.T) {
	var dumps []map[string][]string
	for range 2 {
		url := dbtest.URL(t)
		t.Setenv("DATABASE_URL", url)
		t.Setenv("ENVIRONMENT", "staging")
		t.Setenv("MEDIA_ROOT", t.TempDir())
		pool := dbtest.Connect(t, url)
		out, err := runCmd(t, "", "load_test_fixtures", "--seed", "1", "--count", "12", "--noinput")
		if err != nil {
			t.Fatalf("err = %v\n%s", err, out)
		}
		dumps = append(dumps, generatedDump(t, pool))
		if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE parent_id IS NULL`); n != 12 {
			t.Errorf("%d root programmes, want 12", n)
		}
		assertRentRules(t, pool)

		// Same seed again on the same database: nothing is added.
		out, err = runCmd(t, "", "load_test_fixtures", "--seed", "1", "--count", "12", "--noinput")
		if err != nil || !strings.Contains(out, "Les programmes de la graine 1 sont déjà chargés : aucun programme ajouté") {
			t.Errorf("second load: err = %v\n%s", err, out)
		}
		if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE parent_id IS NULL`); n != 12 {
			t.Errorf("after the second load: %d root programmes, want 12", n)
		}
	}
	a, b := dumps[0], dumps[1]
	for tbl, rows := range a {
		if len(rows) == 0 && tbl != "conventions_convention_avenant_types" {
			t.Errorf("%s: no rows generated", tbl)
		}
		if len(b[tbl]) != len(rows) {
			t.Errorf("%s: %d rows then %d", tbl, len(rows), len(b[tbl]))
			continue
		}
		for i := range rows {
			if rows[i] != b[tbl][i] {
				t.Errorf("%s differs between two loads with --seed 1:\n%s\n%s", tbl, rows[i], b[tbl][i])
				break
			}
		}
	}
}

func TestLoadTestFixturesOnExistingDataAndTruncation(t *testing.T) {
	pool := opsDB(t)
	b := seedBusiness(t, pool)
	opsExec(t, pool, `INSERT INTO users_user (username, password, email, is_superuser, is_staff, first_name, last_name)
VALUES ('equipe', '!', 'equipe@beta.gouv.fr', false, false, '', '')`)
	before := opsSnapshot(t, pool)

	// Without truncation the existing rows stay as they were; the
	// generated ones come after them.
	out, err := runCmd(t, "n\nnon\n", "load_test_fixtures", "--seed", "5", "--count", "4")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, "Do you want to truncate Conventions/Operations/Lots (N/y) ?n\nDo you want to truncate Users (N/y) ?non\nAdministration de test") {
		t.Errorf("output:\n%s", out)
	}
	after := opsSnapshot(t, pool)
	for _, tbl := range []string{"programmes_programme", "conventions_convention", "programmes_lot", "programmes_logement", "users_user", "bailleurs_bailleur"} {
		have := map[string]bool{}
		for _, r := range after[tbl] {
			have[r] = true
		}
		for _, r := range before[tbl] {
			if !have[r] {
				t.Errorf("%s: existing row changed or removed: %s", tbl, r)
			}
		}
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE parent_id IS NULL`); n != 2+4 {
		t.Errorf("%d root programmes, want the 2 existing + 4 generated", n)
	}
	assertRentRules(t, pool)

	// Truncating both: programmes and every non-staff user go, except the
	// team's beta.gouv.fr account; then the dataset is generated again.
	nProg := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme`)
	out, err = runCmd(t, "y\nOUI\n", "load_test_fixtures", "--seed", "6", "--count", "2")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	for _, line := range []string{"Do you want to truncate Conventions/Operations/Lots (N/y) ?y\n", "Do you want to truncate Users (N/y) ?OUI\n",
		fmt.Sprintf("  - programmes (copies d'avenant comprises) : %d\n", nProg), "  - utilisateurs (ni superuser, ni staff, ni beta.gouv.fr) : 4\n",
		"Utilisateurs de démonstration créés : demo.bailleur, demo.instructeur"} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	if got := opsScalar[string](t, pool, `SELECT string_agg(username, ',' ORDER BY username) FROM users_user`); got != "admin.technique,demo.bailleur,demo.instructeur,equipe,support" {
		t.Errorf("users: %s", got)
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE id IN ($1, $2)`, b.programme, b.copies[0]); n != 0 {
		t.Errorf("the existing programmes survived the truncation")
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_programme WHERE parent_id IS NULL`); n != 2 {
		t.Errorf("%d root programmes after truncation, want the 2 generated", n)
	}
	// Administrations and bailleurs are kept by the truncation.
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM instructeurs_administration WHERE code IN ('13055', 'DD013')`); n != 2 {
		t.Errorf("administrations kept: %d", n)
	}
	assertRentRules(t, pool)
}

// assertRentRules checks every logement of the database against the rent
// rules of the data model (§20.8), written from the sheet:
//   - per unit: |round2(loyer) − round2(SU × loyer/m² × coef)| ≤ 1 € (SC
//     instead of SU for corrected-surface units);
//   - one loyer/m² for all units of the same financement in a convention;
//   - per lot: round2(Σ coef × SU × loyer/m²) ≤ round2(Σ SU × loyer/m²) +
//     number of units.
func assertRentRules(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	n := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_logement WHERE loyer IS NOT NULL`)
	if n == 0 {
		t.Fatal("no logement with a rent to check")
	}
	bad := opsScalar[int](t, pool, `SELECT count(*) FROM programmes_logement
WHERE loyer IS NOT NULL AND (loyer_par_metre_carre IS NULL OR coeficient IS NULL
   OR abs(round(loyer, 2) - round(coalesce(surface_corrigee, surface_utile) * loyer_par_metre_carre * coeficient, 2)) > 1)`)
	if bad != 0 {
		t.Errorf("%d of %d logements break the per-unit rent rule", bad, n)
	}
	bad = opsScalar[int](t, pool, `SELECT count(*) FROM (
  SELECT l.convention_id, l.financement FROM programmes_logement g JOIN programmes_lot l ON l.id = g.lot_id
  WHERE g.loyer IS NOT NULL GROUP BY 1, 2 HAVING count(DISTINCT g.loyer_par_metre_carre) > 1) x`)
	if bad != 0 {
		t.Errorf("%d (convention, financement) pairs have several loyers par m²", bad)
	}
	bad = opsScalar[int](t, pool, `SELECT count(*) FROM (
  SELECT lot_id FROM programmes_logement WHERE loyer IS NOT NULL GROUP BY lot_id
  HAVING round(sum(coeficient * coalesce(surface_corrigee, surface_utile) * loyer_par_metre_carre), 2)
       > round(sum(coalesce(surface_corrigee, surface_utile) * loyer_par_metre_carre), 2) + count(*)) x`)
	if bad != 0 {
		t.Errorf("%d lots break the Σ coefficient rule", bad)
	}
}

// TestLoadTestFixturesOnSharedFixturesTwice: on a staging database
// holding the shared test fixtures (whose bailleur 3F has the test
// bailleur's SIREN), the command with the default answers loads, and a
// second run in a row loads again: the test data is upserted by natural
// key.
func TestLoadTestFixturesOnSharedFixturesTwice(t *testing.T) {
	pool := opsDB(t)
	t.Setenv("ENVIRONMENT", "staging")
	var srcs []fixture.Source
	for _, name := range []string{"departements.json", "avenant_types.json", "bailleurs_for_tests.json", "instructeurs_for_tests.json",
		"users_for_tests.json", "programmes_for_tests.json", "conventions_for_tests.json"} {
		data, err := os.ReadFile("../../internal/fixture/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, fixture.Source{Name: name, Data: data})
	}
	if _, err := fixture.LoadPermissions(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(context.Background(), pool, srcs); err != nil {
		t.Fatal(err)
	}
	conventions := opsScalar[int](t, pool, `SELECT count(*) FROM conventions_convention`)
	for run := 1; run <= 2; run++ {
		out, err := runCmd(t, "\n\n", "load_test_fixtures")
		if err != nil {
			t.Fatalf("passage %d : %v\n%s", run, err, out)
		}
		if !strings.Contains(out, "Using default option: Users won't be truncated") || !strings.Contains(out, "Jeu de test généré") {
			t.Errorf("passage %d :\n%s", run, out)
		}
		if n := opsScalar[int](t, pool, `SELECT count(*) FROM conventions_convention`); n <= conventions {
			t.Errorf("passage %d : aucune convention ajoutée (%d)", run, n)
		} else {
			conventions = n
		}
	}
	// One test bailleur and one test administration, the shared fixtures'
	// conventions untouched.
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM bailleurs_bailleur WHERE siren = '123456789' OR siret = $1`, ops.TestBailleurSiret); n != 1 {
		t.Errorf("%d bailleurs de test", n)
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM conventions_convention WHERE id IN (1, 2, 3, 4)`); n != 4 {
		t.Errorf("conventions des fixtures : %d", n)
	}
}
