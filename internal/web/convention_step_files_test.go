package web

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// postStepFiles posts a step form as multipart, with files on fields.
func (a *actor) postStepFiles(path string, fields url.Values, field string, files ...namedFile) (*http.Response, string) {
	a.w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile(field, f.name)
		fw.Write(f.body)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.w.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := a.c.Do(req)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, html.UnescapeString(string(b))
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var attachedLink = regexp.MustCompile(`href="(/upload/[^"]+/media/([0-9a-f-]{36}))"[^>]*>acte de vente\.pdf<`)

// The text+files fields of the Cadastre step take files with the form,
// without JavaScript: attached, listed, downloaded in scope only,
// removed; a refused file names the field and nothing is saved.
func TestStepTextFilesOverHTTP(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{})
	path := step("cadastre", c.UUID)

	code, page := w.bailleur.get(path)
	if code != 200 || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `name="vendeur-fichiers"`) {
		t.Fatalf("GET cadastre : %d, formulaire multipart ou champ fichier absent", code)
	}
	if _, p := w.bailleur.get(step("bailleur", c.UUID)); strings.Contains(p, `id="form-etape" enctype=`) {
		t.Error("l'étape Bailleur, sans champ texte + fichiers, est envoyée en multipart")
	}

	// Attach a PDF to "vendeur" with its text.
	res, _ := w.bailleur.postStepFiles(path, url.Values{"vendeur": {"SCI Les Chênes"}}, "vendeur-fichiers", namedFile{"acte de vente.pdf", testPDF})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST avec fichier : %d", res.StatusCode)
	}
	stored := programme.ParseTextFiles(w.str(`SELECT p.vendeur FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1`, c.ID))
	if stored.Text != "SCI Les Chênes" || len(stored.Files) != 1 {
		t.Fatalf("vendeur enregistré : %+v", stored)
	}
	if n := w.id(`SELECT count(*) FROM upload_scan WHERE statut = 'en_attente'`); n != 1 {
		t.Errorf("%d analyses antivirus en attente, 1 attendue", n)
	}
	_, page = w.bailleur.get(path)
	m := attachedLink.FindStringSubmatch(html.UnescapeString(page))
	if m == nil || m[2] != stored.FileUUIDs()[0] || !strings.HasPrefix(m[1], "/upload/"+c.UUID+"/media/") {
		t.Fatalf("lien du fichier absent de la page : %v", m)
	}
	if !strings.Contains(page, `name="vendeur-retirer" value="`+m[2]+`"`) {
		t.Error("case « Retirer » absente")
	}
	if res, body := w.bailleur.download(m[1]); res.StatusCode != 200 || body != string(testPDF) {
		t.Errorf("téléchargement par le bailleur : %d", res.StatusCode)
	}
	if res, _ := w.autre.download(m[1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("téléchargement hors périmètre : %d", res.StatusCode)
	}

	// A file that is neither an image nor a PDF: refused, named, nothing
	// saved; a good file with a refused text: nothing saved, its stored
	// object removed.
	progSnap := func() string {
		return w.str(`SELECT row_to_json(p)::text FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1`, c.ID)
	}
	before, beforeProg, files, objects := w.snapshot(c.ID), progSnap(), w.id(`SELECT count(*) FROM upload_uploadedfile`), countFiles(t, w.store.Root())
	res, body := w.bailleur.postStepFiles(path, url.Values{"vendeur": {"Autre texte"}, "acquereur": {"X"}}, "acquereur-fichiers", namedFile{"notes.txt", []byte("du texte")})
	label := programme.FieldLabel(programme.ObjProgramme, "acquereur")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, label+" : ") || !strings.Contains(body, "« notes.txt »") {
		t.Errorf("fichier refusé : %d, message nommant %q absent", res.StatusCode, label)
	}
	res, body = w.bailleur.postStepFiles(path, url.Values{"vendeur": {strings.Repeat("x", 5001)}}, "vendeur-fichiers", namedFile{"autre.pdf", testPDF})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Rien n'a été enregistré") {
		t.Errorf("texte refusé avec un fichier : %d", res.StatusCode)
	}
	if w.snapshot(c.ID) != before || progSnap() != beforeProg || w.id(`SELECT count(*) FROM upload_uploadedfile`) != files {
		t.Error("un dépôt refusé a modifié la convention ou enregistré un fichier")
	}
	if n := countFiles(t, w.store.Root()); n != objects {
		t.Errorf("%d objets dans le stockage après des dépôts refusés, %d avant", n, objects)
	}

	// Remove it with its "Retirer" box: the text stays.
	res, _ = w.bailleur.postStepFiles(path, url.Values{"vendeur": {"SCI Les Chênes"}, "vendeur-retirer": {m[2]}}, "")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST retrait : %d", res.StatusCode)
	}
	stored = programme.ParseTextFiles(w.str(`SELECT p.vendeur FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1`, c.ID))
	if stored.Text != "SCI Les Chênes" || len(stored.Files) != 0 {
		t.Errorf("après retrait : %+v", stored)
	}
	if _, page := w.bailleur.get(path); strings.Contains(page, m[1]) {
		t.Error("le fichier retiré est encore listé")
	}
}

