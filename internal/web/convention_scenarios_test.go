package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// Acceptance scenarios 1–17 and 25 of spec workflows §12, replayed over
// HTTP against the real router, sessions, database and queue. Where our
// rule differs from the reference the test says so (docs/COMPATIBILITY.md).

func ptrTime(t time.Time) *time.Time { return &t }

func parisToday() time.Time {
	t := time.Now().In(parisLocation)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Scenarios 1 and 2: submission (T1), dates of the first submission,
// e-mails enqueued after the commit.
func TestScenario01and02Submit(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{})
	res := w.bailleur.post("/conventions/save/"+c.UUID, url.Values{"SubmitConvention": {"True"}})
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != recap(c.UUID) {
		t.Fatalf("soumission : %d %q", res.StatusCode, loc)
	}
	if got := w.statut(c.ID); got != string(convention.Instruction) {
		t.Fatalf("statut %q", got)
	}
	if n := w.id(`SELECT count(*) FROM conventions_conventionhistory WHERE convention_id = $1
		AND statut_convention_precedent = '1. Projet' AND statut_convention = '2. Instruction requise' AND user_id = $2`, c.ID, w.bailleur.userID); n != 1 {
		t.Errorf("historique PROJET→INSTRUCTION : %d lignes", n)
	}
	if w.str(`SELECT (premiere_soumission_le IS NOT NULL AND soumis_le = premiere_soumission_le)::text FROM conventions_convention WHERE id = $1`, c.ID) != "true" {
		t.Error("premiere_soumission_le / soumis_le non renseignés")
	}
	if k := kinds(w.events()); !slices.Contains(k, string(notify.Submitted)) || !slices.Contains(k, string(notify.SurveyBailleur)) {
		t.Errorf("notifications en file : %v (attendu submitted — e-mails 105 et 166 — et l'enquête de la première soumission)", k)
	}
	_, page := w.bailleur.get(recap(c.UUID))
	if !strings.Contains(page, "envoyée au service instructeur") {
		t.Error("message de succès absent du récapitulatif")
	}
	// Scenario 2: a second submission keeps the first dates.
	first := time.Date(2025, 2, 3, 10, 0, 0, 0, time.UTC)
	c2 := w.add(cconv{premiereSoumission: &first})
	w.bailleur.post("/conventions/save/"+c2.UUID, url.Values{"SubmitConvention": {"True"}})
	if w.statut(c2.ID) != string(convention.Instruction) ||
		w.str(`SELECT (premiere_soumission_le = $2 AND soumis_le = $2)::text FROM conventions_convention WHERE id = $1`, c2.ID, first) != "true" {
		t.Error("scénario 2 : les dates de première soumission ont changé")
	}
}

// Scenario 3: corrections requested by the instructeur with a comment.
func TestScenario03RequestCorrections(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction)})
	res := w.instr.post("/conventions/feedback/"+c.UUID, url.Values{"from_instructeur": {"1"}, "comment": {"X"}, "send_copy": {"1"}})
	page := w.instr.follow(res)
	if w.statut(c.ID) != string(convention.Correction) {
		t.Fatalf("statut %q", w.statut(c.ID))
	}
	if w.str(`SELECT commentaire FROM conventions_conventionhistory WHERE convention_id = $1 ORDER BY id DESC LIMIT 1`, c.ID) != "X" {
		t.Error("commentaire X absent de l'historique")
	}
	evs := w.events()
	if len(evs) != 1 || evs[0].Kind != notify.CorrectionsRequested || evs[0].Comment != "X" || !evs[0].SendCopy {
		t.Errorf("notification : %+v (e-mail 102 aux bailleurs, copie à l'instructeur)", evs)
	}
	if !strings.Contains(page, "Le bailleur a été notifié") {
		t.Error("message de succès absent")
	}
}

