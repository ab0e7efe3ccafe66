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
