package search

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// The export follows the search: same filters, same scope; an avenant
// carries its parent's number and its own.
func TestExportFiltersAndScope(t *testing.T) {
	w := newWorld(t)
	signee := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	root := w.add(conv{nom: "Les Tilleuls", numero: "13.01.2024.0001", fin: "PLAI", signee: &signee})
	w.add(conv{nom: "Avenant Tilleuls", numero: "1", parent: root, fin: "PLAI"})
	w.add(conv{nom: "Les Chênes", fin: "PLUS"})
	w.add(conv{nom: "Hors périmètre", fin: "PLAI", adm: w.otherAdm})
	export := func(q string) []ExportRow {
		t.Helper()
		v, _ := url.ParseQuery(q)
		rows, err := Export(context.Background(), w.pool, w.instructeur(w.adm), Parse(v), today)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := export("financement=PLAI")
	if len(rows) != 2 {
		t.Fatalf("%d lignes, attendu 2 (PLAI, dans le périmètre) : %+v", len(rows), rows)
	}
	byNom := map[string]ExportRow{}
	for _, r := range rows {
		byNom[r.NomOperation] = r
	}
	c, av := byNom["Les Tilleuls"], byNom["Avenant Tilleuls"]
	if c.Numero != "13.01.2024.0001" || c.NumeroAvenant != "" || c.Financement != "PLAI" || c.NbLogements == nil || *c.NbLogements != 12 ||
		c.Instructeur != "DDT des Bouches-du-Rhône" || c.BailleurNom != "Habitat Calanques" || c.SigneeLe == nil || !c.SigneeLe.Equal(signee) {
		t.Errorf("convention exportée : %+v", c)
	}
	if av.Numero != "13.01.2024.0001" || av.NumeroAvenant != "1" {
		t.Errorf("avenant : numéros %q / %q", av.Numero, av.NumeroAvenant)
	}
	if got := export("search_operation_nom=chênes"); len(got) != 1 || got[0].NomOperation != "Les Chênes" {
		t.Errorf("recherche par nom : %+v", got)
	}
	if got, _ := Export(context.Background(), w.pool, superuser(), Filters{}, today); len(got) != 4 {
		t.Errorf("superutilisateur : %d lignes, attendu 4", len(got))
	}
}

// Beyond the cap, the export is refused with a French message.
func TestExportCap(t *testing.T) {
	w := newWorld(t)
	w.id(`WITH p AS (INSERT INTO programmes_programme (nom, numero_operation, bailleur_id, administration_id, code_postal, ville,
			code_insee_departement, code_insee_region)
		SELECT 'P' || g, 'OP' || g, $1, $2, '13400', 'Aubagne', '13', '93' FROM generate_series(1, $3::int) g RETURNING id)
		INSERT INTO conventions_convention (programme_id, statut) SELECT id, '5. Signée' FROM p RETURNING 1`, w.bail, w.adm, ExportCap+1)
	if _, err := Export(context.Background(), w.pool, superuser(), Filters{}, today); !errors.Is(err, ErrExportCap) {
		t.Fatalf("au-delà de %d : %v", ExportCap, err)
	}
	w.add(conv{nom: "Seule", statut: "1. Projet"})
	rows, err := Export(context.Background(), w.pool, superuser(), Filters{Statuts: []string{"1. Projet"}}, today)
	if err != nil || len(rows) != 1 {
		t.Errorf("recherche affinée : %v, %d lignes", err, len(rows))
	}
}

// The export of a département: every convention, by town then number,
// optionally of one statut; an unknown département is refused.
func TestExportDepartement(t *testing.T) {
	w := newWorld(t)
	w.add(conv{nom: "B", ville: "Marseille", cp: "13001", numero: "2"})
	w.add(conv{nom: "A", ville: "Aix-en-Provence", cp: "13100", numero: "9"})
	w.add(conv{nom: "C", ville: "Marseille", cp: "13001", numero: "1"})
	w.add(conv{nom: "D", ville: "Marseille", cp: "13001", statut: "1. Projet"})
	rows, err := ExportDepartement(context.Background(), w.pool, "13", "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.NomOperation)
	}
	if !reflect.DeepEqual(got, []string{"A", "C", "B", "D"}) {
		t.Errorf("ordre %v, attendu [A C B D] (ville puis numéro)", got)
	}
	if rows, err := ExportDepartement(context.Background(), w.pool, "13", "1. Projet"); err != nil || len(rows) != 1 || rows[0].NomOperation != "D" {
		t.Errorf("filtre de statut : %v %+v", err, rows)
	}
	if _, err := ExportDepartement(context.Background(), w.pool, "99", ""); err == nil || err.Error() != MsgDepartementInconnu("99") {
		t.Errorf("département inconnu : %v", err)
	}
}

func TestExportWorkbook(t *testing.T) {
	nb := 24
	signee := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	b, err := ExportWorkbook([]ExportRow{{NumeroOperation: "13-1", Numero: "13.1", Statut: "5. Signée", Financement: "PLAI_RE", NbLogements: &nb, SigneeLe: &signee},
		{NumeroOperation: "13-2"}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Conventions")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows[0], ExportColumns) || len(rows) != 3 {
		t.Fatalf("entêtes %q, %d lignes", rows[0], len(rows))
	}
	if rows[1][9] != "PLAI Réhabiliation" || rows[1][10] != "24" || rows[1][15] != "02/05/2024" || rows[2][15] != "-" {
		t.Errorf("ligne %q / %q", rows[1], rows[2])
	}
}
