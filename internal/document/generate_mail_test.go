package document

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/mail/smtptest"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// mailWorld is a world whose HLM bailleur has a user wanting every
// e-mail, a local storage and a fake SMTP server.
type mailWorld struct {
	*world
	st  storage.Storage
	srv *smtptest.Server
}

func newMailWorld(t *testing.T) *mailWorld {
	w := &mailWorld{world: newWorld(t), srv: smtptest.Start(t)}
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.st = st
	user := w.id(`INSERT INTO users_user (password, username, email, preferences_email) VALUES ('!', 'bailleur', 'bailleur@example.org', 'TOUS') RETURNING id`)
	group := w.id(`INSERT INTO auth_group (name) VALUES ('bailleur') RETURNING id`)
	w.exec(`INSERT INTO users_role (typologie, bailleur_id, user_id, group_id) VALUES ('BAILLEUR', $1, $2, $3)`, w.hlm, user, group)
	return w
}

// put stores a file of the convention's media folder and records it;
// its uuid.
func (w *mailWorld) put(m made, realname string, data []byte) string {
	w.t.Helper()
	ctx := context.Background()
	var id string
	if err := w.pool.QueryRow(ctx, `INSERT INTO upload_uploadedfile (uuid, filename, realname, dirpath, size, content_type, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), $1, $1, $2, $3, 'application/pdf', now(), now()) RETURNING uuid::text`,
		realname, "conventions/"+m.UUID.String()+"/media", fmt.Sprint(len(data))).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	if err := w.st.Put(ctx, "conventions/"+m.UUID.String()+"/media/"+id+"_"+realname, bytes.NewReader(data), int64(len(data)), "application/pdf"); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// attach sets the convention's "attached" field to the files.
func (w *mailWorld) attach(m made, ids ...string) {
	w.t.Helper()
	files := ""
	for i, id := range ids {
		if i > 0 {
			files += ", "
		}
		files += fmt.Sprintf("%q: {\"uuid\": %q}", id, id)
	}
	w.exec(`UPDATE conventions_convention SET attached = $2 WHERE id = $1`, m.ID, `{"files": {`+files+`}, "text": ""}`)
}

// send sends the validation e-mail of m through the fake SMTP server and
// returns the files it carried.
func (w *mailWorld) send(m made) []smtptest.Part {
	w.t.Helper()
	before := len(w.srv.Mails())
	smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: w.srv.Port(), From: "apilos@example.org"})
	if err != nil {
		w.t.Fatal(err)
	}
	s := &notify.Sender{Pool: w.pool, Mailer: smtp, SiteURL: "https://apilos.example",
		Attach: func(ctx context.Context, ev notify.Event) ([]mail.Attachment, error) {
			return MailAttachment(ctx, w.pool, w.st, ev.ConventionUUID)
		}}
	res, err := s.Send(context.Background(), notify.NewEvent(notify.Validated, m.UUID, 0))
	if err != nil {
		w.t.Fatal(err)
	}
	got := w.srv.Mails()[before:]
	if res.Sent != 1 || len(got) != 1 || !slices.Equal(got[0].Rcpt, []string{"bailleur@example.org"}) {
		w.t.Fatalf("%+v, %d e-mail(s) : un e-mail au bailleur attendu", res, len(got))
	}
	files, err := got[0].Attachments()
	if err != nil {
		w.t.Fatal(err)
	}
	return files
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// The validation e-mail of a foyer or résidence convention carries the
// archive <uuid>.zip of its PDF and its "attached" files (same names made
// unique, a quarantined or missing file left out), stored next to the
// PDF; other conventions and avenants carry the PDF alone (spec
// workflows §9.2, 103/104).
func TestValidationMailAttachment(t *testing.T) {
	w := newMailWorld(t)
	ctx := context.Background()
	foyer := w.make(spec{nature: "AUTRE", statut: "4. A signer"})
	residence := w.make(spec{nature: "RESISDENCESOCIALE", statut: "4. A signer"})
	ordinaire := w.make(spec{statut: "4. A signer"})
	avenant := w.make(spec{nature: "AUTRE", statut: "4. A signer", parent: foyer.ID, types: []string{"logements"}})

	for _, tc := range []struct {
		name string
		m    made
		zip  bool
	}{
		{"foyer", foyer, true},
		{"résidence", residence, true},
		{"logements ordinaires", ordinaire, false},
		{"avenant de foyer", avenant, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w.t = t
			pdf := []byte("%PDF-1.4 convention " + tc.m.Numero + "\n%%EOF\n")
			if err := w.st.Put(ctx, PDFKey(tc.m.UUID), bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
				t.Fatal(err)
			}
			plan1, plan2 := []byte("%PDF-1.4 plan masse"), []byte("%PDF-1.4 plan de situation")
			reglement := []byte("%PDF-1.4 règlement intérieur")
			ids := []string{w.put(tc.m, "plan.pdf", plan1), w.put(tc.m, "plan.pdf", plan2), w.put(tc.m, "règlement intérieur.pdf", reglement)}
			infected := w.put(tc.m, "facture.pdf", []byte("X5O!P%@AP"))
			w.exec(`INSERT INTO upload_scan (storage_key, uploaded_file_id, convention_id, filename, statut, signature)
				SELECT 'conventions/x/' || uuid, id, $2, realname, 'infecte', 'Eicar-Signature' FROM upload_uploadedfile WHERE uuid = $1`, infected, tc.m.ID)
			missing := uuid.NewString()
			w.attach(tc.m, append(ids, infected, missing)...)

			files := w.send(tc.m)
			if len(files) != 1 {
				t.Fatalf("%d pièces jointes, 1 attendue", len(files))
			}
			f := files[0]
			stored, err := w.st.Exists(ctx, ZipKey(tc.m.UUID))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.zip {
				if f.Name != "convention_"+tc.m.UUID.String()+".pdf" || !bytes.Equal(f.Data, pdf) || stored {
					t.Errorf("PDF seul attendu : %s (%d octets), archive enregistrée %v", f.Name, len(f.Data), stored)
				}
				return
			}
			if mt, _, _ := mime.ParseMediaType(f.ContentType); f.Name != tc.m.UUID.String()+".zip" || mt != "application/zip" {
				t.Errorf("pièce jointe %s (%s), %s.zip attendue", f.Name, f.ContentType, tc.m.UUID)
			}
			entries := unzip(t, f.Data)
			var names []string
			for n := range entries {
				names = append(names, n)
			}
			slices.Sort(names)
			want := []string{"convention_" + tc.m.UUID.String() + ".pdf", "plan (2).pdf", "plan.pdf", "règlement intérieur.pdf"}
			if !slices.Equal(names, want) {
				t.Fatalf("archive %v, %v attendu", names, want)
			}
			if !bytes.Equal(entries[want[0]], pdf) || !bytes.Equal(entries["règlement intérieur.pdf"], reglement) {
				t.Error("contenu de l'archive différent des fichiers")
			}
			plans := [][]byte{entries["plan.pdf"], entries["plan (2).pdf"]}
			if !(bytes.Equal(plans[0], plan1) && bytes.Equal(plans[1], plan2)) && !(bytes.Equal(plans[0], plan2) && bytes.Equal(plans[1], plan1)) {
				t.Error("les deux plans homonymes doivent être tous deux dans l'archive")
			}
			r, err := w.st.Get(ctx, ZipKey(tc.m.UUID))
			if err != nil {
				t.Fatal(err)
			}
			kept, _ := io.ReadAll(r)
			r.Close()
			if !bytes.Equal(kept, f.Data) {
				t.Error("l'archive enregistrée diffère de l'archive envoyée")
			}
		})
	}
}

