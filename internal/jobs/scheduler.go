package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"
)

// periodicRetention keeps a finished periodic task in Redis for a day, so
// its ID still blocks a second scheduler (another instance, a clock a few
// seconds off) that would enqueue the same run once the first is done.
const periodicRetention = 24 * time.Hour

// scheduler enqueues the periodic tasks. asynq.Scheduler enqueues with
// fixed options, so it cannot give each run its own task ID; this one
// names each run after its time slot ("type@2026-01-02T03:00+01:00"),
// which makes a run enqueued twice a conflict instead of a double run.
type scheduler struct {
	cron   *cron.Cron
	client *asynq.Client
	loc    *time.Location
	logger *slog.Logger
}

func newScheduler(client *asynq.Client, entries []Periodic, loc *time.Location, logger *slog.Logger) (*scheduler, error) {
	s := &scheduler{
		cron:   cron.New(cron.WithLocation(loc)),
		client: client,
		loc:    loc,
		logger: logger,
	}
	for _, p := range entries {
		sched, err := parseSpec(p.Cronspec)
		if err != nil {
			return nil, err
		}
		s.cron.Schedule(sched, cron.FuncJob(func() {
			// The run's own deadline: a stuck Redis must not pile up runs.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.enqueue(ctx, p, lastSlot(sched, time.Now().In(loc)))
		}))
	}
	return s, nil
}

func (s *scheduler) start() { s.cron.Start() }

// stop waits for an enqueue in progress.
func (s *scheduler) stop() { <-s.cron.Stop().Done() }

// enqueue adds the run of p for slot. A run already enqueued (by another
// scheduler) is logged and left alone.
func (s *scheduler) enqueue(ctx context.Context, p Periodic, slot time.Time) (*asynq.TaskInfo, error) {
	id := runID(p.Kind.Type, slot.In(s.loc))
	info, err := s.client.EnqueueContext(ctx, p.Kind.NewTask(p.Payload), asynq.TaskID(id), asynq.Retention(periodicRetention))
	switch {
	case errors.Is(err, asynq.ErrTaskIDConflict):
		s.logger.InfoContext(ctx, "tâche périodique déjà mise en file pour ce créneau", "type", p.Kind.Type, "id", id)
	case err != nil:
		s.logger.ErrorContext(ctx, "mise en file d'une tâche périodique impossible", "type", p.Kind.Type, "id", id, "erreur", err)
	default:
		s.logger.InfoContext(ctx, "tâche périodique mise en file", "type", p.Kind.Type, "id", id)
	}
	return info, err
}

func runID(typ string, slot time.Time) string {
	return typ + "@" + slot.Format("2006-01-02T15:04Z07:00")
}

// lastSlot is the latest time of sched not after now, looked for in the
// hour before now (a run that fires late keeps its slot); without one, the
// current minute.
func lastSlot(sched cron.Schedule, now time.Time) time.Time {
	var last time.Time
	for t := sched.Next(now.Add(-time.Hour)); !t.After(now); t = sched.Next(t) {
		last = t
	}
	if last.IsZero() {
		return now.Truncate(time.Minute)
	}
	return last
}
