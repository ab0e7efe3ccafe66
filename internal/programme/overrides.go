package programme

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Override is a confirmed save despite optional problems
// (content_override): who confirmed, when, on which step, and the
// messages overridden.
type Override struct {
	Step     Step
	UserName string // "Prénom Nom", or the login; "" when the account was deleted
	CreeLe   time.Time
	Messages []string
}

func recordOverride(ctx context.Context, tx pgx.Tx, conventionID, userID int64, step Step, ps Problems) error {
	var user any
	if userID != 0 {
		user = userID
	}
	_, err := tx.Exec(ctx, `INSERT INTO content_override (convention_id, user_id, step, messages) VALUES ($1, $2, $3, $4)`,
		conventionID, user, string(step), ps.Messages())
	return err
}

// Overrides lists the convention's confirmed overrides, newest first.
func Overrides(ctx context.Context, q Querier, conventionID int64) ([]Override, error) {
	rows, err := q.Query(ctx, `SELECT o.step, COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username, ''),
		o.cree_le, o.messages
		FROM content_override o LEFT JOIN users_user u ON u.id = o.user_id
		WHERE o.convention_id = $1 ORDER BY o.cree_le DESC, o.id DESC`, conventionID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Override, error) {
		var o Override
		var step string
		err := r.Scan(&step, &o.UserName, &o.CreeLe, &o.Messages)
		o.Step = Step(step)
		return o, err
	})
}
