package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/deploy"
)

func TestCheckDeployCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(deploy.VersionHeader, "v2.0.0")
		if r.URL.Path == "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	out, err := runCmd(t, "", "check-deploy", srv.URL, "--version", "v2.0.0")
	if err == nil || !strings.Contains(err.Error(), "/readyz") || !strings.Contains(out, "ÉCHEC") {
		t.Fatalf("readyz en 503 : err = %v\n%s", err, out)
	}
	out, err = runCmd(t, "", "check-deploy", srv.URL, "--production")
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("production en http sans --no-https : err = %v\n%s", err, out)
	}
}

func TestDBCreateReadonlyRoleCommand(t *testing.T) {
	url := dbtest.URL(t)
	admin := dbtest.Connect(t, url)
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP OWNED BY cmd_lecture_test")
		admin.Exec(context.Background(), "DROP ROLE IF EXISTS cmd_lecture_test")
	})
	t.Setenv("DATABASE_URL", url)
	t.Setenv("ENVIRONMENT", "development")
	t.Setenv("MB_TEST_PW", "")
	if _, err := runCmd(t, "", "db", "create-readonly-role", "cmd_lecture_test", "--password-env", "MB_TEST_PW"); err == nil || !strings.Contains(err.Error(), "MB_TEST_PW") {
		t.Fatalf("mot de passe vide : err = %v", err)
	}
	t.Setenv("MB_TEST_PW", "secret")
	out, err := runCmd(t, "", "db", "create-readonly-role", "cmd_lecture_test", "--password-env", "MB_TEST_PW")
	if err != nil || !strings.Contains(out, "créé") {
		t.Fatalf("err = %v\n%s", err, out)
	}
	out, err = runCmd(t, "", "db", "create-readonly-role", "cmd_lecture_test")
	if err != nil || !strings.Contains(out, "mis à jour") || !strings.Contains(out, "inchangé") {
		t.Fatalf("deuxième exécution : err = %v\n%s", err, out)
	}
}
