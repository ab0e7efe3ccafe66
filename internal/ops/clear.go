package ops

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Count is the number of rows an operation removed or wrote for one kind
// of object; Label is French, plural ("programmes").
type Count struct {
	Label string
	N     int64
}

// clearStep is one DELETE of ClearAllData. Children come before their
// parents, so the result does not depend on the ON DELETE actions of the
// schema (a Django-built database adopted without migration 00002 has
// none) and every count is exact.
type clearStep struct {
	label string
	sql   string
}

// keptUser is the condition of the accounts ClearAllData keeps.
const keptUser = `(is_superuser OR is_staff)`

var clearSteps = []clearStep{
	// Everything hanging from conventions.
	{"commentaires", `DELETE FROM comments_comment`},
	{"historiques de statut des conventions", `DELETE FROM conventions_conventionhistory`},
	{"événements des conventions", `DELETE FROM conventions_evenement`},
	{"pièces jointes (Ecoloweb)", `DELETE FROM conventions_piecejointe`},
	{"journaux d'alertes SIAP", `DELETE FROM conventions_alertesiaplog`},
	{"", `DELETE FROM conventions_convention_avenant_types`},
	{"", `DELETE FROM conventions_convention_parents_2nd_vie`},
	// Lots and what hangs from them.
	{"annexes", `DELETE FROM programmes_annexe`},
	{"logements", `DELETE FROM programmes_logement`},
	{"types de stationnement", `DELETE FROM programmes_typestationnement`},
	{"locaux collectifs", `DELETE FROM programmes_locauxcollectifs`},
	{"prêts", `DELETE FROM conventions_pret`},
	{"répartitions de surfaces (Ecoloweb)", `DELETE FROM programmes_repartitionsurface`},
	{"lots", `DELETE FROM programmes_lot`},
	{"conventions et avenants", `DELETE FROM conventions_convention`},
	// Programmes: every programme belongs to a bailleur.
	{"lignes d'EDD", `DELETE FROM programmes_logementedd`},
	{"références cadastrales", `DELETE FROM programmes_referencecadastrale`},
	{"programmes (copies d'avenant comprises)", `DELETE FROM programmes_programme`},
	// Roles on a bailleur or an administration, and every role of the
	// users removed below.
	{"rôles", `DELETE FROM users_role r WHERE r.bailleur_id IS NOT NULL OR r.administration_id IS NOT NULL
OR r.user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"bailleurs", `DELETE FROM bailleurs_bailleur`},
	{"administrations", `DELETE FROM instructeurs_administration`},
	// Users who are neither superuser nor staff, with their links.
	{"", `DELETE FROM users_user_groups WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `DELETE FROM users_user_user_permissions WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `DELETE FROM users_user_filtre_departements WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `DELETE FROM waffle_flag_users WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `UPDATE users_user SET creator_id = NULL WHERE creator_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `UPDATE users_historicaluser SET history_user_id = NULL WHERE history_user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"", `UPDATE users_historicalrole SET history_user_id = NULL WHERE history_user_id IN (SELECT id FROM users_user WHERE NOT ` + keptUser + `)`},
	{"utilisateurs ni superuser ni staff", `DELETE FROM users_user WHERE NOT ` + keptUser},
	{"références Ecoloweb", `DELETE FROM ecoloweb_ecoloreference`},
	// History of the removed rows (django-simple-history tables).
	{"lignes d'historique des bailleurs", `DELETE FROM bailleurs_historicalbailleur`},
	{"lignes d'historique des administrations", `DELETE FROM instructeurs_historicaladministration`},
	{"lignes d'historique des programmes", `DELETE FROM programmes_historicalprogramme`},
	{"lignes d'historique des rôles", `DELETE FROM users_historicalrole WHERE id NOT IN (SELECT id FROM users_role)`},
	{"lignes d'historique des utilisateurs", `DELETE FROM users_historicaluser WHERE id NOT IN (SELECT id FROM users_user)`},
}

// ClearAllData removes the business data of an environment in one
// transaction: administrations, bailleurs and everything that belongs to
// them (programmes, conventions, lots, logements, annexes, stationnements,
// prêts, comments, history…), roles, the users who are neither superuser
// nor staff, and the Ecoloweb references. Reference data (départements,
// avenant types, rent indices, groups and permissions), uploaded file
// metadata and feature flags are kept. env is checked with
// RefuseInProduction before anything is read.
func ClearAllData(ctx context.Context, db TxBeginner, env string) ([]Count, error) {
	if err := RefuseInProduction(env); err != nil {
		return nil, err
	}
	var counts []Count
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		counts, err = clearAll(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

func clearAll(ctx context.Context, tx pgx.Tx) ([]Count, error) {
	var counts []Count
	for _, s := range clearSteps {
		tag, err := tx.Exec(ctx, s.sql)
		if err != nil {
			what := s.label
			if what == "" {
				what = "liens des objets supprimés"
			}
			return nil, fmt.Errorf("suppression (%s) : %w ; rien n'a été supprimé", what, err)
		}
		if s.label != "" {
			counts = append(counts, Count{Label: s.label, N: tag.RowsAffected()})
		}
	}
	// Deferred foreign keys are checked now, so a row left pointing to a
	// removed one (a table this list does not know) fails here, clearly.
	if _, err := tx.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE"); err != nil {
		return nil, fmt.Errorf("des données restantes font référence aux objets supprimés : %w ; rien n'a été supprimé", err)
	}
	return counts, nil
}
