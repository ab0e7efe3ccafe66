package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// The instructeur opens the preview of a validated convention: the page
// asks the worker for the document (templates, then LibreOffice), shows
// the progress, refreshed by htmx, then the PDF in the page. The PDF is
// served to the frame; the page respects its CSP and logs no error.
func TestBrowserPreviewValidatedConvention(t *testing.T) {
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
	adm := q(`INSERT INTO instructeurs_administration (nom, code, ville_signature) VALUES ('DDT de Paris', 'DD75', 'Paris') RETURNING id::text`)
	bail := q(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', 'HLM') RETURNING id::text`)
	uid := q(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser, is_staff, preferences_email, date_joined)
		VALUES ($1, 'dominique.instructeur', 'dominique@example.org', 'Dominique', 'E2E', true, false, false, 'AUCUN', now()) RETURNING id::text`,
		password.PBKDF2SHA256(pw, "previewSel2026", 1000))
	q(`INSERT INTO users_role (typologie, administration_id, user_id, group_id)
		VALUES ('INSTRUCTEUR', $1::int, $2::int, (SELECT id FROM auth_group WHERE name = 'instructeur')) RETURNING id::text`, adm, uid)
	prog := q(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region, adresse)
		VALUES ('Résidence des Lilas', '2026-75-00042', '20267500042', $1::int, $2::int, '75011', 'Paris', '75', '11', '3 rue des Lilas')
		RETURNING id::text`, bail, adm)
	conv := q(`INSERT INTO conventions_convention (programme_id, statut, numero, valide_le, adresse, signataire_nom, date_fin_conventionnement)
		VALUES ($1::int, '4. A signer', '75.D.26.0042', '2026-03-02', '3 rue des Lilas', 'Mme Martin', '2065-06-30') RETURNING uuid::text`, prog)
	lot := q(`INSERT INTO programmes_lot (convention_id, financement, nb_logements) SELECT id, 'PLUS', 2 FROM conventions_convention
		WHERE uuid = $1::uuid RETURNING id::text`, conv)
	q(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
			surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
		SELECT 'A' || g, $1::int, 'T2', 45, 10, 5, 50, 6, 1, 300, g - 1 FROM generate_series(1, 2) g RETURNING id::text`, lot)

	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	redisURL := redistest.URL(t)
	client, err := jobs.NewClient(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	workerCtx, stopWorker := context.WithCancel(ctx)
	worker := make(chan error, 1)
	go func() {
		worker <- jobs.Run(workerCtx, jobs.Deps{Pool: pool, RedisURL: redisURL, Logger: logger, Storage: store,
			Converter: &document.LibreOffice{}}, jobs.WithPollInterval(100*time.Millisecond))
	}()
	defer func() { stopWorker(); <-worker }()

	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool, Logger: logger,
		Conventions: web.ConventionOptions{Storage: store, Jobs: client}})
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
	must(t, p.Navigate(ctx, app.URL+"/accounts/login/"))
	must(t, p.Type(ctx, "#id_username", "dominique.instructeur"))
	must(t, p.Type(ctx, "#id_password", pw))
	must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, "#bouton-connexion") }))

	must(t, p.Navigate(ctx, app.URL+"/conventions/preview/"+conv))
	if !strings.Contains(text(ctx, t, p, "main"), "Document en préparation") {
		t.Fatalf("aperçu sans progression :\n%s", text(ctx, t, p, "main"))
	}
	// htmx replaces the progress block by the PDF once generated.
	var src string
	deadline := time.Now().Add(3 * time.Minute)
	for src == "" {
		if time.Now().After(deadline) {
			t.Fatalf("le PDF n'est pas apparu dans la page : %s", text(ctx, t, p, "main"))
		}
		time.Sleep(500 * time.Millisecond)
		must(t, p.Eval(ctx, `(document.querySelector("#document-pdf") || {}).getAttribute ? document.querySelector("#document-pdf").getAttribute("src") : ""`, &src))
	}
	if src != "/conventions/display_pdf/"+conv || location(ctx, t, p) != "/conventions/preview/"+conv {
		t.Fatalf("cadre %q sur %q", src, location(ctx, t, p))
	}
	var served struct {
		Type  string `json:"type"`
		Magic string `json:"magic"`
	}
	must(t, p.Eval(ctx, `fetch("`+src+`").then(async r => ({type: r.headers.get("Content-Type"), magic: (await r.text()).slice(0, 5)}))`, &served))
	if served.Type != "application/pdf" || served.Magic != "%PDF-" {
		t.Fatalf("le cadre reçoit %+v, un PDF attendu", served)
	}
	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}
