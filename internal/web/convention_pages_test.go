package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// Every convention page renders on real data for each side, in French
// formats, within the CSP.
func TestConventionPagesRender(t *testing.T) {
	w := newCWorld(t)
	root := w.add(cconv{statut: string(convention.Signee), numero: "75.D.25.0300", signed: true, logements: 5})
	av := w.add(cconv{parent: root.ID, statut: string(convention.Instruction), types: []string{"duree", "logements"}})
	proj := w.add(cconv{statut: string(convention.Projet)})
	assoc := w.add(cconv{statut: string(convention.Projet), bailleur: w.assoc})
	sp := func(s string) string { return strings.ReplaceAll(s, "_", fr.NBSP) }
	for _, c := range []struct {
		who   *actor
		path  string
		wants []string
	}{
		{w.instr, recap(root.UUID), []string{"Convention n° 75.D.25.0300", "Paris Habitat OPH", sp("1_234_567,89_€"), sp("50,00_m²"),
			sp("250,00_m²"), sp("1_500,00_€"), "CDC pour le foncier", "Garage aérien", "Salle commune", "Terrasse", "AB", "Finalisée"}},
		{w.bailleur, recap(av.UUID), []string{"Avenant en cours à la convention 75.D.25.0300", "Durée et financement", `aria-pressed="true"`,
			"Notifier l'instructeur", "Aucun commentaire ouvert"}},
		{w.instr, recap(av.UUID), []string{"Demander des corrections au bailleur", `name="convention_numero" value="1"`, "Valider"}},
		{w.bailleur, recap(proj.UUID), []string{"Soumettre au service instructeur", "pas encore soumis", "Annuler la convention"}},
		{w.superuser, recap(assoc.UUID), []string{"Type de convention (bailleur non HLM, non SEM)", "Association Toit"}},
		{w.instr, recap(proj.UUID), []string{"Soumettre"}}, // the instructeur sees no submit button: checked below
		{w.instr, "/conventions/post_action/" + root.UUID, []string{"Voir en PDF", "Un avenant est déjà en cours", "Repasser en instruction", "en cours"}},
		{w.bailleur, "/conventions/sent/" + root.UUID, []string{`enctype="multipart/form-data"`}},
		{w.instr, "/conventions/journal/" + root.UUID, []string{"Historique des statuts"}},
		{w.instr, "/conventions/publication/" + root.UUID, []string{"Publication"}},
		{w.lecteur, recap(root.UUID), []string{"Convention n° 75.D.25.0300"}},
	} {
		code, page := c.who.get(c.path)
		if code != 200 {
			t.Errorf("%s (%s) : %d", c.path, c.who.name, code)
			continue
		}
		for _, want := range c.wants {
			if c.who == w.instr && c.path == recap(proj.UUID) {
				if strings.Contains(page, `name="SubmitConvention"`) {
					t.Error("l'instructeur voit le bouton de soumission")
				}
				break
			}
			if !strings.Contains(page, want) {
				t.Errorf("%s (%s) : %q absent", c.path, c.who.name, want)
			}
		}
		checkCSPFriendly(t, c.path, page)
	}
	// A read-only instructeur gets no action form.
	if _, page := w.lecteur.get(recap(av.UUID)); strings.Contains(page, `action="/conventions/feedback/`) || strings.Contains(page, `action="/conventions/validate/`) {
		t.Error("lecture seule : formulaires d'action affichés")
	}
	// Outside the scope: 404, not 403.
	if code, _ := w.autre.get(recap(root.UUID)); code != 404 {
		t.Errorf("autre administration : %d", code)
	}
}

