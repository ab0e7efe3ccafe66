package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/search"
)

func init() {
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/export-list", Want: map[string]string{"*": "200", "anonyme": "302"}})
}

// The export of the search page: the user's conventions under the same
// filters, as a spreadsheet; beyond the cap, back to the search with the
// French message.
func TestExportList(t *testing.T) {
	w := newCWorld(t)
	w.add(cconv{nom: "Les Tilleuls"})
	w.add(cconv{nom: "Les Chênes", statut: "2. Instruction requise"})
	w.add(cconv{nom: "Ailleurs", adm: w.otherAdm})
	res, body := w.instr.download("/conventions/export-list?cstatut=" + strings.ReplaceAll("1. Projet", " ", "+"))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "conventions_") {
		t.Fatalf("export : %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Conventions")
	f.Close()
	var noms []string
	for _, r := range rows[1:] {
		noms = append(noms, r[7])
	}
	if !slices.Equal(rows[0], search.ExportColumns) || !slices.Equal(noms, []string{"Les Tilleuls"}) {
		t.Errorf("entêtes %q, opérations %q : attendu seulement « Les Tilleuls » (statut filtré, périmètre)", rows[0], noms)
	}

	w.exec(`WITH p AS (INSERT INTO programmes_programme (nom, numero_operation, bailleur_id, administration_id, code_postal, ville,
			code_insee_departement, code_insee_region)
		SELECT 'P' || g, 'OP' || g, $1, $2, '75011', 'Paris', '75', '11' FROM generate_series(1, $3::int) g RETURNING id)
		INSERT INTO conventions_convention (programme_id, statut) SELECT id, '5. Signée' FROM p`, w.hlm, w.adm, search.ExportCap)
	res, _ = w.instr.download("/conventions/export-list?search_operation_nom=")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/conventions/recherche") {
		t.Fatalf("au-delà du plafond : %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, page := w.instr.get(res.Header.Get("Location")); !strings.Contains(page, search.MsgExportCap) {
		t.Error("le message du plafond n'est pas affiché sur la page de recherche")
	}
}
