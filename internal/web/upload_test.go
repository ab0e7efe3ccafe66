package web

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/clamav"
	"github.com/MTES-MCT/apilos-go/internal/clamav/clamavtest"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

func init() {
	matrixRows = append(matrixRows,
		// An empty body is refused by the handler (400) once the rule let
		// the request in; roles without change_convention get 403.
		matrixRow{Pattern: "POST /upload/{$}", Path: "/upload/", Want: map[string]string{"*": "400", "anonyme": "302",
			"administrateur_departemental_lecture": "403", "instructeur_lecture": "403", "bailleur_lecture": "403", "partenaire": "403"}},
		// An unknown file of a visible convention: the handler's 404.
		matrixRow{Pattern: "GET /upload/{uuid}/media/{file}", Path: "/upload/{uuid}/media/00000000-0000-0000-0000-000000000000", Want: permWant("view", "404")},
	)
	renderFixtures["upload_quarantine"] = func(p Page) (any, []string) {
		return quarantineView{Page: p, FileName: "facture <juin>.pdf"}, []string{"Fichier mis en quarantaine", "« facture &lt;juin&gt;.pdf »", "Erreur 410"}
	}
}

var (
	testPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 32)...)
)

type namedFile struct {
	name string
	body []byte
}

// postFiles sends POST /upload/ as the form's widget does and decodes
// the JSON answer.
func (a *actor) postFiles(fields map[string]string, files ...namedFile) (int, uploadAnswer, []upload.File) {
	a.w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		fw, _ := mw.CreateFormFile("file", f.name)
		fw.Write(f.body)
	}
	mw.Close()
	res, err := a.c.Post(a.w.srv.URL+"/upload/", mw.FormDataContentType(), &buf)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var ans uploadAnswer
	var raw struct {
		UploadedFile []upload.File `json:"uploaded_file"`
	}
	if res.StatusCode != http.StatusFound && res.StatusCode != http.StatusForbidden {
		if err := json.Unmarshal(b, &ans); err != nil {
			a.w.t.Fatalf("réponse %d non JSON : %s", res.StatusCode, b)
		}
		json.Unmarshal(b, &raw)
	}
	return res.StatusCode, ans, raw.UploadedFile
}

