package document

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

func ptime(t time.Time) *time.Time { return &t }

func TestNeedsGeneration(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	done := func(s convention.Statut, changed time.Time) *Generation {
		return &Generation{State: Done, StatutConvention: s, SourceLe: ptime(t0), Changed: ptime(changed)}
	}
	for _, tc := range []struct {
		name string
		g    *Generation
		s    convention.Statut
		want bool
	}{
		{"jamais généré", nil, convention.Projet, true},
		{"échec", &Generation{State: Failed}, convention.Projet, true},
		{"en attente", &Generation{State: Pending}, convention.Projet, false},
		{"en cours", &Generation{State: Running}, convention.Instruction, false},
		{"à jour", done(convention.Projet, t0), convention.Projet, false},
		{"données modifiées depuis", done(convention.Projet, t0.Add(time.Second)), convention.Projet, true},
		{"statut changé (filigrane)", done(convention.Projet, t0), convention.Instruction, true},
		{"validée, généré avant validation", done(convention.Correction, t0), convention.ASigner, true},
		{"validée, généré validée", done(convention.ASigner, t0), convention.ASigner, false},
		{"signée depuis : le document envoyé reste", done(convention.ASigner, t0.Add(time.Hour)), convention.Signee, false},
	} {
		if got := NeedsGeneration(tc.g, tc.s); got != tc.want {
			t.Errorf("%s : %v, %v attendu", tc.name, got, tc.want)
		}
	}
}

func newConvention(t *testing.T, q db.Querier, statut convention.Statut) (int64, uuid.UUID) {
	t.Helper()
	var id int64
	var u uuid.UUID
	err := q.QueryRow(context.Background(), `WITH b AS (INSERT INTO bailleurs_bailleur (nom, siret) VALUES ('OPH', '1') RETURNING id),
		p AS (INSERT INTO programmes_programme (nom, bailleur_id) SELECT 'Les Lilas', id FROM b RETURNING id)
		INSERT INTO conventions_convention (programme_id, statut, numero) SELECT id, $1, '13.D.26.0042' FROM p RETURNING id, uuid`, string(statut)).Scan(&id, &u)
	if err != nil {
		t.Fatal(err)
	}
	return id, u
}

func buildNumero(ctx context.Context, q db.Querier, id int64) (string, []byte, error) {
	var numero string
	if err := q.QueryRow(ctx, `SELECT numero FROM conventions_convention WHERE id = $1`, id).Scan(&numero); err != nil {
		return "", nil, err
	}
	return "c.docx", []byte("PK numero " + numero), nil
}

// Requests: a pending one is reused unless forced; a finished one is
// replaced; a task whose request was replaced does nothing; a task run
// twice stores one document; a failure is recorded, as failed on the
// last attempt; a stopped run goes back to waiting.
func TestRequestAndRun(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	id, u := newConvention(t, pool, convention.Instruction)
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "soffice")
	// A soffice that writes the input back as the "PDF", prefixed.
	script := "#!/bin/sh\nfor a; do in=$a; done\n" +
		"while [ $# -gt 0 ]; do case $1 in --outdir) shift; dir=$1;; esac; shift; done\n" +
		"mkdir -p \"$dir\" && { printf '%%PDF-1.4 '; cat \"$in\"; } > \"$dir/document.pdf\"\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	g := &Generator{Pool: pool, Storage: st, Converter: &LibreOffice{Exec: bin}, Build: buildNumero}

	t1, err := Request(ctx, pool, id, false)
	if err != nil {
		t.Fatal(err)
	}
	if t1.Convention != u {
		t.Fatalf("convention %s, %s attendue", t1.Convention, u)
	}
	if again, _ := Request(ctx, pool, id, false); again != t1 {
		t.Error("une demande en attente doit être reprise telle quelle")
	}
	t2, _ := Request(ctx, pool, id, true)
	if t2 == t1 {
		t.Fatal("une demande forcée doit remplacer la précédente")
	}
	if out, err := g.Run(ctx, t1, false); err != nil || out != Superseded {
		t.Errorf("demande remplacée : %v %v", out, err)
	}
	if out, err := g.Run(ctx, t2, false); err != nil || out != Generated {
		t.Fatalf("génération : %v %v", out, err)
	}
	if out, err := g.Run(ctx, t2, false); err != nil || out != AlreadyDone {
		t.Errorf("tâche en double : %v %v", out, err)
	}
	r, err := st.Get(ctx, PDFKey(u))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	gen, _ := Status(ctx, pool, id)
	if gen.State != Done || gen.Tentatives != 1 || gen.StatutConvention != convention.Instruction || gen.Stale() {
		t.Errorf("état %+v", gen)
	}
	if NeedsGeneration(gen, convention.Instruction) {
		t.Error("document à jour redemandé")
	}
	if _, err := pool.Exec(ctx, `UPDATE conventions_convention SET numero = '13.D.26.0043' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	gen, _ = Status(ctx, pool, id)
	if !gen.Stale() || !NeedsGeneration(gen, convention.Instruction) {
		t.Error("une modification de la convention doit rendre le document périmé")
	}

	// Failures: recorded, retried, failed on the last attempt.
	t3, _ := Request(ctx, pool, id, false)
	if t3 == t2 {
		t.Fatal("une demande terminée doit être remplacée")
	}
	bad := &Generator{Pool: pool, Storage: st, Converter: &LibreOffice{Exec: filepath.Join(t.TempDir(), "absent")}, Build: buildNumero}
	if _, err := bad.Run(ctx, t3, false); err == nil {
		t.Fatal("erreur attendue")
	}
	gen, _ = Status(ctx, pool, id)
	if gen.State != Running || !strings.Contains(gen.Erreur, "LibreOffice introuvable") {
		t.Errorf("après un échec retenté : %+v", gen)
	}
	if _, err := bad.Run(ctx, t3, true); err == nil {
		t.Fatal("erreur attendue")
	}
	gen, _ = Status(ctx, pool, id)
	if gen.State != Failed || gen.Tentatives != 2 {
		t.Errorf("après la dernière tentative : %+v", gen)
	}

	// A run stopped by the worker's shutdown is not a failure.
	t4, _ := Request(ctx, pool, id, false)
	cctx, cancel := context.WithCancel(ctx)
	stopped := &Generator{Pool: pool, Storage: st, Converter: g.Converter,
		Build: func(ctx context.Context, _ db.Querier, _ int64) (string, []byte, error) {
			cancel()
			return "", nil, ctx.Err()
		}}
	if _, err := stopped.Run(cctx, t4, false); err == nil {
		t.Fatal("erreur attendue")
	}
	gen, _ = Status(ctx, pool, id)
	if gen.State != Pending || gen.Erreur != "" {
		t.Errorf("après un arrêt : %+v", gen)
	}

	// A deleted convention: nothing to do.
	if out, err := g.Run(ctx, Task{Convention: uuid.New(), Demande: uuid.New()}, false); err != nil || out != Gone {
		t.Errorf("convention supprimée : %v %v", out, err)
	}
}
