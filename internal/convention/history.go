package convention

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// HistoryEntry is one row of the journal (conventions_conventionhistory).
type HistoryEntry struct {
	ID              int64
	UUID            uuid.UUID
	StatutPrecedent Statut
	Statut          Statut
	Commentaire     string
	UserID          *int64
	UserName        string // "Prénom Nom", else the username; "" when the user is gone
	UserEmail       string
	CreeLe          time.Time
}

// writeHistory logs one statut change.
func writeHistory(ctx context.Context, tx pgx.Tx, conventionID int64, from, to Statut, userID int64, commentaire string) error {
	var uid, com any
	if userID != 0 {
		uid = userID
	}
	if commentaire != "" {
		com = commentaire
	}
	_, err := tx.Exec(ctx, `INSERT INTO conventions_conventionhistory
		(uuid, convention_id, statut_convention_precedent, statut_convention, commentaire, user_id, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, now(), now())`,
		conventionID, string(from), string(to), com, uid)
	if err != nil {
		return fmt.Errorf("écriture de l'historique : %w", err)
	}
	return nil
}

// History lists the journal of a convention, newest first.
func History(ctx context.Context, q Querier, conventionID int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT h.id, h.uuid, h.statut_convention_precedent, h.statut_convention,
			COALESCE(h.commentaire, ''), h.user_id,
			COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username, ''),
			COALESCE(u.email, ''), h.cree_le
		FROM conventions_conventionhistory h
		LEFT JOIN users_user u ON u.id = h.user_id
		WHERE h.convention_id = $1
		ORDER BY h.cree_le DESC, h.id DESC`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("lecture de l'historique : %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (HistoryEntry, error) {
		var h HistoryEntry
		var from, to string
		err := r.Scan(&h.ID, &h.UUID, &from, &to, &h.Commentaire, &h.UserID, &h.UserName, &h.UserEmail, &h.CreeLe)
		h.StatutPrecedent, h.Statut = Statut(from), Statut(to)
		return h, err
	})
}
