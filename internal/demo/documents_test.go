package demo

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// Every signed or published convention of the demo gets its PDF at the
// key the application reads; a second run writes nothing.
func TestStoreDocuments(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, Dataset(DefaultSeed)); err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(ctx, pool, []fixture.Source{{Name: "demo.json", Data: buf.Bytes()}}); err != nil {
		t.Fatal(err)
	}
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	type doc struct {
		id            uuid.UUID
		numero, signe string
		publie        string
	}
	rows, err := pool.Query(ctx, `SELECT uuid, COALESCE(numero, ''), COALESCE(nom_fichier_signe, ''), COALESCE(nom_fichier_publication_spf, '')
		FROM conventions_convention WHERE nom_fichier_signe IS NOT NULL OR nom_fichier_publication_spf IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var docs []doc
	want := 0
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.id, &d.numero, &d.signe, &d.publie); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
		want += map[bool]int{true: 1}[d.signe != ""] + map[bool]int{true: 1}[d.publie != ""]
	}
	if len(docs) == 0 {
		t.Fatal("aucune convention signée dans le jeu de démonstration")
	}
	n, err := StoreDocuments(ctx, pool, st)
	if err != nil || n != want {
		t.Fatalf("StoreDocuments = %d, %v ; %d documents attendus", n, err, want)
	}
	pdftotext, _ := exec.LookPath("pdftotext")
	for i, d := range docs {
		if d.signe == "" {
			continue
		}
		r, err := st.Get(ctx, convention.SignedKey(d.id, d.signe))
		if err != nil {
			t.Fatalf("document signé de %s : %v", d.numero, err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if !bytes.HasPrefix(b, []byte("%PDF-1.4")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
			t.Errorf("%s : pas un PDF", d.numero)
		}
		// The text as a PDF reader sees it (a few documents suffice).
		if pdftotext != "" && i < 5 {
			f := filepath.Join(t.TempDir(), "doc.pdf")
			os.WriteFile(f, b, 0o644)
			out, err := exec.Command(pdftotext, "-layout", f, "-").CombinedOutput()
			if err != nil || !strings.Contains(string(out), "démonstration") || (d.numero != "" && !strings.Contains(string(out), d.numero)) ||
				strings.Contains(string(out), "Syntax Error") {
				t.Errorf("pdftotext %s : %v\n%s", d.numero, err, out)
			}
		}
	}
	if pdftotext == "" {
		t.Log("pdftotext absent (paquet poppler-utils) : texte des PDF non vérifié")
	}
	if n, err := StoreDocuments(ctx, pool, st); err != nil || n != 0 {
		t.Errorf("seconde exécution : %d, %v", n, err)
	}
	// Limited to an administration without conventions: nothing.
	if n, err := StoreDocuments(ctx, pool, st, "00000"); err != nil || n != 0 {
		t.Errorf("administration sans convention : %d, %v", n, err)
	}
}

func TestPDFString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Convention n° 13.D.26.0001", "Convention n\xb0 13.D.26.0001"},
		{"Opération (Marseille) \\ é", "Op\xe9ration \\(Marseille\\) \\\\ \xe9"},
		{"– “guillemets” œ", "\x96 \x93guillemets\x94 \x9c"},
		{"日本\n", "???"},
	} {
		if got := pdfString(c.in); got != c.want {
			t.Errorf("pdfString(%q) = %q, attendu %q", c.in, got, c.want)
		}
	}
}
