package convention

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// world is a minimal dataset: one administration (DD75), a second one
// (out of scope), an HLM bailleur and a non-HLM one, users with roles.
type world struct {
	pool                  *pgxpool.Pool
	adm, otherAdm         int64
	hlm, assoc, otherBail int64
	bailleurUser          int64
	instructeurUser       int64
	readonlyUser          int64
	otherInstructeurUser  int64
	superUser             int64
	bailleur, instructeur *access.Subject
	readonly, otherInstr  *access.Subject
	superuser             *access.Subject
}

var seq atomic.Int64

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatalf("load-permissions : %v", err)
	}
	w := &world{pool: pool}
	q := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s : %v", sql, err)
		}
		return id
	}
	w.adm = q(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id`)
	w.otherAdm = q(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING id`)
	w.hlm = q(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', '344331234', 'HLM') RETURNING id`)
	w.assoc = q(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Association Toit', '40000000000019', '400000000', 'Autres bailleurs sociaux non HLM') RETURNING id`)
	w.otherBail = q(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Lyon Métropole Habitat', '50000000000011', '500000000', 'HLM') RETURNING id`)
	user := func(login, pref string, super bool) int64 {
		return q(`INSERT INTO users_user (password, username, email, is_superuser, preferences_email, first_name, last_name)
			VALUES ('!', $1::text, $1::text || '@example.org', $2, $3, initcap($1::text), 'Test') RETURNING id`, login, super, pref)
	}
	role := func(userID int64, typ, group string, bailleur, adm any) int64 {
		return q(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id`, typ, bailleur, adm, userID, group)
	}
	w.bailleurUser = user("bailleur", "PARTIEL", false)
	w.instructeurUser = user("instructeur", "PARTIEL", false)
	w.readonlyUser = user("lecteur", "PARTIEL", false)
	w.otherInstructeurUser = user("autreinstructeur", "PARTIEL", false)
	w.superUser = user("admin", "AUCUN", true)
	br := role(w.bailleurUser, access.TypologieBailleur, access.GroupBailleur, w.hlm, nil)
	// The bailleur user also works for the association (second role).
	role(w.bailleurUser, access.TypologieBailleur, access.GroupBailleur, w.assoc, nil)
	ir := role(w.instructeurUser, access.TypologieInstructeur, access.GroupInstructeur, nil, w.adm)
	rr := role(w.readonlyUser, access.TypologieInstructeur, access.GroupReadonlyInstructeur, nil, w.adm)
	or := role(w.otherInstructeurUser, access.TypologieInstructeur, access.GroupInstructeur, nil, w.otherAdm)
	w.bailleur = &access.Subject{UserID: w.bailleurUser, Username: "bailleur", IsActive: true,
		Role: &access.Role{ID: br, Typologie: access.TypologieBailleur, Profile: access.ProfileBailleur,
			Group: access.GroupBailleur, BailleurID: w.hlm}, BailleurIDs: []int64{w.hlm, w.assoc}}
	w.instructeur = &access.Subject{UserID: w.instructeurUser, Username: "instructeur", IsActive: true,
		Role: &access.Role{ID: ir, Typologie: access.TypologieInstructeur, Profile: access.ProfileInstructeur,
			Group: access.GroupInstructeur, AdministrationID: w.adm}}
	w.readonly = &access.Subject{UserID: w.readonlyUser, Username: "lecteur", IsActive: true,
		Role: &access.Role{ID: rr, Typologie: access.TypologieInstructeur, Profile: access.ProfileInstructeur,
			Group: access.GroupReadonlyInstructeur, AdministrationID: w.adm, ReadOnly: true}}
	w.otherInstr = &access.Subject{UserID: w.otherInstructeurUser, Username: "autreinstructeur", IsActive: true,
		Role: &access.Role{ID: or, Typologie: access.TypologieInstructeur, Profile: access.ProfileInstructeur,
			Group: access.GroupInstructeur, AdministrationID: w.otherAdm}}
	w.superuser = &access.Subject{UserID: w.superUser, Username: "admin", IsActive: true, IsSuperuser: true}
	return w
}

// conv describes a convention to create.
type conv struct {
	statut           Statut
	nature           string // programme nature, default LOGEMENTSORDINAIRES
	bailleur         int64  // default hlm
	adm              int64  // default w.adm; -1: none
	numero           string
	numeroOperation  *string
	creePar          int64
	signed           bool // nom_fichier_signe set
	parent           int64
	types            []string
	type1and2        string
	valideLe         *time.Time
	dateDenonciation *time.Time
	dateResiliation  *time.Time
	acte             string
	creeLe           *time.Time
	nom              string
}

// makeConvention inserts a programme, a convention and one PLUS lot with
// two logements (one with an annexe), a prêt, a stationnement and a local
// collectif; an avenant gets its own programme pointing to the parent's.
func (w *world) makeConvention(t testing.TB, ctx context.Context, tx pgx.Tx, c conv) *Convention {
	t.Helper()
	n := seq.Add(1)
	if c.nature == "" {
		c.nature = "LOGEMENTSORDINAIRES"
	}
	if c.bailleur == 0 {
		c.bailleur = w.hlm
	}
	var adm any = w.adm
	if c.adm == -1 {
		adm = nil
	} else if c.adm != 0 {
		adm = c.adm
	}
	numOp := fmt.Sprintf("2026-75-%05d", n)
	if c.numeroOperation != nil {
		numOp = *c.numeroOperation
	}
	if c.nom == "" {
		c.nom = fmt.Sprintf("Résidence %d", n)
	}
	var progParent any
	if c.parent != 0 {
		var pp int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(p.parent_id, p.id) FROM conventions_convention c
			JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, c.parent).Scan(&pp); err != nil {
			t.Fatal(err)
		}
		progParent = pp
	}
	var prog int64
	err := tx.QueryRow(ctx, `INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche,
			bailleur_id, administration_id, code_postal, ville, code_insee_departement, code_insee_region, nature_logement, parent_id)
		VALUES ($1, $2::text, replace($2::text, '-', ''), $3, $4, '75011', 'Paris', '75', '11', $5, $6) RETURNING id`,
		c.nom, numOp, c.bailleur, adm, c.nature, progParent).Scan(&prog)
	if err != nil {
		t.Fatal(err)
	}
	var parent, numero, creePar, signe any
	if c.parent != 0 {
		parent = c.parent
	}
	if c.numero != "" {
		numero = c.numero
	}
	if c.creePar != 0 {
		creePar = c.creePar
	}
	if c.signed {
		signe = "convention_signee.pdf"
	}
	var t12 any
	if c.type1and2 != "" {
		t12 = c.type1and2
	}
	creeLe := time.Now()
	if c.creeLe != nil {
		creeLe = *c.creeLe
	}
	var acte any
	if c.acte != "" {
		acte = c.acte
	}
	var id int64
	var u uuid.UUID
	err = tx.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, parent_id, statut, numero, numero_pour_recherche,
			cree_par_id, nom_fichier_signe, type1and2, valide_le, date_denonciation, date_resiliation,
			fichier_instruction_resiliation, cree_le, adresse, commentaires)
		VALUES ($1, $2, $3, $4::text, replace(replace($4::text, '.', ''), '/', ''), $5, $6, $7, $8, $9, $10, $11, $12, '1 rue de la Roquette', 'Merci')
		RETURNING id, uuid`,
		prog, parent, string(c.statut), numero, creePar, signe, t12, c.valideLe, c.dateDenonciation, c.dateResiliation,
		acte, creeLe).Scan(&id, &u)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range c.types {
		if _, err := tx.Exec(ctx, `INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id)
			SELECT $1, id FROM conventions_avenanttype WHERE nom = $2`, id, typ); err != nil {
			t.Fatal(err)
		}
	}
	var lot int64
	if err := tx.QueryRow(ctx, `INSERT INTO programmes_lot (convention_id, financement, nb_logements, loyer_derogatoire)
		VALUES ($1, 'PLUS', 2, 7.50) RETURNING id`, id).Scan(&lot); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		var lg int64
		if err := tx.QueryRow(ctx, `INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable,
				surface_utile, loyer_par_metre_carre, coeficient, loyer)
			VALUES ($1, $2, 'T2', 45.00, 50.00, 6.00, 1.0000, 300.00) RETURNING id`, fmt.Sprintf("A%d", i), lot).Scan(&lg); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			mustExec(t, ctx, tx, `INSERT INTO programmes_annexe (logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer)
				VALUES ($1, 'TERRASSE', 10.00, 1.00, 10.00)`, lg)
		}
	}
	mustExec(t, ctx, tx, `INSERT INTO conventions_pret (lot_id, preteur, montant, numero) VALUES ($1, 'CDCF', 100000.00, 'P1')`, lot)
	mustExec(t, ctx, tx, `INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer) VALUES ($1, 'GARAGE_AERIEN', 3, 40.00)`, lot)
	mustExec(t, ctx, tx, `INSERT INTO programmes_locauxcollectifs (lot_id, type_local, surface_habitable, nombre) VALUES ($1, 'Salle commune', 30.00, 1)`, lot)
	mustExec(t, ctx, tx, `INSERT INTO programmes_referencecadastrale (programme_id, section, numero, surface) VALUES ($1, 'AB', '12', '500')`, prog)
	mustExec(t, ctx, tx, `INSERT INTO programmes_logementedd (programme_id, designation, financement) VALUES ($1, 'A1', 'PLUS')`, prog)
	out, err := LoadByID(ctx, tx, id)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mustExec(t testing.TB, ctx context.Context, tx pgx.Tx, sql string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s : %v", sql, err)
	}
}

// inTx runs fn in a transaction rolled back afterwards.
func (w *world) inTx(t *testing.T, fn func(ctx context.Context, tx pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	fn(ctx, tx)
}

// snapshot is the whole row and its history count, to prove a refused
// operation changed nothing.
func snapshot(t testing.TB, ctx context.Context, q Querier, id int64) (string, int) {
	t.Helper()
	var row string
	var n int
	err := q.QueryRow(ctx, `SELECT COALESCE((SELECT row_to_json(c)::text FROM conventions_convention c WHERE c.id = $1), ''),
		(SELECT count(*) FROM conventions_conventionhistory WHERE convention_id = $1)`, id).Scan(&row, &n)
	if err != nil {
		t.Fatal(err)
	}
	return row, n
}

func historyCount(t testing.TB, ctx context.Context, q Querier, id int64) int {
	t.Helper()
	_, n := snapshot(t, ctx, q, id)
	return n
}

func ptr[T any](v T) *T { return &v }

// complete is the content check of a convention whose content is
// complete (programme.Missing is tested in internal/programme).
func complete(context.Context, Querier, *Convention) ([]string, error) { return nil, nil }
