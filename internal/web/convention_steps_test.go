package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Every field the step forms bind exists in its Input type (the
// reflection binding would silently ignore a misspelt one).
func TestStepFormsBindInputFields(t *testing.T) {
	for _, nature := range []string{"LOGEMENTSORDINAIRES", "AUTRE", "RESIDENCESOCIALE"} {
		for _, avenant := range []bool{false, true} {
			c := &programme.Content{}
			c.Programme.NatureLogement = nature
			if avenant {
				p := int64(1)
				c.Convention.ParentID = &p
			}
			for _, s := range []programme.Step{programme.StepBailleur, programme.StepProgramme, programme.StepCadastre, programme.StepEDD,
				programme.StepFinancement, programme.StepLogements, programme.StepFoyerResidenceLogements, programme.StepAnnexes,
				programme.StepStationnements, programme.StepCollectif, programme.StepFoyerAttribution, programme.StepResidenceAttribution,
				programme.StepVariantes, programme.StepCommentaires, programme.StepChampLibre} {
				in := programme.StoredInput(c, s)
				if in == nil {
					t.Fatalf("%s : pas de formulaire", s)
				}
				v := addressable(in)
				d := describeStep(c, s)
				n := 0
				for _, g := range d.groups {
					for _, f := range g.fields {
						n++
						if !v.FieldByName(f.gof).IsValid() {
							t.Errorf("%s : %s.%s inconnu", s, v.Type().Name(), f.gof)
						}
					}
				}
				if d.lots != nil {
					lot := v.FieldByName("Lots").Type().Elem()
					for _, f := range d.lots.fields {
						n++
						if _, ok := lot.FieldByName(f.gof); !ok {
							t.Errorf("%s : %s.%s inconnu", s, lot.Name(), f.gof)
						}
					}
					if d.lots.annexes {
						n++
						if _, ok := lot.FieldByName("Options"); !ok {
							t.Errorf("%s : %s sans Options", s, lot.Name())
						}
					}
				}
				for _, tb := range d.tables {
					row := tb.rows(v).Type().Elem()
					for _, f := range tb.cols {
						n++
						if sf, ok := row.FieldByName(f.gof); !ok || sf.Type.Kind() != reflect.String {
							t.Errorf("%s/%s : %s.%s inconnu", s, tb.table, row.Name(), f.gof)
						}
					}
				}
				if n == 0 {
					t.Errorf("%s : aucun champ", s)
				}
			}
		}
	}
}

// stepPath of a convention of the world.
func step(s, id string) string { return "/conventions/" + s + "/" + id }

// form returns the values a browser would post from a step page: the
// stored values of the enabled inputs (parsed from the page is overkill
// here; tests build the form from the Input they expect to send).
func TestStepBailleurAndProgrammeOverHTTP(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{})
	other := w.add(cconv{bailleur: w.assoc, adm: w.otherAdm})

	code, page := w.bailleur.get(step("bailleur", c.UUID))
	if code != 200 {
		t.Fatalf("GET bailleur : %d", code)
	}
	for _, want := range []string{"Mme Martin", `name="signataire_nom"`, "Nom du signataire", "Étape 1 sur", "Paris Habitat OPH", "Enregistrer et continuer"} {
		if !strings.Contains(page, want) {
			t.Errorf("page bailleur : %q absent", want)
		}
	}

	// POST saves and goes to the next step.
	res := w.bailleur.post(step("bailleur", c.UUID), url.Values{"signataire_nom": {"M. Durand"}, "signataire_fonction": {"Directeur"},
		"signataire_date_deliberation": {"2024-03-15"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != step("programme", c.UUID) {
		t.Fatalf("POST bailleur : %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := w.str(`SELECT signataire_nom || '|' || signataire_fonction || '|' || signataire_date_deliberation::text FROM conventions_convention WHERE id = $1`, c.ID); got != "M. Durand|Directeur|2024-03-15" {
		t.Errorf("enregistré : %q", got)
	}
	if _, page := w.bailleur.get(step("bailleur", c.UUID)); !strings.Contains(page, `value="M. Durand"`) || !strings.Contains(page, `value="2024-03-15"`) {
		t.Error("la page ne montre pas les valeurs enregistrées")
	}

	// A validation error re-renders with the French message; nothing saved.
	before := w.snapshot(c.ID)
	res2, body := postPage(t, w.bailleur, step("bailleur", c.UUID), url.Values{"signataire_nom": {""}, "signataire_fonction": {"Autre"}})
	if res2 != http.StatusUnprocessableEntity || !strings.Contains(body, programme.MsgSignataireNom) || !strings.Contains(body, `value="Autre"`) {
		t.Errorf("erreur de validation : %d, message ou saisie absents", res2)
	}
	if w.snapshot(c.ID) != before {
		t.Error("une saisie refusée a modifié la convention")
	}

	// Programme step: saved values, then a bad code postal.
	res = w.bailleur.post(step("programme", c.UUID), url.Values{"nom": {"Les Tilleuls"}, "adresse": {"3 rue Haute"}, "code_postal": {"75011"},
		"ville": {"Paris"}, "type_habitat": {"COLLECTIF"}, "anru": {"1"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != step("cadastre", c.UUID) {
		t.Fatalf("POST programme : %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if got := w.str(`SELECT p.nom || '|' || c.adresse || '|' || p.anru::text FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, c.ID); got != "Les Tilleuls|3 rue Haute|true" {
		t.Errorf("programme enregistré : %q", got)
	}
	code, body = postPage(t, w.bailleur, step("programme", c.UUID), url.Values{"nom": {"X"}, "adresse": {"a"}, "code_postal": {"750"}, "ville": {"Paris"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, programme.MsgCodePostal) {
		t.Errorf("code postal refusé : %d", code)
	}

	// Outside the scope: 404 for GET and POST, nothing changed.
	before = w.snapshot(other.ID)
	if code, _ := w.bailleur.get(step("bailleur", other.UUID)); code != http.StatusNotFound {
		t.Errorf("GET hors périmètre : %d", code)
	}
	if res := w.bailleur.post(step("bailleur", other.UUID), url.Values{"signataire_nom": {"Intrus"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST hors périmètre : %d", res.StatusCode)
	}
	if w.snapshot(other.ID) != before {
		t.Error("un POST hors périmètre a modifié la convention")
	}
	// A step that does not belong to the convention, or the avenant path
	// of a convention: 404.
	for _, p := range []string{"collectif", "avenant_bailleur", "inconnue", "champ_libre"} {
		if code, _ := w.bailleur.get(step(p, c.UUID)); code != http.StatusNotFound {
			t.Errorf("GET %s : %d, attendu 404", p, code)
		}
	}
	// A read-only instructeur sees the page, every input disabled, no save button.
	code, page = w.lecteur.get(step("bailleur", c.UUID))
	if code != 200 || strings.Contains(page, "Enregistrer et continuer") || !strings.Contains(page, `name="signataire_nom" value="M. Durand" disabled`) {
		t.Errorf("lecteur : %d, page modifiable", code)
	}
	if res := w.lecteur.post(step("bailleur", c.UUID), url.Values{"signataire_nom": {"Lecteur"}}); res.StatusCode == http.StatusSeeOther {
		t.Error("le lecteur a enregistré")
	}
	if w.str(`SELECT signataire_nom FROM conventions_convention WHERE id = $1`, c.ID) != "M. Durand" {
		t.Error("le POST du lecteur a modifié la convention")
	}
}

// postPage posts a form and returns the status and the unescaped page.
func postPage(t *testing.T, a *actor, path string, form url.Values) (int, string) {
	t.Helper()
	res, err := a.c.PostForm(a.w.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

func init() {
	// A new row is offered only where the table may be changed now: the
	// C13 and R13 conventions of the matrix world are not editable by
	// their personas (statut), so the fragment answers 404 there too.
	row := permWant("change", "200")
	row["administrateur_departemental"], row["bailleur_cerbere"] = "404|404", "404|404"
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/{step}/{uuid}", Path: "/conventions/commentaires/{uuid}", Want: permWant("view", "200")},
		matrixRow{Pattern: "POST /conventions/{step}/{uuid}", Path: "/conventions/commentaires/{uuid}", Want: permWant("change", "303")},
		matrixRow{Pattern: "GET /etapes/{step}/{uuid}/ligne/{table}", Path: "/etapes/cadastre/{uuid}/ligne/references_cadastrales", Want: row},
		matrixRow{Pattern: "GET /etapes/ligne-retiree", Want: map[string]string{"*": "200", "anonyme": "302"}},
	)
}

// Fixture of the step page for TestRenderAllTemplates.
func init() {
	renderFixtures["convention_step"] = func(p Page) (any, []string) {
		h := conventionHeader{UUID: "u1", Title: "Convention sans numéro", RecapURL: "/conventions/recapitulatif/u1"}
		cf := commentField{Enabled: true, CanAdd: true, Key: "programme__nom__u2", Label: "Nom de l'opération", NomObjet: "programme",
			ChampObjet: "nom", ConventionUUID: "u1", Next: "/conventions/programme/u1",
			Comments: []commentItem{{UUID: "c1", Author: "Dominique", Message: "Nom à corriger", StatutLabel: "Ouvert", CanResolve: true}}, Count: 1}
		return stepView{Page: p, H: h, Action: "/conventions/programme/u1", Editable: true, RecapURL: h.RecapURL, Next: "/conventions/cadastre/u1",
				Stepper: stepperView{Title: "Opération", Current: 2, Count: 8, NextTitle: "Cadastre",
					Items: []stepItem{{Label: "Bailleur", URL: "/conventions/bailleur/u1"}, {Label: "Opération", URL: "/conventions/programme/u1", Current: true}}},
				Groups: []fieldGroupView{{Title: "Opération", Fields: []fieldView{
					{ID: "nom", Name: "nom", Label: "Nom de l'opération", Kind: kindText, Value: "Les Calanques", Comment: cf, Errors: []string{"Le nom du programme est obligatoire"}},
					{ID: "type_habitat", Name: "type_habitat", Label: "Type d'habitat", Kind: kindSelect, Options: []optionView{{Value: "COLLECTIF", Label: "Collectif", Selected: true}}},
					{ID: "anru", Name: "anru", Label: "Opération ANRU", Kind: kindCheckbox, Value: "1", Checked: true, Disabled: true},
					{ID: "attribution_type", Name: "attribution_type", Label: "Type de foyer", Kind: kindRadio, Options: []optionView{{Value: "agees", Label: "Personnes âgées"}}},
				}}},
				Tables: []tableView{{ID: "prets", Title: "Prêts et financements", Columns: []string{"Numéro"}, CanAdd: true, AddURL: "/etapes/financement/u1/ligne/prets",
					ImportURL: "/conventions/u1/import/financement",
					Rows: []rowView{{Index: "0", UUID: "r1", Table: "prets", Removable: true, RemoveURL: "/etapes/ligne-retiree",
						Cells: []fieldView{{ID: "prets-0-numero", Name: "prets-0-numero", Label: "Numéro", Kind: kindText, Value: "P1"}}}}}},
				Confirm: []string{"Le nombre de logement à conventionner"}, CommentForms: []commentField{cf}},
			[]string{"Étape 2 sur 8", "Les Calanques", `value="COLLECTIF" selected`, "checked disabled", `name="prets-0-numero" value="P1"`,
				`hx-get="/etapes/financement/u1/ligne/prets"`, `name="remove_row" value="prets-0"`, "Valider quand même", `form="cf-programme__nom__u2"`,
				`id="cf-programme__nom__u2"`, `action="/conventions/u1/import/financement"`, "Le nom du programme est obligatoire", "Enregistrer et continuer"}
	}
}
