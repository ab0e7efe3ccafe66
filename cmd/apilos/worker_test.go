package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

func TestWorkerNeedsDatabaseAndRedis(t *testing.T) {
	for _, name := range []string{"DATABASE_URL", "SCALINGO_POSTGRESQL_URL", "REDIS_URL", "SCALINGO_REDIS_URL", "ENVIRONMENT"} {
		t.Setenv(name, "")
	}
	_, err := runCmd(t, "", "worker")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "REDIS_URL") {
		t.Errorf("worker sans configuration : %v", err)
	}
	t.Setenv("DATABASE_URL", dbtest.EmptyURL(t))
	_, err = runCmd(t, "", "worker")
	if !errors.Is(err, jobs.ErrNoRedis) {
		t.Errorf("worker sans Redis : %v", err)
	}
}

// TestWorkerExitsCleanlyOnSIGTERM runs the real binary as the PaaS does:
// SIGTERM must stop it with status 0 well within the 10 s before SIGKILL.
func TestWorkerExitsCleanlyOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "apilos")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build : %v\n%s", err, out)
	}
	redisURL := redistest.URL(t)
	var logs syncBuffer
	cmd := exec.Command(bin, "worker")
	cmd.Env = append(os.Environ(),
		"ENVIRONMENT=test",
		"DATABASE_URL="+dbtest.EmptyURL(t),
		"SCALINGO_POSTGRESQL_URL=",
		"REDIS_URL="+redisURL,
		"LOG_LEVEL=info",
		"MEDIA_ROOT="+t.TempDir(),
	)
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	waited := make(chan struct{})
	go func() {
		err := cmd.Wait()
		close(waited)
		exited <- err
	}()
	t.Cleanup(func() {
		select {
		case <-waited:
		default:
			cmd.Process.Kill()
			<-waited
		}
	})

	opt, err := jobs.RedisOpt(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	// Ready once the asynq server has registered itself in Redis.
	deadline := time.Now().Add(30 * time.Second)
	for {
		servers, err := insp.Servers()
		if err == nil && len(servers) > 0 {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("le worker s'est arrêté au démarrage : %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("le worker ne s'est pas enregistré dans Redis\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("sortie après SIGTERM : %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("le worker ne s'est pas arrêté dans les 10 s après SIGTERM\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "worker arrêté") {
		t.Errorf("journal sans arrêt propre :\n%s", logs.String())
	}
	// A clean shutdown removes the server's entry from Redis.
	if servers, err := insp.Servers(); err != nil || len(servers) != 0 {
		t.Errorf("serveurs encore enregistrés après l'arrêt : %d (%v)", len(servers), err)
	}
}

// syncBuffer collects a child's output while the test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestClearSessions(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	pool := dbtest.Connect(t, url)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES
		('a', '\x01', now() - interval '2 days'),
		('b', '\x01', now() - interval '1 minute'),
		('c', '\x01', now() - interval '7 hours'),
		('d', '\x01', now() + interval '5 hours')`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "", "clearsessions")
	if err != nil {
		t.Fatalf("clearsessions : %v\n%s", err, out)
	}
	if strings.TrimSpace(out) != "3 session(s) expirée(s) supprimée(s)" {
		t.Errorf("sortie : %q", out)
	}
	var left string
	if err := pool.QueryRow(ctx, `SELECT string_agg(token, ',') FROM sessions`).Scan(&left); err != nil || left != "d" {
		t.Errorf("sessions restantes %q (%v), attendu d", left, err)
	}
	out, err = runCmd(t, "", "clearsessions")
	if err != nil || strings.TrimSpace(out) != "0 session(s) expirée(s) supprimée(s)" {
		t.Errorf("second passage : %q, %v", out, err)
	}
}
