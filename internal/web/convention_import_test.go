package web

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/importxlsx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// xlsxFrom fills a downloaded template with rows from row 3.
func xlsxFrom(t testing.TB, tpl []byte, sheet string, rows [][]any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 3+i)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// model downloads a template (status, Content-Disposition, bytes).
func (a *actor) model(typ string) (int, string, []byte) {
	res, body := a.download("/conventions/load_xlsx_model/" + typ)
	return res.StatusCode, res.Header.Get("Content-Disposition"), []byte(body)
}

// importFile posts a file to the import of a table and returns the
// status and the unescaped page.
func (a *actor) importFile(kind, id, name string, content []byte) (int, string) {
	a.w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	res, err := a.c.Post(a.w.srv.URL+"/conventions/import/"+kind+"/"+id, mw.FormDataContentType(), &buf)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

var tokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

const qLogementsWeb = `SELECT coalesce(string_agg(lg.designation || ':' || lg.loyer, ',' ORDER BY lg.designation), '')
	FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`

// Every template downloads, and a filled template is read back by the
// importer; the zip holds them all; an unknown type is a 404.
func TestXLSXModels(t *testing.T) {
	w := newCWorld(t)
	rows := map[importxlsx.Kind][]any{
		importxlsx.Logements:                  {"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300},
		importxlsx.LogementsSansLoyer:         {"A1", "T2", "PLUS", 45, 10, 5, 50},
		importxlsx.LogementsCorrigee:          {"A1", "T2", "PLUS", 45, 55, 6, 1, 330},
		importxlsx.LogementsCorrigeeSansLoyer: {"A1", "T2", "PLUS", 45, 55},
		importxlsx.FoyerResidenceLogements:    {"101", "T1", "PLUS", 20, 400},
		importxlsx.Annexes:                    {"Cour", "PLUS", "A1", "T2", 10, 1, 10},
		importxlsx.Stationnements:             {"Carport", "PLUS", 3, 20},
		importxlsx.Cadastre:                   {"AB", "12", "Les Prés", "5 a", ""},
		importxlsx.EDD:                        {"A1", "PLUS", "1"},
		importxlsx.Financement:                {"P1", "PLUS", "15/01/2024", 40, 1000, "CDC pour le logement", ""},
		importxlsx.LocauxCollectifs:           {"Salle commune", 30, 1},
	}
	for _, k := range importxlsx.Kinds {
		status, disp, b := w.bailleur.model(string(k))
		if status != http.StatusOK || !strings.Contains(disp, "attachment") || !strings.Contains(disp, k.FileName()) {
			t.Fatalf("%s : %d %q", k, status, disp)
		}
		res, err := importxlsx.Read(bytes.NewReader(xlsxFrom(t, b, k.Sheet(), [][]any{rows[k]})), k)
		if err != nil || res.Len() != 1 || len(res.Warnings) != 0 {
			t.Errorf("%s : modèle relu %v %+v", k, err, res)
		}
	}
	status, disp, b := w.bailleur.model("all")
	if status != http.StatusOK || !strings.Contains(disp, importxlsx.ZipName) {
		t.Fatalf("zip : %d %q", status, disp)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(z.File) != len(importxlsx.Kinds) {
		t.Fatalf("zip : %v, %d fichiers", err, len(z.File))
	}
	if status, _, _ := w.bailleur.model("communes"); status != http.StatusNotFound {
		t.Errorf("type inconnu : %d", status)
	}
}

// Upload, preview, confirm: the rows replace the table and the user
// goes back to the step.
func TestImportPreviewConfirm(t *testing.T) {
	w := newCWorld(t)
	cv := w.add(cconv{logements: 2})
	// The step page offers the import of its table.
	if status, page := w.bailleur.get("/conventions/logements/" + cv.UUID); status != http.StatusOK ||
		!strings.Contains(page, `action="/conventions/import/logements/`+cv.UUID+`"`) {
		t.Fatalf("page de l'étape : %d, formulaire d'import absent", status)
	}
	_, _, tpl := w.bailleur.model("logements")
	file := xlsxFrom(t, tpl, "Logements", [][]any{
		{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300},
		{"B2", "T3", "PLUS", "60,5", 0, 0, "60,5", "6", "1", "363"},
	})
	status, page := w.bailleur.importFile("logements", cv.UUID, "lgts.xlsx", file)
	if status != http.StatusOK || !strings.Contains(page, `id="apercu"`) || !strings.Contains(page, "B2") {
		t.Fatalf("aperçu : %d\n%s", status, page)
	}
	if got := w.str(qLogementsWeb, cv.ID); got != "A1:300.00,A2:300.00" {
		t.Fatalf("rien ne doit être enregistré avant la confirmation : %q", got)
	}
	m := tokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("pas de jeton de confirmation")
	}
	res := w.bailleur.post("/conventions/import/logements/"+cv.UUID+"/confirm", url.Values{"token": {m[1]}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/conventions/logements/"+cv.UUID {
		t.Fatalf("confirmation : %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := w.str(qLogementsWeb, cv.ID); got != "A1:300.00,B2:363.00" {
		t.Errorf("enregistré %q", got)
	}
	// The import is gone once saved: a second confirmation is refused.
	res = w.bailleur.post("/conventions/import/logements/"+cv.UUID+"/confirm", url.Values{"token": {m[1]}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("seconde confirmation : %d", res.StatusCode)
	}
}

// Problems: of the file (format), of cells (sheet, line, column), of the
// step's rules; a forged token; nothing saved, never a 500.
func TestImportProblems(t *testing.T) {
	w := newCWorld(t)
	cv := w.add(cconv{logements: 2})
	before := w.str(qLogementsWeb, cv.ID)
	_, _, tpl := w.bailleur.model("logements")
	cases := []struct {
		name   string
		file   []byte
		status int
		want   string
	}{
		{"pas un xlsx", []byte("designation;type\nA1;T2\n"), http.StatusUnprocessableEntity, importxlsx.MsgFormat},
		{"mauvaise feuille", func() []byte { b, _ := importxlsx.Template(importxlsx.Annexes); return b }(), http.StatusUnprocessableEntity,
			importxlsx.MsgSheet("Logements")},
		{"cellule illisible", xlsxFrom(t, tpl, "Logements", [][]any{{"A1", "T9", "PLUS", 45, 10, 5, 50, 6, 1, 300}}), http.StatusUnprocessableEntity,
			"Feuille « Logements », ligne 3, colonne B (Type) : La valeur « T9 » doit faire partie des valeurs"},
		{"règle de l'étape", xlsxFrom(t, tpl, "Logements", [][]any{{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}, {"A2", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 999}}),
			http.StatusOK, "Feuille « Logements », ligne 4, colonne J (Loyer maximum du logement en €) : " + programme.MsgLoyer(false, decimalOf("300"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, page := w.bailleur.importFile("logements", cv.UUID, "f.xlsx", c.file)
			if status != c.status || !strings.Contains(page, c.want) {
				t.Errorf("%d, attendu %d avec %q\n%s", status, c.status, c.want, page)
			}
			if strings.Contains(page, `id="bouton-confirmer"`) {
				t.Error("un import refusé ne doit pas pouvoir être confirmé")
			}
		})
	}
	res := w.bailleur.post("/conventions/import/logements/"+cv.UUID+"/confirm", url.Values{"token": {"forge"}})
	if res.StatusCode != http.StatusConflict {
		t.Errorf("jeton forgé : %d", res.StatusCode)
	}
	if after := w.str(qLogementsWeb, cv.ID); after != before {
		t.Errorf("logements modifiés : %q → %q", before, after)
	}
}

// Scope and editability: out of scope is a 404; a convention the user may
// not edit now is refused in French; nothing changes.
func TestImportAccess(t *testing.T) {
	w := newCWorld(t)
	cv := w.add(cconv{logements: 2})
	sent := w.add(cconv{logements: 2, statut: "2. Instruction requise"})
	_, _, tpl := w.bailleur.model("logements")
	file := xlsxFrom(t, tpl, "Logements", [][]any{{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}, {"A2", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}})
	if status, _ := w.autre.importFile("logements", cv.UUID, "f.xlsx", file); status != http.StatusNotFound {
		t.Errorf("hors périmètre : %d", status)
	}
	if res := w.autre.post("/conventions/import/logements/"+cv.UUID+"/confirm", url.Values{"token": {"x"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("confirmation hors périmètre : %d", res.StatusCode)
	}
	if status, _ := w.bailleur.get("/conventions/import/inconnu/" + cv.UUID); status != http.StatusNotFound {
		t.Errorf("tableau inconnu : %d", status)
	}
	before := w.str(qLogementsWeb, sent.ID)
	status, page := w.bailleur.importFile("logements", sent.UUID, "f.xlsx", file)
	if status != http.StatusForbidden || !strings.Contains(page, programme.MsgNotEditable) {
		t.Errorf("convention en instruction : %d\n%s", status, page)
	}
	if after := w.str(qLogementsWeb, sent.ID); after != before {
		t.Errorf("logements modifiés : %q → %q", before, after)
	}
	if status, page := w.bailleur.get("/conventions/import/logements/" + cv.UUID); status != http.StatusOK || !strings.Contains(page, `id="form-import"`) {
		t.Errorf("formulaire : %d", status)
	}
}

func decimalOf(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Permission-matrix rows of the import routes: inside the rule, an empty
// upload asks for the file (400) and a confirmation without a previewed
// import is refused (409).
func init() {
	row := func(pattern, perm, in string) matrixRow {
		_, p, _ := strings.Cut(pattern, " ")
		return matrixRow{Pattern: pattern, Path: strings.ReplaceAll(p, "{kind}", "logements"), Want: permWant(perm, in)}
	}
	renderFixtures["convention_import"] = func(p Page) (any, []string) {
		return importView{Page: p, H: conventionHeader{UUID: "u1", Title: "Convention n° 1"}, Table: "Annexes", Sheet: "Annexes",
				FormURL: "/conventions/import/annexes/u1", ConfirmURL: "/conventions/import/annexes/u1/confirm", ModelURL: "/conventions/load_xlsx_model/annexes",
				StepURL: "/conventions/annexes/u1", Editable: true, Headers: []string{"Type d'annexe"}, Rows: []importRow{{Line: 3, Values: []string{"Cour"}}},
				Count: 1, CanConfirm: true, Token: "jeton", Optional: []string{"À confirmer"}, Warnings: []string{"Colonne ignorée"}},
			[]string{`action="/conventions/import/annexes/u1/confirm"`, `name="token" value="jeton"`, "Cour", "À confirmer", "Colonne ignorée",
				`name="ignore_optional_errors"`, `href="/conventions/load_xlsx_model/annexes"`}
	}
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/load_xlsx_model/{type}", Path: "/conventions/load_xlsx_model/annexes",
			Want: map[string]string{"*": "200", "anonyme": "302"}},
		row("GET /conventions/import/{kind}/{uuid}", "view", "200"),
		row("POST /conventions/import/{kind}/{uuid}", "change", "400"),
		row("POST /conventions/import/{kind}/{uuid}/confirm", "change", "409"),
	)
}
