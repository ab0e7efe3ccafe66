package programme

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
)

func (w *world) text(sql string, args ...any) string {
	w.t.Helper()
	var s string
	if err := w.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s : %v", sql, err)
	}
	return s
}

// rowCounts is the number of programmes, conventions and lots (a refused
// creation leaves them unchanged).
func (w *world) rowCounts() string {
	return w.text(`SELECT (SELECT count(*) FROM programmes_programme) || '/' || (SELECT count(*) FROM conventions_convention)
		|| '/' || (SELECT count(*) FROM programmes_lot)`)
}

func TestCreateANRU(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	hlm := w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.hlm)
	adm := w.text(`SELECT uuid::text FROM instructeurs_administration WHERE id = $1`, w.adm)
	other := w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Autre OPH', '50000000000011', '500000000', 'HLM') RETURNING id`)
	otherUUID := w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, other)
	otherAdm := w.text(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING uuid::text`)
	w.exec(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id)
		VALUES ('Existante', '2026-75-DEJA', '202675DEJA', $1)`, w.hlm)

	valid := func(mod func(*ANRUInput)) ANRUInput {
		in := ANRUInput{Bailleur: hlm, Administration: adm, Nom: "Les Tilleuls", NumeroOperation: "ANRU-75-001",
			NatureLogement: "LOGEMENTSORDINAIRES", NbLogements: "12", TypeHabitat: "COLLECTIF", Financement: "PLUS",
			CodePostal: "75011", Ville: "Paris"}
		if mod != nil {
			mod(&in)
		}
		return in
	}
	n := 0
	unique := func(in *ANRUInput) { n++; in.NumeroOperation += "-" + string(rune('a'+n)) }

	type want struct {
		nature, typeOp, financement string
		anru                        bool
	}
	ok := []struct {
		name string
		sub  *access.Subject
		in   ANRUInput
		opt  CreateOptions
		want want
	}{
		{"logements ordinaires par un bailleur", w.bailleur, valid(unique), CreateOptions{ANRU: true}, want{"LOGEMENTSORDINAIRES", "NEUF", "PLUS", true}},
		{"foyer par un instructeur", w.instructeur, valid(func(in *ANRUInput) { unique(in); in.NatureLogement = "AUTRE"; in.Financement = "PLAI" }), CreateOptions{}, want{"AUTRE", "NEUF", "PLAI", false}},
		{"résidence sans financement", w.bailleur, valid(func(in *ANRUInput) {
			unique(in)
			in.NatureLogement = "RESISDENCESOCIALE"
			in.Financement = "SANS_FINANCEMENT"
		}), CreateOptions{}, want{"RESISDENCESOCIALE", "SANSTRAVAUX", "SANS_FINANCEMENT", false}},
		{"bailleur enfant du rôle", w.bailleur, valid(func(in *ANRUInput) {
			unique(in)
			in.Bailleur = w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.assoc)
		}), CreateOptions{}, want{"LOGEMENTSORDINAIRES", "NEUF", "PLUS", false}},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			var got *Created
			err := db.InTx(ctx, w.pool, func(tx pgx.Tx) (err error) {
				got, err = CreateANRU(ctx, tx, tc.sub, tc.in, tc.opt)
				return
			})
			if err != nil {
				t.Fatal(err)
			}
			row := w.text(`SELECT c.statut || '|' || COALESCE(c.cree_par_id, 0) || '|' || p.nom || '|' || p.numero_operation || '|' ||
					p.numero_operation_pour_recherche || '|' || p.nature_logement || '|' || p.type_operation || '|' || p.anru || '|' ||
					p.code_postal || '|' || p.ville || '|' || l.financement || '|' || l.type_habitat || '|' || l.nb_logements || '|' ||
					(SELECT count(*) FROM programmes_lot WHERE convention_id = c.id) || '|' || (b.uuid::text = $2)
				FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
				JOIN programmes_lot l ON l.convention_id = c.id JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
				WHERE c.uuid = $1 AND c.parent_id IS NULL AND p.parent_id IS NULL AND p.administration_id IS NOT NULL`, got.UUID, tc.in.Bailleur)
			anru := "false"
			if tc.want.anru {
				anru = "true"
			}
			wantRow := strings.Join([]string{"1. Projet", strconv.FormatInt(tc.sub.UserID, 10), "Les Tilleuls", tc.in.NumeroOperation,
				convention.NumeroPourRecherche(tc.in.NumeroOperation), tc.want.nature, tc.want.typeOp, anru, "75011", "Paris",
				tc.want.financement, "COLLECTIF", "12", "1", "true"}, "|")
			if row != wantRow {
				t.Errorf("ligne créée :\n %s\nattendu :\n %s", row, wantRow)
			}
		})
	}

	refused := []struct {
		name    string
		sub     *access.Subject
		in      ANRUInput
		reason  convention.Reason // 0: a CreationError
		field   string
		message string
	}{
		{"nom absent", w.bailleur, valid(func(in *ANRUInput) { in.Nom = " " }), 0, "nom", MsgNomProgramme},
		{"code postal court", w.bailleur, valid(func(in *ANRUInput) { in.CodePostal = "750" }), 0, "code_postal", MsgCodePostal},
		{"nature RHVS non proposée", w.bailleur, valid(func(in *ANRUInput) { in.NatureLogement = "RHVS" }), 0, "nature_logement", "Nature des logements : « RHVS » ne fait pas partie des valeurs possibles"},
		{"nombre de logements illisible", w.bailleur, valid(func(in *ANRUInput) { in.NbLogements = "douze" }), 0, "nb_logements", "Nombre de logements à conventionner : « douze » n'est pas un nombre entier"},
		{"financement hors liste", w.bailleur, valid(func(in *ANRUInput) { in.Financement = "PLAI_ADP" }), 0, "financement", "Financement : « PLAI_ADP » ne fait pas partie des valeurs possibles"},
		{"bailleur absent", w.instructeur, valid(func(in *ANRUInput) { in.Bailleur = "" }), 0, "uuid", "Bailleur : ce champ est obligatoire"},
		{"numéro d'opération existant", w.bailleur, valid(func(in *ANRUInput) { in.NumeroOperation = "2026 75 DEJA" }), 0, "numero_operation", MsgOperationExists},
		{"bailleur d'un autre", w.bailleur, valid(func(in *ANRUInput) { in.Bailleur = otherUUID }), convention.ReasonScope, "", convention.MsgNotVisible},
		{"bailleur inconnu", w.bailleur, valid(func(in *ANRUInput) { in.Bailleur = "pas-un-uuid" }), convention.ReasonScope, "", convention.MsgNotVisible},
		{"administration d'un autre instructeur", w.instructeur, valid(func(in *ANRUInput) { in.Administration = otherAdm }), convention.ReasonScope, "", convention.MsgNotVisible},
		{"lecture seule", w.readonly, valid(nil), convention.ReasonRole, "", convention.MsgReadOnly},
		{"anonyme", &access.Subject{}, valid(nil), convention.ReasonRole, "", convention.MsgNoPermission},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			before := w.rowCounts()
			err := db.InTx(ctx, w.pool, func(tx pgx.Tx) error {
				_, err := CreateANRU(ctx, tx, tc.sub, tc.in, CreateOptions{})
				return err
			})
			if err == nil {
				t.Fatal("création acceptée")
			}
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
}