// Over 10 Mio the e-mail leaves without attachment (its text gives the
// link), the archive still stored; without PDF the sending waits.
func TestValidationMailAttachmentLimits(t *testing.T) {
	w := newMailWorld(t)
	ctx := context.Background()
	foyer := w.make(spec{nature: "AUTRE", statut: "4. A signer"})
	if _, err := MailAttachment(ctx, w.pool, w.st, foyer.UUID); !errors.Is(err, ErrPDFNotReady) {
		t.Fatalf("sans PDF : %v, ErrPDFNotReady attendu", err)
	}
	if _, err := MailAttachment(ctx, w.pool, w.st, uuid.New()); !errors.Is(err, ErrNotFound) {
		t.Errorf("convention inconnue : %v", err)
	}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	if err := w.st.Put(ctx, PDFKey(foyer.UUID), bytes.NewReader(pdf), int64(len(pdf)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	// Random bytes do not compress: the archive passes the limit.
	big := make([]byte, MaxMailAttachment)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	w.attach(foyer, w.put(foyer, "plans.pdf", big))
	if files := w.send(foyer); len(files) != 0 {
		t.Errorf("%d pièce(s) jointe(s) au-delà de 10 Mio, aucune attendue", len(files))
	}
	if ok, _ := w.st.Exists(ctx, ZipKey(foyer.UUID)); !ok {
		t.Error("archive non enregistrée")
	}

	ordinaire := w.make(spec{statut: "4. A signer"})
	if err := w.st.Put(ctx, PDFKey(ordinaire.UUID), bytes.NewReader(big), int64(len(big)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if files := w.send(ordinaire); len(files) != 1 {
		t.Errorf("PDF de 10 Mio exactement : %d pièce(s) jointe(s), 1 attendue", len(files))
	}
	bigger := append(big, '\n')
	if err := w.st.Put(ctx, PDFKey(ordinaire.UUID), bytes.NewReader(bigger), int64(len(bigger)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if files := w.send(ordinaire); len(files) != 0 {
		t.Errorf("PDF au-delà de 10 Mio : %d pièce(s) jointe(s), aucune attendue", len(files))
	}
}
