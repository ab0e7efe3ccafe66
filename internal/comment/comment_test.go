package comment

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

type fx struct {
	pool                     *pgxpool.Pool
	bailleur, instr, lecteur *access.Subject
	conv                     uuid.UUID
	convID                   int64
	progUUID                 uuid.UUID
}

func setup(t *testing.T, statut convention.Statut) *fx {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s : %v", sql, err)
		}
		return id
	}
	adm := one(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT', 'DD75') RETURNING id`)
	b := one(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('OPH', '1', 'HLM') RETURNING id`)
	f := &fx{pool: pool}
	var prog int64
	if err := pool.QueryRow(ctx, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id, code_insee_departement)
		VALUES ('Les Tilleuls', $1, $2, '75') RETURNING id, uuid`, b, adm).Scan(&prog, &f.progUUID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, statut) VALUES ($1, $2) RETURNING id, uuid`,
		prog, string(statut)).Scan(&f.convID, &f.conv); err != nil {
		t.Fatal(err)
	}
	subj := func(login, typ, group string, bail, admin int64, ro bool) *access.Subject {
		uid := one(`INSERT INTO users_user (password, username, email) VALUES ('!', $1, $2) RETURNING id`, login, login+"@example.org")
		var bv, av any
		if bail != 0 {
			bv = bail
		}
		if admin != 0 {
			av = admin
		}
		rid := one(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id`, typ, bv, av, uid, group)
		s := &access.Subject{UserID: uid, Username: login, IsActive: true,
			Role: &access.Role{ID: rid, Typologie: typ, Group: group, BailleurID: bail, AdministrationID: admin, ReadOnly: ro}}
		if bail != 0 {
			s.BailleurIDs = []int64{bail}
		}
		return s
	}
	f.bailleur = subj("bailleur", access.TypologieBailleur, access.GroupBailleur, b, 0, false)
	f.instr = subj("instructeur", access.TypologieInstructeur, access.GroupInstructeur, 0, adm, false)
	f.lecteur = subj("lecteur", access.TypologieInstructeur, access.GroupReadonlyInstructeur, 0, adm, true)
	return f
}

func refused(t *testing.T, err error, msg string) {
	t.Helper()
	r, ok := convention.AsRefusal(err)
	if !ok || r.Message != msg {
		t.Errorf("erreur %v, attendu le refus %q", err, msg)
	}
}

func TestCommentLifeCycle(t *testing.T) {
	f := setup(t, convention.Correction)
	ctx := context.Background()
	nom := Key{NomObjet: "programme", ChampObjet: "nom", UUIDObjet: &f.progUUID}
	c, err := Open(ctx, f.pool, f.instr, f.conv, nom, "  Le nom est incomplet  ")
	if err != nil {
		t.Fatal(err)
	}
	if c.Statut != Ouvert || c.Message != "Le nom est incomplet" || c.Label() != "Nom de l'opération" || c.UserName != "instructeur" {
		t.Fatalf("commentaire %+v", c)
	}
	_, err = Open(ctx, f.pool, f.instr, f.conv, nom, "   ")
	refused(t, err, MsgEmpty)
	// A read-only role may still comment (reference behaviour).
	if _, err := Open(ctx, f.pool, f.lecteur, f.conv, Key{NomObjet: "lot", ChampObjet: "nb_logements"}, "Vu"); err != nil {
		t.Errorf("lecteur : %v", err)
	}
	// The open fields: programme nom (with and without uuid key).
	fields, err := convention.OpenComments(ctx, f.pool, f.convID)
	if err != nil {
		t.Fatal(err)
	}
	if !fields["programme__nom__"+f.progUUID.String()] || !fields["lot__nb_logements__"] || len(fields) != 2 {
		t.Errorf("champs ouverts %v", fields)
	}
	// Scenario 24: in CORRECTION the bailleur may edit exactly the
	// commented field; the instructeur everything; the lecteur nothing.
	st := string(convention.Correction)
	if !access.FieldEditable(f.bailleur, st, nom.String(), fields) ||
		access.FieldEditable(f.bailleur, st, "programme__ville__"+f.progUUID.String(), fields) ||
		!access.FieldEditable(f.instr, st, "programme__ville__"+f.progUUID.String(), fields) ||
		access.FieldEditable(f.lecteur, st, nom.String(), fields) {
		t.Error("règle d'édition en correction")
	}
	// Reply, edit by author only.
	rep, err := Reply(ctx, f.pool, f.bailleur, c.UUID, "Corrigé")
	if err != nil || rep.Key.String() != nom.String() {
		t.Fatalf("réponse : %+v, %v", rep, err)
	}
	_, err = Edit(ctx, f.pool, f.bailleur, c.UUID, "autre")
	refused(t, err, MsgNotAuthor)
	if e, err := Edit(ctx, f.pool, f.instr, c.UUID, "Nom complet ?"); err != nil || e.Message != "Nom complet ?" {
		t.Errorf("modification : %v", err)
	}
	// Resolve, reopen, close.
	if r, err := Resolve(ctx, f.pool, f.bailleur, c.UUID); err != nil || r.Statut != Resolu {
		t.Fatalf("résolution : %v", err)
	}
	_, err = Resolve(ctx, f.pool, f.bailleur, c.UUID)
	refused(t, err, MsgBadTransition)
	if r, err := Reopen(ctx, f.pool, f.bailleur, c.UUID); err != nil || r.Statut != Ouvert {
		t.Fatalf("réouverture : %v", err)
	}
	_, err = Close(ctx, f.pool, f.bailleur, c.UUID)
	refused(t, err, MsgCloseInstr)
	if r, err := Close(ctx, f.pool, f.instr, c.UUID); err != nil || r.Statut != Clos {
		t.Fatalf("clôture : %v", err)
	}
	_, err = Reopen(ctx, f.pool, f.instr, c.UUID)
	refused(t, err, MsgAlreadyClosed)
	var clos bool
	_ = f.pool.QueryRow(ctx, `SELECT clos_le IS NOT NULL FROM comments_comment WHERE uuid = $1`, c.UUID).Scan(&clos)
	if !clos {
		t.Error("clos_le non renseigné")
	}
	// Closed comments no longer unlock the field (the reply still does).
	fields, _ = convention.OpenComments(ctx, f.pool, f.convID)
	if !fields[nom.String()] {
		t.Error("la réponse ouverte ne compte plus")
	}
	if _, err := Resolve(ctx, f.pool, f.bailleur, rep.UUID); err != nil {
		t.Fatal(err)
	}
	fields, _ = convention.OpenComments(ctx, f.pool, f.convID)
	if fields[nom.String()] {
		t.Error("un champ sans commentaire ouvert reste déverrouillé")
	}
	sum, err := OpenSummary(ctx, f.pool, f.convID)
	if err != nil || sum.Count != 1 || sum.Comments[0].NomObjet != "lot" || sum.Title() != "1 commentaire ouvert (non résolu)" {
		t.Errorf("résumé %+v, %v", sum, err)
	}
	all, err := List(ctx, f.pool, f.convID, &nom)
	if err != nil || len(all) != 2 || all[0].UUID != c.UUID {
		t.Errorf("liste du champ : %d, %v", len(all), err)
	}
}

