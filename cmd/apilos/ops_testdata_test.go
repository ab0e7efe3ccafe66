package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Test data of the operations commands: the deployment document's own
// example (programme 4fa6ec1c-… "Opération L9TQKLS6EC", administration
// 13055, bailleur 48496369900026) plus the owners it starts with.

const (
	docProgrammeUUID = "4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194"
	docProgrammeNom  = "Opération L9TQKLS6EC"
	docAdminCode     = "13055"
	docAdminNom      = "Métropole d'Aix-Marseille-Provence"
	docSiret         = "48496369900026"
	docBailleurNom   = "6ème Sens Immobilier Investissement"
)

type opsIDs struct {
	programme, adminDoc, adminOld, bailleurDoc, bailleurOld int
	copies                                                  []int
}

func opsExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func opsScalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return v
}

// seedDocExample inserts the document's example, the programme attached to
// another administration and bailleur, with `copies` avenant copies.
func seedDocExample(t *testing.T, pool *pgxpool.Pool, copies int) opsIDs {
	t.Helper()
	var ids opsIDs
	ids.adminDoc = opsScalar[int](t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ($1, $2) RETURNING id`, docAdminNom, docAdminCode)
	ids.adminOld = opsScalar[int](t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ('DDTM des Bouches-du-Rhône', 'DD013') RETURNING id`)
	ids.bailleurDoc = opsScalar[int](t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, siren) VALUES ($1, $2, '484963699') RETURNING id`, docBailleurNom, docSiret)
	ids.bailleurOld = opsScalar[int](t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, siren) VALUES ('Habitat Provence OPH', '27130042100017', '271300421') RETURNING id`)
	ids.programme = opsScalar[int](t, pool, `INSERT INTO programmes_programme (uuid, nom, numero_operation, bailleur_id, administration_id)
VALUES ($1, $2, '2023-13-0042', $3, $4) RETURNING id`, docProgrammeUUID, docProgrammeNom, ids.bailleurOld, ids.adminOld)
	for range copies {
		ids.copies = append(ids.copies, opsScalar[int](t, pool, `INSERT INTO programmes_programme (nom, numero_operation, parent_id, bailleur_id, administration_id)
VALUES ($1, '2023-13-0042', $2, $3, $4) RETURNING id`, docProgrammeNom, ids.programme, ids.bailleurOld, ids.adminOld))
	}
	// An unrelated programme, which must never change.
	opsExec(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id) VALUES ('Résidence Les Oliviers', $1, $2)`, ids.bailleurOld, ids.adminOld)
	return ids
}

// opsSnapshot is every row of every table of the schema, as JSON text, to
// prove that a refused or abandoned command wrote nothing.
func opsSnapshot(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	snap := map[string][]string{}
	for _, tbl := range tables {
		r, err := pool.Query(ctx, `SELECT row_to_json(x)::text FROM `+tbl+` x ORDER BY row_to_json(x)::text`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			snap[tbl] = append(snap[tbl], s)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if snap[tbl] == nil {
			snap[tbl] = []string{}
		}
	}
	return snap
}

// opsAssertUnchanged compares two snapshots table by table.
func opsAssertUnchanged(t *testing.T, before, after map[string][]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("tables: %d before, %d after", len(before), len(after))
	}
	for tbl, b := range before {
		a := after[tbl]
		if len(a) != len(b) {
			t.Errorf("table %s: %d rows before, %d after", tbl, len(b), len(a))
			continue
		}
		for i := range b {
			if a[i] != b[i] {
				t.Errorf("table %s changed:\nbefore %s\nafter  %s", tbl, b[i], a[i])
				break
			}
		}
	}
}

// businessIDs are the rows seedBusiness creates that tests look at.
type businessIDs struct {
	opsIDs
	superuser, staff, bailleurUser, instructeurUser int64
	convention, avenant, lot                        int
}

// seedBusiness adds, on top of the document's example, one object of every
// kind clear_all_data removes, and accounts of every kind it keeps or
// removes.
func seedBusiness(t *testing.T, pool *pgxpool.Pool) businessIDs {
	t.Helper()
	b := businessIDs{opsIDs: seedDocExample(t, pool, 1)}
	opsExec(t, pool, `INSERT INTO auth_group (name) VALUES ('bailleur'), ('instructeur'), ('administrateur') ON CONFLICT DO NOTHING`)
	group := func(name string) int {
		return opsScalar[int](t, pool, `SELECT id FROM auth_group WHERE name = $1`, name)
	}
	// A bailleur absorbed by another (parent).
	opsExec(t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, parent_id) VALUES ('Logis Absorbé', '11111111100011', $1)`, b.bailleurOld)

	user := func(login string, su, staff bool, email string) int64 {
		return opsScalar[int64](t, pool, `INSERT INTO users_user (username, password, email, is_superuser, is_staff, first_name, last_name)
VALUES ($1, '!', $2, $3, $4, '', '') RETURNING id`, login, email, su, staff)
	}
	b.superuser = user("admin.technique", true, false, "admin@apilos.example")
	b.staff = user("support", false, true, "support@apilos.example")
	b.bailleurUser = user("marie.bailleur", false, false, "marie@hlm.example")
	b.instructeurUser = user("paul.instructeur", false, false, "paul@ddtm.example")
	// The staff account was created by a user who goes away.
	opsExec(t, pool, `UPDATE users_user SET creator_id = $1 WHERE id = $2`, b.bailleurUser, b.staff)
	opsExec(t, pool, `INSERT INTO users_role (typologie, bailleur_id, user_id, group_id) VALUES ('BAILLEUR', $1, $2, $3)`, b.bailleurOld, b.bailleurUser, group("bailleur"))
	opsExec(t, pool, `INSERT INTO users_role (typologie, administration_id, user_id, group_id) VALUES ('INSTRUCTEUR', $1, $2, $3)`, b.adminOld, b.instructeurUser, group("instructeur"))
	opsExec(t, pool, `INSERT INTO users_role (typologie, administration_id, user_id, group_id) VALUES ('INSTRUCTEUR', $1, $2, $3)`, b.adminDoc, b.staff, group("instructeur"))
	// A national administrateur role of the staff account stays.
	opsExec(t, pool, `INSERT INTO users_role (typologie, user_id, group_id) VALUES ('ADMINISTRATEUR', $1, $2)`, b.staff, group("administrateur"))
	opsExec(t, pool, `INSERT INTO users_user_groups (user_id, group_id) VALUES ($1, $2), ($3, $2)`, b.bailleurUser, group("bailleur"), b.staff)
	opsExec(t, pool, `INSERT INTO users_user_filtre_departements (user_id, departement_id) SELECT $1, id FROM apilos_settings_departement WHERE code_insee = '13'`, b.bailleurUser)
	opsExec(t, pool, `INSERT INTO users_historicaluser (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, preferences_email, secondary_email, history_date, history_type, history_user_id)
SELECT id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, preferences_email, secondary_email, now(), '+', $1 FROM users_user`, b.bailleurUser)

	// A convention with an avenant on the copy, and everything below them.
	b.convention = opsScalar[int](t, pool, `INSERT INTO conventions_convention (programme_id, statut, numero, cree_par_id) VALUES ($1, '5. Signée', '13.13055.23.0001', $2) RETURNING id`, b.programme, b.bailleurUser)
	b.avenant = opsScalar[int](t, pool, `INSERT INTO conventions_convention (programme_id, parent_id, statut, numero) VALUES ($1, $2, '2. Instruction requise', '1') RETURNING id`, b.copies[0], b.convention)
	opsExec(t, pool, `INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id) SELECT $1, id FROM conventions_avenanttype WHERE nom = 'logements'`, b.avenant)
	opsExec(t, pool, `INSERT INTO conventions_convention_parents_2nd_vie (from_convention_id, to_convention_id) VALUES ($1, $2)`, b.avenant, b.convention)
	b.lot = opsScalar[int](t, pool, `INSERT INTO programmes_lot (convention_id, financement, nb_logements) VALUES ($1, 'PLUS', 1) RETURNING id`, b.convention)
	avLot := opsScalar[int](t, pool, `INSERT INTO programmes_lot (convention_id, parent_id, financement, nb_logements) VALUES ($1, $2, 'PLUS', 1) RETURNING id`, b.avenant, b.lot)
	for _, lot := range []int{b.lot, avLot} {
		lg := opsScalar[int](t, pool, `INSERT INTO programmes_logement (lot_id, designation, typologie, surface_habitable, surface_annexes, surface_annexes_retenue, surface_utile, loyer_par_metre_carre, coeficient, loyer)
VALUES ($1, 'A01', 'T3', 62.40, 8.00, 4.00, 66.40, 6.04, 1.0000, 401.06) RETURNING id`, lot)
		opsExec(t, pool, `INSERT INTO programmes_annexe (logement_id, surface_hors_surface_retenue, loyer_par_metre_carre, loyer) VALUES ($1, 4.00, 1.00, 4.00)`, lg)
		opsExec(t, pool, `INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer) VALUES ($1, 'GARAGE_AERIEN', 3, 25.00)`, lot)
		opsExec(t, pool, `INSERT INTO programmes_locauxcollectifs (lot_id, type_local, surface_habitable, nombre) VALUES ($1, 'Buanderie', 12.00, 1)`, lot)
		opsExec(t, pool, `INSERT INTO conventions_pret (lot_id, preteur, montant) VALUES ($1, 'CDCF', 120000.00)`, lot)
		opsExec(t, pool, `INSERT INTO programmes_repartitionsurface (lot_id, quantite) VALUES ($1, 1)`, lot)
	}
	opsExec(t, pool, `INSERT INTO programmes_logementedd (programme_id, designation) VALUES ($1, 'A01')`, b.programme)
	opsExec(t, pool, `INSERT INTO programmes_referencecadastrale (programme_id, section, numero) VALUES ($1, 'AB', '12')`, b.programme)
	opsExec(t, pool, `INSERT INTO comments_comment (convention_id, user_id, nom_objet, champ_objet, message) VALUES ($1, $2, 'programme', 'nom', 'Merci de vérifier le nom.')`, b.convention, b.instructeurUser)
	opsExec(t, pool, `INSERT INTO conventions_conventionhistory (convention_id, statut_convention, statut_convention_precedent, user_id) VALUES ($1, '2. Instruction requise', '1. Projet', $2)`, b.convention, b.bailleurUser)
	opsExec(t, pool, `INSERT INTO conventions_evenement (convention_id, type_evenement, survenu_le) VALUES ($1, 'SIGNATURE', '2023-06-01')`, b.convention)
	opsExec(t, pool, `INSERT INTO conventions_piecejointe (convention_id, cree_le) VALUES ($1, now())`, b.convention)
	opsExec(t, pool, `INSERT INTO conventions_alertesiaplog (convention_id, operation, statut, description) VALUES ($1, 'CREATION', 'ENVOYEE', 'Convention en instruction')`, b.convention)
	opsExec(t, pool, `INSERT INTO ecoloweb_ecoloreference (apilos_model, ecolo_id, apilos_id, departement) VALUES ('programmes.programme', '42', $1, '13')`, b.programme)
	opsExec(t, pool, `INSERT INTO bailleurs_historicalbailleur (id, uuid, nom, siret, nature_bailleur, sous_nature_bailleur, cree_le, mis_a_jour_le, history_date, history_type)
SELECT id, uuid, nom, siret, nature_bailleur, sous_nature_bailleur, cree_le, mis_a_jour_le, now(), '+' FROM bailleurs_bailleur`)
	opsExec(t, pool, `INSERT INTO upload_uploadedfile (filename, realname) VALUES ('a.pdf', 'convention signée.pdf')`)
	return b
}
