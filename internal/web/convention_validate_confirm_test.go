package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// TestValidateAsksConfirmationWithOpenComments: a validation POST while
// comments are open shows them and validates nothing; the confirmed POST
// validates; without open comments, the validation goes through at once.
func TestValidateAsksConfirmationWithOpenComments(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction)})
	progUUID := w.str(`SELECT uuid::text FROM programmes_programme WHERE id = $1`, c.Prog)
	w.instr.follow(w.instr.post("/comments/", url.Values{"convention_uuid": {c.UUID}, "object_name": {"programme"}, "object_field": {"nom"},
		"object_uuid": {progUUID}, "comment": {"Le nom ne correspond pas au permis"}, "next": {recap(c.UUID)}}))
	before := w.snapshot(c.ID)

	res, err := w.instr.c.PostForm(w.srv.URL+"/conventions/validate/"+c.UUID, url.Values{"convention_numero": {"75.D.26.0100"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := html.UnescapeString(string(body))
	if res.StatusCode != http.StatusOK || w.snapshot(c.ID) != before || w.statut(c.ID) != string(convention.Instruction) {
		t.Fatalf("validation sans confirmation : %d, statut %q", res.StatusCode, w.statut(c.ID))
	}
	for _, want := range []string{"1 commentaire encore ouvert : confirmez-vous la validation ?", "Le nom ne correspond pas au permis", "Nom de l'opération",
		`name="confirmer_commentaires_ouverts" value="1"`, `name="convention_numero" value="75.D.26.0100"`, "Revenir au récapitulatif"} {
		if !strings.Contains(page, want) {
			t.Errorf("page de confirmation : %q absent", want)
		}
	}
	checkCSPFriendly(t, "confirmation de validation", page)

	res = w.instr.post("/conventions/validate/"+c.UUID, url.Values{"convention_numero": {"75.D.26.0100"}, "confirmer_commentaires_ouverts": {"1"}})
	if res.StatusCode != http.StatusSeeOther || w.statut(c.ID) != string(convention.ASigner) {
		t.Fatalf("validation confirmée : %d, statut %q", res.StatusCode, w.statut(c.ID))
	}

	// No open comment: no question.
	d := w.add(cconv{statut: string(convention.Instruction)})
	res = w.instr.post("/conventions/validate/"+d.UUID, url.Values{"convention_numero": {"75.D.26.0101"}})
	if res.StatusCode != http.StatusSeeOther || w.statut(d.ID) != string(convention.ASigner) {
		t.Errorf("validation sans commentaire ouvert : %d, statut %q", res.StatusCode, w.statut(d.ID))
	}
}
