package web

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// TestLoginWithReferenceFixtureUsers logs in over HTTP as users of the
// reference fixtures, whose Django pbkdf2_sha256 hashes (390000
// iterations) were made by Django itself for the password "12345".
func TestLoginWithReferenceFixtureUsers(t *testing.T) {
	e := newAccountEnv(t, nil)
	ctx := context.Background()
	var srcs []fixture.Source
	for _, name := range []string{"bailleurs_for_tests.json", "instructeurs_for_tests.json", "users_for_tests.json"} {
		data, err := os.ReadFile("../fixture/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, fixture.Source{Name: name, Data: data})
	}
	if _, err := fixture.LoadPermissions(ctx, e.pool); err != nil {
		t.Fatal(err)
	}
	if _, err := fixture.Load(ctx, e.pool, srcs); err != nil {
		t.Fatal(err)
	}
	for _, username := range []string{"nicolas", "sabine", "raph"} {
		t.Run(username, func(t *testing.T) {
			var before string
			e.pool.QueryRow(ctx, "SELECT password FROM users_user WHERE username = $1", username).Scan(&before)
			if !strings.HasPrefix(before, "pbkdf2_sha256$390000$") {
				t.Fatalf("fixture hash of %s: %q", username, before)
			}
			c := newClient(t, e.srv)
			res, body := c.post("/accounts/login/", map[string][]string{"username": {username}, "password": {"12345"}, "next": {"/apilos_settings/profile/"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apilos_settings/profile/" {
				t.Fatalf("login: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), body)
			}
			if res, _ := c.get("/apilos_settings/profile/"); res.StatusCode != http.StatusOK {
				t.Errorf("profile after login: %d", res.StatusCode)
			}
			var after string
			e.pool.QueryRow(ctx, "SELECT password FROM users_user WHERE username = $1", username).Scan(&after)
			if !strings.HasPrefix(after, "argon2$argon2id$") {
				t.Errorf("hash not upgraded after login: %q", after)
			}
			// The upgraded hash still opens the account.
			c2 := newClient(t, e.srv)
			c2.login(&testAccount{username: username, password: "12345"}, "/")
		})
	}
	// A wrong password counts as a failure and changes nothing.
	c := newClient(t, e.srv)
	res, body := c.post("/accounts/login/", map[string][]string{"username": {"sylvie"}, "password": {"12345"}})
	if res.StatusCode == http.StatusSeeOther || !strings.Contains(body, "Identifiant ou mot de passe incorrect.") {
		t.Errorf("wrong password accepted: %d", res.StatusCode)
	}
}
