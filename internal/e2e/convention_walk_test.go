package e2e

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	s := newSeed(t, ctx)
	pool, q := s.pool, s.q
	adm, bail := s.administration(), s.bailleur()
	s.role(s.user("camille.bailleur", "Camille", false), "BAILLEUR", "bailleur", bail, nil)
	s.role(s.user("dominique.instructeur", "Dominique", false), "INSTRUCTEUR", "instructeur", nil, adm)
	conv := s.convention(bail, adm, "1. Projet", "")
	progUUID := q(`SELECT p.uuid::text FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.uuid = $1::uuid`, conv)

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
	site := openSite(t, ctx, b, h)
	app, p := site.app, site.p
	recap := app.URL + "/conventions/recapitulatif/" + conv
	statut := func() string { return q(`SELECT statut FROM conventions_convention WHERE uuid = $1::uuid`, conv) }
	click := site.click
	login := func(username string) {
		t.Helper()
		site.login(username)
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
	must(t, p.SetFiles(ctx, "#file", file))
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
	// Ticking « durée » opens the step where the end date is typed.
	if !strings.HasPrefix(location(ctx, t, p), "/conventions/avenant_financement/") {
		t.Errorf("après création de l'avenant : %q", location(ctx, t, p))
	}

	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}
