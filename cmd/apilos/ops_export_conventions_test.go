package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/search"
)

// seedExport: two programmes in the Bouches-du-Rhône (a signed
// convention with an avenant, a project) and one in the Rhône.
func seedExport(t *testing.T, pool *pgxpool.Pool) (root string) {
	t.Helper()
	adm := opsScalar[int](t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ('DDTM 13', 'DD013') RETURNING id`)
	bail := opsScalar[int](t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, siren) VALUES ('Habitat Provence', '27130042100017', '271300421') RETURNING id`)
	prog := func(nom, ville, dep string) int {
		return opsScalar[int](t, pool, `INSERT INTO programmes_programme (nom, numero_operation, bailleur_id, administration_id, code_postal, ville,
			code_insee_departement, code_insee_region, adresse, nature_logement, zone_123, zone_abc)
			VALUES ($1::text, 'OP-' || $1::text, $2, $3, $5::text || '000', $4, $5::text, '93', '3 rue du Port', 'LOGEMENTSORDINAIRES', '2', 'B1') RETURNING id`, nom, bail, adm, ville, dep)
	}
	conv := func(p int, statut, numero string, parent *int) int {
		return opsScalar[int](t, pool, `INSERT INTO conventions_convention (programme_id, statut, numero, parent_id, date_fin_conventionnement,
			televersement_convention_signee_le) VALUES ($1, $2::text, NULLIF($3::text, ''), $4, '2065-06-30', CASE WHEN $2::text = '5. Signée' THEN '2024-05-02'::date END) RETURNING id`,
			p, statut, numero, parent)
	}
	marseille := prog("Les Calanques", "Marseille", "13")
	c := conv(marseille, "5. Signée", "13.055.2024.1", nil)
	opsExec(t, pool, `INSERT INTO programmes_lot (convention_id, financement, nb_logements, type_habitat) VALUES ($1, 'PLAI', 10, 'COLLECTIF')`, c)
	conv(marseille, "1. Projet", "1", &c)
	conv(prog("Le Cours", "Aix-en-Provence", "13"), "1. Projet", "", nil)
	conv(prog("Les Traboules", "Lyon", "69"), "5. Signée", "69.1", nil)
	return opsScalar[string](t, pool, `SELECT uuid::text FROM conventions_convention WHERE id = $1`, c)
}

func xlsxColumn(t *testing.T, path string, col int) []string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Conventions")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != strings.Join(search.ExportColumns, "|") {
		t.Errorf("entêtes %q", rows[0])
	}
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}

func TestExportConventionsDepartement(t *testing.T) {
	pool := opsDB(t)
	seedExport(t, pool)
	dir := t.TempDir()
	path := filepath.Join(dir, "bdr.xlsx")
	out, err := runCmd(t, "", "export_conventions_departement", "13", "--output", path)
	if err != nil || out != "3 convention(s) exportée(s) dans "+path+"\n" {
		t.Fatalf("err = %v\n%s", err, out)
	}
	if got := strings.Join(xlsxColumn(t, path, 7), ","); got != "Le Cours,Les Calanques,Les Calanques" {
		t.Errorf("opérations %q (triées par commune)", got)
	}
	if got := strings.Join(xlsxColumn(t, path, 2), ","); got != ",1," {
		t.Errorf("numéros d'avenant %q (par commune puis numéro : l'avenant « 1 » avant « 13.055.2024.1 »)", got)
	}

	out, err = runCmd(t, "", "export-conventions-departement", "13", "--statut", "5. Signée", "--output", "signees.xlsx", "--s3")
	if err != nil || out != "1 convention(s) exportée(s) dans le stockage : exports/signees.xlsx\n" {
		t.Fatalf("err = %v\n%s", err, out)
	}
	stored := filepath.Join(os.Getenv("MEDIA_ROOT"), "exports", "signees.xlsx")
	if got := xlsxColumn(t, stored, 3); len(got) != 1 || got[0] != "5. Signée" {
		t.Errorf("statuts exportés dans le stockage %q", got)
	}

	if _, err := runCmd(t, "", "export_conventions_departement", "99"); err == nil || err.Error() != search.MsgDepartementInconnu("99") {
		t.Errorf("département inconnu : %v", err)
	}
	if _, err := runCmd(t, "", "export_conventions_departement"); err == nil || !strings.Contains(err.Error(), "indiquez un code de département") {
		t.Errorf("sans argument : %v", err)
	}
}

func TestExportConventions(t *testing.T) {
	pool := opsDB(t)
	root := seedExport(t, pool)
	path := filepath.Join(t.TempDir(), "conventions.json")
	out, err := runCmd(t, "", "export_conventions", "--output", path)
	if err != nil || out != "4 convention(s) exportée(s) dans "+path+"\n" {
		t.Fatalf("err = %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lignes", len(lines))
	}
	var first, avenant map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &avenant); err != nil {
		t.Fatal(err)
	}
	op, _ := first["operation"].(map[string]any)
	lots, _ := first["lots"].([]any)
	if first["uuid"] != root || first["numero_convention"] != "13.055.2024.1" || first["numero_avenant"] != nil ||
		first["convention_date_signature"] != "2024-05-02" || op["nom"] != "Les Calanques" || len(lots) != 1 {
		t.Errorf("convention : %s", lines[0])
	}
	if avenant["convention_parent_uuid"] != root || avenant["numero_convention"] != "13.055.2024.1" || avenant["numero_avenant"] != "1" ||
		avenant["convention_date_signature"] != "2024-05-02" {
		t.Errorf("avenant : %s", lines[1])
	}
	if out, err := runCmd(t, "", "export-conventions", "--limit", "1", "--output", path); err != nil || out != "1 convention(s) exportée(s) dans "+path+"\n" {
		t.Errorf("--limit 1 : %v %s", err, out)
	}
}
