package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

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
		return nil
	}
}
