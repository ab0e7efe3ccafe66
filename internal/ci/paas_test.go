package ci

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

// syncBuffer collects a process's output while it runs.
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

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

// paasEnv is the environment of a PaaS container: the platform's variable
// names, production, and the built binary on the PATH (the Go buildpack
// installs it in bin/, which .profile.d puts on the PATH).
func paasEnv(binDir string, vars ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DATABASE_URL", "REDIS_URL", "SCALINGO_POSTGRESQL_URL", "SCALINGO_REDIS_URL", "SECRET_KEY", "ENVIRONMENT", "PORT", "PATH":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return append(env, vars...)
}

// TestPaaSProcesses starts APiLos the way the PaaS does: the binary built
// with its version, the addons' variables, production; the postdeploy hook
// of the Procfile, then the worker and web processes, then the same
// post-deployment check as the deployment workflow.
func TestPaaSProcesses(t *testing.T) {
	repo := root(t)
	binDir := t.TempDir()
	const builtVersion = "v0.0.0-paas-test"
	build := exec.Command("go", "build", "-ldflags", "-X github.com/MTES-MCT/apilos-go/internal/version.Version="+builtVersion,
		"-o", filepath.Join(binDir, "apilos"), "./cmd/apilos")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build : %v\n%s", err, out)
	}

	port := freePort(t)
	env := paasEnv(binDir,
		"PORT="+port,
		"SCALINGO_POSTGRESQL_URL="+dbtest.EmptyURL(t), // a new environment: empty database
		"SCALINGO_REDIS_URL="+redistest.URL(t),
		"ENVIRONMENT=production",
		"SECRET_KEY=paas-test-secret",
	)
	procfile := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(read(t, "Procfile"))), "\n") {
		k, v, _ := strings.Cut(l, ":")
		procfile[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	shell := func(ctx context.Context, line string, extraEnv ...string) *exec.Cmd {
		c := exec.CommandContext(ctx, "bash", "-c", line)
		c.Dir = repo
		c.Env = append(append([]string(nil), env...), extraEnv...)
		return c
	}

	// postdeploy, twice: every step is idempotent.
	for i := 1; i <= 2; i++ {
		out, err := shell(context.Background(), procfile["postdeploy"]).CombinedOutput()
		if err != nil {
			t.Fatalf("postdeploy (exécution %d) : %v\n%s", i, err, out)
		}
		if i == 1 && !strings.Contains(string(out), "Migration") {
			t.Errorf("postdeploy sur une base vide doit appliquer les migrations :\n%s", out)
		}
	}

	start := func(name string) (*exec.Cmd, *syncBuffer, chan error) {
		c := shell(context.Background(), procfile[name])
		out := &syncBuffer{}
		c.Stdout, c.Stderr = out, out
		if err := c.Start(); err != nil {
			t.Fatalf("%s : %v", name, err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		t.Cleanup(func() { c.Process.Kill() })
		return c, out, done
	}
	worker, workerOut, workerDone := start("worker")
	web, webOut, webDone := start("web")

	// Wait until the web process listens (or dies).
	base := "http://127.0.0.1:" + port
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-webDone:
			t.Fatalf("apilos web s'est arrêté : %v\n%s", err, webOut.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("apilos web n'écoute pas sur %s :\n%s", port, webOut.String())
		}
	}

	// The deployment workflow's check, on plain http: the production
	// transport checks are reported as not checked, not silently skipped.
	check := exec.Command(filepath.Join(binDir, "apilos"), "check-deploy", base, "--production", "--no-https", "--version", builtVersion)
	out, err := check.CombinedOutput()
	if err != nil {
		t.Fatalf("check-deploy : %v\n%s\n--- web :\n%s", err, out, webOut.String())
	}
	for _, want := range []string{"Déploiement conforme", "OK           /readyz", "version servie : " + builtVersion, "NON VÉRIFIÉ  en-tête HSTS", "NON VÉRIFIÉ  redirection http vers https"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("check-deploy sans %q :\n%s", want, out)
		}
	}
	// A wrong expected version fails, naming the point.
	if out, err := exec.Command(filepath.Join(binDir, "apilos"), "check-deploy", base, "--version", "v9.9.9").CombinedOutput(); err == nil || !strings.Contains(string(out), "version servie") {
		t.Errorf("check-deploy avec une mauvaise version : %v\n%s", err, out)
	}

	// The worker ran alongside, and both stop cleanly on SIGTERM as the
	// platform stops containers.
	select {
	case err := <-workerDone:
		t.Fatalf("apilos worker s'est arrêté : %v\n%s", err, workerOut.String())
	default:
	}
	for name, p := range map[string]*exec.Cmd{"web": web, "worker": worker} {
		if err := p.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatalf("SIGTERM à %s : %v", name, err)
		}
	}
	for name, done := range map[string]chan error{"web": webDone, "worker": workerDone} {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s ne s'arrête pas proprement sur SIGTERM : %v", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s ne s'arrête pas sur SIGTERM", name)
		}
	}

	// Without SECRET_KEY, production refuses to start, naming it.
	noSecret := exec.Command(filepath.Join(binDir, "apilos"), "web")
	noSecret.Env = paasEnv(binDir, "PORT="+freePort(t), "ENVIRONMENT=production",
		"SCALINGO_POSTGRESQL_URL="+dbtest.EmptyURL(t), "SCALINGO_REDIS_URL=redis://127.0.0.1:1")
	res, err := noSecret.CombinedOutput()
	if err == nil || !strings.Contains(string(res), "SECRET_KEY") {
		t.Errorf("apilos web sans SECRET_KEY en production : %v\n%s", err, res)
	}
}