// Comments over HTTP: open, summary, reply, resolve, close (State side
// only), JSON API, scope.
func TestCommentsOverHTTP(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.Instruction)})
	progUUID := w.str(`SELECT uuid::text FROM programmes_programme WHERE id = $1`, c.Prog)
	form := url.Values{"convention_uuid": {c.UUID}, "object_name": {"programme"}, "object_field": {"nom"},
		"object_uuid": {progUUID}, "comment": {"Le nom ne correspond pas au permis"}, "next": {recap(c.UUID)}}
	res := w.instr.post("/comments/", form)
	if !strings.HasPrefix(res.Header.Get("Location"), recap(c.UUID)) {
		t.Fatalf("commentaire : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, page := w.instr.get(recap(c.UUID))
	for _, want := range []string{"1 commentaire ouvert (non résolu)", "Le nom ne correspond pas au permis", "Nom de l'opération", "Marquer comme clos"} {
		if !strings.Contains(page, want) {
			t.Errorf("récapitulatif : %q absent", want)
		}
	}
	w.instr.follow(w.instr.post("/conventions/feedback/"+c.UUID, url.Values{"from_instructeur": {"1"}}))
	first := w.str(`SELECT uuid::text FROM comments_comment WHERE convention_id = $1`, c.ID)
	// The bailleur answers and resolves; closing is for the State side.
	w.bailleur.follow(w.bailleur.post("/comments/"+first, url.Values{"action": {"reply"}, "message": {"Corrigé : Les Lilas"}}))
	w.bailleur.follow(w.bailleur.post("/comments/"+first, url.Values{"action": {"resolve"}}))
	page = w.bailleur.follow(w.bailleur.post("/comments/"+first, url.Values{"action": {"close"}}))
	if !strings.Contains(page, comment.MsgCloseInstr) {
		t.Error("un bailleur a pu clore un commentaire")
	}
	if got := w.str(`SELECT string_agg(statut, ',' ORDER BY id) FROM comments_comment WHERE convention_id = $1`, c.ID); got != "RESOLU,OUVERT" {
		t.Errorf("statuts des commentaires : %q", got)
	}
	w.instr.follow(w.instr.post("/comments/"+first, url.Values{"action": {"close"}}))
	if w.str(`SELECT statut FROM comments_comment WHERE uuid = $1::uuid`, first) != "CLOS" {
		t.Error("l'instructeur n'a pas pu clore")
	}
	// JSON, as the reference's front end spoke it.
	body, _ := json.Marshal(map[string]string{"comment": "Via l'API", "object_name": "lot", "object_field": "nb_logements", "convention_uuid": c.UUID})
	req, _ := http.NewRequest("POST", w.srv.URL+"/comments/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	jres, err := w.lecteur.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Success bool `json:"success"`
		Comment struct {
			Statut  string `json:"statut"`
			IsOwner bool   `json:"is_owner"`
		} `json:"comment"`
	}
	json.NewDecoder(jres.Body).Decode(&out)
	jres.Body.Close()
	if !out.Success || out.Comment.Statut != "OUVERT" || !out.Comment.IsOwner {
		t.Errorf("JSON (lecture seule : les commentaires restent permis) : %+v", out)
	}
	lres, err := w.instr.c.Get(w.srv.URL + "/comments/convention/" + c.UUID + "?object_name=programme&object_field=nom&object_uuid=" + progUUID)
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := io.ReadAll(lres.Body)
	lres.Body.Close()
	var list struct {
		Comments []struct{ Message string } `json:"comments"`
	}
	json.Unmarshal(lb, &list)
	if len(list.Comments) != 2 || list.Comments[1].Message != "Corrigé : Les Lilas" {
		t.Errorf("liste JSON : %s", lb)
	}
	// Outside the scope: 404; not commentable in PROJET.
	if res := w.autre.post("/comments/", form); res.StatusCode != http.StatusNotFound {
		t.Errorf("autre administration : %d", res.StatusCode)
	}
	p := w.add(cconv{})
	form.Set("convention_uuid", p.UUID)
	if page := w.bailleur.follow(w.bailleur.post("/comments/", form)); !strings.Contains(page, comment.MsgNotCommentable) {
		t.Error("commentaire accepté en projet")
	}
}

// Operation page: programmes and conventions of the operation; creation
// of the missing conventions (one per financement without an active
// convention), in one transaction.
func TestOperationPage(t *testing.T) {
	w := newCWorld(t)
	a := w.add(cconv{numOp: "2026-75-77777", statut: string(convention.Annulee), nom: "Les Tilleuls"})
	w.exec(`UPDATE programmes_lot SET financement = 'PLAI', nb_logements = 7 WHERE convention_id = $1`, a.ID)
	w.add(cconv{numOp: "2026-75-77777", statut: string(convention.Instruction), nom: "Les Tilleuls"})
	code, page := w.instr.get("/operations/2026-75-77777")
	if code != 200 || !strings.Contains(page, "Les Tilleuls") || !strings.Contains(page, "PLAI") || !strings.Contains(page, "Créer les conventions manquantes") {
		t.Fatalf("page opération : %d", code)
	}
	w.bailleur.follow(w.bailleur.post("/operations/2026-75-77777", nil))
	if n := w.id(`SELECT count(*) FROM conventions_convention c JOIN programmes_lot l ON l.convention_id = c.id
		WHERE c.statut = '1. Projet' AND l.financement = 'PLAI' AND l.nb_logements = 7 AND c.cree_par_id = $1`, w.bailleur.userID); n != 1 {
		t.Errorf("convention PLAI créée : %d", n)
	}
	page = w.bailleur.follow(w.bailleur.post("/operations/2026-75-77777", nil))
	if !strings.Contains(page, "rien n'a été créé") {
		t.Error("seconde création : message absent")
	}
	if code, _ := w.autre.get("/operations/2026-75-77777"); code != http.StatusFound {
		t.Errorf("hors périmètre : %d, attendu le renvoi vers la recherche", code)
	}
	if res := w.lecteur.post("/operations/2026-75-77777", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("lecture seule : %d", res.StatusCode)
	}
}
