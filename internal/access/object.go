package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ConventionRef is what the access layer loads of a convention it checked:
// enough for handlers to go on without reading the row again for routing
// decisions (statut rules, family).
type ConventionRef struct {
	ID               int64
	UUID             string
	Statut           string
	ParentID         int64 // 0 for a root convention
	ProgrammeID      int64
	BailleurID       int64 // the convention's own programme bailleur
	AdministrationID int64 // 0 when the programme has none
}

const conventionRefColumns = `c.id, c.uuid::text, c.statut, COALESCE(c.parent_id, 0), c.programme_id,
       p.bailleur_id, COALESCE(p.administration_id, 0)`

func scanConventionRef(row pgx.Row) (*ConventionRef, error) {
	var r ConventionRef
	err := row.Scan(&r.ID, &r.UUID, &r.Statut, &r.ParentID, &r.ProgrammeID, &r.BailleurID, &r.AdministrationID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de la convention : %w", err)
	}
	return &r, nil
}

// VisibleConvention returns the convention with this uuid when it exists
// and lies in the subject's scope; nil (and no error) otherwise, including
// for a malformed uuid: the caller answers 404 either way, so existence
// is never revealed.
func VisibleConvention(ctx context.Context, q Querier, s *Subject, conventionUUID string) (*ConventionRef, error) {
	u, err := uuid.Parse(conventionUUID)
	if err != nil {
		return nil, nil
	}
	var a Args
	sql := `SELECT ` + conventionRefColumns + `
  FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
 WHERE c.uuid = ` + a.Add(u.String()) + `::uuid AND ` + ConventionScope(s, &a)
	return scanConventionRef(q.QueryRow(ctx, sql, a.Values()...))
}

// CanOnConvention answers "may s do p on convention id": visible is false
// when the convention does not exist or lies outside the subject's scope
// (answer 404); allowed is true when it is visible and the current role
// holds p (visible but not allowed: answer 403).
func CanOnConvention(ctx context.Context, q Querier, s *Subject, p Permission, conventionID int64) (allowed, visible bool, err error) {
	var a Args
	sql := `SELECT EXISTS (SELECT 1
  FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
 WHERE c.id = ` + a.Add(conventionID) + ` AND ` + ConventionScope(s, &a) + `)`
	if err := q.QueryRow(ctx, sql, a.Values()...).Scan(&visible); err != nil {
		return false, false, fmt.Errorf("contrôle d'accès à la convention %d : %w", conventionID, err)
	}
	return visible && Can(s, p), visible, nil
}
