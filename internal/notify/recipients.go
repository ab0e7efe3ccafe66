package notify

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/db"

	"github.com/jackc/pgx/v5"
)

// Querier is a pool, a connection or a transaction.
type Querier = db.Querier

// E-mail preferences (users_user.preferences_email).
const (
	PrefTous    = "TOUS"
	PrefPartiel = "PARTIEL"
	PrefAucun   = "AUCUN"
)

// SwitchEmailsOff is the waffle switch that suppresses every
// transactional e-mail.
const SwitchEmailsOff = "transactional_emails_off"

// EmailsOff reports whether the switch transactional_emails_off is active.
func EmailsOff(ctx context.Context, q Querier) (bool, error) {
	var on bool
	err := q.QueryRow(ctx, `SELECT COALESCE((SELECT active FROM waffle_switch WHERE name = $1), false)`, SwitchEmailsOff).Scan(&on)
	if err != nil {
		return false, fmt.Errorf("lecture de l'interrupteur %s : %w", SwitchEmailsOff, err)
	}
	return on, nil
}

// Side of the recipients.
type Side int

const (
	// SideBailleur: the bailleur's users.
	SideBailleur Side = iota
	// SideInstructeur: the administration's users, after a submission was
	// already handled (T3).
	SideInstructeur
	// SideSubmission: the administration's users for a new submission
	// (T1): every user of the administration with PARTIEL or TOUS.
	SideSubmission
)

// Recipients lists the e-mail addresses of one side for a convention
// (spec workflows §9.3), sorted, without duplicates nor invalid addresses,
// active accounts only:
//   - bailleur: users with a BAILLEUR role, preference PARTIEL, who wrote
//     a history row of the convention, and users with a role on the
//     programme's bailleur with preference TOUS;
//   - instructeur: users with an INSTRUCTEUR role, preference PARTIEL, who
//     wrote a history row, and users with a role on the programme's
//     administration with preference TOUS;
//   - submission: users with a role on the programme's administration and
//     preference PARTIEL or TOUS.
func Recipients(ctx context.Context, q Querier, side Side, conventionID int64) ([]string, error) {
	var sql string
	switch side {
	case SideBailleur:
		sql = `SELECT u.email FROM users_user u
		WHERE u.is_active AND u.preferences_email = 'PARTIEL'
		  AND EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.typologie = 'BAILLEUR')
		  AND EXISTS (SELECT 1 FROM conventions_conventionhistory h WHERE h.user_id = u.id AND h.convention_id = $1)
		UNION
		SELECT u.email FROM users_user u
		JOIN users_role r ON r.user_id = u.id
		JOIN programmes_programme p ON p.bailleur_id = r.bailleur_id
		JOIN conventions_convention c ON c.programme_id = p.id
		WHERE c.id = $1 AND u.is_active AND u.preferences_email = 'TOUS'`
	case SideInstructeur:
		sql = `SELECT u.email FROM users_user u
		WHERE u.is_active AND u.preferences_email = 'PARTIEL'
		  AND EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.typologie = 'INSTRUCTEUR')
		  AND EXISTS (SELECT 1 FROM conventions_conventionhistory h WHERE h.user_id = u.id AND h.convention_id = $1)
		UNION
		SELECT u.email FROM users_user u
		JOIN users_role r ON r.user_id = u.id
		JOIN programmes_programme p ON p.administration_id = r.administration_id
		JOIN conventions_convention c ON c.programme_id = p.id
		WHERE c.id = $1 AND u.is_active AND u.preferences_email = 'TOUS'`
	case SideSubmission:
		sql = `SELECT u.email FROM users_user u
		JOIN users_role r ON r.user_id = u.id
		JOIN programmes_programme p ON p.administration_id = r.administration_id
		JOIN conventions_convention c ON c.programme_id = p.id
		WHERE c.id = $1 AND u.is_active AND u.preferences_email IN ('PARTIEL', 'TOUS')`
	default:
		return nil, fmt.Errorf("destinataires : côté %d inconnu", side)
	}
	rows, err := q.Query(ctx, sql, conventionID)
	if err != nil {
		return nil, fmt.Errorf("calcul des destinataires : %w", err)
	}
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("calcul des destinataires : %w", err)
	}
	return cleanAddresses(list), nil
}

// cleanAddresses keeps valid, distinct addresses, sorted.
func cleanAddresses(list []string) []string {
	var out []string
	for _, a := range list {
		a = strings.TrimSpace(a)
		if p, err := mail.ParseAddress(a); err != nil || p.Address != a || !strings.Contains(a[strings.LastIndex(a, "@")+1:], ".") {
			continue
		}
		out = append(out, a)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