// Scenario 4: the bailleur sends back to instruction.
func TestScenario04Resubmit(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Correction)})
	w.bailleur.follow(w.bailleur.post("/conventions/feedback/"+c.UUID, url.Values{"comment": {"C'est corrigé"}}))
	if w.statut(c.ID) != string(convention.Instruction) {
		t.Fatalf("statut %q", w.statut(c.ID))
	}
	if k := kinds(w.events()); !slices.Equal(k, []string{string(notify.CorrectionsDone)}) {
		t.Errorf("notifications : %v (e-mail 168 aux instructeurs)", k)
	}
	// The flag decides the action, the server the role: a bailleur
	// posting from_instructeur=1 is refused and nothing changes.
	before := w.snapshot(c.ID)
	page := w.bailleur.follow(w.bailleur.post("/conventions/feedback/"+c.UUID, url.Values{"from_instructeur": {"1"}}))
	if w.snapshot(c.ID) != before || !strings.Contains(page, convention.MsgInstructeurOnly) {
		t.Error("un bailleur a pu demander des corrections")
	}
}

// Scenario 5: the proposed number.
func TestScenario05ProposedNumero(t *testing.T) {
	w := newCWorld(t)
	yy := parisToday().Year() % 100
	valid := ptrTime(parisToday())
	w.add(cconv{statut: string(convention.Signee), numero: fmt.Sprintf("75.D.%d.0007", yy), valideLe: valid})
	w.add(cconv{statut: string(convention.Signee), numero: fmt.Sprintf("75.D.%d.0012", yy), valideLe: valid})
	c := w.add(cconv{statut: string(convention.Instruction)})
	_, page := w.instr.get(recap(c.UUID))
	if want := fmt.Sprintf(`name="convention_numero" value="75.D.%d.0013"`, yy); !strings.Contains(page, want) {
		t.Errorf("numéro proposé absent : %s", want)
	}
}

// Scenarios 6 and 7: validation with a taken number, then a valid one;
// re-validation after a back-to-instruction keeps the first valide_le.
func TestScenario06and07Validate(t *testing.T) {
	w := newCWorld(t)
	w.add(cconv{statut: string(convention.Signee), numero: "75.D.26.0001"})
	c := w.add(cconv{statut: string(convention.Instruction)})
	before := w.snapshot(c.ID)
	page := w.instr.follow(w.instr.post("/conventions/validate/"+c.UUID, url.Values{"convention_numero": {"75.D.26.0001"}}))
	if !strings.Contains(page, convention.MsgNumeroTaken("75.D.26.0001")) || w.snapshot(c.ID) != before {
		t.Fatal("scénario 6 : numéro déjà pris accepté ou message absent")
	}
	res := w.instr.post("/conventions/validate/"+c.UUID, url.Values{"convention_numero": {"75.D.26.0002"}})
	if res.Header.Get("Location") != "/conventions/sent/"+c.UUID {
		t.Errorf("validation : redirection %q, attendu la page de dépôt", res.Header.Get("Location"))
	}
	if w.statut(c.ID) != string(convention.ASigner) || w.historyCount(c.ID) != 1 {
		t.Fatalf("statut %q, %d lignes d'historique", w.statut(c.ID), w.historyCount(c.ID))
	}
	if w.str(`SELECT (valide_le = $2)::text FROM conventions_convention WHERE id = $1`, c.ID, parisToday()) != "true" {
		t.Error("valide_le ≠ aujourd'hui")
	}
	if k := kinds(w.events()); !slices.Contains(k, string(notify.Validated)) {
		t.Errorf("notifications : %v (document puis e-mail 103)", k)
	}
	// Back to instruction (T5), with an older valide_le: kept at re-validation.
	w.exec(`UPDATE conventions_convention SET valide_le = '2025-01-02' WHERE id = $1`, c.ID)
	w.instr.follow(w.instr.post("/conventions/save/"+c.UUID, url.Values{"BackToInstruction": {"True"}}))
	if w.statut(c.ID) != string(convention.Instruction) {
		t.Fatalf("retour à l'instruction : %q", w.statut(c.ID))
	}
	w.instr.post("/conventions/validate/"+c.UUID, url.Values{"convention_numero": {"75.D.26.0002"}})
	if w.statut(c.ID) != string(convention.ASigner) || w.str(`SELECT valide_le::text FROM conventions_convention WHERE id = $1`, c.ID) != "2025-01-02" {
		t.Error("re-validation : valide_le écrasé")
	}
}

