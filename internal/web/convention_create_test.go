package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

func init() {
	addPerm := func(answer string) map[string]string {
		return map[string]string{"*": answer, "anonyme": "302", "administrateur_departemental_lecture": "403",
			"instructeur_lecture": "403", "bailleur_lecture": "403", "partenaire": "403"}
	}
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/new_convention_choice", Want: map[string]string{"*": "200", "anonyme": "302"}},
		matrixRow{Pattern: "GET /conventions/new_convention_anru", Want: addPerm("200")},
		// The empty form is refused with its messages.
		matrixRow{Pattern: "POST /conventions/new_convention_anru", Want: addPerm("422")},
	)
}

// counts is the number of programmes, conventions and lots.
func (w *cworld) counts() string {
	return w.str(`SELECT (SELECT count(*) FROM programmes_programme) || '/' || (SELECT count(*) FROM conventions_convention)
		|| '/' || (SELECT count(*) FROM programmes_lot)`)
}

// postPage sends a form and returns the response with its unescaped page.
func (a *actor) postPage(path string, form url.Values) (*http.Response, string) {
	a.w.t.Helper()
	res, err := a.c.PostForm(a.w.srv.URL+path, form)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, html.UnescapeString(string(b))
}

func TestCreateANRUOverHTTP(t *testing.T) {
	w := newCWorld(t)
	hlm := w.str(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.hlm)
	assoc := w.str(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.assoc)
	adm := w.str(`SELECT uuid::text FROM instructeurs_administration WHERE id = $1`, w.adm)
	otherAdm := w.str(`SELECT uuid::text FROM instructeurs_administration WHERE id = $1`, w.otherAdm)
	form := func(numero string, mod func(url.Values)) url.Values {
		v := url.Values{"bailleur": {hlm}, "administration": {adm}, "nom": {"Les Tilleuls"}, "numero_operation": {numero},
			"nature_logement": {"LOGEMENTSORDINAIRES"}, "financement": {"PLUS"}, "type_habitat": {"COLLECTIF"},
			"nb_logements": {"12"}, "code_postal": {"75011"}, "ville": {"Paris"}}
		if mod != nil {
			mod(v)
		}
		return v
	}

	// The entry points: the header and the choice page.
	_, home := w.bailleur.get("/conventions/recherche")
	if !strings.Contains(home, `href="/conventions/new_convention_choice"`) {
		t.Error("en-tête : pas de lien « Créer une convention » pour un bailleur")
	}
	if _, page := w.lecteur.get("/conventions/recherche"); strings.Contains(page, "lien-creer-convention") {
		t.Error("en-tête : lien de création proposé à une habilitation en lecture seule")
	}
	if st, page := w.bailleur.get("/conventions/new_convention_choice"); st != 200 || !strings.Contains(page, `href="/conventions/new_convention_anru"`) {
		t.Fatalf("page de choix : %d", st)
	}
	st, page := w.bailleur.get("/conventions/new_convention_anru")
	if st != 200 || !strings.Contains(page, "Paris Habitat OPH") || strings.Contains(page, "Association Toit") {
		t.Fatalf("formulaire ANRU : %d, le bailleur doit voir son seul bailleur", st)
	}

	for _, tc := range []struct {
		name           string
		who            *actor
		numero, nature string
		mod            func(url.Values)
	}{
		{"logements ordinaires par le bailleur", w.bailleur, "ANRU-1", "LOGEMENTSORDINAIRES", nil},
		{"foyer par l'instructeur pour un autre bailleur", w.instr, "ANRU-2", "AUTRE", func(v url.Values) { v.Set("bailleur", assoc) }},
		{"résidence par le bailleur", w.bailleur, "ANRU-3", "RESISDENCESOCIALE", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.who.post("/conventions/new_convention_anru", form(tc.numero, func(v url.Values) {
				v.Set("nature_logement", tc.nature)
				if tc.mod != nil {
					tc.mod(v)
				}
			}))
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("réponse %d", res.StatusCode)
			}
			loc := res.Header.Get("Location")
			id := strings.TrimPrefix(loc, "/conventions/bailleur/")
			if id == loc {
				t.Fatalf("redirigé vers %s, attendu la première étape", loc)
			}
			got := w.str(`SELECT c.statut || '|' || c.cree_par_id || '|' || p.nature_logement || '|' || p.numero_operation || '|' ||
					l.financement || '|' || l.nb_logements || '|' || p.administration_id
				FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
				JOIN programmes_lot l ON l.convention_id = c.id WHERE c.uuid = $1`, id)
			want := strings.Join([]string{"1. Projet", strconv.FormatInt(tc.who.userID, 10), tc.nature, tc.numero, "PLUS", "12", strconv.FormatInt(w.adm, 10)}, "|")
			if got != want {
				t.Errorf("convention créée %q, attendu %q", got, want)
			}
		})
	}

	t.Run("saisie invalide", func(t *testing.T) {
		before := w.counts()
		res, page := w.bailleur.postPage("/conventions/new_convention_anru", form("ANRU-4", func(v url.Values) {
			v.Set("code_postal", "75")
			v.Set("nom", "")
		}))
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("réponse %d, attendu 422", res.StatusCode)
		}
		for _, msg := range []string{programme.MsgCodePostal, programme.MsgNomProgramme} {
			if !strings.Contains(page, msg) {
				t.Errorf("message « %s » absent de la page", msg)
			}
		}
		if !strings.Contains(page, `value="ANRU-4"`) {
			t.Error("la saisie n'est pas conservée")
		}
		if after := w.counts(); after != before {
			t.Errorf("lignes %s, %s avant", after, before)
		}
	})

	for _, tc := range []struct {
		name   string
		who    *actor
		mod    func(url.Values)
		status int
	}{
		{"bailleur d'un autre", w.bailleur, func(v url.Values) { v.Set("bailleur", assoc) }, http.StatusNotFound},
		{"administration d'un autre instructeur", w.instr, func(v url.Values) { v.Set("administration", otherAdm) }, http.StatusNotFound},
		{"lecture seule", w.lecteur, nil, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.counts()
			res := tc.who.post("/conventions/new_convention_anru", form("ANRU-X", tc.mod))
			if res.StatusCode != tc.status {
				t.Fatalf("réponse %d, attendu %d", res.StatusCode, tc.status)
			}
			if after := w.counts(); after != before {
				t.Errorf("lignes %s, %s avant", after, before)
			}
		})
	}
}

