package e2e

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/web"
)

// A bailleur creates an ANRU convention in a real browser: from the
// choice page, fills the form (a refused postal code first), and lands
// on the Bailleur step of the created convention.
func TestBrowserCreateANRU(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	s := newSeed(t, ctx)
	pool, q := s.pool, s.q
	s.administration()
	bail := s.bailleur()
	s.role(s.user("camille.bailleur", "Camille", false), "BAILLEUR", "bailleur", bail, nil)

	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	site := openSite(t, ctx, b, h)
	app, p := site.app, site.p
	click := site.click
	choose := site.choose

	site.login("camille.bailleur")
	must(t, p.Navigate(ctx, app.URL+"/conventions/new_convention_choice"))
	click(`a[href="/conventions/new_convention_anru"]`)
	if got := location(ctx, t, p); got != "/conventions/new_convention_anru" {
		t.Fatalf("page ANRU attendue : %q", got)
	}
	// The single bailleur and administration are already chosen.
	must(t, p.Type(ctx, "#id_nom", "Résidence du Canal"))
	must(t, p.Type(ctx, "#id_numero_operation", "2026-75-ANRU-1"))
	choose("#id_nature_logement", "LOGEMENTSORDINAIRES")
	choose("#id_financement", "PLUS")
	choose("#id_type_habitat", "COLLECTIF")
	must(t, p.Type(ctx, "#id_nb_logements", "24"))
	must(t, p.Type(ctx, "#id_code_postal", "7501"))
	must(t, p.Type(ctx, "#id_ville", "Paris"))
	click("#bouton-creer-anru")
	// A 4-digit postal code: the form comes back with the field's message and the input kept.
	if msg := text(ctx, t, p, "#erreurs-creation"); !strings.Contains(msg, "code postal") {
		t.Fatalf("erreur du code postal absente : %q", msg)
	}
	var kept string
	must(t, p.Eval(ctx, `document.querySelector('#id_nom').value`, &kept))
	if kept != "Résidence du Canal" {
		t.Errorf("saisie perdue : %q", kept)
	}
	must(t, p.Eval(ctx, `(() => { document.querySelector('#id_code_postal').value = ''; return ''; })()`, &kept))
	must(t, p.Type(ctx, "#id_code_postal", "75019"))
	click("#bouton-creer-anru")

	conv := q(`SELECT c.uuid::text FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		WHERE p.numero_operation = '2026-75-ANRU-1'`)
	if got := location(ctx, t, p); got != "/conventions/bailleur/"+conv {
		t.Fatalf("étape Bailleur attendue : %q", got)
	}
	if body := text(ctx, t, p, "main"); !strings.Contains(body, "La convention a été créée") || !strings.Contains(body, "Paris Habitat OPH") {
		t.Errorf("page de l'étape Bailleur : %.300q", body)
	}
	if got := q(`SELECT c.statut || '|' || l.financement || '|' || l.nb_logements || '|' || p.code_postal FROM conventions_convention c
		JOIN programmes_lot l ON l.convention_id = c.id JOIN programmes_programme p ON p.id = c.programme_id WHERE c.uuid = $1::uuid`, conv); got != "1. Projet|PLUS|24|75019" {
		t.Errorf("convention créée : %s", got)
	}
}
