// Package session owns the rules of the sessions table, where the web
// process stores its sessions (scs pgxstore layout:
// token TEXT PRIMARY KEY, data BYTEA, expiry TIMESTAMPTZ).
package session

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DeleteExpired removes the sessions whose expiry has passed and returns
// how many were removed. The comparison uses the database clock, the one
// the web process writes expiry with.
func DeleteExpired(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	tag, err := pool.Exec(ctx, `DELETE FROM sessions WHERE expiry < now()`)
	if err != nil {
		return 0, fmt.Errorf("suppression des sessions expirées : %w", err)
	}
	return tag.RowsAffected(), nil
}
