package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/importxlsx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// contentOf is every row of a convention's content (convention,
// programme, lots, rows, history): a refused request leaves it untouched.
func (w *cworld) contentOf(id int64) string {
	return w.str(`SELECT concat_ws(E'\n',
		(SELECT row_to_json(c)::text FROM conventions_convention c WHERE c.id = $1),
		(SELECT row_to_json(p)::text FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1),
		(SELECT string_agg(row_to_json(l)::text, ',' ORDER BY l.id) FROM programmes_lot l WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_logement x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_annexe x JOIN programmes_logement lg ON lg.id = x.logement_id
			JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM conventions_pret x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_typestationnement x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_locauxcollectifs x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_referencecadastrale x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1),
		(SELECT string_agg(row_to_json(x)::text, ',' ORDER BY x.id) FROM programmes_logementedd x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1),
		(SELECT count(*) FROM conventions_conventionhistory WHERE convention_id = $1)::text)`, id)
}

// rowsOf summarises the rows of a convention's tables.
func (w *cworld) rowsOf(id int64) string {
	return w.str(`SELECT concat_ws('|',
		(SELECT coalesce(string_agg(x.designation, ',' ORDER BY x.designation), '') FROM programmes_logement x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT coalesce(string_agg(x.typologie, ',' ORDER BY x.typologie), '') FROM programmes_annexe x JOIN programmes_logement lg ON lg.id = x.logement_id
			JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
		(SELECT coalesce(string_agg(x.numero, ',' ORDER BY x.numero), '') FROM conventions_pret x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT coalesce(string_agg(x.section, ',' ORDER BY x.section), '') FROM programmes_referencecadastrale x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1),
		(SELECT coalesce(string_agg(x.typologie || ':' || x.nb_stationnements, ',' ORDER BY x.typologie), '') FROM programmes_typestationnement x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT coalesce(string_agg(x.type_local || ':' || x.nombre, ',' ORDER BY x.type_local), '') FROM programmes_locauxcollectifs x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT coalesce(string_agg(x.designation, ',' ORDER BY x.designation), '') FROM programmes_logementedd x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1))`, id)
}

