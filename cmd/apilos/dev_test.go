package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/demo"
)

// TestDevServesHomeWithDemoData runs apilos dev as a newcomer would (no
// DATABASE_URL, no REDIS_URL): private cluster, embedded Redis, demo data,
// home page at the printed URL; then a stop and a second start that keeps
// the data without loading it twice.
func TestDevServesHomeWithDemoData(t *testing.T) {
	base, err := os.MkdirTemp("", "apilos-dev")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(base, 0o755)
	t.Cleanup(func() { os.RemoveAll(base) })
	dataDir := filepath.Join(base, ".data")

	cfg := config.Config{Environment: "development", Port: strconv.Itoa(freePort(t)), LogLevel: "error", MediaRoot: filepath.Join(base, "media")}
	var urlLine = regexp.MustCompile(`APiLos est lancé : (http://\S+)`)

	start := func() (context.CancelFunc, chan error, *syncBuffer, string) {
		ctx, cancel := context.WithCancel(context.Background())
		out := &syncBuffer{}
		done := make(chan error, 1)
		go func() { done <- runDev(ctx, cfg, dataDir, "127.0.0.1", out) }()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if m := urlLine.FindStringSubmatch(out.String()); m != nil {
				return cancel, done, out, m[1]
			}
			select {
			case err := <-done:
				t.Fatalf("apilos dev stopped: %v\n%s", err, out.String())
			default:
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("no URL printed:\n%s", out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	cancel, done, out, url := start()
	page := get(t, url)
	for _, want := range []string{"fr-header", "République", "APiLos", "fr-footer"} {
		if !strings.Contains(page, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	for _, u := range demo.Users() {
		if !strings.Contains(out.String(), u.Login) {
			t.Errorf("demo login %s not printed:\n%s", u.Login, out.String())
		}
	}
	if !strings.Contains(out.String(), "Jeu de démonstration chargé") {
		t.Errorf("demo data not loaded:\n%s", out.String())
	}
	// The SIAP API is mounted with the printed development key and the
	// simulated SIAP.
	m := regexp.MustCompile(`clé de développement \(JWT_SIGN_KEY\) : (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no API key printed:\n%s", out.String())
	}
	tok, err := jwt.Sign([]byte(m[1]), "dev.siap", 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", url+"api-siap/v0/convention_kpi/", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "en cours") {
		t.Errorf("convention_kpi in dev: %d %s", res.StatusCode, body)
	}
	if key, err := devJWTKey(dataDir); err != nil || key != m[1] {
		t.Errorf("development key not kept in the data directory: %q %v", key, err)
	}
	// The signed demo conventions have their PDFs in MEDIA_ROOT.
	pdfs, _ := filepath.Glob(filepath.Join(cfg.MediaRoot, "conventions", "*", "convention_docs", "*.pdf"))
	if len(pdfs) == 0 || !strings.Contains(out.String(), "Documents PDF de démonstration créés") {
		t.Errorf("%d PDF de démonstration dans %s:\n%s", len(pdfs), cfg.MediaRoot, out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stop: %v", err)
	}

	// Second start: same private database, data kept, not loaded again.
	cancel, done, out, _ = start()
	if strings.Contains(out.String(), "Jeu de démonstration chargé") {
		t.Error("demo data loaded a second time")
	}
	pool, err := db.Open(context.Background(), "postgres://postgres@127.0.0.1:"+readPort(t, dataDir)+"/apilos?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	var conventions, users int
	pool.QueryRow(context.Background(), "SELECT (SELECT count(*) FROM conventions_convention), (SELECT count(*) FROM users_user WHERE username LIKE 'demo.%')").Scan(&conventions, &users)
	pool.Close()
	if conventions < 12 || users != len(demo.Users()) {
		t.Errorf("database has %d conventions and %d demo users", conventions, users)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stop: %v", err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func readPort(t *testing.T, dataDir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "port"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
