package web

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

func init() {
	addPerm := func(answer string) map[string]string {
		return map[string]string{"*": answer, "anonyme": "302", "administrateur_departemental_lecture": "403",
			"instructeur_lecture": "403", "bailleur_lecture": "403", "partenaire": "403"}
	}
	back := "303>/conventions/from_operation?numero_operation=13-2099-0001"
	matrixRows = append(matrixRows,
		matrixRow{Pattern: "GET /conventions/from_operation", Want: addPerm("200")},
		// An unknown operation: back to step 1 with the message.
		matrixRow{Pattern: "GET /conventions/from_operation/add_convention/{numero...}",
			Path: "/conventions/from_operation/add_convention/13-2099-0001", Want: addPerm(back)},
		matrixRow{Pattern: "POST /conventions/from_operation/add_convention/{numero...}",
			Path: "/conventions/from_operation/add_convention/13-2099-0001", Want: addPerm(back)},
		// Step 3 of an unknown convention: 404.
		matrixRow{Pattern: "GET /conventions/from_operation/add_avenants/{uuid}",
			Path: "/conventions/from_operation/add_avenants/00000000-0000-0000-0000-000000000000", Want: addPerm("404")},
		matrixRow{Pattern: "POST /conventions/from_operation/add_avenants/{uuid}",
			Path: "/conventions/from_operation/add_avenants/00000000-0000-0000-0000-000000000000", Want: addPerm("404")},
	)
}