// Scenario 8: avenant number proposed from the signed and annulled
// avenants; no uniqueness check for avenants.
func TestScenario08AvenantNumero(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0100", signed: true})
	w.add(cconv{parent: root.ID, statut: string(convention.Signee), numero: "1"})
	w.add(cconv{parent: root.ID, statut: string(convention.Signee), numero: "2"})
	w.add(cconv{parent: root.ID, statut: string(convention.Annulee), numero: "3"})
	av := w.add(cconv{parent: root.ID, statut: string(convention.Instruction)})
	_, page := w.instr.get(recap(av.UUID))
	if !strings.Contains(page, `name="convention_numero" value="4"`) {
		t.Fatal("numéro d'avenant proposé ≠ 4")
	}
	w.instr.post("/conventions/validate/"+av.UUID, url.Values{"convention_numero": {"1"}})
	if w.statut(av.ID) != string(convention.ASigner) {
		t.Errorf("un numéro d'avenant déjà utilisé est refusé (statut %q)", w.statut(av.ID))
	}
}

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

// Scenario 9: signed document then signature date.
func TestScenario09SignedUpload(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0009"})
	// Not a PDF: refused with the message, nothing stored.
	page := w.bailleur.follow(w.bailleur.upload("/conventions/sent/"+c.UUID, "file", "x.pdf", []byte("pas un pdf")))
	if !strings.Contains(page, convention.MsgFileNotPDF) || w.str(`SELECT nom_fichier_signe FROM conventions_convention WHERE id = $1`, c.ID) != "" {
		t.Fatal("fichier non PDF accepté")
	}
	res := w.bailleur.upload("/conventions/sent/"+c.UUID, "file", "signee.pdf", pdf)
	if !strings.HasPrefix(res.Header.Get("Location"), "/conventions/upload_signed/date/"+c.UUID) {
		t.Fatalf("dépôt : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	name := w.str(`SELECT nom_fichier_signe FROM conventions_convention WHERE id = $1`, c.ID)
	if !regexp.MustCompile(`^convention_75\.D\.26\.0009_\d{4}-\d\d-\d\d_\d\d-\d\d\.pdf$`).MatchString(name) {
		t.Errorf("nom du fichier signé : %q", name)
	}
	if w.statut(c.ID) != string(convention.ASigner) {
		t.Error("le dépôt seul a changé le statut")
	}
	if code, body := w.bailleur.get("/conventions/display_pdf/" + c.UUID); code != 200 || body != string(pdf) {
		t.Errorf("document servi : %d", code)
	}
	res = w.bailleur.post("/conventions/upload_signed/date/"+c.UUID, url.Values{"televersement_convention_signee_le": {"2024-03-15"}})
	if res.Header.Get("Location") != "/conventions/post_action/"+c.UUID {
		t.Errorf("date : redirection %q", res.Header.Get("Location"))
	}
	page = w.bailleur.follow(res)
	if w.statut(c.ID) != string(convention.Signee) || w.str(`SELECT televersement_convention_signee_le::text FROM conventions_convention WHERE id = $1`, c.ID) != "2024-03-15" {
		t.Fatal("statut ou date de signature")
	}
	if !strings.Contains(page, "Convention signée avec succès le 15/03/2024") || !strings.Contains(page, "15 mars 2024") {
		t.Error("message de signature ou date en français absents")
	}
	if w.historyCount(c.ID) != 1 {
		t.Errorf("historique de la signature : %d lignes (la référence n'en écrivait pas)", w.historyCount(c.ID))
	}
}

// Scenario 10: publication only for publishable conventions.
func TestScenario10SendToPublication(t *testing.T) {
	w := newCWorld(t)
	lo := w.add(cconv{statut: string(convention.Signee), numero: "75.D.26.0010"})
	before := w.snapshot(lo.ID)
	page := w.instr.follow(w.instr.post("/conventions/publication/"+lo.UUID+"/send", nil))
	if !strings.Contains(page, "ne peut pas être publiée") || w.snapshot(lo.ID) != before {
		t.Error("publication d'une convention LO d'un bailleur HLM acceptée")
	}
	foyer := w.add(cconv{statut: string(convention.Signee), nature: "AUTRE", numero: "75.D.26.0011"})
	res := w.instr.post("/conventions/publication/"+foyer.UUID+"/send", nil)
	if w.statut(foyer.ID) != string(convention.PublicationEnCours) || res.Header.Get("Location") != "/conventions/publication/"+foyer.UUID {
		t.Errorf("foyer : statut %q, redirection %q", w.statut(foyer.ID), res.Header.Get("Location"))
	}
}

// Scenario 11: only instructeurs publish.
func TestScenario11Publish(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.PublicationEnCours), nature: "AUTRE", numero: "75.D.26.0012"})
	form := url.Values{"reference_spf": {"R1"}, "date_publication_spf": {"2024-04-02"}}
	before := w.snapshot(c.ID)
	page := w.bailleur.follow(w.bailleur.post("/conventions/publication/"+c.UUID+"/date", form))
	if !strings.Contains(page, "Oups ! Seuls les instructeurs peuvent effectuer cette action.") || w.snapshot(c.ID) != before {
		t.Fatal("un bailleur a publié")
	}
	w.instr.upload("/conventions/publication/"+c.UUID, "file", "publication.pdf", pdf)
	w.instr.follow(w.instr.post("/conventions/publication/"+c.UUID+"/date", form))
	if w.statut(c.ID) != string(convention.Publie) ||
		w.str(`SELECT reference_spf || ' ' || date_publication_spf FROM conventions_convention WHERE id = $1`, c.ID) != "R1 2024-04-02" {
		t.Error("publication non enregistrée")
	}
	if w.str(`SELECT nom_fichier_publication_spf FROM conventions_convention WHERE id = $1`, c.ID) == "" {
		t.Error("document de publication non enregistré")
	}
}

