package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/auth/lockout"
	"github.com/MTES-MCT/apilos-go/internal/session"
)

// ClearExpiredSessions deletes the expired web sessions (scheduled nightly;
// the deployment also runs `apilos clearsessions`).
var ClearExpiredSessions = Kind{
	Type:     "sessions:clear_expired",
	Queue:    QueueLow,
	MaxRetry: 3,
	Timeout:  10 * time.Minute,
}

func clearExpiredSessions(d Deps) Handler {
	return func(ctx context.Context, _ *asynq.Task) error {
		n, err := session.DeleteExpired(ctx, d.Pool)
		if err != nil {
			return err
		}
		d.Logger.InfoContext(ctx, "sessions expirées supprimées", "nombre", n)
		// Login failures kept in PostgreSQL (when Redis is absent) that
		// neither lock nor count any more.
		l, err := lockout.NewPGStore(d.Pool).Purge(ctx, time.Now(), lockout.DefaultPeriod)
		if err != nil {
			return err
		}
		d.Logger.InfoContext(ctx, "compteurs d'échecs de connexion périmés supprimés", "nombre", l)
		return nil
	}
}
