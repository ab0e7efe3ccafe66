package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/demo"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

func init() {
	for _, p := range legalPages {
		matrixRows = append(matrixRows, matrixRow{Pattern: "GET " + p.path, Want: map[string]string{"*": "200"}})
		renderFixtures[p.page] = func(page Page) (any, []string) { return page, []string{"<h1>" + p.title + "</h1>"} }
	}
}

// The four footer pages answer in the DSFR layout, are linked from the
// footer of every page (the current one marked), and say what the spec
// and the law expect of them.
func TestLegalPages(t *testing.T) {
	s := newTestServer(t, Options{Environment: "production"})
	h := s.handler()
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, html.UnescapeString(rec.Body.String())
	}
	_, home := get("/")
	for _, c := range []struct {
		path  string
		title string
		must  []string
	}{
		{"/accessibilite", "Déclaration d'accessibilité", []string{"non conforme", "RGAA", "version 4.1", "Contenus non accessibles",
			"Dérogations pour charge disproportionnée", "Contenus non soumis à l'obligation d'accessibilité", "Défenseur des droits", "article 47 de la loi n° 2005-102"}},
		{"/mentions-legales", "Mentions légales", []string{"Éditeur", "Direction de l'habitat, de l'urbanisme et des paysages (DHUP)",
			"Directeur de la publication", "Scalingo SAS", "13 rue Jacques Peirotes", "licence etalab-2.0"}},
		{"/donnees-personnelles", "Données personnelles", []string{"RGPD", "Responsable du traitement", "Base légale", "mission d'intérêt public",
			"Durées de conservation", "Sous-traitants", "apilos_session", "CNIL"}},
		{"/cgu", "Conditions générales d'utilisation", []string{"Objet du service", "Engagements de l'utilisateur", "antivirus", "Droit applicable"}},
	} {
		code, page := get(c.path)
		if code != http.StatusOK {
			t.Errorf("%s : %d", c.path, code)
			continue
		}
		if !strings.Contains(page, "<title>"+c.title+" - APiLos</title>") || !strings.Contains(page, "<h1>"+c.title+"</h1>") {
			t.Errorf("%s : titre absent", c.path)
		}
		for _, part := range []string{`class="fr-header"`, `class="fr-footer"`, `id="contenu"`, `href="` + c.path + `" aria-current="page"`} {
			if !strings.Contains(page, part) {
				t.Errorf("%s : gabarit DSFR incomplet, %q absent", c.path, part)
			}
		}
		for _, m := range c.must {
			if !strings.Contains(page, m) {
				t.Errorf("%s : %q absent", c.path, m)
			}
		}
		if !strings.Contains(home, `<a class="fr-footer__bottom-link" href="`+c.path+`">`) {
			t.Errorf("pied de page de l'accueil : pas de lien vers %s", c.path)
		}
	}
}

// File names are user text: the header carries them whole, without
// letting quotes, semicolons or line breaks change it.
func TestContentDisposition(t *testing.T) {
	for _, name := range []string{
		"convention_75.D.26.0001_2026-03-15_10-00.pdf",
		`Plan "RDC".pdf`,
		"a; filename=evil.exe",
		"ligne\r\nSet-Cookie: x=y.pdf",
		"Façade été – n° 3.pdf",
		`back\slash.pdf`,
	} {
		for _, kind := range []string{"inline", "attachment"} {
			h := contentDisposition(kind, name)
			if strings.ContainsAny(h, "\r\n") {
				t.Errorf("%q : retour à la ligne dans l'en-tête %q", name, h)
			}
			k, params, err := mime.ParseMediaType(h)
			if err != nil || k != kind || params["filename"] != name || len(params) != 1 {
				t.Errorf("%q : en-tête %q relu %s %v %v", name, h, k, params, err)
			}
		}
	}
	if got := contentDisposition("attachment", ""); got != "attachment" {
		t.Errorf("nom vide : %q", got)
	}
}

// The demo's signed conventions link to PDFs that exist: loaded with
// the demo dataset, the documents StoreDocuments writes are served by
// display_pdf to the demo instructeur.
func TestDemoSignedPDFServed(t *testing.T) {
	w := newCWorld(t)
	ctx := context.Background()
	var buf bytes.Buffer
	if err := demo.WriteJSON(&buf, demo.Dataset(demo.DefaultSeed)); err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(ctx, w.pool, []fixture.Source{{Name: "demo.json", Data: buf.Bytes()}}); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.StoreDocuments(ctx, w.pool, w.store); err != nil {
		t.Fatal(err)
	}
	su := w.login(w.superuser.userID, 0)
	rows, err := w.pool.Query(ctx, `SELECT uuid::text, nom_fichier_signe FROM conventions_convention WHERE nom_fichier_signe IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		n++
		res, err := su.Get(w.srv.URL + "/conventions/display_pdf/" + id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		_, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) ||
			params["filename"] != name {
			t.Errorf("document signé de %s : %d %s", id, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if n == 0 {
		t.Fatal("aucune convention signée dans le jeu de démonstration")
	}
	// The demo instructeur (a real demo account) opens one from the page.
	var userID, roleID int64
	var conv string
	if err := w.pool.QueryRow(ctx, `SELECT u.id, r.id, c.uuid::text FROM users_user u JOIN users_role r ON r.user_id = u.id
		JOIN programmes_programme p ON p.administration_id = r.administration_id
		JOIN conventions_convention c ON c.programme_id = p.id
		WHERE u.username = 'demo.instructeur' AND c.nom_fichier_signe IS NOT NULL ORDER BY c.id LIMIT 1`).Scan(&userID, &roleID, &conv); err != nil {
		t.Fatal(err)
	}
	ins := &actor{w: w, c: w.login(userID, roleID)}
	code, page := ins.get("/conventions/sent/" + conv)
	if code != http.StatusOK || !strings.Contains(page, "/conventions/display_pdf/"+conv) {
		t.Fatalf("page du document signé : %d", code)
	}
	if res, body := ins.download("/conventions/display_pdf/" + conv); res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
		t.Errorf("PDF de démonstration : %d", res.StatusCode)
	}
}
