package operation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

var siapKey = []byte("clé de test du paquet operation")

func TestFetch(t *testing.T) {
	ctx := context.Background()
	srv := siaptest.NewServer(t, siapKey)
	c := srv.Client(t, siapKey, 0)

	op, err := Fetch(ctx, c, "nicolas.oudard", 5, " "+siap.MockOperation+" ")
	if err != nil || op.DonneesOperation.NomOperation != "Programme 2" {
		t.Fatalf("mock operation: %+v %v", op.DonneesOperation, err)
	}
	if calls := srv.CallsTo(siaptest.OperationPrefix + siap.MockOperation); len(calls) != 1 || calls[0].Login != "nicolas.oudard" || calls[0].HabID != 5 {
		t.Errorf("SIAP calls = %+v", calls)
	}
	other := siaptest.OperationPrefix + "AUTRE"
	srv.On(other, siaptest.Answer{Status: 200, Body: `{"donneesOperation": {"numeroOperation": "20220600006"}}`})
	for _, tt := range []struct {
		numero string
		kind   siap.Kind
	}{
		{"INCONNUE", siap.KindNotFound},
		{"", siap.KindNotFound},
		{strings.Repeat("9", MaxNumeroLen+1), siap.KindNotFound},
		// SIAP answering another operation's payload: unusable.
		{"AUTRE", siap.KindData},
	} {
		_, err := Fetch(ctx, c, "nicolas.oudard", 5, tt.numero)
		if e, ok := siap.AsError(err); !ok || e.Kind != tt.kind || e.Message == "" {
			t.Errorf("%.20q: %v, want kind %d", tt.numero, err, tt.kind)
		}
	}
}

// TestPreviewAndImport runs the preview then the import of the mock
// operation for subjects in and out of its scope.
func TestPreviewAndImport(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	srv := siaptest.NewServer(t, siapKey)
	op, err := Fetch(ctx, srv.Client(t, siapKey, 0), "nicolas.oudard", 5, siap.MockOperation)
	if err != nil {
		t.Fatal(err)
	}
	// The bailleur of the operation (SIREN 782855696) and another one, as
	// habilitation loading creates them.
	var mo, autre, adm habilitation.Entity
	err = db.InTx(ctx, pool, func(tx pgx.Tx) error {
		b, _ := habilitation.BailleurFromSIAP(*op.DonneesMo)
		if mo, err = habilitation.UpsertBailleur(ctx, tx, b); err != nil {
			return err
		}
		if autre, err = habilitation.UpsertBailleur(ctx, tx, habilitation.Bailleur{Nom: "Autre bailleur", Siren: "552100554"}); err != nil {
			return err
		}
		adm, err = habilitation.UpsertAdministration(ctx, tx, *op.Gestionnaire)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var uid int64
	if err := pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, cerbere_login) VALUES ('!', 'u', 'u@x.fr', 'nicolas.oudard') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	bailleur := func(id int64, readOnly bool) *access.Subject {
		return &access.Subject{UserID: uid, CerbereLogin: "nicolas.oudard", IsActive: true, BailleurIDs: []int64{id}, Role: &access.Role{Typologie: access.TypologieBailleur,
			Group: access.GroupBailleur, BailleurID: id, ReadOnly: readOnly}}
	}
	instructeur := func(id int64) *access.Subject {
		return &access.Subject{UserID: uid, CerbereLogin: "nicolas.oudard", IsActive: true, Role: &access.Role{Typologie: access.TypologieInstructeur, Profile: access.ProfileSerGest,
			Group: access.GroupInstructeur, AdministrationID: id}}
	}
	count := func() (n int) {
		pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM programmes_programme) + (SELECT count(*) FROM conventions_convention)`).Scan(&n)
		return
	}

	for _, tt := range []struct {
		name string
		s    *access.Subject
		err  error
	}{
		{"bailleur of the operation", bailleur(mo.ID, false), nil},
		{"its administration", instructeur(adm.ID), nil},
		{"another bailleur", bailleur(autre.ID, false), ErrNotFound},
		{"another administration", instructeur(adm.ID + 1000), ErrNotFound},
		{"read-only habilitation", bailleur(mo.ID, true), ErrForbidden},
		{"anonymous", &access.Subject{}, ErrForbidden},
	} {
		p, err := PreviewImport(ctx, pool, tt.s, op)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: preview error %v, want %v", tt.name, err, tt.err)
			continue
		}
		if n := count(); n != 0 {
			t.Errorf("%s: the preview left %d rows", tt.name, n)
		}
		if tt.err != nil {
			continue
		}
		got := fmt.Sprintf("%s|%s|%s|%s %s|%s|%v", p.Numero, p.Nom, p.Bailleur, p.CodePostal, p.Commune, p.NatureLogement, p.Lots)
		if want := "20220600006|Programme 2|3F|13010 Marseille|LOGEMENTSORDINAIRES|[{PLUS COLLECTIF 1}]"; got != want {
			t.Errorf("%s: preview %s, want %s", tt.name, got, want)
		}
	}

	// Out of scope: the import is refused and rolled back.
	err = db.InTx(ctx, pool, func(tx pgx.Tx) error { _, err := Import(ctx, tx, bailleur(autre.ID, false), op); return err })
	if !errors.Is(err, ErrNotFound) || count() != 0 {
		t.Errorf("out-of-scope import: %v, %d rows", err, count())
	}
	// In scope: one programme, one convention; a second import creates nothing.
	for i, want := range []string{"[PLUS]", "[]"} {
		var res Imported
		err = db.InTx(ctx, pool, func(tx pgx.Tx) (err error) { res, err = Import(ctx, tx, bailleur(mo.ID, false), op); return })
		if err != nil || fmt.Sprint(res.Created) != want || res.Numero != siap.MockOperation {
			t.Errorf("import %d: %+v %v, want created %s", i, res, err, want)
		}
	}
	var fin, statut string
	var lots int
	if err := pool.QueryRow(ctx, `SELECT l.financement, c.statut, (SELECT count(*) FROM programmes_lot) FROM conventions_convention c
		JOIN programmes_lot l ON l.convention_id = c.id JOIN programmes_programme p ON p.id = c.programme_id
		WHERE p.numero_operation = $1 AND p.bailleur_id = $2`, siap.MockOperation, mo.ID).Scan(&fin, &statut, &lots); err != nil || fin != "PLUS" || lots != 1 {
		t.Errorf("imported: %s %s %d lots %v", fin, statut, lots, err)
	}
	// Once imported, the preview has nothing left to create.
	if p, err := PreviewImport(ctx, pool, bailleur(mo.ID, false), op); err != nil || len(p.Lots) != 0 {
		t.Errorf("preview after import: %+v %v", p, err)
	}
}
