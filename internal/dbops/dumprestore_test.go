package dbops

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// repoRoot is the repository root, from this file's location.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// loadBusinessData fills a migrated database with the demo dataset of
// the staging environment (dataset_staging.json, after the groups and
// permissions its roles name) and a table of awkward values.
func loadBusinessData(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatalf("load-permissions : %v", err)
	}
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "dataset_staging.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(ctx, pool, []fixture.Source{{Name: "dataset_staging.json", Data: data}}); err != nil {
		t.Fatalf("chargement de dataset_staging.json : %v", err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE valeurs_delicates (
		id serial PRIMARY KEY, texte text, montant numeric(12,2), quand timestamptz, doc jsonb, octets bytea, drapeau boolean);
		INSERT INTO valeurs_delicates (texte, montant, quand, doc, octets, drapeau) VALUES
		('l''apostrophe, la virgule ; et « guillemets »', 1234.56, '2024-03-01 10:00:00+01', '{"a": [1, 2, {"b": null}]}', '\x00ff10', true),
		(E'ligne\nsuivante\ttab', -0.01, NULL, 'null', '', false),
		(NULL, NULL, 'infinity', NULL, NULL, NULL)`); err != nil {
		t.Fatal(err)
	}
}

// tableSums gives, for every table of the public schema, its row count and
// an md5 of its rows in a stable order.
func tableSums(t *testing.T, pool *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, tbl := range tables {
		var n int
		var sum *string
		q := fmt.Sprintf(`SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM public.%q t`, tbl)
		if err := pool.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s : %v", tbl, err)
		}
		s := "vide"
		if sum != nil {
			s = *sum
		}
		sums[tbl] = fmt.Sprintf("%d lignes, md5 %s", n, s)
	}
	return sums
}

func runScript(t *testing.T, env []string, script string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(t), "scripts", script), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestDumpRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	srcURL := dbtest.URL(t)
	src := dbtest.Connect(t, srcURL)
	loadBusinessData(t, src)
	want := tableSums(t, src)
	var conventions int
	src.QueryRow(ctx, "SELECT count(*) FROM conventions_convention").Scan(&conventions)
	if conventions == 0 {
		t.Fatal("les fixtures n'ont chargé aucune convention : l'aller-retour ne prouverait rien")
	}

	dump := filepath.Join(t.TempDir(), "sauvegarde.dump")
	if out, err := runScript(t, []string{"DATABASE_URL=" + srcURL}, "db-dump.sh", dump); err != nil {
		t.Fatalf("db-dump.sh : %v\n%s", err, out)
	}

	// Into an empty database, and into a migrated database holding other
	// data (--clean replaces it).
	for _, target := range []struct {
		name string
		url  string
	}{{"base vide", dbtest.EmptyURL(t)}, {"base migrée avec d'autres données", dbtest.URL(t)}} {
		t.Run(target.name, func(t *testing.T) {
			dst := dbtest.Connect(t, target.url)
			dst.Exec(ctx, "INSERT INTO auth_group (name) VALUES ('groupe à effacer')")
			env := []string{"DATABASE_URL=" + target.url, "APILOS_BIN=" + apilosBin(t), "CONFIRM=oui", "ENVIRONMENT=development"}
			out, err := runScript(t, env, "db-restore.sh", dump)
			if err != nil {
				t.Fatalf("db-restore.sh : %v\n%s", err, out)
			}
			if !strings.Contains(out, "schéma est à jour") {
				t.Errorf("la restauration doit finir par les migrations :\n%s", out)
			}
			got := tableSums(t, dst)
			var diffs []string
			for tbl, w := range want {
				if got[tbl] != w {
					diffs = append(diffs, fmt.Sprintf("%s : %s, attendu %s", tbl, got[tbl], w))
				}
			}
			for tbl := range got {
				if _, ok := want[tbl]; !ok {
					diffs = append(diffs, tbl+" : table en trop")
				}
			}
			sort.Strings(diffs)
			if len(diffs) > 0 {
				t.Errorf("%d table(s) différentes après restauration :\n%s", len(diffs), strings.Join(diffs, "\n"))
			}
		})
	}
}

func TestRestoreRefusals(t *testing.T) {
	if out, err := runScript(t, nil, "db-restore.sh"); err == nil || !strings.Contains(out, "FILE=") {
		t.Errorf("sans fichier : %v\n%s", err, out)
	}
	dump := filepath.Join(t.TempDir(), "x.dump")
	os.WriteFile(dump, []byte("pas une sauvegarde"), 0o644)
	if out, err := runScript(t, []string{"DATABASE_URL=", "SCALINGO_POSTGRESQL_URL="}, "db-restore.sh", dump); err == nil || !strings.Contains(out, "DATABASE_URL") {
		t.Errorf("sans base : %v\n%s", err, out)
	}
	// No terminal and no CONFIRM=oui: nothing is touched.
	url := dbtest.URL(t)
	if out, err := runScript(t, []string{"DATABASE_URL=" + url, "CONFIRM="}, "db-restore.sh", dump); err == nil || !strings.Contains(out, "CONFIRM=oui") {
		t.Errorf("sans confirmation : %v\n%s", err, out)
	}
	// A broken file fails and leaves the database as it was.
	pool := dbtest.Connect(t, url)
	before := tableSums(t, pool)
	if out, err := runScript(t, []string{"DATABASE_URL=" + url, "CONFIRM=oui", "APILOS_BIN=" + apilosBin(t)}, "db-restore.sh", dump); err == nil {
		t.Errorf("fichier invalide accepté :\n%s", out)
	}
	if after := tableSums(t, pool); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("une restauration en échec a modifié la base")
	}
	if out, err := runScript(t, []string{"DATABASE_URL=", "SCALINGO_POSTGRESQL_URL="}, "db-dump.sh"); err == nil || !strings.Contains(out, "DATABASE_URL") {
		t.Errorf("dump sans base : %v\n%s", err, out)
	}
}

var builtApilos string

// apilosBin builds the binary once per test run.
func apilosBin(t *testing.T) string {
	t.Helper()
	if builtApilos == "" {
		dir, err := os.MkdirTemp("", "apilos-dbops-")
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(dir, "apilos")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/apilos")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build : %v\n%s", err, out)
		}
		builtApilos = bin
	}
	return builtApilos
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtApilos != "" {
		os.RemoveAll(filepath.Dir(builtApilos))
	}
	os.Exit(code)
}
