package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/docx"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// docFixture is a validated convention whose bailleur has one user
// wanting every e-mail.
type docFixture struct {
	id   int64
	uuid uuid.UUID
}

func newDocFixture(t *testing.T, d Deps) docFixture {
	t.Helper()
	var f docFixture
	err := d.Pool.QueryRow(context.Background(), `WITH a AS (INSERT INTO instructeurs_administration (nom, code, adresse, code_postal, ville)
			VALUES ('DDT du Rhône', 'DD69', '1 place', '69000', 'Lyon') RETURNING id),
		b AS (INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Grand Lyon Habitat', '1', 'HLM') RETURNING id),
		p AS (INSERT INTO programmes_programme (nom, ville, bailleur_id, administration_id) SELECT 'Les Canuts', 'Lyon', b.id, a.id FROM a, b RETURNING id, bailleur_id),
		u AS (INSERT INTO users_user (password, username, email, preferences_email) VALUES ('!', 'b', 'b@example.org', 'TOUS') RETURNING id),
		g AS (INSERT INTO auth_group (name) VALUES ('bailleur') RETURNING id),
		r AS (INSERT INTO users_role (typologie, bailleur_id, user_id, group_id) SELECT 'BAILLEUR', p.bailleur_id, u.id, g.id FROM p, u, g)
		INSERT INTO conventions_convention (programme_id, statut, numero) SELECT id, '4. A signer', '69.D.26.0042' FROM p RETURNING id, uuid`).Scan(&f.id, &f.uuid)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// testBuild renders a one-page document naming the convention's number,
// programme and bailleur, through the docx renderer.
func testBuild(ctx context.Context, q db.Querier, id int64) (string, []byte, error) {
	var numero, programme, bailleur string
	if err := q.QueryRow(ctx, `SELECT c.numero, p.nom, b.nom FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id WHERE c.id = $1`, id).Scan(&numero, &programme, &bailleur); err != nil {
		return "", nil, err
	}
	out, err := docx.Render("test.docx", miniDocx(), map[string]any{"numero": numero, "programme": programme, "bailleur": bailleur})
	return "convention.docx", out, err
}

func miniDocx() []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			`<w:p><w:r><w:t>Convention n° {{ numero }}</w:t></w:r></w:p><w:p><w:r><w:t>{{ programme }} – {{ bailleur }}</w:t></w:r></w:p></w:body></w:document>`},
	} {
		w, _ := zw.Create(f[0])
		io.WriteString(w, f[1])
	}
	zw.Close()
	return buf.Bytes()
}

// watchedConverter is the real LibreOffice, telling the test when a
// conversion starts and how each ended.
type watchedConverter struct {
	lo      *document.LibreOffice
	started chan struct{}
	mu      sync.Mutex
	results []error
}

func (w *watchedConverter) ToPDF(ctx context.Context, b []byte) ([]byte, error) {
	select {
	case w.started <- struct{}{}:
	default:
	}
	pdf, err := w.lo.ToPDF(ctx, b)
	w.mu.Lock()
	w.results = append(w.results, err)
	w.mu.Unlock()
	return pdf, err
}

func (w *watchedConverter) ended() []error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]error(nil), w.results...)
}

func soffice(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatal("soffice introuvable : installez libreoffice-writer-nogui (scripts/ensure-deps.sh)")
	}
	return p
}

func pdfToText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils) : %v", err)
	}
	return string(out)
}

// The worker is stopped while LibreOffice converts the document of a
// validated convention: the conversion is killed, the task goes back to
// its queue, the next worker runs it again, and there is one document
// (one PDF, one .docx, one state row) and one e-mail carrying the PDF,
// though the task was also enqueued twice.
func TestGenerateDocumentSurvivesWorkerRestart(t *testing.T) {
	d := testDeps(t)
	ctx := context.Background()
	mem := mail.NewMemory()
	root := t.TempDir()
	st, err := storage.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	conv := &watchedConverter{lo: &document.LibreOffice{Exec: soffice(t), TempDir: t.TempDir()}, started: make(chan struct{}, 1)}
	d.Mailer, d.SiteURL, d.Storage, d.Converter, d.Build = mem, "https://apilos.example", st, conv, testBuild
	f := newDocFixture(t, d)

	task, err := document.Request(ctx, d.Pool, f.id, true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(d.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ev := notify.NewEvent(notify.Validated, f.uuid, 0)
	for range 2 {
		if err := EnqueueDocument(ctx, c, task, &ev); err != nil {
			t.Fatal(err)
		}
	}

	first := startRun(t, d, WithPollInterval(50*time.Millisecond), WithShutdownTimeout(50*time.Millisecond))
	select {
	case <-conv.started:
	case <-time.After(30 * time.Second):
		t.Fatal("la conversion n'a pas commencé")
	}
	if err := first.stop(t); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "conversion interrompue", func() bool { return len(conv.ended()) == 1 })
	if err := conv.ended()[0]; !errors.Is(err, context.Canceled) {
		t.Fatalf("première conversion : %v, interruption attendue", err)
	}
	if ok, _ := st.Exists(ctx, document.PDFKey(f.uuid)); ok {
		t.Fatal("PDF enregistré par la tentative interrompue")
	}

	startRun(t, d, WithPollInterval(50*time.Millisecond))
	waitFor(t, "document généré et e-mail envoyé", func() bool {
		g, err := document.Status(ctx, d.Pool, f.id)
		return err == nil && g != nil && g.State == document.Done && len(mem.Sent()) > 0
	})
	time.Sleep(300 * time.Millisecond)

	g, err := document.Status(ctx, d.Pool, f.id)
	if err != nil {
		t.Fatal(err)
	}
	if g.Tentatives != 2 || g.Erreur != "" || g.StatutConvention != "4. A signer" || g.Stale() {
		t.Errorf("état %+v : 2 tentatives, sans erreur, à jour attendues", g)
	}
	var rows int
	d.Pool.QueryRow(ctx, `SELECT count(*) FROM document_generation`).Scan(&rows)
	if rows != 1 {
		t.Errorf("%d lignes d'état, 1 attendue", rows)
	}
	if n := len(conv.ended()); n != 2 {
		t.Errorf("%d conversions, 2 attendues (l'interrompue et la reprise)", n)
	}
	pdf := read(t, st, document.PDFKey(f.uuid))
	txt := pdfToText(t, pdf)
	for _, want := range []string{"Convention n° 69.D.26.0042", "Les Canuts – Grand Lyon Habitat"} {
		if !strings.Contains(txt, want) {
			t.Errorf("le PDF ne contient pas %q :\n%s", want, txt)
		}
	}
	if b := read(t, st, document.DocxKey(f.uuid)); !bytes.HasPrefix(b, []byte("PK")) {
		t.Error("document Word absent")
	}
	sent := mem.Sent()
	if len(sent) != 1 {
		t.Fatalf("%d e-mails, 1 attendu", len(sent))
	}
	if len(sent[0].Attachments) != 1 || !bytes.Equal(sent[0].Attachments[0].Data, pdf) || sent[0].To[0] != "b@example.org" {
		t.Errorf("e-mail de validation sans le PDF : %d pièce(s) jointe(s), à %v", len(sent[0].Attachments), sent[0].To)
	}
}

func read(t *testing.T, st storage.Storage, key string) []byte {
	t.Helper()
	r, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("%s : %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
