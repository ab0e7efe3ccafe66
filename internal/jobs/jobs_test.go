package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

func TestNightlySessionCleanupIsScheduled(t *testing.T) {
	reg, err := DefaultRegistry(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.Kind(ClearExpiredSessions.Type); !ok {
		t.Fatalf("%s n'a pas de fonction de traitement", ClearExpiredSessions.Type)
	}
	var found []Periodic
	for _, p := range reg.Periodic() {
		if p.Kind.Type == ClearExpiredSessions.Type {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d entrées périodiques %s, attendu 1", len(found), ClearExpiredSessions.Type)
	}
	sched, err := parseSpec(found[0].Cronspec)
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation(ScheduleTimeZone)
	if err != nil {
		t.Fatal(err)
	}
	// 03:00 in Paris, winter and summer time alike, including the nights
	// the clocks change.
	cases := []struct{ after, want string }{
		{"2026-01-15T12:00:00+01:00", "2026-01-16T03:00:00+01:00"},
		{"2026-03-28T12:00:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"2026-07-01T03:00:00+02:00", "2026-07-02T03:00:00+02:00"},
		{"2026-10-24T12:00:00+02:00", "2026-10-25T03:00:00+01:00"},
	}
	for _, c := range cases {
		after, _ := time.Parse(time.RFC3339, c.after)
		want, _ := time.Parse(time.RFC3339, c.want)
		if got := sched.Next(after.In(paris)); !got.Equal(want) {
			t.Errorf("prochaine exécution après %s = %s, attendu %s", c.after, got, c.want)
		}
	}
}

func TestRegistryRejectsMistakes(t *testing.T) {
	h := func(context.Context, *asynq.Task) error { return nil }
	cases := []struct {
		name    string
		declare func(r *Registry)
		want    string
	}{
		{"no type", func(r *Registry) { r.Handle(Kind{}, h) }, "sans type"},
		{"no handler", func(r *Registry) { r.Handle(Kind{Type: "a:b"}, nil) }, "sans fonction"},
		{"unknown queue", func(r *Registry) { r.Handle(Kind{Type: "a:b", Queue: "urgent"}, h) }, "file \"urgent\" inconnue"},
		{"twice", func(r *Registry) { r.Handle(Kind{Type: "a:b"}, h); r.Handle(Kind{Type: "a:b"}, h) }, "deux fois"},
		{"bad cron", func(r *Registry) { r.Handle(Kind{Type: "a:b"}, h); r.Schedule("0 25 * * *", Kind{Type: "a:b"}, nil) }, "invalide"},
		{"every", func(r *Registry) { r.Handle(Kind{Type: "a:b"}, h); r.Schedule("@every 1h", Kind{Type: "a:b"}, nil) }, "@every"},
		{"unhandled periodic", func(r *Registry) { r.Schedule("0 3 * * *", Kind{Type: "a:b"}, nil) }, "aucune fonction"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := NewRegistry()
			c.declare(r)
			if err := r.Err(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Err() = %v, attendu une erreur contenant %q", err, c.want)
			}
		})
	}
	r := NewRegistry()
	r.Handle(Kind{Type: "a:b", Queue: QueueCritical}, h)
	r.Schedule("*/5 * * * *", Kind{Type: "a:b"}, nil)
	if err := r.Err(); err != nil || len(r.Tasks()) != 1 || len(r.Periodic()) != 1 {
		t.Errorf("déclaration correcte refusée : %v", err)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 5 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for n, w := range want {
		if got := b.Delay(n); got != w {
			t.Errorf("Delay(%d) = %s, attendu %s", n, got, w)
		}
	}
	if got := (Backoff{}).Delay(2); got != 40*time.Second {
		t.Errorf("backoff par défaut Delay(2) = %s, attendu 40s", got)
	}
	if got := (Backoff{}).Delay(100); got != DefaultBackoff.Max {
		t.Errorf("backoff par défaut Delay(100) = %s, attendu %s", got, DefaultBackoff.Max)
	}
}

func TestLastSlot(t *testing.T) {
	paris, _ := time.LoadLocation(ScheduleTimeZone)
	sched, _ := parseSpec("0 3 * * *")
	slot := time.Date(2026, 5, 4, 3, 0, 0, 0, paris)
	for _, late := range []time.Duration{0, 300 * time.Millisecond, 20 * time.Minute} {
		if got := lastSlot(sched, slot.Add(late)); !got.Equal(slot) {
			t.Errorf("lastSlot(%s) = %s, attendu %s", slot.Add(late), got, slot)
		}
	}
	if got := runID(ClearExpiredSessions.Type, slot); got != "sessions:clear_expired@2026-05-04T03:00+02:00" {
		t.Errorf("runID = %q", got)
	}
}

func TestNightlyRunDeletesExpiredSessionsOnce(t *testing.T) {
	d := testDeps(t)
	ctx := context.Background()
	_, err := d.Pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES
		('expired', '\x01', now() - interval '1 hour'),
		('live', '\x02', now() + interval '1 hour')`)
	if err == nil {
		// A stale login-failure counter goes too; a current lock stays.
		_, err = d.Pool.Exec(ctx, `INSERT INTO login_lockout (kind, ident, failures, window_start, locked_until) VALUES
			('username', 'ancien', 5, now() - interval '2 days', now() - interval '1 day'),
			('username', 'bloque', 5, now() - interval '1 hour', now() + interval '5 hours')`)
	}
	if err != nil {
		t.Fatal(err)
	}
	reg, err := DefaultRegistry(d)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := RedisOpt(d.RedisURL)
	client := asynq.NewClient(opt)
	defer client.Close()
	paris, _ := time.LoadLocation(ScheduleTimeZone)
	s, err := newScheduler(client, reg.Periodic(), paris, d.Logger)
	if err != nil {
		t.Fatal(err)
	}
	p := reg.Periodic()[0]
	slot := time.Date(2026, 5, 4, 3, 0, 0, 0, paris)
	info, err := s.enqueue(ctx, p, slot)
	if err != nil {
		t.Fatal(err)
	}
	if info.Queue != QueueLow || info.Type != ClearExpiredSessions.Type {
		t.Errorf("tâche mise en file %s dans %s", info.Type, info.Queue)
	}
	// A second scheduler enqueuing the same night is refused.
	if _, err := s.enqueue(ctx, p, slot); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Errorf("seconde mise en file du même créneau : err = %v, attendu ErrTaskIDConflict", err)
	}

	r := startRun(t, d, WithPollInterval(50*time.Millisecond))
	insp := inspector(t, d)
	waitFor(t, "tâche de nettoyage terminée", func() bool {
		ti, err := insp.GetTaskInfo(QueueLow, info.ID)
		return err == nil && ti.State == asynq.TaskStateCompleted
	})
	// Still refused once done: the finished run is retained.
	if _, err := s.enqueue(ctx, p, slot.Add(20*time.Second)); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Errorf("mise en file du créneau après exécution : err = %v, attendu ErrTaskIDConflict", err)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	var tokens []string
	rows, _ := d.Pool.Query(ctx, `SELECT token FROM sessions`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		tokens = append(tokens, s)
	}
	if rows.Err() != nil || len(tokens) != 1 || tokens[0] != "live" {
		t.Errorf("sessions restantes %v (%v), attendu [live]", tokens, rows.Err())
	}
	var idents []string
	rows, _ = d.Pool.Query(ctx, `SELECT ident FROM login_lockout`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		idents = append(idents, s)
	}
	if rows.Err() != nil || len(idents) != 1 || idents[0] != "bloque" {
		t.Errorf("compteurs d'échecs restants %v (%v), attendu [bloque]", idents, rows.Err())
	}
}

func TestFailedTaskIsRetried(t *testing.T) {
	d := testDeps(t)
	flaky := Kind{Type: "test:flaky", MaxRetry: 3}
	var attempts atomic.Int32
	succeeded := make(chan int, 1)
	h := func(ctx context.Context, task *asynq.Task) error {
		n := attempts.Add(1)
		if n == 1 {
			return errors.New("panne passagère")
		}
		retried, _ := asynq.GetRetryCount(ctx)
		succeeded <- retried
		return nil
	}
	var delays atomic.Int32
	startRun(t, d, WithTasks(Task{Kind: flaky, Handler: h}), WithPollInterval(50*time.Millisecond),
		WithRetryDelay(func(int, error, *asynq.Task) time.Duration { delays.Add(1); return 10 * time.Millisecond }))
	info := enqueue(t, d, flaky, map[string]string{"convention": "x"})
	select {
	case retried := <-succeeded:
		if retried != 1 {
			t.Errorf("nombre de nouvelles tentatives vu par la tâche = %d, attendu 1", retried)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("la tâche %s n'a pas réussi après son échec (%d tentatives)", info.ID, attempts.Load())
	}
	if got := attempts.Load(); got != 2 {
		t.Errorf("%d tentatives, attendu 2", got)
	}
	if delays.Load() != 1 {
		t.Errorf("délai de nouvelle tentative calculé %d fois, attendu 1", delays.Load())
	}
}

func TestRetryDelayFollowsKindBackoff(t *testing.T) {
	d := testDeps(t)
	slow := Kind{Type: "test:backoff", MaxRetry: 5, Backoff: Backoff{Base: time.Hour, Max: 2 * time.Hour}}
	failed := make(chan struct{}, 1)
	startRun(t, d, WithTasks(Task{Kind: slow, Handler: func(context.Context, *asynq.Task) error {
		failed <- struct{}{}
		return errors.New("toujours en panne")
	}}), WithPollInterval(50*time.Millisecond))
	info := enqueue(t, d, slow, nil)
	<-failed
	insp := inspector(t, d)
	var ti *asynq.TaskInfo
	waitFor(t, "tâche en attente de nouvelle tentative", func() bool {
		var err error
		ti, err = insp.GetTaskInfo(QueueDefault, info.ID)
		return err == nil && ti.State == asynq.TaskStateRetry
	})
	// The next attempt is an hour away (the kind's Base), not asynq's default.
	wait := time.Until(ti.NextProcessAt)
	if wait < 59*time.Minute || wait > 61*time.Minute {
		t.Errorf("prochaine tentative dans %s, attendu environ 1h", wait)
	}
	if ti.Retried != 1 || ti.LastErr != "toujours en panne" {
		t.Errorf("retried=%d lastErr=%q", ti.Retried, ti.LastErr)
	}
}

func TestStopLetsActiveTaskFinish(t *testing.T) {
	d := testDeps(t)
	slow := Kind{Type: "test:slow"}
	started := make(chan struct{}, 1)
	var finished atomic.Bool
	h := func(ctx context.Context, _ *asynq.Task) error {
		started <- struct{}{}
		select {
		case <-time.After(1500 * time.Millisecond):
			finished.Store(true)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r := startRun(t, d, WithTasks(Task{Kind: slow, Handler: h}), WithPollInterval(50*time.Millisecond))
	info := enqueue(t, d, slow, nil)
	<-started
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Run est revenu avant la fin de la tâche active")
	}
	// Done, so gone from every queue.
	if ti, err := inspector(t, d).GetTaskInfo(QueueDefault, info.ID); !errors.Is(err, asynq.ErrTaskNotFound) {
		t.Errorf("tâche terminée encore présente : %+v, %v", ti, err)
	}
}

func TestStopRequeuesTaskLongerThanShutdownTimeout(t *testing.T) {
	d := testDeps(t)
	long := Kind{Type: "test:long"}
	started := make(chan struct{}, 1)
	var firstRun atomic.Bool
	firstRun.Store(true)
	var completed atomic.Int32
	h := func(ctx context.Context, _ *asynq.Task) error {
		started <- struct{}{}
		if firstRun.Load() {
			// Far longer than the shutdown timeout.
			select {
			case <-time.After(time.Minute):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		completed.Add(1)
		return nil
	}
	r := startRun(t, d, WithTasks(Task{Kind: long, Handler: h}), WithPollInterval(50*time.Millisecond),
		WithShutdownTimeout(300*time.Millisecond))
	info := enqueue(t, d, long, map[string]int{"n": 1})
	<-started
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	ti, err := inspector(t, d).GetTaskInfo(QueueDefault, info.ID)
	if err != nil {
		t.Fatalf("tâche interrompue perdue : %v", err)
	}
	switch ti.State {
	case asynq.TaskStatePending, asynq.TaskStateRetry, asynq.TaskStateScheduled:
	default:
		t.Fatalf("tâche interrompue dans l'état %s, attendu en file", ti.State)
	}
	if completed.Load() != 0 {
		t.Fatal("la tâche longue ne devait pas se terminer pendant l'arrêt")
	}

	// The next start runs it to completion, payload intact.
	firstRun.Store(false)
	done := make(chan []byte, 1)
	r2 := startRun(t, d, WithTasks(Task{Kind: long, Handler: func(ctx context.Context, task *asynq.Task) error {
		done <- task.Payload()
		return nil
	}}), WithPollInterval(50*time.Millisecond))
	select {
	case p := <-done:
		if string(p) != `{"n":1}` {
			t.Errorf("contenu repris = %s", p)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("la tâche remise en file n'a pas été reprise")
	}
	if err := r2.stop(t); err != nil {
		t.Fatal(err)
	}
}

func TestRunNeedsRedis(t *testing.T) {
	err := Run(context.Background(), Deps{Logger: testLogger(t)})
	if !errors.Is(err, ErrNoRedis) || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Errorf("sans Redis : %v", err)
	}
	// A closed port: Run refuses to start rather than waiting forever.
	err = Run(context.Background(), Deps{RedisURL: "redis://:secret@127.0.0.1:1/0", Logger: testLogger(t)})
	if err == nil || !strings.Contains(err.Error(), "injoignable") || strings.Contains(err.Error(), "secret") {
		t.Errorf("Redis injoignable : %v", err)
	}
	_, err = NewClient("http://:secret@exemple")
	if err == nil || !strings.Contains(err.Error(), "REDIS_URL invalide") || strings.Contains(err.Error(), "secret") {
		t.Errorf("URL invalide : %v", err)
	}
}

func TestUnreadablePayloadIsArchivedWithoutRetry(t *testing.T) {
	d := testDeps(t)
	var logs lockedBuffer
	d.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	typed := Kind{Type: "test:typed", MaxRetry: 5}
	startRun(t, d, WithTasks(Task{Kind: typed, Handler: func(ctx context.Context, task *asynq.Task) error {
		_, err := Decode[struct{ Convention string }](task)
		return err
	}}), WithPollInterval(50*time.Millisecond))
	opt, _ := RedisOpt(d.RedisURL)
	raw := asynq.NewClient(opt)
	defer raw.Close()
	info, err := raw.Enqueue(typed.NewTask([]byte("pas du JSON")))
	if err != nil {
		t.Fatal(err)
	}
	insp := inspector(t, d)
	var ti *asynq.TaskInfo
	waitFor(t, "tâche archivée", func() bool {
		ti, err = insp.GetTaskInfo(QueueDefault, info.ID)
		return err == nil && ti.State == asynq.TaskStateArchived
	})
	if ti.Retried != 0 {
		t.Errorf("%d nouvelles tentatives pour un contenu illisible, attendu 0", ti.Retried)
	}
	waitFor(t, "journal de l'échec", func() bool {
		return strings.Contains(logs.String(), "level=ERROR msg=\"tâche en échec définitif, archivée\" type=test:typed")
	})
	if !strings.Contains(logs.String(), "contenu de la tâche \\\"test:typed\\\" illisible") {
		t.Errorf("journal sans la cause :\n%s", logs.String())
	}
}

func TestFailureWithRetriesLeftIsAWarning(t *testing.T) {
	d := testDeps(t)
	var logs lockedBuffer
	d.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	k := Kind{Type: "test:warn", MaxRetry: 2, Backoff: Backoff{Base: time.Hour}}
	startRun(t, d, WithTasks(Task{Kind: k, Handler: func(context.Context, *asynq.Task) error {
		return errors.New("service SIAP indisponible")
	}}), WithPollInterval(50*time.Millisecond))
	enqueue(t, d, k, nil)
	waitFor(t, "journal de l'échec", func() bool {
		return strings.Contains(logs.String(), "level=WARN msg=\"tâche en échec, nouvelle tentative prévue\" type=test:warn")
	})
	if !strings.Contains(logs.String(), "tentative=1 tentatives_max=3 erreur=\"service SIAP indisponible\"") {
		t.Errorf("journal :\n%s", logs.String())
	}
}