// Scenario 12: cancel and reactivate.
func TestScenario12CancelReactivate(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Correction)})
	w.bailleur.follow(w.bailleur.post(recap(c.UUID), url.Values{"cancel_convention": {"1"}}))
	if w.statut(c.ID) != string(convention.Annulee) || w.historyCount(c.ID) != 1 {
		t.Fatalf("annulation : %q", w.statut(c.ID))
	}
	s := w.add(cconv{statut: string(convention.Signee)})
	before := w.snapshot(s.ID)
	page := w.instr.follow(w.instr.post(recap(s.UUID), url.Values{"cancel_convention": {"1"}}))
	if w.snapshot(s.ID) != before || !strings.Contains(page, "au statut « Finalisée »") {
		t.Error("annulation d'une convention signée : changement ou message absent")
	}
	w.instr.follow(w.instr.post(recap(c.UUID), url.Values{"reactive_convention": {"1"}}))
	if w.statut(c.ID) != string(convention.Projet) || w.historyCount(c.ID) != 2 {
		t.Errorf("réactivation : %q", w.statut(c.ID))
	}
}

// Scenarios 13 and 14: one avenant in progress at a time; creation with
// a type.
func TestScenario13and14NewAvenant(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0013", signed: true})
	ongoing := w.add(cconv{parent: root.ID, statut: string(convention.Correction)})
	res := w.bailleur.post("/conventions/new_avenant/"+root.UUID, url.Values{"avenant_type": {"duree"}})
	if res.Header.Get("Location") != recap(ongoing.UUID) {
		t.Errorf("avenant en cours : redirection %q, attendu son récapitulatif", res.Header.Get("Location"))
	}
	if n := w.id(`SELECT count(*) FROM conventions_convention WHERE parent_id = $1`, root.ID); n != 1 {
		t.Errorf("%d avenants, un seul attendu", n)
	}

	root2 := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0014", signed: true, logements: 3})
	res = w.bailleur.post("/conventions/new_avenant/"+root2.UUID, url.Values{"avenant_type": {"duree"}})
	avUUID := w.str(`SELECT uuid::text FROM conventions_convention WHERE parent_id = $1`, root2.ID)
	if avUUID == "" {
		t.Fatal("aucun avenant créé")
	}
	// The duree type opens its step, avenant_financement.
	if loc := res.Header.Get("Location"); loc != step("avenant_financement", avUUID) {
		t.Errorf("redirection %q", loc)
	}
	row := w.str(`SELECT statut || '|' || COALESCE(numero, '-') || '|' ||
		(SELECT count(*) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = a.id) || '|' ||
		(SELECT count(*) FROM conventions_pret p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = a.id) || '|' ||
		(SELECT string_agg(t.nom, ',') FROM conventions_convention_avenant_types cat JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = a.id) || '|' ||
		(a.programme_id <> $2)::text
		FROM conventions_convention a WHERE a.uuid = $1::uuid`, avUUID, root2.Prog)
	if row != "1. Projet|-|3|1|duree|true" {
		t.Errorf("avenant créé : %s", row)
	}
}