func init() {
	errs := programme.Problems{{Row: -1, Field: "code_postal", Message: programme.MsgCodePostal}}
	renderFixtures["convention_new_choice"] = func(p Page) (any, []string) {
		return newConventionChoiceView{Page: p, CanCreate: true},
			[]string{`href="/conventions/new_convention_anru"`, `action="/conventions/from_operation"`, `href="/conventions/from_operation"`}
	}
	renderFixtures["convention_new_anru"] = func(p Page) (any, []string) {
		f := newField("code_postal", programme.ObjProgramme, "code_postal", "75", errs)
		b := newField("bailleur", programme.ObjBailleur, "uuid", "u1", nil).withOptions([]programme.Option{{Value: "u1", Label: "Paris Habitat"}})
		return anruView{Page: p, Errors: errs.Messages(), Fields: []creationField{b, f}},
			[]string{`<option value="u1" selected>Paris Habitat</option>`, `value="75"`, "fr-input-group--error", programme.MsgCodePostal,
				"La convention n'a pas été créée", `action="/conventions/new_convention_anru"`}
	}
	renderFixtures["convention_from_operation"] = func(p Page) (any, []string) {
		m := matchOf(search.Operation{NumeroOperation: "2020-75-1", Nom: "Les Tilleuls", Bailleur: "Paris Habitat", Commune: "75011 Paris", Conventions: 2})
		return fromOperationView{Page: p, Numero: "2020-75-1", Searched: true, Nearby: []operationMatch{m}},
			[]string{"Les Tilleuls", `href="/conventions/from_operation/add_convention/2020-75-1"`, `href="/operations/2020-75-1"`, "Étape 1 sur 3"}
	}
	renderFixtures["convention_add_signed"] = func(p Page) (any, []string) {
		op := &programme.SignedOperation{NumeroOperation: "2020-75-1", Nom: "Les Tilleuls", Financements: programme.FinancementsEDD}
		file := newField("nom_fichier_signe", programme.ObjConvention, "nom_fichier_signe", "", nil)
		file.Type = "file"
		return addSignedView{Page: p, Operation: op, Action: addSignedURL("2020-75-1"), Fields: []creationField{file},
				Conventions: []operationConvention{{URL: "/conventions/post_action/x", Numero: "75.D.20.1", Statut: "Valide"}}},
			[]string{"Étape 2 sur 3", `type="file"`, `name="nom_fichier_signe"`, "75.D.20.1", `enctype="multipart/form-data"`}
	}
	renderFixtures["convention_add_signed_avenants"] = func(p Page) (any, []string) {
		conv := &programme.SignedConvention{Numero: "75.D.20.1", Programme: "Les Tilleuls", NumeroOperation: "2020-75-1"}
		file := newField("nom_fichier_signe", programme.ObjConvention, "nom_fichier_signe_avenant", "", nil)
		file.Type = "file"
		return addAvenantsView{Page: p, Convention: conv, Action: addAvenantsURL("x"), RecapURL: "/conventions/post_action/x", Fields: []creationField{file},
				Avenants: []addedAvenant{{URL: "/conventions/post_action/y", Numero: "1", Statut: "Signé", Annee: "2004", Types: "Champ libre"}}},
			[]string{"Étape 3 sur 3", `name="nom_fichier_signe"`, "Avenant signé (PDF)", "2004", "Champ libre", `enctype="multipart/form-data"`}
	}
}
