package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// The main path of a convention, in a real browser, as two users of the
// real site: the bailleur submits; the instructeur comments a field and
// asks for corrections; the bailleur answers the comment, resolves it
// and sends the convention back; the instructeur validates it with a
// number; the signed PDF is deposited with its date and the convention
// is Signée; then an avenant is created. Every page must respect its CSP
// and log no error.
func TestBrowserConventionWalk(t *testing.T) {
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
	hash := password.PBKDF2SHA256(pw, "walkSel2026", 1000)
	adm := q(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id::text`)
	bail := q(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', 'HLM') RETURNING id::text`)
	user := func(login, first, typologie, group string, bailleur, administration any) {
		uid := q(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser, is_staff,
			preferences_email, date_joined) VALUES ($1, $2::text, $2::text || '@example.org', $3, 'E2E', true, false, false, 'AUCUN', now())
			RETURNING id::text`, hash, login, first)
		q(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2::int, $3::int, $4::int, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id::text`,
			typologie, bailleur, administration, uid, group)
	}
	user("camille.bailleur", "Camille", "BAILLEUR", "bailleur", bail, nil)
	user("dominique.instructeur", "Dominique", "INSTRUCTEUR", "instructeur", nil, adm)
	prog := q(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region, adresse)
		VALUES ('Résidence des Lilas', '2026-75-00042', '20267500042', $1::int, $2::int, '75011', 'Paris', '75', '11', '3 rue des Lilas')
		RETURNING id::text`, bail, adm)
	progUUID := q(`SELECT uuid::text FROM programmes_programme WHERE id = $1::int`, prog)
	// A complete content (programme.Missing): signataire, end year, and
	// the two logements of the lot.
	conv := q(`INSERT INTO conventions_convention (programme_id, statut, adresse, signataire_nom, date_fin_conventionnement)
		VALUES ($1::int, '1. Projet', '3 rue des Lilas', 'Mme Martin', '2065-06-30') RETURNING uuid::text`, prog)
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
	recap := app.URL + "/conventions/recapitulatif/" + conv
	statut := func() string { return q(`SELECT statut FROM conventions_convention WHERE uuid = $1::uuid`, conv) }
	click := func(sel string) { t.Helper(); must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, sel) })) }
	login := func(username string) {
		t.Helper()
		must(t, p.Navigate(ctx, app.URL+"/accounts/login/"))
		must(t, p.Type(ctx, "#id_username", username))
		must(t, p.Type(ctx, "#id_password", pw))
		click("#bouton-connexion")
		// Home once logged in: the search page, listing the convention.
		if got := location(ctx, t, p); got != "/conventions/recherche" {
			t.Fatalf("%s connecté : %q, recherche attendue", username, got)
		}
		if !strings.Contains(text(ctx, t, p, "#resultats"), "Résidence des Lilas") {
			t.Fatalf("%s : la convention n'est pas dans la liste", username)
		}
		must(t, p.Navigate(ctx, recap))
	}
	logout := func() { t.Helper(); click("#bouton-deconnexion") }
	commentBox := "#commentaire-programme__nom__" + progUUID

	// 1. The bailleur submits.
	login("camille.bailleur")
	click("#bouton-soumettre")
	if statut() != "2. Instruction requise" || text(ctx, t, p, "#statut-convention") != "En instruction" {
		t.Fatalf("soumission : %q", statut())
	}
	logout()

	// 2. The instructeur comments the programme name and asks for
	// corrections.
	login("dominique.instructeur")
	must(t, p.Click(ctx, commentBox+" summary"))
	must(t, p.Type(ctx, commentBox+" textarea", "Le nom ne correspond pas au permis de construire."))
	click(commentBox + " form[action='/comments/'] button")
	if !strings.Contains(text(ctx, t, p, "#commentaires-ouverts"), "Le nom ne correspond pas au permis de construire.") {
		t.Fatal("le commentaire n'apparaît pas dans le résumé des commentaires ouverts")
	}
	must(t, p.Type(ctx, "#feedback-instructeur", "Merci de corriger le nom de l'opération."))
	click("#bouton-corrections")
	if statut() != "3. Corrections requises" {
		t.Fatalf("corrections : %q", statut())
	}
	logout()

	// 3. The bailleur answers the comment, resolves it, sends back.
	login("camille.bailleur")
	first := q(`SELECT uuid::text FROM comments_comment ORDER BY id LIMIT 1`)
	must(t, p.Click(ctx, commentBox+" summary"))
	must(t, p.Type(ctx, commentBox+" textarea", "Corrigé : Résidence des Lilas."))
	click(commentBox + " form[action='/comments/'] button")
	must(t, p.Click(ctx, commentBox+" summary"))
	click("#comment-" + first + " button[value=resolve]")
	if got := q(`SELECT string_agg(statut, ',' ORDER BY id) FROM comments_comment`); got != "RESOLU,OUVERT" {
		t.Fatalf("commentaires : %q", got)
	}
	click("#bouton-renvoi")
	if statut() != "2. Instruction requise" {
		t.Fatalf("renvoi : %q", statut())
	}
	logout()

	// 4. The instructeur validates with the proposed number.
	login("dominique.instructeur")
	var numero string
	must(t, p.Eval(ctx, `document.querySelector("#convention_numero").value`, &numero))
	if !strings.HasPrefix(numero, "75.D.") || !strings.HasSuffix(numero, ".0001") {
		t.Errorf("numéro proposé : %q", numero)
	}
	click("#bouton-valider")
	// The bailleur's answer is still an open comment: the page lists it
	// and asks to confirm.
	if statut() != "2. Instruction requise" || !strings.Contains(text(ctx, t, p, "#confirmation-validation"), "Corrigé : Résidence des Lilas.") {
		t.Fatalf("validation avec un commentaire ouvert : %q, confirmation attendue", statut())
	}
	click("#bouton-confirmer-validation")
	if statut() != "4. A signer" || location(ctx, t, p) != "/conventions/sent/"+conv {
		t.Fatalf("validation : %q sur %q", statut(), location(ctx, t, p))
	}

	// 5. The signed PDF, then its date.
	file := filepath.Join(t.TempDir(), "convention-signee.pdf")
	must(t, os.WriteFile(file, []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"), 0o600))
	setFile(ctx, t, p, "#file", file)
	click("#bouton-deposer")
	if !strings.HasPrefix(location(ctx, t, p), "/conventions/upload_signed/date/"+conv) {
		t.Fatalf("dépôt : %q", location(ctx, t, p))
	}
	must(t, p.Eval(ctx, `document.querySelector("#televersement_convention_signee_le").value = "2026-03-15"`, nil))
	click("#bouton-date")
	if statut() != "5. Signée" || location(ctx, t, p) != "/conventions/post_action/"+conv {
		t.Fatalf("signature : %q sur %q", statut(), location(ctx, t, p))
	}
	if !strings.Contains(text(ctx, t, p, "main"), "Convention signée avec succès le 15/03/2026") ||
		text(ctx, t, p, "#date-signature") != "15 mars 2026" {
		t.Error("message ou date de signature absents de la vue d'ensemble")
	}

	// 6. An avenant, from the overview.
	must(t, p.Eval(ctx, `document.querySelector("#avenant_type").value = "duree"`, nil))
	click("#bouton-creer-avenant")
	if got := q(`SELECT a.statut || ' ' || t.nom FROM conventions_convention a
		JOIN conventions_convention_avenant_types cat ON cat.convention_id = a.id
		JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id
		WHERE a.parent_id = (SELECT id FROM conventions_convention WHERE uuid = $1::uuid)`, conv); got != "1. Projet duree" {
		t.Fatalf("avenant : %q", got)
	}
	if !strings.HasPrefix(location(ctx, t, p), "/conventions/recapitulatif/") || !strings.Contains(text(ctx, t, p, "h1"), "Avenant") {
		t.Errorf("après création de l'avenant : %q", location(ctx, t, p))
	}

	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}

// setFile chooses a file in an <input type=file>, as the file picker
// would (DOM.setFileInputFiles).
func setFile(ctx context.Context, t *testing.T, p *Page, selector, path string) {
	t.Helper()
	var doc struct {
		Root struct {
			NodeID int `json:"nodeId"`
		} `json:"root"`
	}
	must(t, p.b.Call(ctx, p.session, "DOM.getDocument", map[string]any{"depth": 0}, &doc))
	var node struct {
		NodeID int `json:"nodeId"`
	}
	must(t, p.b.Call(ctx, p.session, "DOM.querySelector", map[string]any{"nodeId": doc.Root.NodeID, "selector": selector}, &node))
	if node.NodeID == 0 {
		t.Fatalf("%s introuvable", selector)
	}
	must(t, p.b.Call(ctx, p.session, "DOM.setFileInputFiles", map[string]any{"nodeId": node.NodeID, "files": []string{path}}, nil))
}