// createANRU creates a convention through the ANRU creation form and
// returns its uuid and id.
func (w *cworld) createANRU(a *actor, numero, nature, nb string) created {
	w.t.Helper()
	form := url.Values{"bailleur": {w.str(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.hlm)},
		"administration": {w.str(`SELECT uuid::text FROM instructeurs_administration WHERE id = $1`, w.adm)},
		"nom":            {"Les Tilleuls " + numero}, "numero_operation": {numero}, "nature_logement": {nature}, "financement": {"PLUS"},
		"type_habitat": {"COLLECTIF"}, "nb_logements": {nb}, "code_postal": {"75011"}, "ville": {"Paris"}}
	res := a.post("/conventions/new_convention_anru", form)
	id, ok := strings.CutPrefix(res.Header.Get("Location"), "/conventions/bailleur/")
	if res.StatusCode != http.StatusSeeOther || !ok {
		w.t.Fatalf("création ANRU : %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	return created{UUID: id, ID: w.id(`SELECT id FROM conventions_convention WHERE uuid = $1`, id)}
}

// createAvenant creates an avenant of a signed convention through
// new_avenant, then ticks its other types from its récapitulatif.
func (w *cworld) createAvenant(a *actor, parent string, types ...string) created {
	w.t.Helper()
	res := a.post("/conventions/new_avenant/"+parent, url.Values{"avenant_type": {types[0]}})
	loc := res.Header.Get("Location")
	// The avenant opens at the step of its first type.
	id := loc[strings.LastIndex(loc, "/")+1:]
	if res.StatusCode != http.StatusSeeOther || len(id) != 36 || loc != step(stepPath(stepOfAvenantType(w, id, types[0]), true), id) {
		w.t.Fatalf("création de l'avenant : %d → %q", res.StatusCode, loc)
	}
	for _, typ := range types[1:] {
		res := a.post("/conventions/new_avenant/"+id, url.Values{"uuid": {id}, "avenant_type": {typ}})
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != step(stepPath(stepOfAvenantType(w, id, typ), true), id) {
			w.t.Fatalf("type %s : %d → %q", typ, res.StatusCode, loc)
		}
	}
	return created{UUID: id, ID: w.id(`SELECT id FROM conventions_convention WHERE uuid = $1`, id)}
}

// stepOfAvenantType is the step an avenant type opens.
func stepOfAvenantType(w *cworld, id, typ string) programme.Step {
	w.t.Helper()
	c, err := programme.Load(context.Background(), w.pool, w.id(`SELECT id FROM conventions_convention WHERE uuid = $1`, id))
	if err != nil {
		w.t.Fatal(err)
	}
	s, _ := programme.AvenantTypeStep(c, typ)
	return s
}

// importXLSX uploads a spreadsheet built from the project's template,
// checks the preview and confirms it.
func (a *actor) importXLSX(kind importxlsx.Kind, id string, rows [][]any) {
	t := a.w.t
	t.Helper()
	_, _, tpl := a.model(string(kind))
	status, page := a.importFile(string(kind), id, string(kind)+".xlsx", xlsxFrom(t, tpl, kind.Sheet(), rows))
	m := tokenRE.FindStringSubmatch(page)
	if status != http.StatusOK || !strings.Contains(page, `id="apercu"`) || m == nil {
		i := strings.Index(page, "<main")
		t.Fatalf("import %s : %d\n%s", kind, status, page[max(i, 0):min(len(page), max(i, 0)+3000)])
	}
	for _, r := range rows {
		if !strings.Contains(page, "<td>"+r[0].(string)+"</td>") {
			t.Errorf("import %s : %q absent de l'aperçu", kind, r[0])
		}
	}
	res := a.post(importURL(kind, id)+"/confirm", url.Values{"token": {m[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirmation de l'import %s : %d", kind, res.StatusCode)
	}
}

// walkForms is walk that also keeps the form posted on each step.
func walkForms(t *testing.T, a *actor, first, id string, changes map[string]map[string]string) ([]string, map[string]url.Values) {
	t.Helper()
	forms := map[string]url.Values{}
	var seen []string
	path := first
	for i := 0; i < 20 && path != recap(id); i++ {
		seg := strings.Split(strings.TrimPrefix(path, "/conventions/"), "/")[0]
		code, page := a.get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s : %d", path, code)
		}
		form := formOf(t, page)
		for k, v := range changes[seg] {
			form.Set(k, v)
		}
		res, body := a.postPage(path, form)
		if res.StatusCode != http.StatusSeeOther {
			msg := body
			for _, id := range []string{`id="erreurs-etape"`, `id="confirmation-etape"`} {
				if i := strings.Index(body, id); i > 0 {
					msg = body[i:min(len(body), i+1500)]
				}
			}
			t.Fatalf("étape %s : %d\n%s", seg, res.StatusCode, msg)
		}
		forms[seg] = form
		seen = append(seen, seg)
		path = res.Header.Get("Location")
	}
	return seen, forms
}

// sameValue compares a posted value with the one the page shows back
// (decimals may gain their trailing zeros).
func sameValue(posted, shown string) bool {
	if posted == shown {
		return true
	}
	a, err1 := decimal.NewFromString(strings.ReplaceAll(posted, ",", "."))
	b, err2 := decimal.NewFromString(strings.ReplaceAll(shown, ",", "."))
	return err1 == nil && err2 == nil && a.Equal(b)
}

// checkShown GETs every walked step and compares its form with the one
// posted: each step renders its saved values.
func checkShown(t *testing.T, a *actor, id string, forms map[string]url.Values) {
	t.Helper()
	segs := make([]string, 0, len(forms))
	for s := range forms {
		segs = append(segs, s)
	}
	sort.Strings(segs)
	for _, seg := range segs {
		_, page := a.get("/conventions/" + seg + "/" + id)
		shown := formOf(t, page)
		for k, vs := range forms[seg] {
			if k == "ignore_optional_errors" {
				continue
			}
			if got := shown[k]; len(got) != len(vs) || !sameValue(vs[0], got[0]) {
				t.Errorf("%s : %s posté %q, affiché %q", seg, k, vs, got)
			}
		}
	}
}

// The "Done when" over HTTP: the bailleur creates a convention
// of each nature through the ANRU form, and an avenant of a signed
// convention; fills every step (rows included); imports every kind of
// spreadsheet from the project's templates; each step shows what was
// saved; nobody outside the scope can change anything; the bailleur
// submits; the instructeur comments a field and asks for corrections;
// the bailleur changes exactly that field (and cannot change another),
// resubmits; the instructeur validates.
func TestStepScenarioFillSubmitCorrectValidate(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0400", signed: true})
	lo := map[string]string{"signataire_nom": "Mme Signataire", "signataire_fonction": "Présidente", "signataire_date_deliberation": "2024-03-15"}
	type imp struct {
		kind importxlsx.Kind
		rows [][]any
	}
	cadastre := imp{importxlsx.Cadastre, [][]any{{"AB", "12", "Les Prés", "5 a", ""}, {"CD", "7", "Le Bourg", "120", ""}}}
	financement := imp{importxlsx.Financement, [][]any{{"P1", "PLUS", "15/01/2024", 40, "1000000", "CDC pour le logement", ""}}}
	foyerLgts := imp{importxlsx.FoyerResidenceLogements, [][]any{{"F1", "T1", "PLUS", "20,5", 400}, {"F2", "T1", "PLUS", "20,5", 400}}}
	locaux := imp{importxlsx.LocauxCollectifs, [][]any{{"Salle commune", 30, 1}}}
	for _, c := range []struct {
		name    string
		nature  string   // ANRU creation
		types   []string // avenant of root
		imports []imp
		walks   [][2]string // first step path segment, expected walked steps
		changes map[string]map[string]string
		shown   map[string]string // step → a value imported or typed, on its page
		rows    string            // the saved rows: logements, annexes, prêts, parcels, stationnements, locaux, EDD
	}{
		{name: "logements ordinaires", nature: "LOGEMENTSORDINAIRES",
			imports: []imp{cadastre, financement,
				{importxlsx.Logements, [][]any{{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}, {"A2", "T3", "PLUS", "60,5", 0, 0, "60,5", "6", "1", "363"}}},
				{importxlsx.Annexes, [][]any{{"Cour", "PLUS", "A1", "T2", 10, 1, 10}}},
				{importxlsx.Stationnements, [][]any{{"Carport", "PLUS", 3, 20}}}},
			walks:   [][2]string{{"bailleur", "bailleur programme cadastre financement logements annexes stationnements commentaires"}},
			changes: map[string]map[string]string{"logements": {"avec_loyer-1-designation": "B2"}, "stationnements": {"stationnements-0-nb_stationnements": "4"}},
			shown:   map[string]string{"cadastre": "Le Bourg", "financement": "1000000", "logements": "B2", "annexes": "Cour", "stationnements": "Carport"},
			rows:    "A1,B2|COUR|P1|AB,CD|CARPORT:4||"},
		{name: "foyer", nature: "AUTRE",
			imports: []imp{cadastre, financement, {importxlsx.EDD, [][]any{{"F1", "PLUS", "1"}, {"F2", "PLUS", "2"}}}, foyerLgts, locaux},
			walks:   [][2]string{{"bailleur", "bailleur programme cadastre edd financement foyer_residence_logements collectif foyer_attribution variantes commentaires"}},
			changes: map[string]map[string]string{"collectif": {"locaux_collectifs-0-nombre": "2"}, "foyer_attribution": {"attribution_type": "agees",
				"attribution_agees_autonomie": "1", "attribution_reservation_prefectorale": "20", "attribution_modalites_reservations": "Commission",
				"attribution_modalites_choix_personnes": "Dossier"}},
			shown: map[string]string{"edd": "F2", "foyer_residence_logements": "F2", "collectif": "Salle commune"},
			rows:  "F1,F2||P1|AB,CD||Salle commune:2|F1,F2"},
		{name: "résidence", nature: "RESISDENCESOCIALE",
			imports: []imp{cadastre, financement, foyerLgts, locaux},
			walks:   [][2]string{{"bailleur", "bailleur programme cadastre financement foyer_residence_logements collectif residence_attribution variantes commentaires"}},
			changes: map[string]map[string]string{"residence_attribution": {"attribution_pension_de_famille": "1", "attribution_reservation_prefectorale": "30",
				"attribution_modalites_reservations": "Commission", "attribution_modalites_choix_personnes": "Dossier"}},
			shown: map[string]string{"foyer_residence_logements": "F1", "collectif": "Salle commune"},
			rows:  "F1,F2||P1|AB,CD||Salle commune:1|"},
		{name: "avenant", types: []string{"bailleur", "logements", "duree", "cadastre", "stationnement", "champ_libre"},
			imports: []imp{cadastre, financement,
				{importxlsx.LogementsSansLoyer, [][]any{{"S1", "T2", "PLUS", 45, 10, 5, 50}}},
				{importxlsx.LogementsCorrigee, [][]any{{"C1", "T2", "PLUS", 45, 55, 6, 1, 330}}},
				{importxlsx.LogementsCorrigeeSansLoyer, [][]any{{"D1", "T2", "PLUS", 45, 55}}},
				{importxlsx.Annexes, [][]any{{"Jardin", "PLUS", "A1", "T2", 10, 1, 10}}},
				{importxlsx.Stationnements, [][]any{{"Carport", "PLUS", 3, 20}}}},
			walks: [][2]string{{"avenant_bailleur", "avenant_bailleur"}, {"avenant_cadastre", "avenant_cadastre"}, {"avenant_financement", "avenant_financement"},
				{"avenant_logements", "avenant_logements avenant_annexes"}, {"avenant_stationnement", "avenant_stationnement"}, {"avenant_champ_libre", "avenant_champ_libre"}},
			changes: map[string]map[string]string{"avenant_logements": {"avec_loyer-0-loyer": "299.5"}, "avenant_champ_libre": {"champ_libre_avenant": "Article 3 modifié"}},
			shown: map[string]string{"avenant_cadastre": "Le Bourg", "avenant_financement": "1000000", "avenant_logements": "C1", "avenant_annexes": "Jardin",
				"avenant_stationnement": "Carport", "avenant_champ_libre": "Article 3 modifié"},
			rows: "A1,A2,C1,D1,S1|JARDIN|P1|AB,CD|CARPORT:3|Salle commune:1|"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var conv created
			if c.nature != "" {
				conv = w.createANRU(w.bailleur, "ANRU-"+c.nature, c.nature, "2")
			} else {
				conv = w.createAvenant(w.bailleur, root.UUID, c.types...)
			}
			first := c.walks[0][0]
			changes := map[string]map[string]string{first: lo, "programme": {"adresse": "3 rue Haute"},
				"financement": {"annee_fin_conventionnement": "2065"}, "avenant_financement": {"annee_fin_conventionnement": "2066"},
				"variantes": {"foyer_residence_variante_2_travaux": "Réfection de la toiture"}}
			for k, v := range c.changes {
				changes[k] = v
			}
			// Every step once (the scalar fields), then the rows from the
			// spreadsheets, then every step again with its rows.
			// (No row yet: the bailleur confirms the count of logements.)
			firstWalk := map[string]map[string]string{"foyer_residence_logements": {"ignore_optional_errors": "1"}}
			for k, v := range changes {
				firstWalk[k] = v
			}
			for _, wk := range c.walks {
				walkForms(t, w.bailleur, step(wk[0], conv.UUID), conv.UUID, firstWalk)
			}
			for _, im := range c.imports {
				w.bailleur.importXLSX(im.kind, conv.UUID, im.rows)
			}
			forms := map[string]url.Values{}
			for _, wk := range c.walks {
				got, fs := walkForms(t, w.bailleur, step(wk[0], conv.UUID), conv.UUID, changes)
				if strings.Join(got, " ") != wk[1] {
					t.Fatalf("étapes %q, attendu %q", got, wk[1])
				}
				for k, v := range fs {
					forms[k] = v
				}
			}
			if got := w.rowsOf(conv.ID); got != c.rows {
				t.Errorf("lignes enregistrées %q, attendu %q", got, c.rows)
			}
			// Each step's GET shows the saved values, imported rows included.
			checkShown(t, w.bailleur, conv.UUID, forms)
			for seg, want := range c.shown {
				if _, page := w.bailleur.get(step(seg, conv.UUID)); !strings.Contains(page, want) {
					t.Errorf("%s : %q absent de la page", seg, want)
				}
			}
			// Outside the scope: every step's POST and the imports answer
			// 404, nothing changes.
			before := w.contentOf(conv.ID)
			for seg, form := range forms {
				if res := w.autre.post(step(seg, conv.UUID), form); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s hors périmètre : %d", seg, res.StatusCode)
				}
			}
			im := c.imports[0]
			_, _, tpl := w.bailleur.model(string(im.kind))
			if status, _ := w.autre.importFile(string(im.kind), conv.UUID, "f.xlsx", xlsxFrom(t, tpl, im.kind.Sheet(), im.rows)); status != http.StatusNotFound {
				t.Errorf("import hors périmètre : %d", status)
			}
			if res := w.autre.post(importURL(im.kind, conv.UUID)+"/confirm", url.Values{"token": {"x"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("confirmation hors périmètre : %d", res.StatusCode)
			}
			if w.contentOf(conv.ID) != before {
				t.Error("une requête hors périmètre a modifié la convention")
			}

			if res := w.bailleur.post("/conventions/save/"+conv.UUID, url.Values{"SubmitConvention": {"True"}}); res.StatusCode != http.StatusSeeOther ||
				w.statut(conv.ID) != string(convention.Instruction) {
				t.Fatalf("soumission : %d, statut %s", res.StatusCode, w.statut(conv.ID))
			}
			w.instr.post("/comments/", url.Values{"convention_uuid": {conv.UUID}, "object_name": {"convention"}, "object_field": {"signataire_nom"},
				"object_uuid": {conv.UUID}, "comment": {"Le signataire doit être le directeur général"}})
			w.instr.post("/conventions/feedback/"+conv.UUID, url.Values{"from_instructeur": {"1"}})
			if w.statut(conv.ID) != string(convention.Correction) {
				t.Fatalf("corrections : statut %s", w.statut(conv.ID))
			}
			_, page := w.bailleur.get(step(first, conv.UUID))
			if !strings.Contains(page, `name="signataire_nom" value="Mme Signataire">`) || !strings.Contains(page, `name="signataire_fonction" value="Présidente" disabled`) ||
				!strings.Contains(page, "Le signataire doit être le directeur général") {
				t.Error("en correction, seul le champ commenté est modifiable et le commentaire est affiché")
			}
			// The récapitulatif links the commented section only.
			_, rp := w.bailleur.get(recap(conv.UUID))
			if !strings.Contains(rp, `href="`+step(first, conv.UUID)+`"`) || strings.Contains(rp, `id="modifier-operation"`) {
				t.Error("récapitulatif en correction : lien de la section commentée seulement")
			}
			// Another field, forged: refused, nothing saved.
			before = w.contentOf(conv.ID)
			code, page := postPage(t, w.bailleur, step(first, conv.UUID), url.Values{"signataire_nom": {"Mme Signataire"}, "signataire_fonction": {"Directrice"}})
			if code != http.StatusForbidden || w.contentOf(conv.ID) != before || !strings.Contains(page, programme.MsgFieldLocked(mustField(t, programme.ObjConvention, "signataire_fonction").Describe())) {
				t.Errorf("champ non commenté : %d, attendu 403 avec le nom du champ, rien d'enregistré", code)
			}
			if code, loc, _ := fill(t, w.bailleur, step(first, conv.UUID), map[string]string{"signataire_nom": "M. Directeur Général"}); code != http.StatusSeeOther || loc == "" {
				t.Fatalf("correction du champ commenté : %d", code)
			}
			if w.str(`SELECT signataire_nom FROM conventions_convention WHERE id = $1`, conv.ID) != "M. Directeur Général" {
				t.Error("correction non enregistrée")
			}
			w.bailleur.post("/conventions/feedback/"+conv.UUID, url.Values{"comment": {"Corrigé"}})
			if w.statut(conv.ID) != string(convention.Instruction) {
				t.Fatalf("renvoi : statut %s", w.statut(conv.ID))
			}
			num := "75.D.26." + conv.UUID[:4]
			if c.nature == "" {
				num = "1"
			}
			// The comments stay open: the instructeur confirms (issue 12.6).
			if res := w.instr.post("/conventions/validate/"+conv.UUID, url.Values{"convention_numero": {num}, "confirmer_commentaires_ouverts": {"1"}}); res.StatusCode != http.StatusSeeOther ||
				w.statut(conv.ID) != string(convention.ASigner) {
				t.Errorf("validation : %d, statut %s", res.StatusCode, w.statut(conv.ID))
			}
		})
	}
}

// Every avenant type opens its steps (avenant_*): each page renders, its
// own form saves, the values come back; the steps of the types not ticked
// answer 404.
func TestAvenantStepsEveryType(t *testing.T) {
	w := newCWorld(t)
	attribution := map[string]string{"attribution_reservation_prefectorale": "25", "attribution_modalites_reservations": "Commission",
		"attribution_modalites_choix_personnes": "Dossier"}
	changes := map[string]map[string]string{
		"avenant_bailleur":              {"signataire_nom": "M. Avenant"},
		"avenant_programme":             {"adresse": "5 rue Basse"},
		"avenant_cadastre":              {"references_cadastrales-0-lieudit": "Le Haut"},
		"avenant_financement":           {"annee_fin_conventionnement": "2070"},
		"avenant_logements":             {"avec_loyer-0-loyer": "299.5"},
		"avenant_annexes":               {"annexes-0-loyer": "9"},
		"avenant_stationnement":         {"stationnements-0-nb_stationnements": "5"},
		"avenant_champ_libre":           {"champ_libre_avenant": "Article 4 modifié"},
		"avenant_collectif":             {"locaux_collectifs-0-nombre": "2"},
		"avenant_variantes":             {"foyer_residence_variante_2_travaux": "Façades"},
		"avenant_foyer_attribution":     {"attribution_type": "agees", "attribution_agees_ephad": "1"},
		"avenant_residence_attribution": {"attribution_pension_de_famille": "1"},
	}
	for k, v := range attribution {
		changes["avenant_foyer_attribution"][k] = v
		changes["avenant_residence_attribution"][k] = v
	}
	cases := []struct {
		nature, typ, steps, notTicked string
	}{
		{"LOGEMENTSORDINAIRES", "bailleur", "avenant_bailleur", "avenant_programme"},
		{"LOGEMENTSORDINAIRES", "programme", "avenant_programme", "avenant_bailleur"},
		{"LOGEMENTSORDINAIRES", "cadastre", "avenant_cadastre", "avenant_edd"},
		{"LOGEMENTSORDINAIRES", "edd", "avenant_edd", "avenant_cadastre"},
		{"LOGEMENTSORDINAIRES", "duree", "avenant_financement", "avenant_logements"},
		{"LOGEMENTSORDINAIRES", "logements", "avenant_logements avenant_annexes", "avenant_stationnement"},
		{"LOGEMENTSORDINAIRES", "stationnement", "avenant_stationnement", "avenant_annexes"},
		{"LOGEMENTSORDINAIRES", "champ_libre", "avenant_champ_libre", "avenant_commentaires"},
		{"LOGEMENTSORDINAIRES", "commentaires", "avenant_commentaires", "avenant_champ_libre"},
		{"AUTRE", "logements", "avenant_foyer_residence_logements avenant_collectif", "avenant_foyer_attribution"},
		{"AUTRE", "foyer_attribution", "avenant_foyer_attribution", "avenant_variantes"},
		{"AUTRE", "variantes", "avenant_variantes", "avenant_collectif"},
		{"RESISDENCESOCIALE", "logements", "avenant_foyer_residence_logements avenant_collectif", "avenant_residence_attribution"},
		{"RESISDENCESOCIALE", "residence_attribution", "avenant_residence_attribution", "avenant_variantes"},
		{"RESISDENCESOCIALE", "variantes", "avenant_variantes", "avenant_foyer_residence_logements"},
	}
	for i, c := range cases {
		t.Run(c.nature+"/"+c.typ, func(t *testing.T) {
			root := w.add(cconv{nature: c.nature, statut: string(convention.Signee), numero: fmt.Sprintf("75.D.25.%04d", 500+i), signed: true})
			av := w.createAvenant(w.bailleur, root.UUID, c.typ)
			first := strings.Fields(c.steps)[0]
			got, forms := walkForms(t, w.bailleur, step(first, av.UUID), av.UUID, changes)
			if strings.Join(got, " ") != c.steps {
				t.Fatalf("étapes %v, attendu %q", got, c.steps)
			}
			checkShown(t, w.bailleur, av.UUID, forms)
			for _, seg := range got {
				for k, v := range changes[seg] {
					if v == "1" || k == "attribution_type" {
						continue
					}
					if _, page := w.bailleur.get(step(seg, av.UUID)); !strings.Contains(page, v) {
						t.Errorf("%s : %s=%q absent de la page", seg, k, v)
					}
				}
			}
			before := w.contentOf(av.ID)
			if code, _ := w.bailleur.get(step(c.notTicked, av.UUID)); code != http.StatusNotFound {
				t.Errorf("GET %s (type non coché) : %d", c.notTicked, code)
			}
			if res := w.bailleur.post(step(c.notTicked, av.UUID), url.Values{"signataire_nom": {"Intrus"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s (type non coché) : %d", c.notTicked, res.StatusCode)
			}
			if res := w.autre.post(step(first, av.UUID), forms[first]); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST hors périmètre : %d", res.StatusCode)
			}
			if w.contentOf(av.ID) != before {
				t.Error("une requête refusée a modifié l'avenant")
			}
		})
	}
}
