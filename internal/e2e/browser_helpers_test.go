package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// browserRequired: in CI (CI=true) or with APILOS_REQUIRE_BROWSER=1 a
// missing Chromium fails the test; elsewhere it is skipped with the way
// to install it.
func browserRequired() bool {
	return strings.EqualFold(os.Getenv("CI"), "true") || os.Getenv("CI") == "1" || os.Getenv("APILOS_REQUIRE_BROWSER") == "1"
}

// launch starts Chromium for the test and closes it at cleanup.
func launch(t *testing.T) *Browser {
	t.Helper()
	path := FindChromium()
	if path == "" {
		msg := "chromium introuvable : installez le paquet Debian « chromium » (make test le fait), ou donnez son chemin dans APILOS_CHROMIUM"
		if browserRequired() {
			t.Fatal(msg + " ; le test navigateur est obligatoire ici (CI=true ou APILOS_REQUIRE_BROWSER=1)")
		}
		t.Skip(msg + " ; test ignoré en local (il est obligatoire avec CI=true ou APILOS_REQUIRE_BROWSER=1)")
	}
	b, err := Launch(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("arrêt de chromium : %v", err)
		}
	})
	return b
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// e2ePassword is the password of every user a browser test creates.
const e2ePassword = "Mot de passe e2e 2026"

// seed is a browser test's own database, permissions loaded, with the
// inserts its tests share.
type seed struct {
	t    *testing.T
	ctx  context.Context
	pool *pgxpool.Pool
	hash string
}

func newSeed(t *testing.T, ctx context.Context) *seed {
	t.Helper()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	// Few PBKDF2 rounds: the login test checks the production count.
	return &seed{t: t, ctx: ctx, pool: pool, hash: password.PBKDF2SHA256(e2ePassword, "e2eSeed2026", 1000)}
}

// q runs one statement returning one value, as text.
func (s *seed) q(sql string, args ...any) string {
	s.t.Helper()
	var v string
	if err := s.pool.QueryRow(s.ctx, sql, args...).Scan(&v); err != nil {
		s.t.Fatalf("%s : %v", sql, err)
	}
	return v
}

// user creates an active user (e-mail login@example.org, last name E2E)
// and returns its id.
func (s *seed) user(login, first string, staff bool) string {
	s.t.Helper()
	return s.q(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser, is_staff,
			preferences_email, date_joined) VALUES ($1, $2::text, $2::text || '@example.org', $3, 'E2E', true, false, $4, 'AUCUN', now())
		RETURNING id::text`, s.hash, login, first, staff)
}

// role gives user uid a role of typologie in group, on a bailleur or an
// administration (nil for the other).
func (s *seed) role(uid, typologie, group string, bailleur, administration any) {
	s.t.Helper()
	s.q(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
		VALUES ($1, $2::int, $3::int, $4::int, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id::text`,
		typologie, bailleur, administration, uid, group)
}

// bailleur is the bailleur Paris Habitat OPH.
func (s *seed) bailleur() string {
	s.t.Helper()
	return s.q(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', 'HLM') RETURNING id::text`)
}

// administration is the DDT de Paris.
func (s *seed) administration() string {
	s.t.Helper()
	return s.q(`INSERT INTO instructeurs_administration (nom, code, ville_signature) VALUES ('DDT de Paris', 'DD75', 'Paris') RETURNING id::text`)
}

// convention creates the programme « Résidence des Lilas » of bailleur
// and administration with one convention in statut, whose content is
// complete (programme.Missing): signataire, end year and a PLUS lot of
// two logements. extra columns of the convention (numero, valide_le...)
// go in cols and vals. It returns the convention's uuid.
func (s *seed) convention(bailleur, administration, statut string, cols string, vals ...any) string {
	s.t.Helper()
	prog := s.q(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region, adresse)
		VALUES ('Résidence des Lilas', '2026-75-00042', '20267500042', $1::int, $2::int, '75011', 'Paris', '75', '11', '3 rue des Lilas')
		RETURNING id::text`, bailleur, administration)
	placeholders := ""
	for i := range vals {
		placeholders += fmt.Sprintf(", $%d", i+3)
	}
	if cols != "" {
		cols = ", " + cols
	}
	conv := s.q(`INSERT INTO conventions_convention (programme_id, statut, adresse, signataire_nom, date_fin_conventionnement`+cols+`)
		VALUES ($1::int, $2, '3 rue des Lilas', 'Mme Martin', '2065-06-30'`+placeholders+`) RETURNING uuid::text`,
		append([]any{prog, statut}, vals...)...)
	lot := s.q(`INSERT INTO programmes_lot (convention_id, financement, nb_logements) SELECT id, 'PLUS', 2 FROM conventions_convention
		WHERE uuid = $1::uuid RETURNING id::text`, conv)
	s.q(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
			surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
		SELECT 'A' || g, $1::int, 'T2', 45, 10, 5, 50, 6, 1, 300, g - 1 FROM generate_series(1, 2) g RETURNING id::text`, lot)
	return conv
}

// site is the application under test, served for one test, and the
// browser page open on it; every page it loads is checked by axe.
type site struct {
	t   *testing.T
	ctx context.Context
	app *httptest.Server
	p   *Page
}

// openSite serves h until the test ends and opens a page on it; exclude
// lists the selectors axe leaves out.
func openSite(t *testing.T, ctx context.Context, b *Browser, h http.Handler, exclude ...string) *site {
	t.Helper()
	app := httptest.NewServer(h)
	t.Cleanup(app.Close)
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	watchAccessibility(t, p, app.URL, exclude...)
	return &site{t: t, ctx: ctx, app: app, p: p}
}

// click clicks selector and waits for the page it loads.
func (s *site) click(selector string) {
	s.t.Helper()
	must(s.t, s.p.AndWaitLoad(s.ctx, func() error { return s.p.Click(s.ctx, selector) }))
}

// choose picks value in the select matched by selector.
func (s *site) choose(selector, value string) {
	s.t.Helper()
	var ok bool
	must(s.t, s.p.Eval(s.ctx, `(() => { const s = document.querySelector('`+selector+`'); s.value = '`+value+`'; return s.value === '`+value+`'; })()`, &ok))
	if !ok {
		s.t.Fatalf("%s : choix %q impossible", selector, value)
	}
}

// login signs username in through the login form (password e2ePassword).
func (s *site) login(username string) {
	s.t.Helper()
	must(s.t, s.p.Navigate(s.ctx, s.app.URL+"/accounts/login/"))
	must(s.t, s.p.Type(s.ctx, "#id_username", username))
	must(s.t, s.p.Type(s.ctx, "#id_password", e2ePassword))
	s.click("#bouton-connexion")
}
