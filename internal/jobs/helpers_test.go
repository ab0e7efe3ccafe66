package jobs

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

// testLogger writes to the test's output until the test ends; goroutines
// still logging afterwards are silenced instead of panicking.
func testLogger(t *testing.T) *slog.Logger {
	w := &testWriter{w: t.Output()}
	t.Cleanup(func() {
		w.mu.Lock()
		w.w = nil
		w.mu.Unlock()
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.w == nil {
		return len(p), nil
	}
	return w.w.Write(p)
}

// testDeps gives real PostgreSQL and Redis.
func testDeps(t *testing.T) Deps {
	return Deps{Pool: dbtest.Pool(t), RedisURL: redistest.URL(t), Logger: testLogger(t)}
}

// running is a Run in the background.
type running struct {
	cancel context.CancelFunc
	done   chan error
}

// startRun starts Run; the test's cleanup stops it if the test did not.
func startRun(t *testing.T, d Deps, opts ...Option) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- Run(ctx, d, opts...) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			t.Error("Run ne s'est pas arrêté")
		}
	})
	return r
}

// stop cancels Run and returns its result.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Run ne s'est pas arrêté dans les 30 s")
		return nil
	}
}

// waitFor polls cond until it holds; the deadline only turns a hang into a
// failure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("attente dépassée : %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func inspector(t *testing.T, d Deps) *asynq.Inspector {
	t.Helper()
	opt, err := RedisOpt(d.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	i := asynq.NewInspector(opt)
	t.Cleanup(func() { i.Close() })
	return i
}

// enqueue adds a task the way the web process does.
func enqueue(t *testing.T, d Deps, k Kind, v any) *asynq.TaskInfo {
	t.Helper()
	c, err := NewClient(d.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	info, err := c.Enqueue(context.Background(), k, v)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// lockedBuffer collects log lines written by the worker's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
