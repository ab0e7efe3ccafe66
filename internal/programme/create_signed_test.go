package programme

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

var signedPDF = []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")

func TestAddSignedConvention(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Today: NewDate(2026, 5, 4)}
	m := w.makeConvention(conv{statut: "5. Signée"})
	numOp := w.text(`SELECT numero_operation FROM programmes_programme WHERE id = $1`, m.Programme)
	w.exec(`UPDATE conventions_convention SET numero = '75.D.20.0001' WHERE id = $1`, m.ID)
	otherAdm := w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING id`)
	autre := &access.Subject{UserID: w.instructeur.UserID, IsActive: true, Role: &access.Role{Typologie: access.TypologieInstructeur,
		Profile: access.ProfileInstructeur, Group: access.GroupInstructeur, AdministrationID: otherAdm}}

	input := func(mod func(*SignedInput)) SignedInput {
		in := SignedInput{Numero: "75.D.01.0042", NbLogements: "10", Financement: "PLAI", AnneeSignature: "2001",
			File: convention.File{Body: bytes.NewReader(signedPDF), Size: int64(len(signedPDF))}}
		if mod != nil {
			mod(&in)
		}
		return in
	}

	t.Run("lecture de l'opération", func(t *testing.T) {
		op, err := ReadSignedOperation(ctx, w.pool, w.bailleur, numOp)
		if err != nil {
			t.Fatal(err)
		}
		if op.ProgrammeID != m.Programme || len(op.Conventions) != 1 || op.Conventions[0].Numero != "75.D.20.0001" ||
			op.Financements.Has("PLUS") || !op.Financements.Has("PLAI") {
			t.Errorf("opération lue : %+v", op)
		}
	})

	refused := []struct {
		name    string
		sub     *access.Subject
		numero  string
		in      SignedInput
		reason  convention.Reason // 0: a CreationError
		field   string
		message string
	}{
		{"financement déjà conventionné", w.bailleur, numOp, input(func(in *SignedInput) { in.Financement = "PLUS" }), 0, "financement", MsgFinancementPresent},
		{"financement inconnu", w.bailleur, numOp, input(func(in *SignedInput) { in.Financement = "PSH" }), 0, "financement", "Financement : « PSH » ne fait pas partie des valeurs possibles"},
		{"numéro déjà pris", w.bailleur, numOp, input(func(in *SignedInput) { in.Numero = "75.D.20.0001" }), 0, "numero", convention.MsgNumeroTaken("75.D.20.0001")},
		{"numéro absent", w.bailleur, numOp, input(func(in *SignedInput) { in.Numero = "" }), 0, "numero", "Numéro de convention : ce champ est obligatoire"},
		{"année hors bornes", w.bailleur, numOp, input(func(in *SignedInput) { in.AnneeSignature = "2027" }), 0, "annee_signature", "Année de signature : choisissez une année entre 1900 et 2026"},
		{"nombre de logements absent", w.bailleur, numOp, input(func(in *SignedInput) { in.NbLogements = "" }), 0, "nb_logements", "Nombre de logements à conventionner : ce champ est obligatoire"},
		{"fichier absent", w.bailleur, numOp, input(func(in *SignedInput) { in.File = convention.File{} }), 0, "nom_fichier_signe", "Convention signée (PDF) : " + convention.MsgFileMissing},
		{"fichier qui n'est pas un PDF", w.bailleur, numOp, input(func(in *SignedInput) { in.File = convention.File{Body: strings.NewReader("bonjour"), Size: 7} }), 0, "nom_fichier_signe", "Convention signée (PDF) : " + convention.MsgFileNotPDF},
		{"opération inconnue", w.bailleur, "2099-99-99999", input(nil), convention.ReasonPrecondition, "", MsgOperationNotInApilos("2099-99-99999")},
		{"opération d'une autre administration", autre, numOp, input(nil), convention.ReasonPrecondition, "", MsgOperationNotInApilos(numOp)},
		{"lecture seule", w.readonly, numOp, input(nil), convention.ReasonRole, "", convention.MsgReadOnly},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			before := w.rowCounts()
			err := db.InTx(ctx, w.pool, func(tx pgx.Tx) error {
				_, err := AddSignedConvention(ctx, tx, st, tc.sub, tc.numero, tc.in, env)
				return err
			})
			if tc.reason != 0 {
				r, ok := convention.AsRefusal(err)
				if !ok || r.Reason != tc.reason || r.Message != tc.message {
					t.Fatalf("refus %v, attendu raison %d « %s »", err, tc.reason, tc.message)
				}
			} else {
				ce, ok := AsCreationError(err)
				if !ok {
					t.Fatalf("erreur %v, attendu une erreur de saisie", err)
				}
				msgs := ce.Problems.Field(tc.field)
				if len(msgs) != 1 || !strings.HasPrefix(msgs[0], tc.message) {
					t.Fatalf("messages du champ %s : %q, attendu « %s »", tc.field, msgs, tc.message)
				}
			}
			if after := w.rowCounts(); after != before {
				t.Errorf("lignes %s après le refus, %s avant", after, before)
			}
		})
	}

	for _, tc := range []struct {
		name string
		sub  *access.Subject
		in   SignedInput
	}{
		{"par le bailleur", w.bailleur, input(nil)},
		{"par l'instructeur", w.instructeur, input(func(in *SignedInput) { in.Numero, in.Financement, in.AnneeSignature = "75.D.99.0007", "PLS", "1999" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got *Created
			err := db.InTx(ctx, w.pool, func(tx pgx.Tx) (err error) {
				got, err = AddSignedConvention(ctx, tx, st, tc.sub, numOp, tc.in, env)
				return
			})
			if err != nil {
				t.Fatal(err)
			}
			row := w.text(`SELECT c.statut || '|' || c.numero || '|' || c.numero_pour_recherche || '|' || c.televersement_convention_signee_le || '|' ||
					c.cree_par_id || '|' || (c.programme_id = $2) || '|' || l.financement || '|' || l.nb_logements || '|' ||
					(SELECT statut FROM upload_scan WHERE storage_key = 'conventions/' || c.uuid || '/convention_docs/' || c.nom_fichier_signe)
				FROM conventions_convention c JOIN programmes_lot l ON l.convention_id = c.id WHERE c.uuid = $1`, got.UUID, m.Programme)
			want := strings.Join([]string{"5. Signée", tc.in.Numero, convention.NumeroPourRecherche(tc.in.Numero), tc.in.AnneeSignature + "-01-01",
				w.text(`SELECT $1::bigint::text`, tc.sub.UserID), "true", tc.in.Financement, "10", "en_attente"}, "|")
			if row != want {
				t.Errorf("convention ajoutée :\n %s\nattendu :\n %s", row, want)
			}
			if len(got.Scans) != 1 {
				t.Fatalf("analyses %q", got.Scans)
			}
			if ok, err := st.Exists(ctx, got.Scans[0]); err != nil || !ok {
				t.Errorf("document %s non stocké (%v)", got.Scans[0], err)
			}
		})
	}
}

func TestAnneesSignature(t *testing.T) {
	got := AnneesSignature(NewDate(2026, 1, 1))
	if len(got) != 127 || got[0] != 2026 || got[len(got)-1] != MinAnneeSignature {
		t.Errorf("années %d…%d (%d)", got[0], got[len(got)-1], len(got))
	}
}