// Scenario 15: removing an avenant type restores the previous values.
func TestScenario15RemoveAvenantType(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0015", nom: "A", signed: true})
	av := w.add(cconv{parent: root.ID, statut: string(convention.Projet), nom: "B", types: []string{"programme"}})
	// First the confirmation, then the removal.
	res := w.bailleur.post(recap(av.UUID), url.Values{"uncheck_avenant_type": {"programme"}})
	_, page := w.bailleur.get(res.Header.Get("Location"))
	if !strings.Contains(page, "Retirer le type « Opération » ?") {
		t.Fatal("confirmation du retrait absente")
	}
	w.bailleur.follow(w.bailleur.post("/conventions/remove_from_avenant/"+av.UUID, url.Values{"avenant_type": {"programme"}}))
	if got := w.str(`SELECT nom FROM programmes_programme WHERE id = $1`, av.Prog); got != "A" {
		t.Errorf("nom du programme de l'avenant : %q, attendu A", got)
	}
	if w.id(`SELECT count(*) FROM conventions_convention_avenant_types WHERE convention_id = $1`, av.ID) != 0 {
		t.Error("type non retiré")
	}
}

// Scenario 16: dénonciation of a convention and all its avenants.
func TestScenario16Denonciation(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0016", signed: true})
	other := w.add(cconv{parent: root.ID, statut: string(convention.Signee), numero: "1"})
	// Created through the pages: start, then the form.
	res := w.bailleur.post("/conventions/denonciation_start/"+root.UUID, url.Values{"avenant_type": {"denonciation"}})
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/conventions/denonciation/") {
		t.Fatalf("début de dénonciation : %d %q", res.StatusCode, loc)
	}
	den := strings.TrimPrefix(loc, "/conventions/denonciation/")
	w.bailleur.follow(w.bailleur.post(loc, url.Values{"date_denonciation": {"2030-06-30"}, "motif_denonciation": {"Vente"}}))
	w.bailleur.follow(w.bailleur.post("/conventions/save/"+den, url.Values{"SubmitConvention": {"True"}}))
	denID := w.id(`SELECT id FROM conventions_convention WHERE uuid = $1::uuid`, den)
	if w.statut(denID) != string(convention.Instruction) {
		t.Fatalf("dénonciation soumise : %q", w.statut(denID))
	}
	w.instr.follow(w.instr.post("/conventions/denonciation_validate/"+den, nil))
	for _, id := range []int64{root.ID, other.ID, denID} {
		if got := w.str(`SELECT statut || ' ' || date_denonciation FROM conventions_convention WHERE id = $1`, id); got != "7. Dénoncée 2030-06-30" {
			t.Errorf("convention %d : %q", id, got)
		}
	}
}

