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
	if res2 != http.StatusOK || !strings.Contains(body, programme.MsgSignataireNom) || !strings.Contains(body, `value="Autre"`) {
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
	if code != http.StatusOK || !strings.Contains(body, programme.MsgCodePostal) {
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
	// The récapitulatif links its sections to their steps when editable,
	// and reads the saved content.
	_, page = w.bailleur.get(recap(c.UUID))
	for _, want := range []string{`href="/conventions/bailleur/` + c.UUID + `"`, `href="/conventions/programme/` + c.UUID + `"`,
		`href="/conventions/logements/` + c.UUID + `"`, "M. Durand", "Les Tilleuls"} {
		if !strings.Contains(page, want) {
			t.Errorf("récapitulatif : %q absent", want)
		}
	}
	if _, page := w.lecteur.get(recap(c.UUID)); strings.Contains(page, `href="/conventions/bailleur/`+c.UUID+`"`) {
		t.Error("récapitulatif du lecteur : lien de modification")
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
					ImportURL: "/conventions/import/financement/u1",
					Rows: []rowView{{Index: "0", UUID: "r1", Table: "prets", Removable: true, RemoveURL: "/etapes/ligne-retiree",
						Cells: []fieldView{{ID: "prets-0-numero", Name: "prets-0-numero", Label: "Numéro", Kind: kindText, Value: "P1"}}}}}},
				Confirm: []string{"Le nombre de logement à conventionner"}, CommentForms: []commentField{cf}},
			[]string{"Étape 2 sur 8", "Les Calanques", `value="COLLECTIF" selected`, "checked disabled", `name="prets-0-numero" value="P1"`,
				`hx-get="/etapes/financement/u1/ligne/prets"`, `name="remove_row" value="prets-0"`, "Valider quand même", `form="cf-programme__nom__u2"`,
				`id="cf-programme__nom__u2"`, `action="/conventions/import/financement/u1"`, "Le nom du programme est obligatoire", "Enregistrer et continuer"}
	}
}

// A bailleur walks every step of a logements-ordinaires convention, a
// foyer and a résidence, posting each page's own form.
func TestStepWalkEveryNature(t *testing.T) {
	w := newCWorld(t)
	for _, c := range []struct {
		nature string
		want   string
	}{
		{"LOGEMENTSORDINAIRES", "bailleur programme cadastre financement logements annexes stationnements commentaires"},
		{"AUTRE", "bailleur programme cadastre edd financement foyer_residence_logements collectif foyer_attribution variantes commentaires"},
		{"RESISDENCESOCIALE", "bailleur programme cadastre financement foyer_residence_logements collectif residence_attribution variantes commentaires"},
	} {
		conv := w.add(cconv{nature: c.nature})
		got := walk(t, w.bailleur, step("bailleur", conv.UUID), conv.UUID, nil)
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s : étapes %v", c.nature, got)
		}
	}
}

