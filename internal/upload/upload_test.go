package upload

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/access/accesstest"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// Small valid heads of the accepted types.
var (
	pngBody  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	pdfBody  = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
	jpegBody = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...)
)

func TestStorageName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Acte de propriété.pdf", "acte-de-propriete.pdf"},
		{"PHOTO Façade (1).JPG", "photo-facade-1.jpg"},
		{"plan__RDC--v2 .png", "plan__rdc-v2.png"},
		{`a"b;c.pdf`, "abc.pdf"},
		{"été.heic", "ete.heic"},
		{"文件.pdf", "fichier.pdf"},
		{".pdf", "pdf"},
		{"sans-extension", "sans-extension"},
		{"archive.tar.gz", "archivetar.gz"},
		{"-_x_-.PDF", "x.pdf"},
	} {
		if got := StorageName(c.in); got != c.want {
			t.Errorf("StorageName(%q) = %q, attendu %q", c.in, got, c.want)
		}
	}
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		name string
		head []byte
		want string
	}{
		{"pdf", pdfBody, "application/pdf"},
		{"png", pngBody, "image/png"},
		{"jpeg", jpegBody, "image/jpeg"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "image/gif"},
		{"bmp", []byte("BM\x00\x00\x00\x00\x00\x00\x00\x00"), "image/bmp"},
		{"webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "image/webp"},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), "image/tiff"},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), "image/heic"},
		{"heif", []byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00"), "image/heif"},
		{"texte", []byte("bonjour"), ""},
		{"html", []byte("<html><script>alert(1)</script>"), ""},
		{"zip (docx)", []byte("PK\x03\x04\x14\x00"), ""},
		{"exécutable", []byte("MZ\x90\x00"), ""},
		{"mp4", []byte("\x00\x00\x00\x18ftypisom\x00\x00"), ""},
	} {
		if got := Sniff(c.head); got != c.want {
			t.Errorf("%s : Sniff = %q, attendu %q", c.name, got, c.want)
		}
	}
}

type env struct {
	t     *testing.T
	pool  *pgxpool.Pool
	world *accesstest.World
	st    *storage.Local
}

func newEnv(t *testing.T) *env {
	t.Helper()
	pool := dbtest.Pool(t)
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, pool: pool, world: accesstest.Seed(t, pool), st: st}
}

func (e *env) sub(persona string) *access.Subject { return e.world.Persona(persona).Subject }

func (e *env) ref(name string) *access.ConventionRef {
	e.t.Helper()
	su := e.sub("superuser")
	r, err := access.VisibleConvention(context.Background(), e.pool, su, e.world.Convention(name).UUID)
	if err != nil || r == nil {
		e.t.Fatalf("convention %s : %v", name, err)
	}
	return r
}

func (e *env) uuidOf(sql string, args ...any) uuid.UUID {
	e.t.Helper()
	var u uuid.UUID
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&u); err != nil {
		e.t.Fatalf("%s : %v", sql, err)
	}
	return u
}

func (e *env) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s : %v", sql, err)
	}
	return n
}

func in(name string, body []byte) Incoming {
	return Incoming{Name: name, Size: int64(len(body)), Body: bytes.NewReader(body)}
}

// save runs Save in a transaction, like the web handler.
func (e *env) save(st storage.Storage, sub *access.Subject, t Target, files ...Incoming) ([]File, []string, error) {
	var saved []File
	var keys []string
	err := db.InTx(context.Background(), e.pool, func(tx pgx.Tx) (err error) {
		saved, keys, err = Save(context.Background(), tx, st, sub, t, files)
		return err
	})
	return saved, keys, err
}

func (e *env) read(conv *access.ConventionRef, file uuid.UUID) (*File, string, error) {
	f, body, err := Open(context.Background(), e.pool, e.st, conv, file.String())
	if err != nil {
		return f, "", err
	}
	defer body.Close()
	b, _ := io.ReadAll(body)
	return f, string(b), nil
}

