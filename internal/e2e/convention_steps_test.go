package e2e

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// A bailleur fills a logements-ordinaires convention step by step in a
// real browser (a new logement row added in place, htmx or not), reaches
// the récapitulatif and submits it. Every page respects its CSP and logs
// no error.
func TestBrowserConventionSteps(t *testing.T) {
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
	hash := password.PBKDF2SHA256(pw, "stepsSel2026", 1000)
	adm := q(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id::text`)
	bail := q(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', 'HLM') RETURNING id::text`)
	uid := q(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser, is_staff,
			preferences_email, date_joined) VALUES ($1, 'camille.bailleur', 'camille@example.org', 'Camille', 'E2E', true, false, false, 'AUCUN', now())
			RETURNING id::text`, hash)
	q(`INSERT INTO users_role (typologie, bailleur_id, user_id, group_id)
		VALUES ('BAILLEUR', $1::int, $2::int, (SELECT id FROM auth_group WHERE name = 'bailleur')) RETURNING id::text`, bail, uid)
	prog := q(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region, adresse)
		VALUES ('Résidence des Tilleuls', '2026-75-00043', '20267500043', $1::int, $2::int, '75011', 'Paris', '75', '11', '5 rue des Tilleuls')
		RETURNING id::text`, bail, adm)
	// A new convention: one PLUS lot of two logements, no signataire yet.
	conv := q(`INSERT INTO conventions_convention (programme_id, statut, adresse, date_fin_conventionnement)
		VALUES ($1::int, '1. Projet', '5 rue des Tilleuls', '2065-06-30') RETURNING uuid::text`, prog)
	lot := q(`INSERT INTO programmes_lot (convention_id, financement, nb_logements) SELECT id, 'PLUS', 2 FROM conventions_convention
		WHERE uuid = $1::uuid RETURNING id::text`, conv)
	q(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
			surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
		SELECT 'A' || g, $1::int, 'T2', 45, 10, 5, 50, 6, 1, 300, g - 1 FROM generate_series(1, 2) g RETURNING id::text`, lot)

	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool,
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Conventions: web.ConventionOptions{Storage: store}})
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
	stepOf := func() string {
		t.Helper()
		l := strings.TrimPrefix(location(ctx, t, p), "/conventions/")
		return strings.Split(l, "/")[0]
	}
	must(t, p.Navigate(ctx, app.URL+"/accounts/login/"))
	must(t, p.Type(ctx, "#id_username", "camille.bailleur"))
	must(t, p.Type(ctx, "#id_password", pw))
	click("#bouton-connexion")

	must(t, p.Navigate(ctx, app.URL+"/conventions/bailleur/"+conv))
	if !strings.Contains(text(ctx, t, p, "#stepper"), "Étape 1 sur 8") {
		t.Fatalf("stepper : %q", text(ctx, t, p, "#stepper"))
	}
	// Saving without the signataire: the French message beside the field.
	click("#bouton-enregistrer")
	if stepOf() != "bailleur" || !strings.Contains(text(ctx, t, p, "#erreurs-etape"), "Le nom du signataire de la convention est obligatoire") {
		t.Fatalf("erreur attendue sur le bailleur : %s", stepOf())
	}
	must(t, p.Type(ctx, "#signataire_nom", "Mme Durand"))
	must(t, p.Type(ctx, "#signataire_fonction", "Directrice générale"))
	click("#bouton-enregistrer")
	for _, want := range []string{"programme", "cadastre", "financement"} {
		if got := stepOf(); got != want {
			t.Fatalf("étape %q, attendu %q", got, want)
		}
		click("#bouton-enregistrer")
	}
	if stepOf() != "logements" {
		t.Fatalf("étape %q, attendu logements", stepOf())
	}
	// One more logement, added in place (htmx) or by a re-rendered page.
	must(t, p.Click(ctx, "#ajouter-avec_loyer"))
	rows := 0
	for i := 0; i < 50 && rows != 3; i++ {
		time.Sleep(100 * time.Millisecond)
		must(t, p.Eval(ctx, `document.readyState === "complete" ? document.querySelectorAll("#lignes-avec_loyer tr").length : 0`, &rows))
	}
	if rows != 3 {
		t.Fatalf("%d lignes après « Ajouter une ligne »", rows)
	}
	last := "#lignes-avec_loyer tr:last-child "
	for col, v := range map[string]string{"designation": "A3", "surface_habitable": "60", "surface_annexes": "0", "surface_annexes_retenue": "0",
		"surface_utile": "60", "loyer_par_metre_carre": "6", "coeficient": "1", "loyer": "360"} {
		must(t, p.Type(ctx, last+`input[name$="-`+col+`"]`, v))
	}
	var ok bool
	must(t, p.Eval(ctx, `(() => { const s = document.querySelector('`+last+`select[name$="-typologie"]'); s.value = "T3"; return s.value === "T3"; })()`, &ok))
	must(t, p.Type(ctx, "#lots-0-nb_logements", "3"))
	click("#bouton-enregistrer")
	if got := q(`SELECT count(*)::text FROM programmes_logement WHERE lot_id = $1::int`, lot); got != "3" || stepOf() != "annexes" {
		t.Fatalf("logements enregistrés : %s, étape %s", got, stepOf())
	}
	for _, want := range []string{"annexes", "stationnements", "commentaires"} {
		if got := stepOf(); got != want {
			t.Fatalf("étape %q, attendu %q", got, want)
		}
		click("#bouton-enregistrer")
	}
	if stepOf() != "recapitulatif" {
		t.Fatalf("après la dernière étape : %q", stepOf())
	}
	if !strings.Contains(text(ctx, t, p, "#section-bailleur"), "Mme Durand") {
		t.Error("le récapitulatif ne montre pas le signataire saisi")
	}
	click("#bouton-soumettre")
	if got := q(`SELECT statut FROM conventions_convention WHERE uuid = $1::uuid`, conv); got != "2. Instruction requise" {
		t.Fatalf("soumission : %q", got)
	}
	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}