// download returns the answer of a file URL, body read.
func (a *actor) download(path string) (*http.Response, string) {
	a.w.t.Helper()
	res, err := a.c.Get(a.w.srv.URL + path)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func fileURL(conv string, f upload.File) string {
	return "/upload/" + conv + "/media/" + f.UUID.String()
}

func TestUploadOverHTTP(t *testing.T) {
	w := newCWorld(t)
	conv := w.add(cconv{})
	other := w.add(cconv{adm: w.otherAdm, nom: "Autre opération"})

	// The JSON of the reference: success as a string, every column.
	status, ans, files := w.bailleur.postFiles(map[string]string{"convention": conv.UUID},
		namedFile{`Plan "RDC"; façade.pdf`, testPDF}, namedFile{"photo.png", testPNG})
	if status != http.StatusOK || ans.Success != "true" || len(files) != 2 {
		t.Fatalf("dépôt : %d %+v", status, ans)
	}
	f := files[0]
	if f.Realname != `Plan "RDC"; façade.pdf` || f.Filename != "plan-rdc-facade.pdf" || f.Dirpath == nil ||
		*f.Dirpath != "conventions/"+conv.UUID+"/media/" || *f.Size != "50" || *f.ContentType != "application/pdf" {
		t.Errorf("fichier %+v", f)
	}
	// Its antivirus scan is queued.
	if n := w.id(`SELECT count(*) FROM upload_scan WHERE convention_id = $1 AND statut = 'en_attente'`, conv.ID); n != 2 {
		t.Errorf("%d analyses en attente", n)
	}
	opt, _ := jobs.RedisOpt(w.redisURL)
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	pending, _ := insp.ListPendingTasks(jobs.QueueDefault)
	scans := 0
	for _, tk := range pending {
		if tk.Type == jobs.ScanUpload.Type {
			scans++
		}
	}
	if scans != 2 {
		t.Errorf("%d analyses en file, 2 attendues", scans)
	}

	// Download: the original name, escaped, as an attachment.
	res, body := w.bailleur.download(fileURL(conv.UUID, f))
	if res.StatusCode != http.StatusOK || body != string(testPDF) || res.Header.Get("Content-Type") != "application/pdf" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("téléchargement : %d %q %v", res.StatusCode, body, res.Header)
	}
	kind, params, err := mime.ParseMediaType(res.Header.Get("Content-Disposition"))
	if err != nil || kind != "attachment" || params["filename"] != f.Realname {
		t.Errorf("Content-Disposition %q : %s %v %v", res.Header.Get("Content-Disposition"), kind, params, err)
	}
	// The instructeur of the convention reads it; outside the scope, or
	// through another convention, or unknown: 404.
	if res, _ := w.instr.download(fileURL(conv.UUID, f)); res.StatusCode != http.StatusOK {
		t.Errorf("instructeur : %d", res.StatusCode)
	}
	if res, _ := w.autre.download(fileURL(conv.UUID, f)); res.StatusCode != http.StatusNotFound {
		t.Errorf("hors périmètre : %d", res.StatusCode)
	}
	if res, _ := w.superuser.download(fileURL(other.UUID, f)); res.StatusCode != http.StatusNotFound {
		t.Errorf("par une autre convention : %d", res.StatusCode)
	}
	if res, _ := w.bailleur.download("/upload/" + conv.UUID + "/media/pas-un-uuid"); res.StatusCode != http.StatusNotFound {
		t.Errorf("uuid invalide : %d", res.StatusCode)
	}

	// Refusals: JSON with the French reason, nothing stored.
	before := w.id(`SELECT count(*) FROM upload_uploadedfile`)
	for _, c := range []struct {
		name   string
		actor  *actor
		fields map[string]string
		files  []namedFile
		status int
		msg    string
	}{
		{"hors périmètre", w.autre, map[string]string{"convention": conv.UUID}, []namedFile{{"a.pdf", testPDF}}, 404, "Destination introuvable"},
		{"sans destination", w.bailleur, nil, []namedFile{{"a.pdf", testPDF}}, 400, upload.MsgNoTarget},
		{"deux destinations", w.bailleur, map[string]string{"convention": conv.UUID, "programme": conv.UUID}, []namedFile{{"a.pdf", testPDF}}, 400, upload.MsgNoTarget},
		{"identifiant invalide", w.bailleur, map[string]string{"lot": "12"}, []namedFile{{"a.pdf", testPDF}}, 400, "Identifiant de lot invalide"},
		{"type refusé", w.bailleur, map[string]string{"convention": conv.UUID}, []namedFile{{"macro.docm", []byte("PK\x03\x04macro")}}, 400, "« macro.docm » n'est pas accepté"},
		{"aucun fichier", w.bailleur, map[string]string{"convention": conv.UUID}, nil, 400, upload.MsgNoFile},
	} {
		status, ans, _ := c.actor.postFiles(c.fields, c.files...)
		if status != c.status || ans.Success != "false" || !strings.Contains(ans.Error, c.msg) {
			t.Errorf("%s : %d %+v", c.name, status, ans)
		}
	}
	if status, _, _ := w.lecteur.postFiles(map[string]string{"convention": conv.UUID}, namedFile{"a.pdf", testPDF}); status != http.StatusForbidden {
		t.Errorf("lecture seule : %d", status)
	}
	if after := w.id(`SELECT count(*) FROM upload_uploadedfile`); after != before {
		t.Errorf("%d fichiers enregistrés par des dépôts refusés", after-before)
	}
}

