// Package jobs holds the background work of APiLos: the task kinds the web
// process enqueues, their handlers (each calls domain code), the periodic
// schedule, and Run, which processes them (asynq server and scheduler).
//
// Every task and periodic entry is declared in register (registry.go).
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"
)

// Queues. When all hold work, the server picks critical 6 times out of 10,
// default 3, low 1, so no queue starves.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

var queueWeights = map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1}

// DefaultTimeout bounds a task without its own Timeout: the reference
// system's hard limit per task (one hour).
const DefaultTimeout = time.Hour

// Kind describes a type of task: its name and how it is enqueued and
// retried. The web process enqueues kinds; the worker handles them.
type Kind struct {
	// Type is the task name, "domain:action" (e.g. "sessions:clear_expired").
	Type string
	// Queue is one of the Queue* constants; empty means QueueDefault.
	Queue string
	// MaxRetry is the number of new attempts after a failure (0: none).
	MaxRetry int
	// Timeout bounds one attempt; zero means DefaultTimeout.
	Timeout time.Duration
	// Backoff spaces the attempts; the zero value is DefaultBackoff.
	Backoff Backoff
}

func (k Kind) queue() string {
	if k.Queue == "" {
		return QueueDefault
	}
	return k.Queue
}

// NewTask builds a task of this kind carrying payload, with the kind's
// queue, retry and timeout options; opts come last and may override them.
func (k Kind) NewTask(payload []byte, opts ...asynq.Option) *asynq.Task {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	base := []asynq.Option{asynq.Queue(k.queue()), asynq.MaxRetry(k.MaxRetry), asynq.Timeout(timeout)}
	return asynq.NewTask(k.Type, payload, append(base, opts...)...)
}

// Backoff is an exponential retry delay: Base, then doubled at each
// failure, never more than Max. No jitter: a single worker runs the tasks.
type Backoff struct {
	Base time.Duration
	Max  time.Duration
}

// DefaultBackoff is 10 s, 20 s, 40 s... up to 10 minutes.
var DefaultBackoff = Backoff{Base: 10 * time.Second, Max: 10 * time.Minute}

// Delay is the wait before the new attempt that follows failure number
// retried+1 (retried counts the attempts already retried, from 0).
func (b Backoff) Delay(retried int) time.Duration {
	if b.Base <= 0 {
		b.Base = DefaultBackoff.Base
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	d := b.Base
	for i := 0; i < retried && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Handler processes one task. A returned error means a new attempt (until
// MaxRetry); wrap it with asynq.SkipRetry when retrying cannot help.
type Handler func(ctx context.Context, t *asynq.Task) error

// Task binds a kind to its handler.
type Task struct {
	Kind    Kind
	Handler Handler
}

// Periodic is a task enqueued by the scheduler at each time matching
// Cronspec, a five-field cron expression (minute hour day month weekday)
// or a descriptor like @daily, read in the scheduler's time zone
// (Europe/Paris).
type Periodic struct {
	Cronspec string
	Kind     Kind
	Payload  []byte
}

// Registry collects the tasks and periodic entries the worker runs.
// Declaration mistakes are collected and reported by Err, so register
// reads as a plain list.
type Registry struct {
	tasks    map[string]Task
	order    []string
	periodic []Periodic
	errs     []error
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{tasks: map[string]Task{}} }

// Handle registers the handler of a kind.
func (r *Registry) Handle(k Kind, h Handler) {
	switch {
	case k.Type == "":
		r.errs = append(r.errs, errors.New("tâche sans type"))
	case h == nil:
		r.errs = append(r.errs, fmt.Errorf("tâche %q sans fonction de traitement", k.Type))
	case queueWeights[k.queue()] == 0:
		r.errs = append(r.errs, fmt.Errorf("tâche %q : file %q inconnue (critical, default ou low)", k.Type, k.Queue))
	default:
		if _, dup := r.tasks[k.Type]; dup {
			r.errs = append(r.errs, fmt.Errorf("tâche %q déclarée deux fois", k.Type))
			return
		}
		r.tasks[k.Type] = Task{Kind: k, Handler: h}
		r.order = append(r.order, k.Type)
	}
}

// Schedule enqueues a task of kind k with payload at each time matching
// cronspec. The kind must be handled by this registry.
func (r *Registry) Schedule(cronspec string, k Kind, payload []byte) {
	if _, err := parseSpec(cronspec); err != nil {
		r.errs = append(r.errs, fmt.Errorf("tâche périodique %q : %w", k.Type, err))
		return
	}
	if _, ok := r.tasks[k.Type]; !ok {
		r.errs = append(r.errs, fmt.Errorf("tâche périodique %q : aucune fonction de traitement déclarée avant elle", k.Type))
		return
	}
	r.periodic = append(r.periodic, Periodic{Cronspec: cronspec, Kind: k, Payload: payload})
}

// Err reports every declaration mistake, or nil.
func (r *Registry) Err() error { return errors.Join(r.errs...) }

// Tasks lists the registered tasks in declaration order.
func (r *Registry) Tasks() []Task {
	out := make([]Task, 0, len(r.order))
	for _, typ := range r.order {
		out = append(out, r.tasks[typ])
	}
	return out
}

// Periodic lists the periodic entries in declaration order.
func (r *Registry) Periodic() []Periodic { return append([]Periodic(nil), r.periodic...) }

// Kind returns the registered kind of a task type.
func (r *Registry) Kind(typ string) (Kind, bool) {
	t, ok := r.tasks[typ]
	return t.Kind, ok
}

// parseSpec accepts the standard cron expressions and descriptors, but not
// "@every": the scheduler names each run after its minute, which needs
// runs aligned on minutes.
func parseSpec(spec string) (cron.Schedule, error) {
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("expression cron %q invalide : %w", spec, err)
	}
	if _, every := s.(cron.ConstantDelaySchedule); every {
		return nil, fmt.Errorf("expression cron %q refusée : utilisez une expression à cinq champs (minute heure jour mois jour-de-semaine), pas @every", spec)
	}
	return s, nil
}

// Decode reads a JSON payload. A payload that cannot be read never will:
// the error skips the retries.
func Decode[T any](t *asynq.Task) (T, error) {
	var v T
	if err := json.Unmarshal(t.Payload(), &v); err != nil {
		return v, fmt.Errorf("contenu de la tâche %q illisible : %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return v, nil
}
