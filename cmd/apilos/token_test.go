package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
)

// apilos token signs with JWT_SIGN_KEY, else (not in production) with
// the development key of apilos dev; the API accepts what it prints.
func TestTokenCommand(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		rootCmd.SetOut(&out)
		rootCmd.SetErr(&out)
		rootCmd.SetArgs(append([]string{"token"}, args...))
		defer rootCmd.SetArgs(nil)
		err := rootCmd.Execute()
		return strings.TrimSpace(out.String()), err
	}
	t.Setenv("ENVIRONMENT", "development")
	t.Setenv("JWT_SIGN_KEY", "")
	if _, err := run("--data-dir", dir); err == nil || !strings.Contains(err.Error(), "apilos dev") {
		t.Fatalf("without any key: %v", err)
	}
	key, err := devJWTKey(filepath.Join(dir))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := run("--data-dir", dir, "--habilitation", "12", "--login", "marie")
	if err != nil {
		t.Fatal(err)
	}
	c, err := jwt.NewVerifier([]byte(key), time.Now).Verify(tok)
	if err != nil || c.UserLogin != "marie" || c.HabilitationID != 12 {
		t.Fatalf("dev key token: %+v %v", c, err)
	}
	t.Setenv("JWT_SIGN_KEY", "clé de la plateforme")
	tok, _ = run("--data-dir", dir)
	if _, err := jwt.NewVerifier([]byte("clé de la plateforme"), time.Now).Verify(tok); err != nil {
		t.Errorf("JWT_SIGN_KEY token: %v", err)
	}
	t.Setenv("JWT_SIGN_KEY", "")
	t.Setenv("ENVIRONMENT", "production")
	t.Setenv("SECRET_KEY", "s")
	t.Setenv("DATABASE_URL", "postgres://x")
	t.Setenv("REDIS_URL", "redis://x")
	if _, err := run("--data-dir", dir); err == nil || !strings.Contains(err.Error(), "JWT_SIGN_KEY") {
		t.Errorf("production without JWT_SIGN_KEY: %v", err)
	}
}