// Scenario 17: résiliation created by a bailleur needs the acte.
func TestScenario17Resiliation(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0017", signed: true})
	res := w.bailleur.post("/conventions/resiliation_start/"+root.UUID, url.Values{"avenant_type": {"resiliation"}})
	loc := res.Header.Get("Location")
	resil := strings.TrimPrefix(loc, "/conventions/resiliation/")
	w.bailleur.follow(w.bailleur.post(loc, url.Values{"date_resiliation": {"2030-01-31"}, "motif_resiliation": {"Démolition"}}))
	w.bailleur.follow(w.bailleur.post("/conventions/save/"+resil, url.Values{"SubmitConvention": {"True"}}))
	resID := w.id(`SELECT id FROM conventions_convention WHERE uuid = $1::uuid`, resil)
	before, beforeRoot := w.snapshot(resID), w.snapshot(root.ID)
	page := w.instr.follow(w.instr.post("/conventions/resiliation_validate/"+resil, nil))
	if !strings.Contains(page, convention.MsgResiliationActeMissing) || w.snapshot(resID) != before || w.snapshot(root.ID) != beforeRoot {
		t.Fatal("résiliation sans acte : validée ou message absent")
	}
	w.bailleur.follow(w.bailleur.post(loc, url.Values{"date_resiliation": {"2030-01-31"}, "motif_resiliation": {"Démolition"},
		"fichier_instruction_resiliation": {"Arrêté préfectoral n° 2030-12"}}))
	w.instr.follow(w.instr.post("/conventions/resiliation_validate/"+resil, nil))
	for _, id := range []int64{root.ID, resID} {
		if got := w.str(`SELECT statut || ' ' || date_resiliation FROM conventions_convention WHERE id = $1`, id); got != "6. Résiliée 2030-01-31" {
			t.Errorf("convention %d : %q", id, got)
		}
	}
}

// Scenario 25 over HTTP, with our ordering: without a term the newest
// first, avenants among conventions (the reference listed every
// convention before every avenant); cstatut=Signée lists a résiliation
// still to come.
func TestScenario25SearchPage(t *testing.T) {
	w := newCWorld(t)
	base := time.Now().Add(-time.Hour)
	at := func(m int) *time.Time { return ptrTime(base.Add(time.Duration(m) * time.Minute)) }
	c1 := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0251", creeLe: at(1)})
	c2 := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0252", creeLe: at(2)})
	w.add(cconv{parent: c1.ID, statut: string(convention.Signee), numero: "1", creeLe: at(3)})
	w.add(cconv{statut: string(convention.Resiliee), numero: "75.D.25.0253", creeLe: at(4), dateResiliation: ptrTime(parisToday().AddDate(1, 0, 0))})
	w.add(cconv{parent: c2.ID, statut: string(convention.Projet), creeLe: at(5)})

	code, page := w.instr.get("/conventions/recherche")
	if code != 200 || !strings.Contains(page, "5 résultats") {
		t.Fatalf("recherche : %d", code)
	}
	order := regexp.MustCompile(`(Avenant [^<]*|75\.D\.25\.025\d)</a>`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range order {
		got = append(got, m[1])
	}
	want := []string{"Avenant — à la convention 75.D.25.0252", "75.D.25.0253", "Avenant 1 à la convention 75.D.25.0251", "75.D.25.0252", "75.D.25.0251"}
	if !slices.Equal(got, want) {
		t.Errorf("ordre : %q\n attendu %q", got, want)
	}
	_, page = w.instr.get("/conventions/recherche?cstatut=" + url.QueryEscape(string(convention.Signee)))
	if !strings.Contains(page, "75.D.25.0253") || !strings.Contains(page, "4 résultats") {
		t.Error("statut Signée : la résiliation à venir doit être listée")
	}
	// The other administration sees none of them.
	if _, page = w.autre.get("/conventions/recherche"); !strings.Contains(page, "0 résultat") {
		t.Error("périmètre : l'autre administration voit des conventions")
	}
	// "/" and "/conventions/" lead there once logged in.
	for _, p := range []string{"/", "/conventions/"} {
		res, err := w.instr.c.Get(w.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/conventions/recherche" {
			t.Errorf("%s : %d %q", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
}
