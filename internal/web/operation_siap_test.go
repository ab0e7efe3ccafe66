package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

// post posts an empty form without following the redirect.
func (c *cerbereSite) post(u string) (int, string, string) {
	c.t.Helper()
	resp, err := c.browser.PostForm(u, url.Values{})
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

// mockOperationAs is the mock SIAP operation under another number, with
// the JSON fragments of replace applied (old, new pairs).
func mockOperationAs(t *testing.T, numero string, replace ...string) string {
	b, err := siapMockFile("operation.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), `"`+siap.MockOperation+`"`, `"`+numero+`"`)
	return strings.NewReplacer(replace...).Replace(s)
}

// A CERBERE user opens an operation known only to SIAP: the page shows
// what its import would create; the button imports it in one
// transaction, within the habilitation's scope; a refusal creates
// nothing.
func TestOperationFromSIAP(t *testing.T) {
	ctx := context.Background()
	c := newCerbereSite(t)
	// Log in with the first valid habilitation: maître d'ouvrage 3F
	// (SIREN 782855696), the bailleur of the mock operation.
	if _, status, body := c.follow(c.srv.URL + "/test/whoami"); status != http.StatusOK || !strings.Contains(body, "hab=5") {
		t.Fatalf("login: %d %s", status, body)
	}
	count := func(numero string) (progs, convs int) {
		c.pool.QueryRow(ctx, `SELECT count(*) FROM programmes_programme WHERE numero_operation = $1`, numero).Scan(&progs)
		c.pool.QueryRow(ctx, `SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
			WHERE p.numero_operation = $1`, numero).Scan(&convs)
		return
	}
	opURL := c.srv.URL + "/operations/" + siap.MockOperation

	// GET: the SIAP operation with the convention to create; nothing written.
	status, _, page := c.get(opURL)
	if status != http.StatusOK {
		t.Fatalf("GET: %d", status)
	}
	for _, want := range []string{"Programme 2", "3F", "13010 Marseille", "Logements ordinaires", "Opération connue du SIAP",
		`id="conventions-a-creer"`, "PLUS", "Collectif", "Créer les conventions"} {
		if !strings.Contains(page, want) {
			t.Errorf("GET: %q missing", want)
		}
	}
	if p, n := count(siap.MockOperation); p != 0 || n != 0 {
		t.Errorf("the GET wrote %d programmes, %d conventions", p, n)
	}
	calls := c.siap.CallsTo(siaptest.OperationPrefix + siap.MockOperation)
	if len(calls) != 1 || calls[0].Login != "nicolas.oudard" || calls[0].HabID != 5 {
		t.Errorf("SIAP calls = %+v", calls)
	}

	// POST: imported, one PLUS convention created by the user.
	status, loc, _ := c.post(opURL)
	if status != http.StatusSeeOther || loc != "/operations/"+siap.MockOperation {
		t.Fatalf("POST: %d %q", status, loc)
	}
	var fin, statut, bailleurSiren string
	var creePar *string
	if err := c.pool.QueryRow(ctx, `SELECT l.financement, c.statut, b.siren, u.username FROM conventions_convention c
		JOIN programmes_lot l ON l.convention_id = c.id JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id LEFT JOIN users_user u ON u.id = c.cree_par_id
		WHERE p.numero_operation = $1`, siap.MockOperation).Scan(&fin, &statut, &bailleurSiren, &creePar); err != nil {
		t.Fatal(err)
	}
	if fin != "PLUS" || statut != "1. Projet" || bailleurSiren != "782855696" || creePar == nil || *creePar != "4242" {
		t.Errorf("imported: %s %s %s %v", fin, statut, bailleurSiren, creePar)
	}
	// Its lot has the two garage types of the PLUS aid.
	var stationnements string
	c.pool.QueryRow(ctx, `SELECT string_agg(s.typologie || ' ' || s.nb_stationnements || ' ' || s.loyer, ', ' ORDER BY s.id)
		FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id JOIN conventions_convention c ON c.id = l.convention_id
		JOIN programmes_programme p ON p.id = c.programme_id WHERE p.numero_operation = $1`, siap.MockOperation).Scan(&stationnements)
	if want := "GARAGE_ENTERRE 0 0.00, PARKING_SUPERSTRUCTURE 0 0.00"; stationnements != want {
		t.Errorf("stationnements %q, want %q", stationnements, want)
	}
	_, _, page = c.get(c.srv.URL + loc)
	if !strings.Contains(page, "1 convention a été créée.") || !strings.Contains(page, `id="conventions-operation"`) || strings.Contains(page, "Opération connue du SIAP") {
		t.Error("page after the import: message or local conventions missing")
	}
	// A second import creates nothing.
	_, loc, _ = c.post(opURL)
	if _, _, page = c.get(c.srv.URL + loc); !strings.Contains(page, "rien n'a été créé") {
		t.Error("second import: message missing")
	}
	if p, n := count(siap.MockOperation); p != 1 || n != 1 {
		t.Errorf("after two imports: %d programmes, %d conventions", p, n)
	}

	// An operation SIAP answers for this habilitation but of another
	// bailleur: out of the habilitation's scope, shown nowhere, 404 on
	// POST, nothing created (not even the bailleur).
	const autre = "13-2026-AUTRE"
	c.siap.On(siaptest.OperationPrefix+autre, siaptest.Answer{Status: 200,
		Body: mockOperationAs(t, autre, `"782855696"`, `"552100554"`, `"nom": "3F"`, `"nom": "Autre bailleur"`)})
	if status, loc, _ := c.get(c.srv.URL + "/operations/" + autre); status != http.StatusFound || !strings.HasPrefix(loc, "/conventions/recherche") {
		t.Errorf("GET out of scope: %d %q", status, loc)
	}
	if status, _, _ := c.post(c.srv.URL + "/operations/" + autre); status != http.StatusNotFound {
		t.Errorf("POST out of scope: %d", status)
	}
	var n int
	c.pool.QueryRow(ctx, `SELECT count(*) FROM bailleurs_bailleur WHERE siren = '552100554'`).Scan(&n)
	if p, cv := count(autre); p != 0 || cv != 0 || n != 0 {
		t.Errorf("out of scope: %d programmes, %d conventions, %d bailleurs", p, cv, n)
	}

	// Refusals with SIAP's French reason, nothing created.
	const pasAide, panne, loyer = "13-2026-ADP", "13-2026-PANNE", "13-2026-LOYER"
	c.siap.On(siaptest.OperationPrefix+pasAide, siaptest.Answer{Status: 200, Body: mockOperationAs(t, pasAide, `"PLUS"`, `"PLAI_ADP"`)})
	c.siap.On(siaptest.OperationPrefix+panne, siaptest.Answer{Status: 503})
	c.siap.On(siaptest.OperationPrefix+loyer, siaptest.Answer{Status: 200, Body: mockOperationAs(t, loyer, `"loyer": 0`, `"loyer": 10000`)})
	for _, tt := range []struct{ numero, msg string }{
		{pasAide, siap.MsgConventionNotNeeded},
		{panne, siap.MsgTimeout},
		{loyer, "Données du SIAP pour le financement PLUS : Loyer maximum du stationnement en € : 10\u00a0000,00\u00a0€ doit être inférieur"},
	} {
		u := c.srv.URL + "/operations/" + tt.numero
		status, loc, _ := c.post(u)
		if status != http.StatusSeeOther {
			t.Errorf("%s: POST %d", tt.numero, status)
			continue
		}
		// The operation page, then the search page when nothing is local.
		_, _, page := c.follow(c.srv.URL + loc)
		if !strings.Contains(page, tt.msg) {
			t.Errorf("%s: message %q missing", tt.numero, tt.msg)
		}
		if p, cv := count(tt.numero); p != 0 || cv != 0 {
			t.Errorf("%s: %d programmes, %d conventions", tt.numero, p, cv)
		}
	}

	// Unknown to SIAP and to APiLos: the page says both; the POST is a 404.
	const inconnue = "13-2026-INCONNUE"
	_, _, page = c.follow(c.srv.URL + "/operations/" + inconnue)
	for _, want := range []string{"L'opération " + inconnue + " n'existe pas dans le SIAP", "Aucun programme trouvé"} {
		if !strings.Contains(page, want) {
			t.Errorf("unknown operation: %q missing", want)
		}
	}
	if status, _, _ := c.post(c.srv.URL + "/operations/" + inconnue); status != http.StatusNotFound {
		t.Errorf("POST unknown operation: %d", status)
	}
}
