package e2e

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/importxlsx"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// A bailleur creates a logements-ordinaires convention through the ANRU
// form, fills it step by step in a real browser, imports its logements
// from a spreadsheet made from the project's template (file chosen,
// preview, confirmation), adds one more logement row in place (htmx or
// not), reaches the récapitulatif and submits it. Every page respects its
// CSP and logs no error.
func TestBrowserConventionSteps(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	s := newSeed(t, ctx)
	pool, q := s.pool, s.q
	s.administration()
	s.role(s.user("camille.bailleur", "Camille", false), "BAILLEUR", "bailleur", s.bailleur(), nil)
	// The spreadsheet the bailleur fills: the project's logements template.
	xlsx := filepath.Join(t.TempDir(), "logements.xlsx")
	writeTemplate(t, importxlsx.Logements, xlsx, [][]any{
		{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300},
		{"A2", "T3", "PLUS", "60,5", 0, 0, "60,5", "6", "1", "363"},
	})

	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Conventions: web.ConventionOptions{Storage: store}})
	if err != nil {
		t.Fatal(err)
	}
	site := openSite(t, ctx, b, h)
	app, p := site.app, site.p
	click := site.click
	choose := site.choose
	stepOf := func() string {
		t.Helper()
		l := strings.TrimPrefix(location(ctx, t, p), "/conventions/")
		return strings.Split(l, "/")[0]
	}
	site.login("camille.bailleur")

	must(t, p.Navigate(ctx, app.URL+"/conventions/new_convention_anru"))
	must(t, p.Type(ctx, "#id_nom", "Résidence des Tilleuls"))
	must(t, p.Type(ctx, "#id_numero_operation", "2026-75-00043"))
	choose("#id_nature_logement", "LOGEMENTSORDINAIRES")
	choose("#id_financement", "PLUS")
	choose("#id_type_habitat", "COLLECTIF")
	must(t, p.Type(ctx, "#id_nb_logements", "3"))
	must(t, p.Type(ctx, "#id_code_postal", "75011"))
	must(t, p.Type(ctx, "#id_ville", "Paris"))
	click("#bouton-creer-anru")
	conv := q(`SELECT c.uuid::text FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		WHERE p.numero_operation = '2026-75-00043'`)
	lot := q(`SELECT l.id::text FROM programmes_lot l JOIN conventions_convention c ON c.id = l.convention_id WHERE c.uuid = $1::uuid`, conv)
	if got := location(ctx, t, p); got != "/conventions/bailleur/"+conv {
		t.Fatalf("après la création : %q, attendu l'étape Bailleur", got)
	}
	if !strings.Contains(text(ctx, t, p, "#stepper"), "Étape 1 sur 8") {
		t.Fatalf("stepper : %q", text(ctx, t, p, "#stepper"))
	}
	// Saving without the signataire: the French message beside the field.
	click("#bouton-enregistrer")
	if stepOf() != "bailleur" || !strings.Contains(text(ctx, t, p, "#erreurs-etape"), "Le nom du signataire de la convention est obligatoire") {
		t.Fatalf("erreur attendue sur le bailleur : %s", stepOf())
	}
	must(t, p.Type(ctx, "#signataire_nom", "Mme Durand"))
	must(t, p.Type(ctx, "#signataire_fonction", "Directrice générale"))
	click("#bouton-enregistrer")
	for _, want := range []string{"programme", "cadastre", "financement"} {
		if got := stepOf(); got != want {
			t.Fatalf("étape %q, attendu %q", got, want)
		}
		if want == "programme" {
			must(t, p.Type(ctx, "#adresse", "5 rue des Tilleuls"))
		}
		if want == "financement" {
			must(t, p.Type(ctx, "#annee_fin_conventionnement", "2065"))
		}
		click("#bouton-enregistrer")
	}
	if stepOf() != "logements" {
		t.Fatalf("étape %q, attendu logements", stepOf())
	}
	// The logements from the spreadsheet: chosen, previewed, confirmed.
	must(t, p.SetFiles(ctx, "#fichier-avec_loyer", xlsx))
	click("#import-avec_loyer button[type=submit]")
	if got := text(ctx, t, p, "#apercu"); !strings.Contains(got, "A2") || !strings.Contains(got, "60,5") && !strings.Contains(got, "60.5") {
		t.Fatalf("aperçu de l'import : %q", got)
	}
	if got := q(`SELECT count(*)::text FROM programmes_logement WHERE lot_id = $1::int`, lot); got != "0" {
		t.Fatalf("%s logements enregistrés avant la confirmation", got)
	}
	// Three logements declared for two rows: the bailleur confirms.
	if got := text(ctx, t, p, "#a-confirmer"); !strings.Contains(got, "(3)") {
		t.Fatalf("confirmation du nombre de logements attendue : %q", got)
	}
	must(t, p.Click(ctx, `label[for="ignore_optional_errors"]`))
	click("#bouton-confirmer")
	if stepOf() != "logements" || q(`SELECT string_agg(designation, ',' ORDER BY designation) FROM programmes_logement WHERE lot_id = $1::int`, lot) != "A1,A2" {
		t.Fatalf("après la confirmation : étape %s", stepOf())
	}
	// One more logement, added in place (htmx) or by a re-rendered page.
	must(t, p.Click(ctx, "#ajouter-avec_loyer"))
	rows := 0
	for i := 0; i < 50 && rows != 3; i++ {
		time.Sleep(100 * time.Millisecond)
		must(t, p.Eval(ctx, `document.readyState === "complete" ? document.querySelectorAll("#lignes-avec_loyer tr").length : 0`, &rows))
	}
	if rows != 3 {
		t.Fatalf("%d lignes après « Ajouter une ligne »", rows)
	}
	last := "#lignes-avec_loyer tr:last-child "
	for col, v := range map[string]string{"designation": "A3", "surface_habitable": "60", "surface_annexes": "0", "surface_annexes_retenue": "0",
		"surface_utile": "60", "loyer_par_metre_carre": "6", "coeficient": "1", "loyer": "360"} {
		must(t, p.Type(ctx, last+`input[name$="-`+col+`"]`, v))
	}
	var ok bool
	must(t, p.Eval(ctx, `(() => { const s = document.querySelector('`+last+`select[name$="-typologie"]'); s.value = "T3"; return s.value === "T3"; })()`, &ok))
	must(t, p.Type(ctx, "#lots-0-nb_logements", "3"))
	click("#bouton-enregistrer")
	if got := q(`SELECT count(*)::text FROM programmes_logement WHERE lot_id = $1::int`, lot); got != "3" || stepOf() != "annexes" {
		t.Fatalf("logements enregistrés : %s, étape %s", got, stepOf())
	}
	for _, want := range []string{"annexes", "stationnements", "commentaires"} {
		if got := stepOf(); got != want {
			t.Fatalf("étape %q, attendu %q", got, want)
		}
		click("#bouton-enregistrer")
	}
	if stepOf() != "recapitulatif" {
		t.Fatalf("après la dernière étape : %q", stepOf())
	}
	if !strings.Contains(text(ctx, t, p, "#section-bailleur"), "Mme Durand") {
		t.Error("le récapitulatif ne montre pas le signataire saisi")
	}
	click("#bouton-soumettre")
	if got := q(`SELECT statut FROM conventions_convention WHERE uuid = $1::uuid`, conv); got != "2. Instruction requise" {
		t.Fatalf("soumission : %q", got)
	}
	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}

// writeTemplate writes the project's template of a table, filled with
// rows from its third line (under the headers and their help), to path.
func writeTemplate(t *testing.T, k importxlsx.Kind, path string, rows [][]any) {
	t.Helper()
	tpl, err := importxlsx.Template(k)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 3+i)
		if err := f.SetSheetRow(k.Sheet(), cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
