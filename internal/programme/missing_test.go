package programme

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

func missingOf(t *testing.T, w *world, id int64) []string {
	t.Helper()
	conv, err := convention.LoadByID(context.Background(), w.pool, id)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Missing(context.Background(), w.pool, conv)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMissing(t *testing.T) {
	w := newWorld(t)
	for _, nature := range []string{"LOGEMENTSORDINAIRES", "AUTRE", "RESISDENCESOCIALE"} {
		m := w.makeConvention(conv{nature: nature})
		if got := missingOf(t, w, m.ID); len(got) != 0 {
			t.Errorf("%s complète : %q", nature, got)
		}
	}

	m := w.makeConvention(conv{financement: []string{"PLUS", "PLAI"}})
	w.exec(`UPDATE conventions_convention SET signataire_nom = NULL, date_fin_conventionnement = NULL WHERE id = $1`, m.ID)
	w.exec(`DELETE FROM programmes_logement WHERE lot_id = $1`, m.Lots[1])
	w.exec(`UPDATE programmes_lot SET nb_logements = NULL WHERE id = $1`, m.Lots[1])
	want := []string{
		MsgLotSansLogement("PLAI"),
		"Bailleur : " + MsgSignataireNom,
		"Financement : " + MsgAnneeFin,
		"Logements : Lot 2, Nombre de logements à conventionner : " + MsgNbLogements,
	}
	if got := missingOf(t, w, m.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("manquants :\n%s\nattendus :\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	f := w.makeConvention(conv{nature: "AUTRE"})
	w.exec(`UPDATE conventions_convention SET attribution_modalites_reservations = NULL, foyer_residence_variante_1 = false,
		foyer_residence_variante_2 = false, foyer_residence_variante_3 = false WHERE id = $1`, f.ID)
	want = []string{"Attribution : " + MsgModalitesReservations, "Variantes : " + MsgUneVariante}
	if got := missingOf(t, w, f.ID); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("foyer : %q", got)
	}
}

// convention.Submit runs Missing in its transaction: an incomplete
// convention stays in projet with the list; a complete one is submitted.
func TestSubmitChecksCompleteness(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ok := w.makeConvention(conv{})
	bad := w.makeConvention(conv{})
	w.exec(`UPDATE conventions_convention SET signataire_nom = NULL WHERE id = $1`, bad.ID)
	before := w.dump(bad.ID)
	err := pgxTx(t, w, func(tx pgx.Tx) error {
		_, err := convention.Submit(ctx, tx, w.bailleur, bad.UUID, Missing)
		return err
	})
	r, isRefusal := convention.AsRefusal(err)
	if !isRefusal || len(r.Details) != 1 || r.Details[0] != "Bailleur : "+MsgSignataireNom {
		t.Fatalf("soumission incomplète : %v", err)
	}
	if w.dump(bad.ID) != before {
		t.Error("la soumission refusée a modifié la convention")
	}
	if err := pgxTx(t, w, func(tx pgx.Tx) error {
		_, err := convention.Submit(ctx, tx, w.bailleur, ok.UUID, Missing)
		return err
	}); err != nil {
		t.Fatalf("soumission complète : %v", err)
	}
	var statut string
	if err := w.pool.QueryRow(ctx, `SELECT statut FROM conventions_convention WHERE id = $1`, ok.ID).Scan(&statut); err != nil || statut != string(convention.Instruction) {
		t.Errorf("statut %q %v", statut, err)
	}
}

// pgxTx runs fn in a transaction, committed when fn succeeds.
func pgxTx(t testing.TB, w *world, fn func(pgx.Tx) error) error {
	t.Helper()
	ctx := context.Background()
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback(ctx)
		return err
	}
	return tx.Commit(ctx)
}