func TestCreateANRUHorsPerimetre(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// A bailleur whose account is limited to the 69 département.
	w.bailleur.FiltreDepartements = []string{"69"}
	before := w.rowCounts()
	err := db.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		_, err := CreateANRU(ctx, tx, w.bailleur, ANRUInput{Bailleur: w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.hlm),
			Administration: w.text(`SELECT uuid::text FROM instructeurs_administration WHERE id = $1`, w.adm), Nom: "Hors zone",
			NumeroOperation: "HZ-1", NatureLogement: "LOGEMENTSORDINAIRES", NbLogements: "3", TypeHabitat: "MIXTE",
			Financement: "PLUS", CodePostal: "75011", Ville: "Paris"}, CreateOptions{})
		return err
	})
	var ce *CreationError
	if !errors.As(err, &ce) || len(ce.Problems.Field("code_postal")) != 1 || ce.Problems.Field("code_postal")[0] != MsgHorsPerimetre {
		t.Fatalf("erreur %v, attendu %q", err, MsgHorsPerimetre)
	}
	if after := w.rowCounts(); after != before {
		t.Errorf("lignes %s après le refus, %s avant", after, before)
	}
}

func TestReadCreationChoices(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING id`)
	w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Autre OPH', '50000000000011', '500000000', 'HLM') RETURNING id`)
	labels := func(os []Option) string {
		var out []string
		for _, o := range os {
			out = append(out, o.Label)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		name                       string
		sub                        *access.Subject
		bailleurs, administrations string
	}{
		{"bailleur : ses bailleurs, toutes les administrations", w.bailleur,
			"Association Toit – SIREN 400000000, Paris Habitat OPH – SIREN 344331234", "DDT de Paris (DD75), Métropole de Lyon (M69)"},
		{"instructeur : tous les bailleurs, son administration", w.instructeur,
			"Association Toit – SIREN 400000000, Autre OPH – SIREN 500000000, Paris Habitat OPH – SIREN 344331234", "DDT de Paris (DD75)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := ReadCreationChoices(ctx, w.pool, tc.sub)
			if err != nil {
				t.Fatal(err)
			}
			if got := labels(ch.Bailleurs); got != tc.bailleurs {
				t.Errorf("bailleurs %q, attendu %q", got, tc.bailleurs)
			}
			if got := labels(ch.Administrations); got != tc.administrations {
				t.Errorf("administrations %q, attendu %q", got, tc.administrations)
			}
		})
	}
	if _, err := ReadCreationChoices(ctx, w.pool, w.readonly); err == nil {
		t.Error("lecture seule : choix proposés")
	}
}