func TestSaveAndOpen(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bailleur := e.sub("bailleur")
	c75 := e.ref("C75")
	convUUID := uuid.MustParse(c75.UUID)

	saved, keys, err := e.save(e.st, bailleur, Target{OwnerConvention, convUUID}, in("Acte de propriété.pdf", pdfBody), in("façade.png", pngBody))
	if err != nil {
		t.Fatal(err)
	}
	if len(saved) != 2 || len(keys) != 2 {
		t.Fatalf("%d fichiers, %d clés", len(saved), len(keys))
	}
	f := saved[0]
	if f.Realname != "Acte de propriété.pdf" || f.Filename != "acte-de-propriete.pdf" || *f.Dirpath != "conventions/"+c75.UUID+"/media/" ||
		*f.Size != "50" || *f.ContentType != "application/pdf" || f.ID == 0 || f.CreeLe.IsZero() {
		t.Errorf("fichier enregistré %+v", f)
	}
	// The reference's key, double slash included.
	if want := "conventions/" + c75.UUID + "/media//" + f.UUID.String() + "_acte-de-propriete.pdf"; keys[0] != want {
		t.Errorf("clé %q, attendu %q", keys[0], want)
	}
	if n := e.count(`SELECT count(*) FROM upload_scan WHERE statut = 'en_attente' AND convention_id = $1 AND uploader_id = $2 AND uploaded_file_id IS NOT NULL`,
		c75.ID, bailleur.UserID); n != 2 {
		t.Errorf("%d analyses en attente, 2 attendues", n)
	}
	got, body, err := e.read(c75, f.UUID)
	if err != nil || body != string(pdfBody) || got.Realname != f.Realname {
		t.Fatalf("Open = %+v, %q, %v", got, body, err)
	}

	// Another convention does not show it, whoever asks: 404.
	if _, _, err := e.read(e.ref("C13"), f.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("fichier lu depuis une autre convention : %v", err)
	}
	for _, bad := range []string{"pas-un-uuid", uuid.NewString()} {
		if _, _, err := Open(ctx, e.pool, e.st, c75, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("uuid %q : %v", bad, err)
		}
	}

	// A lot of the convention: filed under the lot, concerns the convention.
	lot := e.uuidOf(`INSERT INTO programmes_lot (convention_id, financement) VALUES ($1, 'PLUS') RETURNING uuid`, c75.ID)
	saved, _, err = e.save(e.st, bailleur, Target{OwnerLot, lot}, in("plan.jpg", jpegBody))
	if err != nil {
		t.Fatal(err)
	}
	if _, body, err := e.read(c75, saved[0].UUID); err != nil || body != string(jpegBody) {
		t.Errorf("fichier du lot : %q, %v", body, err)
	}
	if n := e.count(`SELECT count(*) FROM upload_scan WHERE uploaded_file_id = $1 AND convention_id = $2`, saved[0].ID, c75.ID); n != 1 {
		t.Errorf("analyse du fichier du lot sans sa convention")
	}

	// The programme: shared by the conventions of the operation.
	prog := e.uuidOf(`SELECT uuid FROM programmes_programme WHERE id = $1`, c75.ProgrammeID)
	saved, _, err = e.save(e.st, bailleur, Target{OwnerProgramme, prog}, in("edd.pdf", pdfBody))
	if err != nil {
		t.Fatal(err)
	}
	progFile := saved[0]
	if _, _, err := e.read(c75, progFile.UUID); err != nil {
		t.Errorf("fichier du programme : %v", err)
	}
	// An avenant (own programme, cloned fields) shows the files its
	// fields reference; a convention not referencing it does not.
	g75 := e.ref("G75-1")
	if _, _, err := e.read(g75, progFile.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("fichier non référencé lu depuis G75-1 : %v", err)
	}
	if _, err := e.pool.Exec(ctx, `UPDATE programmes_programme SET edd_classique = $2 WHERE id = $1`, g75.ProgrammeID,
		`{"files": {"`+progFile.UUID.String()+`": {"uuid": "`+progFile.UUID.String()+`", "filename": "edd.pdf"}}, "text": "EDD"}`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.read(g75, progFile.UUID); err != nil {
		t.Errorf("fichier référencé par l'avenant : %v", err)
	}
	// A file the reference stored without dirpath, referenced by a field:
	// read under the convention's media folder.
	legacy := uuid.New()
	if _, err := e.pool.Exec(ctx, `INSERT INTO upload_uploadedfile (uuid, filename, realname, cree_le, mis_a_jour_le)
		VALUES ($1, 'ancien.pdf', 'Ancien.pdf', now(), now())`, legacy); err != nil {
		t.Fatal(err)
	}
	e.st.Put(ctx, "conventions/"+c75.UUID+"/media/"+legacy.String()+"_ancien.pdf", bytes.NewReader(pdfBody), -1, "")
	if _, _, err := e.read(c75, legacy); !errors.Is(err, ErrNotFound) {
		t.Errorf("fichier sans dossier ni référence : %v", err)
	}
	if _, err := e.pool.Exec(ctx, `UPDATE conventions_convention SET commentaires = $2 WHERE id = $1`, c75.ID,
		`{"files": {"`+legacy.String()+`": {}}, "text": ""}`); err != nil {
		t.Fatal(err)
	}
	if _, body, err := e.read(c75, legacy); err != nil || body != string(pdfBody) {
		t.Errorf("fichier ancien référencé : %q, %v", body, err)
	}

	// Quarantined: not served, the file is named.
	if _, err := e.pool.Exec(ctx, `UPDATE upload_scan SET statut = 'infecte' WHERE uploaded_file_id = $1`, f.ID); err != nil {
		t.Fatal(err)
	}
	if got, _, err := e.read(c75, f.UUID); !errors.Is(err, ErrQuarantined) || got == nil || got.Realname != f.Realname {
		t.Errorf("fichier infecté : %+v, %v", got, err)
	}
	// The object gone from the storage: 404, not a 500.
	e.st.Delete(ctx, f.Key(""))
	if _, err := e.pool.Exec(ctx, `UPDATE upload_scan SET statut = 'sain' WHERE uploaded_file_id = $1`, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.read(c75, f.UUID); !errors.Is(err, ErrNotFound) {
		t.Errorf("objet absent : %v", err)
	}
}

// failingStorage fails the second Put.
type failingStorage struct {
	storage.Storage
	puts int
}

func (f *failingStorage) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	f.puts++
	if f.puts == 2 {
		return errors.New("stockage plein")
	}
	return f.Storage.Put(ctx, key, r, size, ct)
}

// Every refusal names the file or the field and leaves nothing behind.
func TestSaveRefusals(t *testing.T) {
	e := newEnv(t)
	c75 := uuid.MustParse(e.world.Convention("C75").UUID)
	c13 := uuid.MustParse(e.world.Convention("C13").UUID)
	many := make([]Incoming, MaxFiles+1)
	for i := range many {
		many[i] = in("p.pdf", pdfBody)
	}
	big := in("scan.pdf", pdfBody)
	big.Size = MaxFileSize + 1
	for _, c := range []struct {
		name     string
		persona  string
		target   Target
		files    []Incoming
		msg      string
		notFound bool
	}{
		{"hors périmètre", "bailleur", Target{OwnerConvention, c13}, []Incoming{in("a.pdf", pdfBody)}, "", true},
		{"convention inconnue", "bailleur", Target{OwnerConvention, uuid.New()}, []Incoming{in("a.pdf", pdfBody)}, "", true},
		{"lot inconnu", "bailleur", Target{OwnerLot, uuid.New()}, []Incoming{in("a.pdf", pdfBody)}, "", true},
		{"programme hors périmètre", "instructeur", Target{OwnerProgramme, e.uuidOf(`SELECT uuid FROM programmes_programme WHERE id = $1`, e.world.Programmes["C13"])}, []Incoming{in("a.pdf", pdfBody)}, "", true},
		{"lecture seule", "bailleur_lecture", Target{OwnerConvention, c13}, []Incoming{in("a.pdf", pdfBody)}, MsgForbidden, false},
		{"anonyme", "anonyme", Target{OwnerConvention, c75}, []Incoming{in("a.pdf", pdfBody)}, MsgForbidden, false},
		{"sans destination", "bailleur", Target{}, []Incoming{in("a.pdf", pdfBody)}, MsgNoTarget, false},
		{"aucun fichier", "bailleur", Target{OwnerConvention, c75}, nil, MsgNoFile, false},
		{"trop de fichiers", "bailleur", Target{OwnerConvention, c75}, many, MsgTooMany, false},
		{"type refusé", "bailleur", Target{OwnerConvention, c75}, []Incoming{in("a.pdf", pdfBody), in("virus.exe", []byte("MZ\x90\x00binaire"))}, "« virus.exe » n'est pas accepté", false},
		{"html déguisé en png", "bailleur", Target{OwnerConvention, c75}, []Incoming{in("photo.png", []byte("<html><script>"))}, "« photo.png » n'est pas accepté", false},
		{"trop gros", "bailleur", Target{OwnerConvention, c75}, []Incoming{big}, "« scan.pdf » dépasse 50 Mo", false},
		{"vide", "bailleur", Target{OwnerConvention, c75}, []Incoming{in("vide.pdf", nil)}, "« vide.pdf » est vide", false},
		{"sans nom", "bailleur", Target{OwnerConvention, c75}, []Incoming{in("  ", pdfBody)}, "n'a pas de nom", false},
		{"nom avec retour à la ligne", "bailleur", Target{OwnerConvention, c75}, []Incoming{in("a\r\nb.pdf", pdfBody)}, "caractères invalides", false},
		{"nom trop long", "bailleur", Target{OwnerConvention, c75}, []Incoming{in(strings.Repeat("é", 300)+".pdf", pdfBody)}, "dépasse 255 caractères", false},
	} {
		_, _, err := e.save(e.st, e.sub(c.persona), c.target, c.files...)
		var uerr *Error
		switch {
		case c.notFound && !errors.Is(err, ErrNotFound):
			t.Errorf("%s : %v, attendu ErrNotFound", c.name, err)
		case !c.notFound && (!errors.As(err, &uerr) || !strings.Contains(uerr.Message, c.msg)):
			t.Errorf("%s : %v, attendu un refus contenant %q", c.name, err, c.msg)
		}
	}
	// The path of a name is dropped (some browsers send C:\...\x.pdf).
	saved, _, err := e.save(e.st, e.sub("bailleur"), Target{OwnerConvention, c75}, in(`C:\Users\moi\Documents\plan.pdf`, pdfBody))
	if err != nil || saved[0].Realname != "plan.pdf" {
		t.Errorf("nom avec chemin : %+v, %v", saved, err)
	}
	// The storage fails on the second file: nothing recorded, the first
	// object removed.
	h75 := e.world.Convention("H75").UUID
	fs := &failingStorage{Storage: e.st}
	if _, _, err := e.save(fs, e.sub("bailleur"), Target{OwnerConvention, uuid.MustParse(h75)}, in("a.pdf", pdfBody), in("b.pdf", pdfBody)); err == nil {
		t.Fatal("échec du stockage non signalé")
	}
	if n := e.count(`SELECT count(*) FROM upload_uploadedfile WHERE dirpath LIKE '%' || $1 || '%'`, h75); n != 0 {
		t.Errorf("%d lignes après l'échec du stockage", n)
	}
	if n := e.count(`SELECT count(*) FROM upload_scan WHERE storage_key LIKE '%' || $1 || '%'`, h75); n != 0 {
		t.Errorf("%d analyses après l'échec du stockage", n)
	}
	left, _ := os.ReadDir(filepath.Join(e.st.Root(), "conventions", h75, "media"))
	if len(left) != 0 {
		t.Errorf("objets laissés après l'échec : %v", left)
	}
}
