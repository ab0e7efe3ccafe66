package programme

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// world is a small dataset: an administration, an HLM bailleur and a
// non-HLM one, a bailleur user and an instructeur user.
type world struct {
	pool                  *pgxpool.Pool
	adm, hlm, assoc       int64
	bailleur, instructeur *access.Subject
	readonly              *access.Subject
	t                     testing.TB
}

var seq atomic.Int64

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatalf("load-permissions : %v", err)
	}
	w := &world{pool: pool, t: t}
	w.adm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id`)
	w.hlm = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur, signataire_nom)
		VALUES ('Paris Habitat OPH', '34433123400011', '344331234', 'HLM', 'M. Dupont') RETURNING id`)
	w.assoc = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur)
		VALUES ('Association Toit', '40000000000019', '400000000', 'Autres bailleurs sociaux non HLM') RETURNING id`)
	user := func(login string) int64 {
		return w.id(`INSERT INTO users_user (password, username, email, is_superuser, preferences_email, first_name, last_name)
			VALUES ('!', $1::text, $1::text || '@example.org', false, 'AUCUN', initcap($1::text), 'Test') RETURNING id`, login)
	}
	role := func(userID int64, typ, group string, bailleur, adm any) int64 {
		return w.id(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id`, typ, bailleur, adm, userID, group)
	}
	bu, iu, ru := user("bailleur"), user("instructeur"), user("lecteur")
	br := role(bu, access.TypologieBailleur, access.GroupBailleur, w.hlm, nil)
	role(bu, access.TypologieBailleur, access.GroupBailleur, w.assoc, nil)
	ir := role(iu, access.TypologieInstructeur, access.GroupInstructeur, nil, w.adm)
	rr := role(ru, access.TypologieInstructeur, access.GroupReadonlyInstructeur, nil, w.adm)
	w.bailleur = &access.Subject{UserID: bu, Username: "bailleur", IsActive: true,
		Role: &access.Role{ID: br, Typologie: access.TypologieBailleur, Profile: access.ProfileBailleur,
			Group: access.GroupBailleur, BailleurID: w.hlm}, BailleurIDs: []int64{w.hlm, w.assoc}}
	w.instructeur = &access.Subject{UserID: iu, Username: "instructeur", IsActive: true,
		Role: &access.Role{ID: ir, Typologie: access.TypologieInstructeur, Profile: access.ProfileInstructeur,
			Group: access.GroupInstructeur, AdministrationID: w.adm}}
	w.readonly = &access.Subject{UserID: ru, Username: "lecteur", IsActive: true,
		Role: &access.Role{ID: rr, Typologie: access.TypologieInstructeur, Profile: access.ProfileInstructeur,
			Group: access.GroupReadonlyInstructeur, AdministrationID: w.adm, ReadOnly: true}}
	return w
}

func (w *world) id(sql string, args ...any) int64 {
	w.t.Helper()
	return dbtest.ID(w.t, w.pool, sql, args...)
}

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	dbtest.Exec(w.t, w.pool, sql, args...)
}

// conv describes a convention to create.
type conv struct {
	statut      string   // default "1. Projet"
	nature      string   // default LOGEMENTSORDINAIRES
	bailleur    int64    // default hlm
	financement []string // lots, default PLUS
	logements   int      // logements per lot, default 2 (designations A1, A2... / B1...)
	typeOp      string   // default NEUF
	departement string   // default 75
	parent      int64
}

// made is a created convention.
type made struct {
	ID        int64
	UUID      uuid.UUID
	Programme int64
	Lots      []int64
}