// Rows: added without JavaScript (re-render, nothing saved) or as an
// htmx fragment, saved with the step, removed; the row rules answer
// beside the row with nothing saved; the optional rule asks for a
// confirmation (spec §12 scenarios 18 and 20).
func TestStepRowsOverHTTP(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{})
	path := step("logements", c.UUID)
	count := func() string {
		return w.str(`SELECT count(*)::text FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, c.ID)
	}
	_, page := w.bailleur.get(path)
	for _, want := range []string{`name="avec_loyer-0-designation" value="A1"`, `name="avec_loyer-1-designation" value="A2"`, `name="lots-0-nb_logements" value="2"`,
		"Ajouter une ligne", `hx-get="/etapes/logements/` + c.UUID + `/ligne/avec_loyer"`, `action="/conventions/import/logements/` + c.UUID + `"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page logements : %q absent", want)
		}
	}

	// Without JavaScript: "Ajouter une ligne" re-renders one more row, saves nothing.
	form := formOf(t, page)
	form.Set("add_row", "avec_loyer")
	code, page := postPage(t, w.bailleur, path, form)
	if code != 200 || !strings.Contains(page, `name="avec_loyer-2-designation" value=""`) || count() != "2" {
		t.Fatalf("ajout sans JavaScript : %d, %s logements", code, count())
	}
	// htmx: one empty row.
	code, frag := w.bailleur.get("/etapes/logements/" + c.UUID + "/ligne/avec_loyer")
	if code != 200 || !strings.HasPrefix(strings.TrimSpace(frag), "<tr") || !strings.Contains(frag, "-designation\" value=\"\"") || strings.Contains(frag, "<html") {
		t.Errorf("fragment de ligne : %d %q", code, frag)
	}
	if code, _ := w.bailleur.get("/etapes/logements/" + c.UUID + "/ligne/inconnue"); code != 404 {
		t.Errorf("fragment d'une table inconnue : %d", code)
	}

	// The new row filled and saved with the lot's count.
	form = formOf(t, page)
	for k, v := range map[string]string{"avec_loyer-2-designation": "A3", "avec_loyer-2-typologie": "T3", "avec_loyer-2-surface_habitable": "60",
		"avec_loyer-2-surface_annexes": "0", "avec_loyer-2-surface_annexes_retenue": "0", "avec_loyer-2-surface_utile": "60",
		"avec_loyer-2-loyer_par_metre_carre": "6", "avec_loyer-2-coeficient": "1", "avec_loyer-2-loyer": "360", "lots-0-nb_logements": "3"} {
		form.Set(k, v)
	}
	res, err := w.bailleur.c.PostForm(w.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != step("annexes", c.UUID) || count() != "3" {
		t.Fatalf("enregistrement des lignes : %d → %q, %s logements", res.StatusCode, res.Header.Get("Location"), count())
	}

	// Scenario 18: a loyer 5 € above surface × loyer/m² × coefficient.
	before := w.str(`SELECT string_agg(row_to_json(lg)::text, '|' ORDER BY lg.id) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, c.ID)
	code, _, page = fill(t, w.bailleur, path, map[string]string{"avec_loyer-0-loyer": "305"})
	if code != http.StatusOK || !strings.Contains(page, "tolérance de 1 €") || !strings.Contains(page, `value="305"`) {
		t.Errorf("loyer refusé : %d", code)
	}
	if w.str(`SELECT string_agg(row_to_json(lg)::text, '|' ORDER BY lg.id) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, c.ID) != before {
		t.Error("un loyer refusé a modifié les logements")
	}
	// Scenario 20: 10 logements declared for 3 rows: confirmation, then saved.
	code, _, page = fill(t, w.bailleur, path, map[string]string{"lots-0-nb_logements": "10"})
	if code != http.StatusOK || !strings.Contains(page, "Valider quand même") || w.str(`SELECT nb_logements::text FROM programmes_lot WHERE convention_id = $1`, c.ID) != "3" {
		t.Fatalf("confirmation attendue : %d", code)
	}
	form = formOf(t, page)
	form.Set("ignore_optional_errors", "1")
	res, err = w.bailleur.c.PostForm(w.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || w.str(`SELECT nb_logements::text FROM programmes_lot WHERE convention_id = $1`, c.ID) != "10" {
		t.Errorf("confirmation : %d", res.StatusCode)
	}

	// Removing a row without JavaScript, then saving: the logement is deleted.
	_, page = w.bailleur.get(path)
	form = formOf(t, page)
	form.Set("remove_row", "avec_loyer-2")
	_, page = postPage(t, w.bailleur, path, form)
	if strings.Contains(page, `value="A3"`) {
		t.Error("la ligne retirée est encore affichée")
	}
	form = formOf(t, page)
	form.Set("lots-0-nb_logements", "2")
	res, _ = w.bailleur.c.PostForm(w.srv.URL+path, form)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || count() != "2" {
		t.Errorf("suppression : %d, %s logements", res.StatusCode, count())
	}

	// The other row steps: a prêt, a cadastral reference, an annexe, a stationnement.
	code, _, _ = fill(t, w.bailleur, step("financement", c.UUID)+"", map[string]string{"prets-0-montant": "2000000", "annee_fin_conventionnement": "2065"})
	if code != http.StatusSeeOther || w.str(`SELECT montant::text FROM conventions_pret p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1`, c.ID) != "2000000.00" {
		t.Errorf("prêt : %d", code)
	}
	code, _, page = fill(t, w.bailleur, step("financement", c.UUID), map[string]string{"prets-0-duree": ""})
	if code != http.StatusOK || !strings.Contains(page, programme.MsgCDCDuree) {
		t.Errorf("prêt CDC sans durée : %d", code)
	}
	_, page = w.bailleur.get(step("cadastre", c.UUID))
	form = formOf(t, page)
	form.Set("add_row", programme.TableReferencesCadastrales)
	_, page = postPage(t, w.bailleur, step("cadastre", c.UUID), form)
	form = formOf(t, page)
	for k, v := range map[string]string{"references_cadastrales-1-section": "CD", "references_cadastrales-1-numero": "7",
		"references_cadastrales-1-lieudit": "Le Bourg", "references_cadastrales-1-surface": "120"} {
		form.Set(k, v)
	}
	res, _ = w.bailleur.c.PostForm(w.srv.URL+step("cadastre", c.UUID), form)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || w.str(`SELECT string_agg(section, ',' ORDER BY section) FROM programmes_referencecadastrale WHERE programme_id = $1`, c.Prog) != "AB,CD" {
		t.Errorf("référence cadastrale : %d", res.StatusCode)
	}
	code, _, _ = fill(t, w.bailleur, step("annexes", c.UUID), map[string]string{"annexes-0-loyer": "9", "lots-0-annexe_caves": "1"})
	if code != http.StatusSeeOther || w.str(`SELECT a.loyer::text || '|' || l.annexe_caves::text FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, c.ID) != "9.00|true" {
		t.Errorf("annexe : %d", code)
	}
	code, _, page = fill(t, w.bailleur, step("annexes", c.UUID), map[string]string{"annexes-0-logement_designation": "Z9"})
	if code != http.StatusOK || !strings.Contains(page, programme.MsgLogementInconnu) {
		t.Errorf("annexe d'un logement inconnu : %d", code)
	}
	code, _, _ = fill(t, w.bailleur, step("stationnements", c.UUID), map[string]string{"stationnements-0-nb_stationnements": "5"})
	if code != http.StatusSeeOther || w.str(`SELECT nb_stationnements::text FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id WHERE l.convention_id = $1`, c.ID) != "5" {
		t.Errorf("stationnement : %d", code)
	}
}

func mustField(t *testing.T, object, name string) programme.Field {
	t.Helper()
	f, ok := programme.FieldOf(object, name)
	if !ok {
		t.Fatalf("champ %s.%s absent du catalogue", object, name)
	}
	return f
}
