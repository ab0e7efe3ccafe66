package main

import (
	"strings"
	"testing"
)

func TestClearAllData(t *testing.T) {
	pool := opsDB(t)
	b := seedBusiness(t, pool)
	before := opsSnapshot(t, pool)

	// Refused in production, before any question: nothing changes.
	for _, env := range []string{"production", "siap-production"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("ENVIRONMENT", env)
			out, err := runCmd(t, "oui\n", "clear_all_data", "--yes")
			if err == nil || !strings.Contains(err.Error(), "commande refusée : l'environnement « "+env+" » est un environnement de production, rien n'a été modifié") {
				t.Fatalf("err = %v\n%s", err, out)
			}
			if out != "" {
				t.Errorf("a refused command printed %q", out)
			}
			opsAssertUnchanged(t, before, opsSnapshot(t, pool))
		})
	}

	// Declined, unclear answer, end of input: nothing changes.
	for _, c := range []struct{ stdin, wantErr string }{{"non\n", ""}, {"\n", ""}, {"oui oui\n", "réponse « oui oui » non comprise"}, {"", "fin de l'entrée standard"}} {
		out, err := runCmd(t, c.stdin, "clear-all-data")
		if c.wantErr == "" && (err != nil || !strings.Contains(out, "Aucune modification : aucune donnée n'a été supprimée.")) {
			t.Errorf("stdin %q: err = %v\n%s", c.stdin, err, out)
		}
		if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("stdin %q: err = %v, want %q", c.stdin, err, c.wantErr)
		}
	}
	opsAssertUnchanged(t, before, opsSnapshot(t, pool))

	// A failure in the middle (here a table the command does not know that
	// still references a user) rolls everything back.
	opsExec(t, pool, `CREATE TABLE ops_test_blocker (user_id bigint REFERENCES users_user (id), lot_id int REFERENCES programmes_lot (id) DEFERRABLE INITIALLY DEFERRED)`)
	opsExec(t, pool, `INSERT INTO ops_test_blocker VALUES (NULL, $1)`, b.lot)
	blocked := opsSnapshot(t, pool)
	if out, err := runCmd(t, "", "clear_all_data", "--yes"); err == nil || !strings.Contains(err.Error(), "rien n'a été supprimé") {
		t.Errorf("blocked clear: err = %v\n%s", err, out)
	}
	opsAssertUnchanged(t, blocked, opsSnapshot(t, pool))
	opsExec(t, pool, `UPDATE ops_test_blocker SET lot_id = NULL, user_id = $1`, b.bailleurUser)
	blocked = opsSnapshot(t, pool)
	if out, err := runCmd(t, "", "clear_all_data", "--yes"); err == nil || !strings.Contains(err.Error(), "rien n'a été supprimé") {
		t.Errorf("blocked clear: err = %v\n%s", err, out)
	}
	opsAssertUnchanged(t, blocked, opsSnapshot(t, pool))
	opsExec(t, pool, `DROP TABLE ops_test_blocker`)

	t.Setenv("ENVIRONMENT", "staging")
	out, err := runCmd(t, "oui\n", "clear_all_data")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	for _, line := range []string{
		"Supprimer toutes les données métier de l'environnement « staging » (Non/oui)?oui\n",
		"  - administrations : 2\n",
		"  - bailleurs : 3\n",
		"  - programmes (copies d'avenant comprises) : 3\n",
		"  - conventions et avenants : 2\n",
		"  - lots : 2\n",
		"  - logements : 2\n",
		"  - annexes : 2\n",
		"  - types de stationnement : 2\n",
		"  - prêts : 2\n",
		"  - commentaires : 1\n",
		"  - historiques de statut des conventions : 1\n",
		"  - rôles : 3\n",
		"  - utilisateurs ni superuser ni staff : 2\n",
		"  - références Ecoloweb : 1\n",
		"  - lignes d'historique des utilisateurs : 2\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	after := opsSnapshot(t, pool)
	for _, tbl := range []string{"instructeurs_administration", "bailleurs_bailleur", "programmes_programme", "conventions_convention",
		"programmes_lot", "programmes_logement", "programmes_annexe", "programmes_typestationnement", "programmes_locauxcollectifs",
		"conventions_pret", "programmes_repartitionsurface", "programmes_logementedd", "programmes_referencecadastrale",
		"comments_comment", "conventions_conventionhistory", "conventions_evenement", "conventions_piecejointe",
		"conventions_alertesiaplog", "conventions_convention_avenant_types", "conventions_convention_parents_2nd_vie",
		"ecoloweb_ecoloreference", "bailleurs_historicalbailleur", "users_user_filtre_departements"} {
		if n := len(after[tbl]); n != 0 {
			t.Errorf("%s: %d rows left", tbl, n)
		}
	}
	// Kept: superuser and staff accounts, the staff's national role and
	// group, their history, reference data, uploaded file metadata.
	if got := opsScalar[string](t, pool, `SELECT string_agg(username, ',' ORDER BY username) FROM users_user`); got != "admin.technique,support" {
		t.Errorf("users left: %s", got)
	}
	if got := opsScalar[string](t, pool, `SELECT string_agg(typologie, ',') FROM users_role WHERE user_id = $1`, b.staff); got != "ADMINISTRATEUR" {
		t.Errorf("staff roles left: %s", got)
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM users_user WHERE creator_id IS NOT NULL`); n != 0 {
		t.Errorf("%d users still point to a removed creator", n)
	}
	if n := opsScalar[int](t, pool, `SELECT count(*) FROM users_historicaluser WHERE history_user_id IS NOT NULL`); n != 0 {
		t.Errorf("%d history rows still point to a removed user", n)
	}
	for tbl, want := range map[string]int{"users_user_groups": 1, "users_historicaluser": 2, "upload_uploadedfile": 1,
		"apilos_settings_departement": len(before["apilos_settings_departement"]), "conventions_avenanttype": len(before["conventions_avenanttype"]),
		"auth_group": 3} {
		if n := len(after[tbl]); n != want {
			t.Errorf("%s: %d rows, want %d kept", tbl, n, want)
		}
	}

	// Running it again on an empty environment is harmless.
	out, err = runCmd(t, "", "clear_all_data", "--yes")
	if err != nil || !strings.Contains(out, "  - programmes (copies d'avenant comprises) : 0\n") {
		t.Errorf("second run: %v\n%s", err, out)
	}
}
