package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

var tags = regexp.MustCompile(`<[^>]*>`)

// section returns the part of page from start to end (or to the end of
// the page).
func section(t *testing.T, page, start, end string) string {
	t.Helper()
	i := strings.Index(page, start)
	if i < 0 {
		t.Fatalf("section %s absente", start)
	}
	s := page[i:]
	if j := strings.Index(s, end); j >= 0 {
		s = s[:j]
	}
	return s
}

// TestRecapShowsLabelsNotTechnicalNames: the open-comments table names
// the commented fields by their catalogue label, its title is French
// plural, the stationnements table shows the typologie label, the comment
// widgets count in the right form.
func TestRecapShowsLabelsNotTechnicalNames(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction)})
	w.exec(`UPDATE programmes_typestationnement SET typologie = 'DEUX_ROUES_SOUSSOL' WHERE lot_id IN (SELECT id FROM programmes_lot WHERE convention_id = $1)`, c.ID)
	progUUID := w.str(`SELECT uuid::text FROM programmes_programme WHERE id = $1`, c.Prog)
	for _, k := range []struct{ obj, field, owner string }{
		{"programme", "numero_operation", progUUID}, {"programme", "nature_logement", progUUID},
		{"convention", "signataire_date_deliberation", c.UUID}, {"convention", "signataire_date_deliberation", c.UUID},
	} {
		w.instr.follow(w.instr.post("/comments/", url.Values{"convention_uuid": {c.UUID}, "object_name": {k.obj}, "object_field": {k.field},
			"object_uuid": {k.owner}, "comment": {"À revoir"}, "next": {recap(c.UUID)}}))
	}
	_, page := w.instr.get(recap(c.UUID))
	open := section(t, page, `id="commentaires-ouverts"`, "</table>")
	for _, want := range []string{"4 commentaires ouverts (non résolus)", "Numéro d'opération", "Nature des logements", "Date de délibération du signataire de la convention"} {
		if !strings.Contains(open, want) {
			t.Errorf("commentaires ouverts : %q absent", want)
		}
	}
	shown := tags.ReplaceAllString(open, " ") // what users read, not hrefs
	for _, raw := range []string{"numero_operation", "nature_logement", "signataire_date_deliberation", " - ", "(s)"} {
		if strings.Contains(shown, raw) {
			t.Errorf("commentaires ouverts : nom technique %q affiché", raw)
		}
	}
	if !strings.Contains(page, "2 commentaires</summary>") || !strings.Contains(page, "1 commentaire</summary>") {
		t.Error("compteurs des champs commentés : pluriel faux")
	}
	stat := section(t, page, ">Stationnements</h3>", "</table>")
	if !strings.Contains(stat, "2 roues en sous-sol") || strings.Contains(stat, "DEUX_ROUES_SOUSSOL") {
		t.Errorf("stationnements : libellé du type absent\n%s", stat)
	}
}

// badges lists the texts of the statut badges of a page.
var badgeText = regexp.MustCompile(`class="fr-badge[^"]*"[^>]*>([^<]*)<`)

