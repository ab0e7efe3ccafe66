package main

import (
	"strings"
	"testing"
)

// The staging routine of the deployment document: the static dataset
// (loaddata dataset_staging.json), then generated test fixtures on top.
func TestStagingDatasetThenTestFixtures(t *testing.T) {
	pool := opsDB(t)
	if out, err := runCmd(t, "", "load-permissions"); err != nil {
		t.Fatalf("load-permissions: %v\n%s", err, out)
	}
	out, err := runCmd(t, "", "loaddata", "../../dataset_staging.json")
	if err != nil || !strings.Contains(out, "objet(s) installé(s) depuis 1 fichier(s)") {
		t.Fatalf("loaddata: %v\n%s", err, out)
	}
	before := opsSnapshot(t, pool)

	out, err = runCmd(t, "\n\n", "load_test_fixtures", "--seed", "11", "--count", "9")
	if err != nil {
		t.Fatalf("load_test_fixtures: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, docLoadTestFixturesTranscript) ||
		!strings.Contains(out, "Utilisateurs de démonstration déjà présents : demo.bailleur, demo.instructeur.\n") ||
		!strings.Contains(out, "  - bailleurs : 0\n") {
		t.Errorf("output:\n%s", out)
	}
	// The dataset's rows are all still there, unchanged.
	after := opsSnapshot(t, pool)
	for _, tbl := range []string{"programmes_programme", "conventions_convention", "programmes_lot", "programmes_logement",
		"users_user", "users_role", "bailleurs_bailleur", "conventions_conventionhistory"} {
		have := map[string]bool{}
		for _, r := range after[tbl] {
			have[r] = true
		}
		for _, r := range before[tbl] {
			if !have[r] {
				t.Errorf("%s: row of dataset_staging.json changed or removed: %s", tbl, r)
				break
			}
		}
		if len(after[tbl]) <= len(before[tbl]) && tbl != "users_user" && tbl != "bailleurs_bailleur" {
			t.Errorf("%s: nothing generated (%d rows before, %d after)", tbl, len(before[tbl]), len(after[tbl]))
		}
	}
	assertRentRules(t, pool)

	// And clear_all_data empties it all but the staff accounts.
	out, err = runCmd(t, "", "clear_all_data", "--yes")
	if err != nil {
		t.Fatalf("clear_all_data: %v\n%s", err, out)
	}
	if n := opsScalar[int](t, pool, `SELECT (SELECT count(*) FROM programmes_programme) + (SELECT count(*) FROM bailleurs_bailleur)
+ (SELECT count(*) FROM users_user WHERE NOT (is_staff OR is_superuser))`); n != 0 {
		t.Errorf("%d business rows left after clear_all_data", n)
	}
}
