package e2e

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// A bailleur creates an ANRU convention in a real browser: from the
// choice page, fills the form (a refused postal code first), and lands
// on the Bailleur step of the created convention.
func TestBrowserCreateANRU(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	q := func(sql string, args ...any) string {
		t.Helper()
		var s string
		if err := pool.QueryRow(ctx, sql, args...).Scan(&s); err != nil {
			t.Fatalf("%s : %v", sql, err)
		}
		return s
	}
	const pw = "Mot de passe e2e 2026"
	q(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id::text`)
	bail := q(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', 'HLM') RETURNING id::text`)
	uid := q(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser, is_staff,
			preferences_email, date_joined) VALUES ($1, 'camille.bailleur', 'c@example.org', 'Camille', 'E2E', true, false, false, 'AUCUN', now())
		RETURNING id::text`, password.PBKDF2SHA256(pw, "anruSel2026", 1000))
	q(`INSERT INTO users_role (typologie, bailleur_id, user_id, group_id)
		VALUES ('BAILLEUR', $1::int, $2::int, (SELECT id FROM auth_group WHERE name = 'bailleur')) RETURNING id::text`, bail, uid)

	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(h)
	defer app.Close()
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	watchAccessibility(t, p, app.URL)
	click := func(sel string) { t.Helper(); must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, sel) })) }
	choose := func(sel, value string) {
		t.Helper()
		var ok bool
		must(t, p.Eval(ctx, `(() => { const s = document.querySelector('`+sel+`'); s.value = '`+value+`'; return s.value === '`+value+`'; })()`, &ok))
		if !ok {
			t.Fatalf("%s : choix %q impossible", sel, value)
		}
	}

	must(t, p.Navigate(ctx, app.URL+"/accounts/login/"))
	must(t, p.Type(ctx, "#id_username", "camille.bailleur"))
	must(t, p.Type(ctx, "#id_password", pw))
	click("#bouton-connexion")
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
