package convention

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// subjects of the capability tables, by short name.
func (w *world) subjects() map[string]*access.Subject {
	expert := *w.instructeur
	expert.Expert = true
	bailleurExpert := *w.bailleur
	bailleurExpert.Expert = true // expert mode means nothing to a bailleur
	return map[string]*access.Subject{
		"bailleur": w.bailleur, "bailleur expert": &bailleurExpert,
		"instructeur": w.instructeur, "expert": &expert,
		"lecteur": w.readonly, "hors périmètre": w.otherInstr, "superuser": w.superuser,
		"anonyme": {},
	}
}

func capabilities(t *testing.T, ctx context.Context, q Querier, s *access.Subject, c *Convention) *Capability {
	t.Helper()
	k, err := Capabilities(ctx, q, s, c)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestCapabilityEditable: the whole form per statut and subject, written
// out from spec §1.6 (not read from access).
func TestCapabilityEditable(t *testing.T) {
	w := newWorld(t)
	subjects := w.subjects()
	editable := map[string][]Statut{
		"bailleur":        {Projet},
		"bailleur expert": {Projet},
		"instructeur":     {Projet, Instruction, Correction},
		"superuser":       {Projet, Instruction, Correction},
		"expert":          Statuts,
	}
	for _, st := range Statuts {
		for _, avenant := range []bool{false, true} {
			w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
				c := w.makeConvention(t, ctx, tx, conv{statut: st})
				if avenant {
					root := w.makeConvention(t, ctx, tx, conv{statut: Signee, signed: true})
					c = w.makeConvention(t, ctx, tx, conv{statut: st, parent: root.ID, types: []string{TypeProgramme}})
				}
				for name, s := range subjects {
					k := capabilities(t, ctx, tx, s, c)
					want := slices.Contains(editable[name], st)
					if k.Editable() != want {
						t.Errorf("%s/%s/avenant=%v : Editable = %v, attendu %v", st.Name(), name, avenant, k.Editable(), want)
					}
					if k.CanEditField("programme__nom__"+c.ProgrammeUUID.String()) != want {
						t.Errorf("%s/%s : CanEditField sans commentaire = %v, attendu %v", st.Name(), name, !want, want)
					}
				}
			})
		}
	}
}

// TestCapabilityOpenComments: in correction, a bailleur edits exactly
// the fields with an OPEN comment; resolved and closed comments, other
// statuts, read-only roles and other subjects unlock nothing.
func TestCapabilityOpenComments(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	lecteurBailleur := &access.Subject{UserID: w.bailleurUser, IsActive: true, Role: &access.Role{Typologie: access.TypologieBailleur,
		Group: access.GroupReadonlyBailleur, BailleurID: w.hlm, ReadOnly: true}, BailleurIDs: []int64{w.hlm}}
	for _, tc := range []struct {
		name    string
		statut  Statut
		s       *access.Subject
		comment string // statut of the comment on programme__nom
		want    bool
	}{
		{"bailleur, correction, ouvert", Correction, w.bailleur, "OUVERT", true},
		{"bailleur, correction, résolu", Correction, w.bailleur, "RESOLU", false},
		{"bailleur, correction, clos", Correction, w.bailleur, "CLOS", false},
		{"bailleur, instruction, ouvert", Instruction, w.bailleur, "OUVERT", false},
		{"bailleur, à signer, ouvert", ASigner, w.bailleur, "OUVERT", false},
		{"bailleur lecteur, correction, ouvert", Correction, lecteurBailleur, "OUVERT", false},
		{"instructeur hors périmètre, correction", Correction, w.otherInstr, "OUVERT", false},
		{"instructeur, correction, résolu", Correction, w.instructeur, "RESOLU", true}, // the whole form
		{"lecteur, correction, ouvert", Correction, w.readonly, "OUVERT", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := w.pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			c := w.makeConvention(t, ctx, tx, conv{statut: tc.statut})
			key := "programme__nom__" + c.ProgrammeUUID.String()
			mustExec(t, ctx, tx, `INSERT INTO comments_comment (uuid, nom_objet, champ_objet, uuid_objet, message, statut,
				convention_id, user_id, cree_le, mis_a_jour_le)
				VALUES (gen_random_uuid(), 'programme', 'nom', $1, 'À revoir', $2, $3, $4, now(), now())`,
				c.ProgrammeUUID, tc.comment, c.ID, w.instructeurUser)
			k := capabilities(t, ctx, tx, tc.s, c)
			if got := k.CanEditField(key); got != tc.want {
				t.Errorf("CanEditField(%s) = %v, attendu %v", key, got, tc.want)
			}
			other := "programme__ville__" + c.ProgrammeUUID.String()
			if got := k.CanEditField(other); got != k.Editable() {
				t.Errorf("un champ sans commentaire suit le formulaire entier : %v, attendu %v", got, k.Editable())
			}
		})
	}
}