// A file with a virus, through the real queue and worker to a clamd
// speaking the protocol: quarantined, the download answers the French
// quarantine page, the uploader and staff get the e-mail, the convention
// goes on. Same for a signed document.
func TestUploadQuarantineOverHTTP(t *testing.T) {
	w := newCWorld(t)
	ctx := context.Background()
	srv := clamavtest.Start(t)
	cl, err := clamav.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	mem := mail.NewMemory()
	w.exec(`INSERT INTO users_user (password, username, email, is_staff, is_active, preferences_email, date_joined)
		VALUES ('!', 'support', 'support@apilos.example', true, true, 'AUCUN', now())`)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- jobs.Run(runCtx, jobs.Deps{Pool: w.pool, RedisURL: w.redisURL, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Mailer: mem, SiteURL: "https://apilos.example", Storage: w.store, Scanner: cl}, jobs.WithPollInterval(50*time.Millisecond))
	}()
	t.Cleanup(func() { cancel(); <-done })
	scanned := func(key string) bool {
		return w.str(`SELECT statut FROM upload_scan WHERE storage_key = $1`, key) != "en_attente"
	}
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("attente dépassée : %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	conv := w.add(cconv{})
	infected := append(append([]byte{}, testPDF...), clamavtest.EICAR()...)
	status, _, files := w.bailleur.postFiles(map[string]string{"convention": conv.UUID},
		namedFile{"facture.pdf", infected}, namedFile{"photo.png", testPNG})
	if status != http.StatusOK {
		t.Fatalf("dépôt : %d", status)
	}
	bad, good := files[0], files[1]
	waitUntil("analyse des pièces jointes", func() bool { return scanned(bad.Key("")) && scanned(good.Key("")) })
	res, page := w.bailleur.download(fileURL(conv.UUID, bad))
	page = html.UnescapeString(page)
	if res.StatusCode != http.StatusGone || !strings.Contains(page, "Fichier mis en quarantaine") || !strings.Contains(page, "« facture.pdf »") ||
		!strings.Contains(page, "fr-footer") || strings.Contains(page, "EICAR") {
		t.Errorf("fichier infecté : %d\n%s", res.StatusCode, page)
	}
	if res, body := w.bailleur.download(fileURL(conv.UUID, good)); res.StatusCode != http.StatusOK || body != string(testPNG) {
		t.Errorf("fichier sain : %d", res.StatusCode)
	}
	waitUntil("e-mails", func() bool { return len(mem.Sent()) >= 2 })
	var to []string
	for _, m := range mem.Sent() {
		to = append(to, m.To...)
	}
	if got := strings.Join(to, " "); !strings.Contains(got, "camille@example.org") || !strings.Contains(got, "support@apilos.example") {
		t.Errorf("destinataires : %s", got)
	}
	// The convention is not blocked.
	if st := w.statut(conv.ID); st != "1. Projet" {
		t.Errorf("statut %q", st)
	}
	if code, _ := w.bailleur.get(recap(conv.UUID)); code != http.StatusOK {
		t.Errorf("récapitulatif : %d", code)
	}

	// A signed document with a virus: same quarantine on display_pdf; a
	// clean deposit afterwards is served.
	signed := w.add(cconv{statut: "4. A signer", numero: "75.D.26.0042"})
	if res := w.instr.upload("/conventions/sent/"+signed.UUID, "file", "signee.pdf", infected); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("dépôt du document signé : %d", res.StatusCode)
	}
	name := w.str(`SELECT nom_fichier_signe FROM conventions_convention WHERE id = $1`, signed.ID)
	key := "conventions/" + signed.UUID + "/convention_docs/" + name
	waitUntil("analyse du document signé", func() bool { return scanned(key) })
	res, page = w.instr.download("/conventions/display_pdf/" + signed.UUID)
	if res.StatusCode != http.StatusGone || !strings.Contains(html.UnescapeString(page), "« "+name+" »") {
		t.Errorf("document signé infecté : %d", res.StatusCode)
	}
	if st := w.statut(signed.ID); st != "4. A signer" {
		t.Errorf("statut du document signé %q", st)
	}
	// Deposited again, clean (same name within the same minute: the same
	// key is scanned again).
	if res := w.instr.upload("/conventions/sent/"+signed.UUID, "file", "signee.pdf", testPDF); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("nouveau dépôt : %d", res.StatusCode)
	}
	name = w.str(`SELECT nom_fichier_signe FROM conventions_convention WHERE id = $1`, signed.ID)
	key = "conventions/" + signed.UUID + "/convention_docs/" + name
	waitUntil("analyse du nouveau dépôt", func() bool { return scanned(key) })
	if res, body := w.instr.download("/conventions/display_pdf/" + signed.UUID); res.StatusCode != http.StatusOK || body != string(testPDF) {
		t.Errorf("document signé sain : %d", res.StatusCode)
	}
}
