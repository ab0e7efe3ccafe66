package e2e

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/web"
)

// A staff agent, from the users page, acts as a bailleur: every page then
// shows the impersonation banner, which must pass axe (inside a landmark,
// at desktop and 390 px, like every page visited); the banner's button
// gives the session back to the agent, on the users page.
func TestBrowserImpersonationBanner(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	s := newSeed(t, ctx)
	pool := s.pool
	s.user("sacha.support", "Sacha", true)
	camille := s.user("camille.bailleur", "Camille", false)
	s.role(camille, "BAILLEUR", "bailleur", s.bailleur(), nil)

	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	site := openSite(t, ctx, b, h)
	app, p := site.app, site.p
	click := site.click
	const banner = "#bandeau-usurpation"

	site.login("sacha.support")
	click(`header a[href="/admin/utilisateurs/"]`)
	if got := location(ctx, t, p); got != "/admin/utilisateurs/" {
		t.Fatalf("lien Utilisateurs : %q", got)
	}
	if text(ctx, t, p, banner) != "" {
		t.Fatal("bandeau d'usurpation avant toute usurpation")
	}

	// Acting as the bailleur: the banner names the account, the header
	// shows it and no longer offers the staff's users page.
	click("#devenir-" + camille)
	if got := location(ctx, t, p); got != "/conventions/recherche" {
		t.Errorf("après « se connecter en tant que » : %q, la recherche attendue", got)
	}
	got := strings.Join(strings.Fields(text(ctx, t, p, banner)), " ")
	if want := "Vous agissez en tant que Camille E2E Toute action est faite au nom de ce compte. Revenir à mon compte"; got != want {
		t.Fatalf("bandeau : %q, attendu %q", got, want)
	}
	if name := text(ctx, t, p, "#lien-profil"); name != "Camille E2E" {
		t.Errorf("en-tête : %q, le compte du bailleur attendu", name)
	}
	if text(ctx, t, p, `header a[href="/admin/utilisateurs/"]`) != "" {
		t.Error("le lien Utilisateurs de l'équipe reste offert en agissant pour le bailleur")
	}
	// The banner is on every page: the profile too.
	must(t, p.Navigate(ctx, app.URL+"/apilos_settings/profile/"))
	if !strings.HasPrefix(text(ctx, t, p, banner), "Vous agissez en tant que Camille E2E") {
		t.Errorf("bandeau absent du profil : %q", text(ctx, t, p, banner))
	}

	// Back to the agent's own account, on the users page, no banner.
	click("#revenir-a-mon-compte")
	if got := location(ctx, t, p); got != "/admin/utilisateurs/" {
		t.Errorf("retour : %q, la page des utilisateurs attendue", got)
	}
	if text(ctx, t, p, banner) != "" || text(ctx, t, p, "#lien-profil") != "Sacha E2E" {
		t.Errorf("après retour : bandeau %q, compte %q", text(ctx, t, p, banner), text(ctx, t, p, "#lien-profil"))
	}

	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}