// opCase is one expected decision of an operation.
type opCase struct {
	name    string
	a       Action
	subject string
	setup   func(ctx context.Context, tx pgx.Tx) *Convention
	want    string // "" allowed, else the start of the refusal message
}

// TestCapabilityOperations: the operations that are not transitions,
// written out case by case.
func TestCapabilityOperations(t *testing.T) {
	w := newWorld(t)
	subjects := w.subjects()
	mk := func(c conv) func(context.Context, pgx.Tx) *Convention {
		return func(ctx context.Context, tx pgx.Tx) *Convention { return w.makeConvention(t, ctx, tx, c) }
	}
	avenant := func(root, av conv) func(context.Context, pgx.Tx) *Convention {
		return func(ctx context.Context, tx pgx.Tx) *Convention {
			r := w.makeConvention(t, ctx, tx, root)
			av.parent = r.ID
			return w.makeConvention(t, ctx, tx, av)
		}
	}
	signed := conv{statut: Signee, signed: true, numero: "75.D.26.0001"}
	ongoing := func(st Statut) func(context.Context, pgx.Tx) *Convention {
		return func(ctx context.Context, tx pgx.Tx) *Convention {
			r := w.makeConvention(t, ctx, tx, signed)
			w.makeConvention(t, ctx, tx, conv{statut: st, parent: r.ID})
			return r
		}
	}
	wrong := func(verb string) string { return impossibleDe(verb) }
	cases := []opCase{
		{"date de signature, signée, bailleur", ActionSetSignatureDate, "bailleur", mk(signed), ""},
		{"date de signature, publiée, instructeur", ActionSetSignatureDate, "instructeur", mk(conv{statut: Publie}), ""},
		{"date de signature, à signer", ActionSetSignatureDate, "instructeur", mk(conv{statut: ASigner}), wrong("modifier la date de signature")},
		{"date de signature, lecteur", ActionSetSignatureDate, "lecteur", mk(signed), MsgReadOnly},
		{"date de signature, hors périmètre", ActionSetSignatureDate, "hors périmètre", mk(signed), MsgNotVisible},
		{"date de signature, anonyme", ActionSetSignatureDate, "anonyme", mk(signed), MsgNoPermission},

		{"dépôt signé, à signer, bailleur", ActionUploadSigned, "bailleur", mk(conv{statut: ASigner}), ""},
		{"dépôt signé, publication en cours", ActionUploadSigned, "instructeur", mk(conv{statut: PublicationEnCours}), ""},
		{"dépôt signé, correction", ActionUploadSigned, "bailleur", mk(conv{statut: Correction}), wrong("déposer le document signé")},
		{"annulation dépôt signé, projet", ActionCancelSigned, "bailleur", mk(conv{statut: Projet}), wrong("annuler le dépôt du document signé")},
		{"dépôt publication, instructeur", ActionUploadPublication, "instructeur", mk(conv{statut: PublicationEnCours}), ""},
		{"dépôt publication, bailleur", ActionUploadPublication, "bailleur", mk(conv{statut: PublicationEnCours}), MsgInstructeurOnly},
		{"dépôt publication, signée", ActionUploadPublication, "instructeur", mk(signed), wrong("déposer le document de publication")},
		{"annulation dépôt publication, publiée", ActionCancelPublished, "superuser", mk(conv{statut: Publie}), ""},

		{"avenant, signée, bailleur", ActionCreateAvenant, "bailleur", mk(signed), ""},
		{"avenant, publiée, instructeur", ActionCreateAvenant, "instructeur", mk(conv{statut: Publie}), ""},
		{"avenant, projet", ActionCreateAvenant, "bailleur", mk(conv{statut: Projet}), MsgAvenantNeedsSigned},
		{"avenant, résiliée", ActionCreateAvenant, "instructeur", mk(conv{statut: Resiliee}), MsgAvenantNeedsSigned},
		{"avenant, un avenant en projet", ActionCreateAvenant, "bailleur", ongoing(Projet), MsgAvenantOngoing},
		{"avenant, un avenant en correction", ActionCreateAvenant, "instructeur", ongoing(Correction), MsgAvenantOngoing},
		{"avenant, un avenant à signer", ActionCreateAvenant, "bailleur", ongoing(ASigner), ""},
		{"avenant depuis un avenant signé", ActionCreateAvenant, "bailleur", avenant(signed, conv{statut: Signee}), ""},
		{"avenant depuis un avenant, convention dénoncée", ActionCreateAvenant, "bailleur",
			avenant(conv{statut: Denoncee}, conv{statut: Denoncee}), MsgAvenantNeedsSigned},
		{"avenant, lecteur", ActionCreateAvenant, "lecteur", mk(signed), MsgReadOnly},
		{"avenant, hors périmètre", ActionCreateAvenant, "hors périmètre", mk(signed), MsgNotVisible},

		{"modifier l'avenant, projet, bailleur", ActionEditAvenant, "bailleur", avenant(signed, conv{statut: Projet}), ""},
		{"modifier l'avenant, correction, bailleur", ActionEditAvenant, "bailleur", avenant(signed, conv{statut: Correction}), ""},
		{"modifier l'avenant, signé, instructeur", ActionEditAvenant, "instructeur", avenant(signed, conv{statut: Signee}), MsgAvenantNotEditable},
		{"modifier l'avenant, signé, expert", ActionEditAvenant, "expert", avenant(signed, conv{statut: Signee}), ""},
		{"modifier l'avenant, signé, bailleur expert", ActionEditAvenant, "bailleur expert", avenant(signed, conv{statut: Signee}), MsgAvenantNotEditable},
		{"modifier l'avenant, annulé, expert", ActionEditAvenant, "expert", avenant(signed, conv{statut: Annulee}), MsgAvenantNotEditable},
		{"modifier l'avenant, une convention", ActionEditAvenant, "bailleur", mk(conv{statut: Projet}), MsgNotAvenant},
		{"types, avenant en projet", ActionChangeAvenantTypes, "bailleur", avenant(signed, conv{statut: Projet, types: []string{TypeDuree}}), ""},
		{"types, dénonciation", ActionChangeAvenantTypes, "bailleur",
			avenant(signed, conv{statut: Projet, types: []string{TypeDenonciation}}), MsgAvenantTypeFixed},
		{"types, résiliation", ActionChangeAvenantTypes, "instructeur",
			avenant(signed, conv{statut: Projet, types: []string{TypeResiliation}}), MsgAvenantTypeFixed},
		{"types, lecteur", ActionChangeAvenantTypes, "lecteur", avenant(signed, conv{statut: Projet}), MsgReadOnly},

		{"type I/II, association, projet, bailleur", ActionSetType1and2, "bailleur", mk(conv{statut: Projet, bailleur: w.assoc}), ""},
		{"type I/II, association, instruction, instructeur", ActionSetType1and2, "instructeur", mk(conv{statut: Instruction, bailleur: w.assoc}), ""},
		{"type I/II, association, instruction, bailleur", ActionSetType1and2, "bailleur", mk(conv{statut: Instruction, bailleur: w.assoc}), MsgType1and2Locked},
		{"type I/II, association, à signer, expert", ActionSetType1and2, "expert", mk(conv{statut: ASigner, bailleur: w.assoc}), MsgType1and2Locked},
		{"type I/II, HLM", ActionSetType1and2, "bailleur", mk(conv{statut: Projet}), MsgType1and2NotHere},
		{"type I/II, foyer", ActionSetType1and2, "bailleur", mk(conv{statut: Projet, bailleur: w.assoc, nature: "AUTRE"}), MsgType1and2NotHere},
		{"type I/II, lecteur", ActionSetType1and2, "lecteur", mk(conv{statut: Projet, bailleur: w.assoc}), MsgReadOnly},

		{"commentaire, instruction, lecteur", ActionComment, "lecteur", mk(conv{statut: Instruction}), ""},
		{"commentaire, signée, bailleur", ActionComment, "bailleur", mk(signed), ""},
		{"commentaire, projet", ActionComment, "instructeur", mk(conv{statut: Projet}), MsgNotCommentable},
		{"commentaire, publiée", ActionComment, "instructeur", mk(conv{statut: Publie}), MsgNotCommentable},
		{"commentaire, hors périmètre", ActionComment, "hors périmètre", mk(conv{statut: Instruction}), MsgNotVisible},
	}
	for _, tc := range cases {
		w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
			c := tc.setup(ctx, tx)
			k := capabilities(t, ctx, tx, subjects[tc.subject], c)
			ref := k.Refusal(tc.a)
			switch {
			case tc.want == "" && ref != nil:
				t.Errorf("%s : refusé (%s), attendu autorisé", tc.name, ref.Message)
			case tc.want != "" && ref == nil:
				t.Errorf("%s : autorisé, attendu refusé", tc.name)
			case tc.want != "" && !strings.HasPrefix(ref.Message, tc.want):
				t.Errorf("%s : %q, attendu %q", tc.name, ref.Message, tc.want)
			}
			if k.Can(tc.a) != (ref == nil) {
				t.Errorf("%s : Can et Refusal se contredisent", tc.name)
			}
		})
	}
}