// Every text+files field of the step pages, over HTTP: a file posted
// with the form is attached to its column, listed with its download link
// and its "Retirer" box, and detached by the box.
func TestStepTextFilesOverHTTPAllFields(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{nature: "AUTRE"}) // a foyer: the EDD step shows
	prog := `SELECT p.%s FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1`
	conv := `SELECT COALESCE(c.%s, '') FROM conventions_convention c WHERE c.id = $1`
	for _, tc := range []struct{ step, col, sql string }{
		{"cadastre", "vendeur", prog},
		{"cadastre", "acquereur", prog},
		{"cadastre", "reference_notaire", prog},
		{"cadastre", "reference_publication_acte", prog},
		{"edd", "edd_volumetrique", prog},
		{"edd", "edd_classique", prog},
		{"edd", "edd_stationnements", prog},
		{"commentaires", "commentaires", conv},
	} {
		path := step(tc.step, c.UUID)
		read := func() programme.TextFiles { return programme.ParseTextFiles(w.str(fmt.Sprintf(tc.sql, tc.col), c.ID)) }
		name := tc.col + ".pdf"
		res, body := w.bailleur.postStepFiles(path, url.Values{tc.col: {"texte " + tc.col}}, tc.col+"-fichiers", namedFile{name, testPDF})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("%s : POST avec fichier : %d %s", tc.col, res.StatusCode, body)
			continue
		}
		stored := read()
		if stored.Text != "texte "+tc.col || len(stored.Files) != 1 {
			t.Errorf("%s enregistré : %+v", tc.col, stored)
			continue
		}
		id := stored.FileUUIDs()[0]
		_, page := w.bailleur.get(path)
		link := "/upload/" + c.UUID + "/media/" + id
		if !strings.Contains(page, `href="`+link+`" download>`+name+`<`) || !strings.Contains(page, `name="`+tc.col+`-retirer" value="`+id+`"`) {
			t.Errorf("%s : lien ou case « Retirer » absent de la page", tc.col)
		}
		if res, got := w.bailleur.download(link); res.StatusCode != 200 || got != string(testPDF) {
			t.Errorf("%s : téléchargement %d", tc.col, res.StatusCode)
		}
		res, _ = w.bailleur.postStepFiles(path, url.Values{tc.col: {"texte " + tc.col}, tc.col + "-retirer": {id}}, "")
		if stored = read(); res.StatusCode != http.StatusSeeOther || stored.Text != "texte "+tc.col || len(stored.Files) != 0 {
			t.Errorf("%s après retrait : %d %+v", tc.col, res.StatusCode, stored)
		}
	}
}
