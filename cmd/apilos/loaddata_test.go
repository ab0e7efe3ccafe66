package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const bailleursFixture = `[
{"model": "bailleurs.bailleur", "pk": 1, "fields": {"nom": "3F", "siret": "12345678901234", "siren": "123456789", "capital_social": 123000.5, "cree_le": "2023-03-08T20:43:45.924Z", "mis_a_jour_le": "2023-03-08T20:43:45.924Z"}},
{"model": "bailleurs.bailleur", "pk": 2, "fields": {"nom": "HLM", "siret": "12345678901235", "siren": "123456788", "cree_le": "2023-03-08T20:43:45.924Z", "mis_a_jour_le": "2023-03-08T20:43:45.924Z"}}
]`

func TestLoaddataAndDumpdataCommands(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	pool := dbtest.Connect(t, url)
	dir := t.TempDir()
	good := writeFile(t, dir, "bailleurs.json", bailleursFixture)
	programmes := writeFile(t, dir, "programmes.json", `[{"model": "programmes.programme", "pk": 3, "fields": {"nom": "Résidence", "bailleur": 2, "surface_utile_totale": "812.50"}}]`)

	out, err := runCmd(t, "", "loaddata", good, programmes)
	if err != nil {
		t.Fatalf("loaddata: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 objet(s) installé(s) depuis 2 fichier(s)") {
		t.Errorf("output %q", out)
	}
	var n int
	pool.QueryRow(ctx, "SELECT count(*) FROM programmes_programme WHERE id = 3 AND bailleur_id = 2 AND surface_utile_totale = 812.5").Scan(&n)
	if n != 1 {
		t.Error("programme not loaded")
	}

	// A bad file: non-nil error naming file, object, model and field;
	// nothing written, not even the good file given before it.
	bad := writeFile(t, dir, "mauvais.json", `[
{"model": "bailleurs.bailleur", "pk": 5, "fields": {"nom": "Nouveau", "siret": "12345678901299", "siren": "123456777", "cree_le": "2023-03-08T20:43:45Z", "mis_a_jour_le": "2023-03-08T20:43:45Z"}},
{"model": "programmes.programme", "pk": 4, "fields": {"nom": "P", "bailleur": 5, "annee_gestion_programmation": "2020-01-01"}}
]`)
	out, err = runCmd(t, "", "loaddata", good, bad)
	if err == nil {
		t.Fatalf("no error for a bad fixture: %s", out)
	}
	for _, w := range []string{"mauvais.json", "objet n°2", "programmes.programme", "« annee_gestion_programmation »", "nombre entier"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	pool.QueryRow(ctx, "SELECT count(*) FROM bailleurs_bailleur").Scan(&n)
	if n != 2 {
		t.Errorf("%d bailleurs after a failed load, want 2", n)
	}
	if _, err := runCmd(t, "", "loaddata", filepath.Join(dir, "absent.json")); err == nil || !strings.Contains(err.Error(), "absent.json") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := runCmd(t, "", "loaddata"); err == nil {
		t.Error("loaddata without file: no error")
	}

	// Standard input.
	out, err = runCmd(t, `[{"model": "bailleurs.bailleur", "pk": 2, "fields": {"nom": "HLM renommé"}}]`, "loaddata", "-")
	if err != nil || !strings.Contains(out, "1 objet(s) installé(s) depuis 1 fichier(s)") {
		t.Fatalf("stdin: %v %q", err, out)
	}

	// dumpdata to a file (the bailleurs app has bailleur and its history
	// table), then reload it into another database.
	dump := filepath.Join(dir, "dump.json")
	out, err = runCmd(t, "", "dumpdata", "bailleurs", "programmes.programme", "-o", dump)
	if err != nil {
		t.Fatalf("dumpdata: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 objet(s) de 3 modèle(s) exporté(s)") {
		t.Errorf("dumpdata output %q", out)
	}
	data, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if err := json.Unmarshal(data, &objs); err != nil || len(objs) != 3 {
		t.Fatalf("dump: %v, %d objects", err, len(objs))
	}
	if !strings.Contains(string(data), `"nom": "HLM renommé"`) || !strings.Contains(string(data), `"surface_utile_totale": "812.50"`) {
		t.Errorf("dump content: %s", data)
	}

	// dumpdata to standard output.
	out, err = runCmd(t, "", "dumpdata", "bailleurs.bailleur")
	if err != nil || !strings.HasPrefix(out, "[\n{\"model\": \"bailleurs.bailleur\", \"pk\": 1,") {
		t.Errorf("dumpdata stdout: %v %q", err, out)
	}
	if _, err := runCmd(t, "", "dumpdata", "bailleurs.inconnu", "-o", filepath.Join(dir, "x.json")); err == nil || !strings.Contains(err.Error(), "bailleurs.inconnu") {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); !os.IsNotExist(err) {
		t.Error("a failed dump left a file")
	}

	other := dbtest.URL(t)
	t.Setenv("DATABASE_URL", other)
	if out, err := runCmd(t, "", "loaddata", dump); err != nil || !strings.Contains(out, "3 objet(s) installé(s)") {
		t.Fatalf("reload: %v %q", err, out)
	}
	otherPool := dbtest.Connect(t, other)
	otherPool.QueryRow(ctx, "SELECT count(*) FROM bailleurs_bailleur WHERE nom IN ('3F', 'HLM renommé')").Scan(&n)
	if n != 2 {
		t.Errorf("reloaded bailleurs: %d", n)
	}
}

func TestLoaddataRefusedInProduction(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("ENVIRONMENT", "siap-production")
	t.Setenv("SECRET_KEY", "secret-de-test")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	pool := dbtest.Connect(t, url)
	good := writeFile(t, t.TempDir(), "bailleurs.json", bailleursFixture)

	_, err := runCmd(t, "", "loaddata", good)
	if err == nil || !strings.Contains(err.Error(), "siap-production") || !strings.Contains(err.Error(), "--allow-production") {
		t.Fatalf("err = %v", err)
	}
	var n int
	pool.QueryRow(context.Background(), "SELECT count(*) FROM bailleurs_bailleur").Scan(&n)
	if n != 0 {
		t.Fatalf("%d bailleurs loaded despite the refusal", n)
	}
	out, err := runCmd(t, "", "loaddata", "--allow-production", good)
	if err != nil || !strings.Contains(out, "2 objet(s) installé(s)") {
		t.Fatalf("--allow-production: %v %q", err, out)
	}
}

func TestLoadPermissionsCommand(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	want := "Groupes et permissions à jour : 6 groupe(s), 103 permission(s), 24 type(s) de contenu, 52 lien(s) groupe-permission."
	for i := 0; i < 2; i++ {
		out, err := runCmd(t, "", "load-permissions")
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("run %d: %v %q", i+1, err, out)
		}
	}
	out, err := runCmd(t, "", "dumpdata", "--natural-foreign", "--natural-primary", "auth.group")
	if err != nil || !strings.Contains(out, `{"model": "auth.group", "fields": {"name": "bailleur", "permissions": [["change_bailleur", "bailleurs", "bailleur"]`) {
		t.Errorf("natural dump: %v %q", err, out)
	}
}