func TestCapabilityAvenantTypes(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, signed: true})
		av := w.makeConvention(t, ctx, tx, conv{statut: Projet, parent: root.ID})
		k := capabilities(t, ctx, tx, w.bailleur, av)
		for nom := range FieldsOfType {
			want := nom != TypeDenonciation && nom != TypeResiliation
			if k.CanChangeAvenantType(nom) != want {
				t.Errorf("CanChangeAvenantType(%s) = %v, attendu %v", nom, !want, want)
			}
		}
		if capabilities(t, ctx, tx, w.readonly, av).CanChangeAvenantType(TypeDuree) {
			t.Error("un lecteur coche un type d'avenant")
		}
		if k.Can("inconnue") || k.Refusal("inconnue") == nil {
			t.Error("une action inconnue est autorisée")
		}
	})
}

// TestWritesObeyCapability runs every write function on conventions of
// every statut, family kind and subject, and checks it accepts exactly
// what Capabilities allowed, with the same refusal message.
func TestWritesObeyCapability(t *testing.T) {
	w := newWorld(t)
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pdf := func() File { return File{Body: bytes.NewReader([]byte("%PDF-1.4 test")), Size: -1} }
	day := time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)
	writes := map[Action]func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error{
		ActionSetSignatureDate: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := SetSignatureDate(ctx, tx, s, c.UUID, day)
			return err
		},
		ActionUploadSigned: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := RegisterSignedFile(ctx, tx, st, s, c.UUID, pdf())
			return err
		},
		ActionCancelSigned: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := CancelSignedFile(ctx, tx, st, s, c.UUID)
			return err
		},
		ActionUploadPublication: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := RegisterPublicationFile(ctx, tx, st, s, c.UUID, pdf())
			return err
		},
		ActionCancelPublished: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := CancelPublicationFile(ctx, tx, st, s, c.UUID)
			return err
		},
		ActionSetType1and2: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			return SetType1and2(ctx, tx, s, c.UUID, Type1and2{Value: Type2, Options: [8]bool{true}})
		},
		ActionCreateAvenant: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			res, err := CreateAvenant(ctx, tx, s, c.UUID, "")
			if err == nil && !res.Created {
				return refusalOngoing
			}
			return err
		},
		ActionChangeAvenantTypes: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			err := AddAvenantType(ctx, tx, s, c.UUID, TypeDuree)
			return err
		},
		ActionEditAvenant: func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			var err error
			if c.IsResiliation() {
				_, err = SaveResiliation(ctx, tx, s, c.UUID, Resiliation{Date: day, Motif: "Vente"})
			} else {
				_, err = SaveDenonciation(ctx, tx, s, c.UUID, Denonciation{Date: day, Motif: "Vente"})
			}
			return err
		},
	}
	for _, r := range Rules {
		a := r.Action
		writes[a] = func(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention) error {
			_, err := run(ctx, tx, s, c, a)
			return err
		}
	}
	subjects := w.subjects()
	families := []string{"convention", "avenant", "dénonciation", "résiliation"}
	// A foyer of an HLM, and ordinary logements of a non-HLM bailleur
	// (Type I/II to choose).
	kinds := []conv{{nature: "AUTRE"}, {nature: "LOGEMENTSORDINAIRES", bailleur: w.assoc}}
	checked := 0
	for _, stt := range Statuts {
		for _, fam := range families {
			for _, kind := range kinds {
				w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
					c := w.makeConvention(t, ctx, tx, conv{statut: stt, nature: kind.nature, bailleur: kind.bailleur, signed: true, numero: "75.D.20.0001",
						creePar: w.bailleurUser})
					if fam != "convention" {
						types := map[string][]string{"avenant": {TypeDuree}, "dénonciation": {TypeDenonciation}, "résiliation": {TypeResiliation}}[fam]
						root := w.makeConvention(t, ctx, tx, conv{statut: Signee, nature: kind.nature, bailleur: kind.bailleur, numero: "75.D.20.0002", signed: true})
						d := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
						c = w.makeConvention(t, ctx, tx, conv{statut: stt, nature: kind.nature, bailleur: kind.bailleur, parent: root.ID, types: types, signed: true,
							creePar: w.instructeurUser, dateDenonciation: &d, dateResiliation: &d})
					}
					for a, write := range writes {
						for name, s := range subjects {
							label := fmt.Sprintf("%s/%s/%s/%s/%s", a, stt.Name(), fam, kind.nature, name)
							k := capabilities(t, ctx, tx, s, c)
							want := k.Refusal(a)
							sp, err := tx.Begin(ctx)
							if err != nil {
								t.Fatal(err)
							}
							got := write(ctx, sp, s, c)
							if err := sp.Rollback(ctx); err != nil {
								t.Fatal(err)
							}
							checked++
							ref, isRefusal := AsRefusal(got)
							switch {
							case got != nil && !isRefusal:
								t.Errorf("%s : erreur technique %v", label, got)
							case want == nil && got != nil && ref.Reason != ReasonInput && ref.Reason != ReasonPrecondition:
								t.Errorf("%s : la capacité autorise, l'écriture refuse : %s", label, ref.Message)
							case want != nil && got == nil:
								t.Errorf("%s : la capacité refuse (%s), l'écriture accepte", label, want.Message)
							case want != nil && ref.Message != want.Message:
								t.Errorf("%s : refus %q, la capacité dit %q", label, ref.Message, want.Message)
							}
						}
					}
				})
			}
		}
	}
	t.Logf("%d écritures comparées", checked)
	if checked == 0 {
		t.Fatal("aucun cas")
	}
}
