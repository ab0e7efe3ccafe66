package main

import (
	"context"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

func TestCreateSuperuser(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	pool := dbtest.Connect(t, url)
	ctx := context.Background()

	out, err := runCmd(t, "support\nsupport@apilos.example\nun-mot-de-passe-long\nun-mot-de-passe-long\n", "createsuperuser")
	if err != nil {
		t.Fatalf("createsuperuser: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Superutilisateur « support » créé.") {
		t.Errorf("output: %q", out)
	}
	var hash string
	var su, staff, active bool
	if err := pool.QueryRow(ctx, "SELECT password, is_superuser, is_staff, is_active FROM users_user WHERE username = 'support'").Scan(&hash, &su, &staff, &active); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := password.Check("un-mot-de-passe-long", hash); !ok || !su || !staff || !active {
		t.Errorf("account: ok=%v superuser=%v staff=%v active=%v", ok, su, staff, active)
	}

	bad := []struct{ name, stdin, want string }{
		{"taken", "support\n\nun-mot-de-passe-long\nun-mot-de-passe-long\n", "déjà utilisé"},
		{"mismatch", "autre\n\nun-mot-de-passe-long\nun-autre-mot-de-passe\n", "ne correspondent pas"},
		{"short", "autre\n\ncourt\ncourt\n", "12 caractères"},
		{"bad email", "autre\npas-une-adresse\nun-mot-de-passe-long\nun-mot-de-passe-long\n", "adresse e-mail"},
		{"end of input", "autre\n", "fin de l'entrée standard"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			out, err := runCmd(t, b.stdin, "createsuperuser")
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Errorf("err = %v (output %q), want it to mention %q", err, out, b.want)
			}
		})
	}
	var n int
	pool.QueryRow(ctx, "SELECT count(*) FROM users_user").Scan(&n)
	if n != 1 {
		t.Errorf("%d users after refused attempts, want 1", n)
	}
}

func TestVersion(t *testing.T) {
	out, err := runCmd(t, "", "version")
	if err != nil || strings.TrimSpace(out) == "" {
		t.Errorf("version: %q, %v", out, err)
	}
}
