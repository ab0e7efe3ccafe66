package lockout

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PGStore keeps the counters in the login_lockout table (migration
// 00005), for deployments without Redis. Each failure is one upsert: the
// row lock taken by ON CONFLICT serialises concurrent attempts.
type PGStore struct {
	Pool *pgxpool.Pool
}

// NewPGStore returns a store on pool.
func NewPGStore(pool *pgxpool.Pool) *PGStore { return &PGStore{Pool: pool} }

// In the UPDATE branch, l.* is the row before the failure: a current lock
// is kept as is; an expired lock or an old window starts a new count.
const failSQL = `
INSERT INTO login_lockout AS l (kind, ident, failures, window_start, locked_until)
VALUES ($1, $2, 1, $3::timestamptz, CASE WHEN 1 >= $5::integer THEN $3::timestamptz + $4::bigint * interval '1 microsecond' END)
ON CONFLICT (kind, ident) DO UPDATE SET
  failures = CASE
    WHEN l.locked_until > $3::timestamptz THEN l.failures
    WHEN l.locked_until IS NOT NULL OR l.window_start <= $3::timestamptz - $4::bigint * interval '1 microsecond' THEN 1
    ELSE l.failures + 1 END,
  window_start = CASE
    WHEN l.locked_until > $3::timestamptz THEN l.window_start
    WHEN l.locked_until IS NOT NULL OR l.window_start <= $3::timestamptz - $4::bigint * interval '1 microsecond' THEN $3::timestamptz
    ELSE l.window_start END,
  locked_until = CASE
    WHEN l.locked_until > $3::timestamptz THEN l.locked_until
    WHEN l.locked_until IS NOT NULL OR l.window_start <= $3::timestamptz - $4::bigint * interval '1 microsecond'
      THEN CASE WHEN 1 >= $5::integer THEN $3::timestamptz + $4::bigint * interval '1 microsecond' END
    WHEN l.failures + 1 >= $5::integer THEN $3::timestamptz + $4::bigint * interval '1 microsecond'
    END
RETURNING locked_until`

// Fail implements Store.
func (s *PGStore) Fail(ctx context.Context, kind Kind, ident string, now time.Time, limit int, period time.Duration) (time.Time, error) {
	var until *time.Time
	err := s.Pool.QueryRow(ctx, failSQL, string(kind), ident, now, period.Microseconds(), limit).Scan(&until)
	if err != nil {
		return time.Time{}, err
	}
	if until == nil {
		return time.Time{}, nil
	}
	return *until, nil
}

// LockedUntil implements Store.
func (s *PGStore) LockedUntil(ctx context.Context, kind Kind, ident string, now time.Time) (time.Time, error) {
	var until time.Time
	err := s.Pool.QueryRow(ctx, `SELECT locked_until FROM login_lockout
		WHERE kind = $1 AND ident = $2 AND locked_until > $3`, string(kind), ident, now).Scan(&until)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil
	}
	return until, err
}

// Reset implements Store.
func (s *PGStore) Reset(ctx context.Context, kind Kind, ident string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM login_lockout WHERE kind = $1 AND ident = $2`, string(kind), ident)
	return err
}

// Purge deletes the rows that no longer lock nor count at now (window
// and lock both over) and returns how many were deleted.
func (s *PGStore) Purge(ctx context.Context, now time.Time, period time.Duration) (int64, error) {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM login_lockout
		WHERE (locked_until IS NULL OR locked_until <= $1::timestamptz)
		  AND window_start <= $1::timestamptz - $2::bigint * interval '1 microsecond'`, now, period.Microseconds())
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