// makeConvention inserts a programme, a convention and its lots, each
// with logements of 50 m² SU at 6 €/m² (loyer 300 €), a CDC prêt, and
// the first logement with a terrasse.
func (w *world) makeConvention(c conv) made {
	w.t.Helper()
	n := seq.Add(1)
	if c.statut == "" {
		c.statut = "1. Projet"
	}
	if c.nature == "" {
		c.nature = "LOGEMENTSORDINAIRES"
	}
	if c.bailleur == 0 {
		c.bailleur = w.hlm
	}
	if c.financement == nil {
		c.financement = []string{"PLUS"}
	}
	if c.logements == 0 {
		c.logements = 2
	}
	if c.typeOp == "" {
		c.typeOp = "NEUF"
	}
	if c.departement == "" {
		c.departement = "75"
	}
	var parentProg, parent any
	if c.parent != 0 {
		parent = c.parent
		parentProg = w.id(`SELECT COALESCE(p.parent_id, p.id) FROM conventions_convention c
			JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, c.parent)
	}
	var m made
	m.Programme = w.id(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id,
			administration_id, adresse, code_postal, ville, code_insee_departement, code_insee_region, nature_logement, type_operation, parent_id)
		VALUES ($1, $2::text, replace($2::text, '-', ''), $3, $4, '1 rue de la Roquette', '75011', 'Paris', $5, '11', $6, $7, $8) RETURNING id`,
		fmt.Sprintf("Résidence %d", n), fmt.Sprintf("2026-75-%05d", n), c.bailleur, w.adm, c.departement, c.nature, c.typeOp, parentProg)
	var u uuid.UUID
	fin := "2065-06-30"
	if IsFoyerOrResidence(c.nature) {
		fin = "2065-12-31"
	}
	if err := w.pool.QueryRow(context.Background(), `INSERT INTO conventions_convention (programme_id, parent_id, statut,
			adresse, signataire_nom, date_fin_conventionnement, attribution_reservation_prefectorale,
			attribution_modalites_reservations, attribution_modalites_choix_personnes, attribution_agees_autonomie,
			foyer_residence_variante_2_travaux)
		VALUES ($1, $2, $3, '1 rue de la Roquette', 'Mme Martin', $4, 20, 'Commission', 'Dossier', true, 'Toiture') RETURNING id, uuid`,
		m.Programme, parent, c.statut, fin).Scan(&m.ID, &u); err != nil {
		w.t.Fatal(err)
	}
	m.UUID = u
	for li, f := range c.financement {
		lot := w.id(`INSERT INTO programmes_lot (convention_id, financement, nb_logements, type_habitat) VALUES ($1, $2, $3, 'COLLECTIF') RETURNING id`,
			m.ID, f, c.logements)
		m.Lots = append(m.Lots, lot)
		for i := 1; i <= c.logements; i++ {
			des := fmt.Sprintf("%c%d", 'A'+li, i)
			var lg int64
			if IsFoyerOrResidence(c.nature) {
				lg = w.id(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, loyer, import_order)
					VALUES ($1, $2, 'T1', 20.00, 400.00, $3) RETURNING id`, des, lot, i-1)
			} else {
				lg = w.id(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes,
					surface_annexes_retenue, surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
					VALUES ($1, $2, 'T2', 45.00, 10.00, 5.00, 50.00, 6.00, 1.0000, 300.00, $3) RETURNING id`, des, lot, i-1)
			}
			if i == 1 && !IsFoyerOrResidence(c.nature) {
				w.exec(`INSERT INTO programmes_annexe (logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer)
					VALUES ($1, 'TERRASSE', 10.00, 1.00, 10.00)`, lg)
			}
		}
		w.exec(`INSERT INTO conventions_pret (lot_id, preteur, montant, numero, date_octroi, duree) VALUES ($1, 'CDCF', 100000.00, 'P1', '2024-01-15', 40)`, lot)
		if IsFoyerOrResidence(c.nature) {
			w.exec(`INSERT INTO programmes_locauxcollectifs (lot_id, type_local, surface_habitable, nombre) VALUES ($1, 'Salle commune', 30.00, 1)`, lot)
		} else {
			w.exec(`INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer) VALUES ($1, 'GARAGE_AERIEN', 3, 40.00)`, lot)
		}
	}
	w.exec(`INSERT INTO programmes_referencecadastrale (programme_id, section, numero, lieudit, surface) VALUES ($1, 'AB', '12', 'Les Prés', '5 a')`, m.Programme)
	return m
}

// load reads the content, failing the test on error.
func (w *world) load(id int64) *Content {
	w.t.Helper()
	c, err := Load(context.Background(), w.pool, id)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// dump is every content row of the convention as JSON text (without the
// mis_a_jour_le the update trigger refreshes), to prove a refused save
// changed nothing.
func (w *world) dump(id int64) string {
	w.t.Helper()
	var s string
	err := w.pool.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT (to_jsonb(c) - 'mis_a_jour_le')::text FROM conventions_convention c WHERE c.id = $1),
		(SELECT (to_jsonb(p) - 'mis_a_jour_le' - 'search_vector')::text FROM programmes_programme p JOIN conventions_convention c ON c.programme_id = p.id WHERE c.id = $1),
		(SELECT json_agg(to_jsonb(l) - 'mis_a_jour_le' ORDER BY l.id)::text FROM programmes_lot l WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(lg) - 'mis_a_jour_le' ORDER BY lg.id)::text FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(a) - 'mis_a_jour_le' ORDER BY a.id)::text FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id
			JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(x) - 'mis_a_jour_le' ORDER BY x.id)::text FROM conventions_pret x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(x) - 'mis_a_jour_le' ORDER BY x.id)::text FROM programmes_typestationnement x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(x) - 'mis_a_jour_le' ORDER BY x.id)::text FROM programmes_locauxcollectifs x JOIN programmes_lot l ON l.id = x.lot_id WHERE l.convention_id = $1),
		(SELECT json_agg(to_jsonb(x) - 'mis_a_jour_le' ORDER BY x.id)::text FROM programmes_referencecadastrale x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1),
		(SELECT json_agg(to_jsonb(x) - 'mis_a_jour_le' ORDER BY x.id)::text FROM programmes_logementedd x JOIN conventions_convention c ON c.programme_id = x.programme_id WHERE c.id = $1))`,
		id).Scan(&s)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}