func TestCommentRefusals(t *testing.T) {
	f := setup(t, convention.Projet)
	ctx := context.Background()
	_, err := Open(ctx, f.pool, f.instr, f.conv, Key{NomObjet: "programme", ChampObjet: "nom"}, "x")
	refused(t, err, MsgNotCommentable)
	mustExec := func(sql string, args ...any) {
		if _, err := f.pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`UPDATE conventions_convention SET statut = $2 WHERE id = $1`, f.convID, string(convention.Instruction))
	stranger := &access.Subject{UserID: f.instr.UserID, IsActive: true,
		Role: &access.Role{Typologie: access.TypologieInstructeur, Group: access.GroupInstructeur, AdministrationID: 999999}}
	_, err = Open(ctx, f.pool, stranger, f.conv, Key{NomObjet: "programme", ChampObjet: "nom"}, "x")
	refused(t, err, convention.MsgNotVisible)
	_, err = Open(ctx, f.pool, f.instr, f.conv, Key{NomObjet: "", ChampObjet: "nom"}, "x")
	refused(t, err, MsgMissingField)
	// Beyond the columns' 255 characters: refused before the database.
	long := strings.Repeat("é", maxKeyLen+1)
	for _, k := range []Key{{NomObjet: long, ChampObjet: "nom"}, {NomObjet: "programme", ChampObjet: long}} {
		_, err = Open(ctx, f.pool, f.instr, f.conv, k, "x")
		refused(t, err, MsgKeyTooLong)
	}
	if _, err = Open(ctx, f.pool, f.instr, f.conv, Key{NomObjet: strings.Repeat("é", maxKeyLen), ChampObjet: "nom"}, "x"); err != nil {
		t.Errorf("255 characters: %v", err)
	}
	if FieldLabel("logement", "uuid") != "Tableau des logements en surface utile avec loyers" || FieldLabel("x", "y") != "X : y" {
		t.Error("libellés")
	}
}

// TestOpenObeysCapability: a comment is accepted exactly when the
// convention's capability allows ActionComment, with its refusal.
func TestOpenObeysCapability(t *testing.T) {
	f := setup(t, convention.Projet)
	ctx := context.Background()
	k := Key{NomObjet: "programme", ChampObjet: "nom", UUIDObjet: &f.progUUID}
	subjects := map[string]*access.Subject{"bailleur": f.bailleur, "instructeur": f.instr, "lecteur": f.lecteur, "anonyme": {}}
	allowed := 0
	for _, st := range convention.Statuts {
		if _, err := f.pool.Exec(ctx, `UPDATE conventions_convention SET statut = $2 WHERE id = $1`, f.convID, string(st)); err != nil {
			t.Fatal(err)
		}
		c, err := convention.LoadByID(ctx, f.pool, f.convID)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range subjects {
			capa, err := convention.Capabilities(ctx, f.pool, s, c)
			if err != nil {
				t.Fatal(err)
			}
			want := capa.Refusal(convention.ActionComment)
			_, err = Open(ctx, f.pool, s, f.conv, k, "À revoir")
			switch {
			case want == nil && err != nil:
				t.Errorf("%s/%s : la capacité autorise, Open refuse : %v", st.Name(), name, err)
			case want == nil:
				allowed++
			case err == nil:
				t.Errorf("%s/%s : la capacité refuse (%s), Open accepte", st.Name(), name, want.Message)
			default:
				refused(t, err, want.Message)
			}
		}
	}
	// Three subjects in the four commentable statuts.
	if allowed != 12 {
		t.Errorf("%d commentaires acceptés, 12 attendus", allowed)
	}
}
