package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // the schedule's time zone, even where the system has no zoneinfo

	"github.com/hibiken/asynq"
)

// DefaultShutdownTimeout is how long a stopping worker lets its active
// tasks finish before putting them back in their queue: under the 10 s the
// PaaS grants between SIGTERM and SIGKILL.
const DefaultShutdownTimeout = 8 * time.Second

// ScheduleTimeZone is the time zone of the cron expressions.
const ScheduleTimeZone = "Europe/Paris"

// Option adjusts Run (tests, development mode).
type Option func(*options)

type options struct {
	shutdownTimeout time.Duration
	retryDelay      asynq.RetryDelayFunc
	pollInterval    time.Duration
	extra           []Task
}

// WithShutdownTimeout changes DefaultShutdownTimeout.
func WithShutdownTimeout(d time.Duration) Option {
	return func(o *options) { o.shutdownTimeout = d }
}

// WithRetryDelay replaces the kinds' backoffs by f.
func WithRetryDelay(f func(retried int, err error, t *asynq.Task) time.Duration) Option {
	return func(o *options) { o.retryDelay = f }
}

// WithPollInterval sets how often idle queues and delayed tasks (retries,
// scheduled) are checked; asynq's defaults are 1 s and 5 s.
func WithPollInterval(d time.Duration) Option {
	return func(o *options) { o.pollInterval = d }
}

// WithTasks handles more kinds than the registry's (tests).
func WithTasks(ts ...Task) Option {
	return func(o *options) { o.extra = append(o.extra, ts...) }
}

// Run processes the tasks and runs the schedule until ctx is cancelled.
// Then it stops taking tasks, lets the active ones finish for the
// shutdown timeout, puts the unfinished ones back in their queue (they
// run again on the next start) and returns nil. It returns an error when
// it cannot start.
func Run(ctx context.Context, d Deps, opts ...Option) error {
	d = d.withDefaults()
	o := options{shutdownTimeout: DefaultShutdownTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	reg := NewRegistry()
	register(reg, d)
	for _, t := range o.extra {
		reg.Handle(t.Kind, t.Handler)
	}
	if err := reg.Err(); err != nil {
		return fmt.Errorf("déclaration des tâches : %w", err)
	}
	redisOpt, err := RedisOpt(d.RedisURL)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(ScheduleTimeZone)
	if err != nil {
		return fmt.Errorf("fuseau horaire %s introuvable : %w", ScheduleTimeZone, err)
	}

	client := asynq.NewClient(redisOpt)
	defer client.Close()
	if err := client.Ping(); err != nil {
		return fmt.Errorf("Redis de la file de tâches injoignable (%s) : %w", redisOpt.Addr, err)
	}

	retryDelay := o.retryDelay
	if retryDelay == nil {
		retryDelay = func(retried int, _ error, t *asynq.Task) time.Duration {
			k, _ := reg.Kind(t.Type())
			return k.Backoff.Delay(retried)
		}
	}
	srv := asynq.NewServer(redisOpt, asynq.Config{
		Queues:                   queueWeights,
		RetryDelayFunc:           retryDelay,
		ErrorHandler:             errorHandler(d.Logger),
		Logger:                   asynqLogger{d.Logger},
		LogLevel:                 asynqLevel(d.Logger),
		ShutdownTimeout:          o.shutdownTimeout,
		TaskCheckInterval:        o.pollInterval,
		DelayedTaskCheckInterval: o.pollInterval,
	})
	mux := asynq.NewServeMux()
	for _, t := range reg.Tasks() {
		mux.Handle(t.Kind.Type, logged(d, t))
	}
	sched, err := newScheduler(client, reg.Periodic(), loc, d.Logger)
	if err != nil {
		return err
	}
	if err := srv.Start(mux); err != nil {
		return fmt.Errorf("démarrage du worker : %w", err)
	}
	sched.start()
	d.Logger.Info("worker démarré", "taches", len(reg.Tasks()), "taches_periodiques", len(reg.Periodic()))

	<-ctx.Done()
	d.Logger.Info("arrêt du worker : fin des tâches en cours", "delai", o.shutdownTimeout.String())
	sched.stop()
	srv.Shutdown()
	d.Logger.Info("worker arrêté")
	return nil
}

// logged wraps a handler with a log line per finished attempt.
func logged(d Deps, t Task) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
		start := time.Now()
		err := t.Handler(ctx, task)
		if err == nil {
			id, _ := asynq.GetTaskID(ctx)
			d.Logger.InfoContext(ctx, "tâche terminée", "type", task.Type(), "id", id, "duree", time.Since(start).String())
		}
		return err
	})
}

func isSkipRetry(err error) bool { return errors.Is(err, asynq.SkipRetry) }