func badges(page string) []string {
	var out []string
	for _, m := range badgeText.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestOneStatutLabelPerAudience: the search list, the page header and the
// avenant table name a statut alike for one reader: the bailleur reads
// « En instruction » and « À corriger » everywhere, the instructeur « À
// instruire » and « En correction »; a signed convention and its signed
// avenant are « Finalisée » and « Finalisé », never « Valide ».
func TestOneStatutLabelPerAudience(t *testing.T) {
	w := newCWorld(t)
	inst := w.add(cconv{statut: string(convention.Instruction), nom: "Résidence Instruite"})
	corr := w.add(cconv{statut: string(convention.Correction), nom: "Résidence Corrigée"})
	root := w.add(cconv{statut: string(convention.Signee), signed: true, nom: "Résidence Signée"})
	w.add(cconv{statut: string(convention.Signee), signed: true, parent: root.ID, types: []string{"commentaires"}})
	for _, tc := range []struct {
		who                *actor
		instruction, corr  string
		wrongInst, wrongCo string
	}{
		{w.bailleur, "En instruction", "À corriger", "À instruire", "En correction"},
		{w.instr, "À instruire", "En correction", "En instruction", "À corriger"},
	} {
		_, list := tc.who.get("/conventions/recherche")
		got := strings.Join(badges(list), "|")
		for _, want := range []string{tc.instruction, tc.corr, "Finalisée"} {
			if !strings.Contains(got, want) {
				t.Errorf("liste : %q absent des badges %s", want, got)
			}
		}
		for _, wrong := range []string{tc.wrongInst, tc.wrongCo, "Valide"} {
			if strings.Contains(got, wrong) {
				t.Errorf("liste : %q dans les badges %s", wrong, got)
			}
		}
		for _, c := range []struct{ uuid, want string }{{inst.UUID, tc.instruction}, {corr.UUID, tc.corr}} {
			_, page := tc.who.get(recap(c.uuid))
			if !strings.Contains(page, `id="statut-convention">`+c.want+`<`) {
				t.Errorf("en-tête : %q absent", c.want)
			}
		}
		_, page := tc.who.get(postActionURL(root.UUID))
		got = strings.Join(badges(page), "|")
		if !strings.Contains(got, "Finalisée") || !strings.Contains(got, "Finalisé|") && !strings.HasSuffix(got, "Finalisé") || strings.Contains(got, "Valide") {
			t.Errorf("convention signée et son avenant : badges %s", got)
		}
	}
}

// TestTextsPromiseOnlyWhatCanHappen: the projet banner offers a change
// only to who may make it; signing an avenant says « Avenant signé »; a
// résiliation's récapitulatif has no avenant types and cancels « la
// résiliation »; a résiliée convention's overview has no empty
// « Actions » heading.
func TestTextsPromiseOnlyWhatCanHappen(t *testing.T) {
	w := newCWorld(t)
	projet := w.add(cconv{})
	if _, page := w.bailleur.get(recap(projet.UUID)); !strings.Contains(page, "Vous pouvez encore le modifier.") {
		t.Error("bailleur en projet : la modification n'est pas proposée")
	}
	if _, page := w.lecteur.get(recap(projet.UUID)); strings.Contains(page, "modifier.") || !strings.Contains(page, "pas encore soumis") {
		t.Error("lecture seule en projet : le bandeau promet une modification impossible")
	}

	root := w.add(cconv{statut: string(convention.Signee), signed: true, numero: "75.D.26.0002"})
	av := w.add(cconv{statut: string(convention.ASigner), signed: true, parent: root.ID, types: []string{"duree"}})
	page := w.bailleur.follow(w.bailleur.post("/conventions/upload_signed/date/"+av.UUID, url.Values{"televersement_convention_signee_le": {"2026-03-15"}}))
	if !strings.Contains(page, "Avenant signé avec succès le 15/03/2026") || strings.Contains(page, "Convention signée") {
		t.Error("signature d'un avenant : message faux")
	}

	resil := w.add(cconv{statut: string(convention.Projet), parent: root.ID, types: []string{"resiliation"}})
	_, page = w.bailleur.get(recap(resil.UUID))
	if strings.Contains(page, "Types d'avenant") || strings.Contains(page, "Annuler l'avenant") {
		t.Error("récapitulatif d'une résiliation : types d'avenant ou « Annuler l'avenant »")
	}
	if strings.Contains(page, `id="bouton-annuler"`) && !strings.Contains(page, "Annuler la résiliation") {
		t.Error("récapitulatif d'une résiliation : « Annuler la résiliation » attendu")
	}

	ended := w.add(cconv{statut: string(convention.Resiliee), signed: true, numero: "75.D.26.0003"})
	for _, who := range []*actor{w.bailleur, w.instr} {
		if _, page := who.get(postActionURL(ended.UUID)); strings.Contains(page, `<h2 class="fr-h4">Actions</h2>`) {
			t.Error("convention résiliée : titre « Actions » sans action")
		}
	}
}

// TestOperationPageLinked: the search results and the récapitulatif link
// the operation page when it shows the user something, and the link
// opens it; a convention whose programme has no operation number gets no
// link.
func TestOperationPageLinked(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction), numOp: "2026-75-00777", nom: "Résidence Liée"})
	bare := w.add(cconv{statut: string(convention.Instruction), nom: "Résidence Sans Numéro"})
	w.exec(`UPDATE programmes_programme SET numero_operation = '', numero_operation_pour_recherche = '' WHERE id = $1`, bare.Prog)
	link := `href="/operations/2026-75-00777"`
	for _, who := range []*actor{w.instr, w.bailleur} {
		_, list := who.get("/conventions/recherche")
		if !strings.Contains(list, link) {
			t.Error("recherche : lien vers la page de l'opération absent")
		}
		if strings.Count(list, `href="/operations/`) != 1 {
			t.Errorf("recherche : %d liens d'opération, attendu 1", strings.Count(list, `href="/operations/`))
		}
		_, page := who.get(recap(c.UUID))
		if !strings.Contains(page, `<a href="/operations/2026-75-00777" id="lien-operation">`) {
			t.Error("récapitulatif : lien vers la page de l'opération absent")
		}
		if _, page := who.get(recap(bare.UUID)); strings.Contains(page, `id="lien-operation"`) {
			t.Error("récapitulatif sans numéro d'opération : lien affiché")
		}
		if code, op := who.get("/operations/2026-75-00777"); code != 200 || !strings.Contains(op, "Résidence Liée") {
			t.Errorf("page de l'opération : %d", code)
		}
	}
}
