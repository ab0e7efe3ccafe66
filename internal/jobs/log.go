package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/hibiken/asynq"
)

// asynqLogger sends asynq's own messages to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) log(level slog.Level, args []any) {
	if a.l.Enabled(context.Background(), level) {
		a.l.Log(context.Background(), level, fmt.Sprint(args...), "composant", "asynq")
	}
}

func (a asynqLogger) Debug(args ...any) { a.log(slog.LevelDebug, args) }
func (a asynqLogger) Info(args ...any)  { a.log(slog.LevelInfo, args) }
func (a asynqLogger) Warn(args ...any)  { a.log(slog.LevelWarn, args) }
func (a asynqLogger) Error(args ...any) { a.log(slog.LevelError, args) }

// Fatal is what asynq calls when it cannot go on; it expects an exit.
func (a asynqLogger) Fatal(args ...any) {
	a.log(slog.LevelError, args)
	os.Exit(1)
}

// asynqLevel makes asynq skip its debug messages unless slog shows them.
func asynqLevel(l *slog.Logger) asynq.LogLevel {
	if l.Enabled(context.Background(), slog.LevelDebug) {
		return asynq.DebugLevel
	}
	return asynq.InfoLevel
}

// errorHandler logs a failed attempt: a warning while attempts remain, an
// error when the task is archived (retries exhausted or skipped).
func errorHandler(l *slog.Logger) asynq.ErrorHandlerFunc {
	return func(ctx context.Context, t *asynq.Task, err error) {
		retried, _ := asynq.GetRetryCount(ctx)
		maxRetry, _ := asynq.GetMaxRetry(ctx)
		id, _ := asynq.GetTaskID(ctx)
		queue, _ := asynq.GetQueueName(ctx)
		level, msg := slog.LevelWarn, "tâche en échec, nouvelle tentative prévue"
		if retried >= maxRetry || isSkipRetry(err) {
			level, msg = slog.LevelError, "tâche en échec définitif, archivée"
		}
		l.Log(ctx, level, msg, "type", t.Type(), "id", id, "file", queue,
			"tentative", retried+1, "tentatives_max", maxRetry+1, "erreur", err)
	}
}