// multipartPost posts fields and, when content is not nil, one file.
func (a *actor) multipartPost(path string, fields url.Values, fileField string, content []byte) (*http.Response, string) {
	a.w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if content != nil {
		fw, _ := mw.CreateFormFile(fileField, "convention.pdf")
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.w.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := a.c.Do(req)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, html.UnescapeString(string(b))
}

func TestAddSignedConventionOverHTTP(t *testing.T) {
	w := newCWorld(t)
	op := w.add(cconv{statut: "5. Signée", numero: "75.D.20.0001", numOp: "2020-75-00042"})
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	fields := func(mod func(url.Values)) url.Values {
		v := url.Values{"numero": {"75.D.01.0099"}, "financement": {"PLAI"}, "nb_logements": {"8"}, "annee_signature": {"2001"}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	step2 := "/conventions/from_operation/add_convention/2020-75-00042"

	// Step 1: the operation is found by its number, nearby ones by a
	// number typed without separators.
	st, page := w.bailleur.get("/conventions/from_operation?numero_operation=2020-75-00042")
	if st != 200 || !strings.Contains(page, `href="`+step2+`"`) || !strings.Contains(page, "Opération trouvée") {
		t.Fatalf("étape 1 : %d", st)
	}
	if _, page := w.bailleur.get("/conventions/from_operation?numero_operation=20207500042"); !strings.Contains(page, `href="`+step2+`"`) {
		t.Error("étape 1 : l'opération proche n'est pas proposée")
	}
	if _, page := w.autre.get("/conventions/from_operation?numero_operation=2020-75-00042"); strings.Contains(page, step2) {
		t.Error("étape 1 : opération d'une autre administration proposée")
	}

	// Step 2: the form offers the free financements only.
	st, page = w.bailleur.get(step2)
	if st != 200 || !strings.Contains(page, `<option value="PLAI">`) || strings.Contains(page, `<option value="PLUS">`) {
		t.Fatalf("étape 2 : %d", st)
	}

	t.Run("saisie invalide", func(t *testing.T) {
		before := w.counts()
		res, page := w.bailleur.multipartPost(step2, fields(func(v url.Values) { v.Set("financement", "PLUS") }), "", nil)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("réponse %d", res.StatusCode)
		}
		for _, msg := range []string{"l'opération a déjà une convention pour ce financement", convention.MsgFileMissing} {
			if !strings.Contains(page, msg) {
				t.Errorf("message « %s » absent", msg)
			}
		}
		if after := w.counts(); after != before {
			t.Errorf("lignes %s, %s avant", after, before)
		}
	})

	t.Run("hors périmètre", func(t *testing.T) {
		before := w.counts()
		res, _ := w.autre.multipartPost(step2, fields(nil), "nom_fichier_signe", pdf)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/conventions/from_operation?") {
			t.Fatalf("réponse %d vers %s", res.StatusCode, res.Header.Get("Location"))
		}
		if after := w.counts(); after != before {
			t.Errorf("lignes %s, %s avant", after, before)
		}
		if res := w.lecteur.post(step2, fields(nil)); res.StatusCode != http.StatusForbidden {
			t.Errorf("lecture seule : %d", res.StatusCode)
		}
	})

	t.Run("convention ajoutée", func(t *testing.T) {
		res, _ := w.bailleur.multipartPost(step2, fields(nil), "nom_fichier_signe", pdf)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("réponse %d", res.StatusCode)
		}
		id := strings.TrimPrefix(res.Header.Get("Location"), "/conventions/from_operation/add_avenants/")
		got := w.str(`SELECT c.statut || '|' || c.numero || '|' || c.televersement_convention_signee_le || '|' || (c.programme_id = $2) || '|' ||
				l.financement || '|' || l.nb_logements || '|' || s.statut
			FROM conventions_convention c JOIN programmes_lot l ON l.convention_id = c.id
			JOIN upload_scan s ON s.storage_key = 'conventions/' || c.uuid || '/convention_docs/' || c.nom_fichier_signe
			WHERE c.uuid::text = $1`, id, op.Prog)
		if got != "5. Signée|75.D.01.0099|2001-01-01|true|PLAI|8|en_attente" {
			t.Errorf("convention ajoutée %q", got)
		}
		page := w.bailleur.follow(res)
		if !strings.Contains(page, "La convention 75.D.01.0099 a bien été ajoutée dans Apilos !") || !strings.Contains(page, "Étape 3 sur 3") {
			t.Error("message de succès ou étape 3 absents")
		}

		// Step 3: the avenants the convention already had.
		step3 := addAvenantsURL(id)
		avenant := func(mod func(url.Values)) url.Values {
			v := url.Values{"numero": {"1"}, "annee_signature": {"2004"}, "nb_logements": {"9"}, "champ_libre_avenant": {"Un logement de plus"}}
			if mod != nil {
				mod(v)
			}
			return v
		}
		before := w.counts()
		res, page = w.bailleur.multipartPost(step3, avenant(nil), "nom_fichier_signe", nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Avenant signé (PDF) : ") || !strings.Contains(page, `value="Un logement de plus"`) {
			t.Errorf("avenant sans fichier : %d", res.StatusCode)
		}
		if res, _ := w.autre.multipartPost(step3, avenant(nil), "nom_fichier_signe", pdf); res.StatusCode != http.StatusNotFound {
			t.Errorf("avenant hors périmètre : %d", res.StatusCode)
		}
		if code, _ := w.autre.get(step3); code != http.StatusNotFound {
			t.Errorf("étape 3 hors périmètre : %d", code)
		}
		if after := w.counts(); after != before {
			t.Errorf("lignes %s après les refus, %s avant", after, before)
		}
		res, _ = w.bailleur.multipartPost(step3, avenant(nil), "nom_fichier_signe", pdf)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != step3 {
			t.Fatalf("avenant : %d vers %s", res.StatusCode, res.Header.Get("Location"))
		}
		got = w.str(`SELECT a.statut || '|' || a.numero || '|' || a.televersement_convention_signee_le || '|' || l.nb_logements || '|' || a.champ_libre_avenant
			FROM conventions_convention a JOIN conventions_convention c ON c.id = a.parent_id JOIN programmes_lot l ON l.convention_id = a.id
			WHERE c.uuid::text = $1`, id)
		if got != "5. Signée|1|2004-01-01|9|Un logement de plus" {
			t.Errorf("avenant ajouté %q", got)
		}
		page = w.bailleur.follow(res)
		for _, want := range []string{"L'avenant 1 a bien été ajouté dans Apilos !", `id="avenants-ajoutes"`, "2004", "Champ libre"} {
			if !strings.Contains(page, want) {
				t.Errorf("étape 3 : %q absent", want)
			}
		}
	})
}
