package programme

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

func TestAddSignedAvenant(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := Env{Today: NewDate(2026, 5, 4)}
	m := w.makeConvention(conv{statut: "5. Signée", logements: 10})
	w.exec(`UPDATE conventions_convention SET numero = '75.D.01.0042' WHERE id = $1`, m.ID)
	projet := w.makeConvention(conv{})
	hlm := w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.hlm)
	assoc := w.text(`SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.assoc)
	ailleurs := w.text(`INSERT INTO bailleurs_bailleur (nom, siren, siret) VALUES ('Ailleurs', '500000000', '50000000000011') RETURNING uuid::text`)

	input := func(mod func(*SignedAvenantInput)) SignedAvenantInput {
		in := SignedAvenantInput{Numero: "1", AnneeSignature: "2005",
			File: convention.File{Body: bytes.NewReader(signedPDF), Size: int64(len(signedPDF))}}
		if mod != nil {
			mod(&in)
		}
		return in
	}
	add := func(sub *access.Subject, id uuid.UUID, in SignedAvenantInput) (got *Created, err error) {
		err = db.InTx(ctx, w.pool, func(tx pgx.Tx) (err error) {
			got, err = AddSignedAvenant(ctx, tx, st, sub, id, in, env)
			return
		})
		return
	}

	// Accepted: what each avenant changes is written on it, with its
	// types; the convention itself is left as it was.
	for _, tc := range []struct {
		name string
		sub  *access.Subject
		in   SignedAvenantInput
		want string // statut|numero|signée le|types|bailleur|nb logements|champ libre|scan
	}{
		{"sans changement", w.bailleur, input(nil), "5. Signée|1|2005-01-01|{}|Paris Habitat OPH|10||en_attente"},
		{"bailleur, logements et champ libre", w.bailleur, input(func(in *SignedAvenantInput) {
			in.Numero, in.AnneeSignature, in.Bailleur, in.NbLogements, in.ChampLibre = "2", "2010", assoc, "12", " Transfert au 1er janvier "
		}), "5. Signée|2|2010-01-01|{bailleur,champ_libre,logements}|Association Toit|12|Transfert au 1er janvier|en_attente"},
		// Compared with the last version (avenant 2), not the convention.
		{"retour au bailleur et au nombre d'origine", w.instructeur, input(func(in *SignedAvenantInput) {
			in.Numero, in.Bailleur, in.NbLogements = "3", hlm, "10"
		}), "5. Signée|3|2005-01-01|{bailleur,logements}|Paris Habitat OPH|10|Transfert au 1er janvier|en_attente"},
		{"même bailleur et même nombre : aucun type", w.bailleur, input(func(in *SignedAvenantInput) {
			in.Numero, in.Bailleur, in.NbLogements = "4", hlm, "10"
		}), "5. Signée|4|2005-01-01|{}|Paris Habitat OPH|10|Transfert au 1er janvier|en_attente"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := add(tc.sub, m.UUID, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			row := w.text(`SELECT c.statut || '|' || c.numero || '|' || c.televersement_convention_signee_le || '|' ||
					COALESCE((SELECT array_agg(t.nom ORDER BY t.nom) FROM conventions_convention_avenant_types ct
						JOIN conventions_avenanttype t ON t.id = ct.avenanttype_id WHERE ct.convention_id = c.id), '{}')::text || '|' ||
					b.nom || '|' || l.nb_logements || '|' || COALESCE(c.champ_libre_avenant, '') || '|' ||
					(SELECT statut FROM upload_scan WHERE storage_key = 'conventions/' || c.uuid || '/convention_docs/' || c.nom_fichier_signe)
				FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
				JOIN programmes_lot l ON l.convention_id = c.id WHERE c.uuid = $1 AND c.parent_id = $2`, got.UUID, m.ID)
			if row != tc.want {
				t.Errorf("avenant :\n %s\nattendu :\n %s", row, tc.want)
			}
			if ok, err := st.Exists(ctx, got.Scans[0]); err != nil || !ok {
				t.Errorf("document non stocké (%v)", err)
			}
		})
	}
	if got := w.text(`SELECT b.nom || '|' || l.nb_logements FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id JOIN programmes_lot l ON l.convention_id = c.id WHERE c.id = $1`, m.ID); got != "Paris Habitat OPH|10" {
		t.Errorf("convention changée : %s", got)
	}
	read, err := ReadSignedConvention(ctx, w.pool, w.bailleur, m.UUID)
	if err != nil || len(read.Avenants) != 4 || read.Avenants[1].Numero != "2" || read.Avenants[1].SigneeLe != "2010-01-01" ||
		strings.Join(read.Avenants[1].Types, ",") != "bailleur,champ_libre,logements" || read.NbLogements != 10 {
		t.Errorf("lecture : %+v %v", read, err)
	}

	avUUID := uuid.MustParse(w.text(`SELECT uuid::text FROM conventions_convention WHERE parent_id = $1 ORDER BY id LIMIT 1`, m.ID))
	for _, tc := range []struct {
		name    string
		sub     *access.Subject
		id      uuid.UUID
		in      SignedAvenantInput
		reason  convention.Reason // 0: a CreationError
		field   string
		message string
	}{
		{"numéro déjà pris", w.bailleur, m.UUID, input(nil), 0, "numero_avenant", MsgAvenantNumeroTaken},
		{"numéro absent", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero = " " }), 0, "numero_avenant", "Numéro de l'avenant : ce champ est obligatoire"},
		{"année hors bornes", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.AnneeSignature = "9", "1899" }), 0, "annee_signature", "Année de signature : choisissez une année entre 1900 et 2026"},
		{"année absente", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.AnneeSignature = "9", "" }), 0, "annee_signature", "Année de signature : ce champ est obligatoire"},
		{"logements illisibles", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.NbLogements = "9", "douze" }), 0, "nb_logements", "Nombre de logements à conventionner"},
		{"champ libre trop long", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.ChampLibre = "9", strings.Repeat("é", MaxChampLibre+1) }), 0, "champ_libre_avenant", "Champ libre de l'avenant : 5000 caractères au plus"},
		{"fichier absent", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.File = "9", convention.File{} }), 0, "nom_fichier_signe_avenant", "Avenant signé (PDF) : " + convention.MsgFileMissing},
		{"fichier qui n'est pas un PDF", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) {
			in.Numero, in.File = "9", convention.File{Body: strings.NewReader("bonjour"), Size: 7}
		}), 0, "nom_fichier_signe_avenant", "Avenant signé (PDF) : " + convention.MsgFileNotPDF},
		{"bailleur hors périmètre", w.bailleur, m.UUID, input(func(in *SignedAvenantInput) { in.Numero, in.Bailleur = "9", ailleurs }), convention.ReasonScope, "", convention.MsgNotVisible},
		{"convention inconnue", w.bailleur, uuid.New(), input(nil), convention.ReasonScope, "", convention.MsgNotVisible},
		{"un avenant n'a pas d'avenant", w.bailleur, avUUID, input(func(in *SignedAvenantInput) { in.Numero = "9" }), convention.ReasonScope, "", convention.MsgNotVisible},
		{"convention non signée", w.bailleur, projet.UUID, input(func(in *SignedAvenantInput) { in.Numero = "9" }), convention.ReasonStatut, "", convention.MsgAvenantNeedsSigned},
		{"lecture seule", w.readonly, m.UUID, input(func(in *SignedAvenantInput) { in.Numero = "9" }), convention.ReasonRole, "", convention.MsgReadOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.rowCounts()
			_, err := add(tc.sub, tc.id, tc.in)
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
