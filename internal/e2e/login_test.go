package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// The whole login path in a real browser: Chromium opens the site served
// by the real handler on a real database, the user logs in through the
// form with a Django pbkdf2 password, lands on the page asked for, and
// logs out with the header button. Along the way no page may break its
// Content-Security-Policy, throw, or log an error or warning.
func TestBrowserLoginLogout(t *testing.T) {
	b := launch(t)
	ctx := testContext(t)
	pool := dbtest.Pool(t)
	const (
		username = "camille.e2e"
		plain    = "Camille teste APiLos 2026"
	)
	// A hash in the reference's format (Django pbkdf2_sha256, 390000
	// iterations), upgraded to argon2id by the login.
	if _, err := pool.Exec(ctx, `INSERT INTO users_user (password, is_superuser, username, first_name, last_name,
		email, is_staff, is_active, date_joined, preferences_email, secondary_email)
		VALUES ($1, false, $2, 'Camille', 'Durand', 'camille@example.gouv.fr', false, true, now(), 'PARTIEL', '')`,
		password.PBKDF2SHA256(plain, "e2eSel2026", 390000), username); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Options{Environment: "development", Version: "e2e", DB: pool,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(h)
	defer app.Close()

	// The canary: a page with an inline script and an inline style under
	// the site's own CSP header. If the recorder did not see these two
	// violations, an empty report below would prove nothing.
	res, err := http.Get(app.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	if csp == "" {
		t.Fatal("pas d'en-tête Content-Security-Policy sur /")
	}
	canary := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>canari</title><p style="color:red">x</p><script>document.title="x"</script>`)
	}))
	defer canary.Close()

	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	watchAccessibility(t, p, app.URL)
	if err := p.Navigate(ctx, canary.URL+"/"); err != nil {
		t.Fatal(err)
	}
	must(t, p.Settle(ctx))
	if v := p.Report().Violations; len(v) < 2 {
		t.Fatalf("le canari n'a pas produit les violations CSP attendues : %v", v)
	}
	p.Reset()

	// Anonymous visit of a private page: sent to the login form.
	if err := p.Navigate(ctx, app.URL+"/apilos_settings/profile/"); err != nil {
		t.Fatal(err)
	}
	if got := location(ctx, t, p); got != "/accounts/login/?next=%2Fapilos_settings%2Fprofile%2F" {
		t.Fatalf("page privée en anonyme : %q, formulaire de connexion attendu", got)
	}
	must(t, p.Type(ctx, "#id_username", username))
	must(t, p.Type(ctx, "#id_password", "pas le bon"))
	must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, "#bouton-connexion") }))
	if txt := text(ctx, t, p, "#erreur-connexion"); !strings.Contains(txt, "Identifiant ou mot de passe incorrect.") {
		t.Fatalf("mauvais mot de passe : message %q", txt)
	}
	must(t, p.Type(ctx, "#id_username", strings.ToUpper(username)))
	must(t, p.Type(ctx, "#id_password", plain))
	must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, "#bouton-connexion") }))
	if got := location(ctx, t, p); got != "/apilos_settings/profile/" {
		t.Fatalf("après connexion : %q, page demandée attendue", got)
	}
	if name := text(ctx, t, p, "#profil-nom"); name != "Camille Durand" {
		t.Errorf("profil : nom %q", name)
	}
	if btn := text(ctx, t, p, "#bouton-deconnexion"); btn != "Se déconnecter" {
		t.Errorf("bouton de déconnexion absent de l'en-tête : %q", btn)
	}
	var hash string
	pool.QueryRow(ctx, `SELECT password FROM users_user WHERE username = $1`, username).Scan(&hash)
	if !strings.HasPrefix(hash, "argon2$argon2id$") {
		t.Errorf("empreinte non convertie après la connexion : %.30s", hash)
	}

	// The session cookie is out of JavaScript's reach and SameSite=Lax.
	var cookies struct {
		Cookies []struct {
			Name     string `json:"name"`
			HTTPOnly bool   `json:"httpOnly"`
			SameSite string `json:"sameSite"`
		} `json:"cookies"`
	}
	must(t, b.Call(ctx, "", "Storage.getCookies", nil, &cookies))
	found := false
	for _, c := range cookies.Cookies {
		if c.Name == "apilos_session" {
			found = true
			if !c.HTTPOnly || c.SameSite != "Lax" {
				t.Errorf("cookie de session : HttpOnly=%v SameSite=%q", c.HTTPOnly, c.SameSite)
			}
		}
	}
	if !found {
		t.Error("cookie de session absent du navigateur")
	}
	var jsCookies string
	must(t, p.Eval(ctx, `document.cookie`, &jsCookies))
	if strings.Contains(jsCookies, "apilos_session") {
		t.Error("le cookie de session est lisible en JavaScript")
	}

	// Log out with the header button (a POST form).
	must(t, p.AndWaitLoad(ctx, func() error { return p.Click(ctx, "#bouton-deconnexion") }))
	if got := location(ctx, t, p); got != "/" {
		t.Errorf("après déconnexion : %q, accueil attendu", got)
	}
	var login string
	must(t, p.Eval(ctx, `(document.querySelector('a[href="/accounts/login/"]') || {}).textContent || ""`, &login))
	if strings.TrimSpace(login) != "Se connecter" {
		t.Errorf("après déconnexion, l'en-tête ne propose pas la connexion : %q", login)
	}
	must(t, p.Navigate(ctx, app.URL+"/apilos_settings/profile/"))
	if got := location(ctx, t, p); !strings.HasPrefix(got, "/accounts/login/") {
		t.Errorf("profil après déconnexion : %q", got)
	}

	must(t, p.Settle(ctx))
	checkReport(ctx, t, app.URL, p.Report())
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// location is the path and query of the page shown.
func location(ctx context.Context, t *testing.T, p *Page) string {
	t.Helper()
	var s string
	must(t, p.Eval(ctx, `location.pathname + location.search`, &s))
	return s
}

// text is the trimmed text of the element matched by selector, "" if none.
func text(ctx context.Context, t *testing.T, p *Page, selector string) string {
	t.Helper()
	sel, _ := json.Marshal(selector)
	var s string
	must(t, p.Eval(ctx, `((document.querySelector(`+string(sel)+`) || {}).textContent || "").trim()`, &s))
	return s
}

// checkReport fails on any CSP violation, exception, console error or
// warning, and browser log error. One tolerance: the DSFR/htmx files are
// not committed (scripts/assets.sh builds them); when they are absent
// from the binary, their 404s are reported as a notice only.
func checkReport(ctx context.Context, t *testing.T, base string, rep Report) {
	t.Helper()
	for _, v := range rep.Violations {
		t.Errorf("violation de la CSP : %s", v)
	}
	for _, e := range rep.Exceptions {
		t.Errorf("exception JavaScript : %s", e)
	}
	for _, c := range rep.Console {
		if strings.HasPrefix(c, "error:") || strings.HasPrefix(c, "warning:") || strings.HasPrefix(c, "assert:") {
			t.Errorf("console : %s", c)
		}
	}
	missingAssets := 0
	for _, l := range rep.Logs {
		if l.Level != "error" && l.Level != "warning" {
			continue
		}
		// The 404 itself (network, URL in the entry) and its effects (the
		// text/plain body refused as stylesheet or script, the manifest
		// fetch failure: URL in the text).
		u := l.URL
		if !vendorURL.MatchString(u) {
			u = quotedVendorURL.FindString(l.Text)
		}
		if u != "" && vendorURL.MatchString(u) && notFound(t, u) {
			missingAssets++
			continue
		}
		t.Errorf("journal du navigateur (%s, %s) : %s %s", l.Source, l.Level, l.Text, l.URL)
	}
	if missingAssets > 0 {
		t.Logf("%d fichiers DSFR/htmx absents (scripts/assets.sh non lancé) : le test a tourné sans le JavaScript du DSFR", missingAssets)
	}
}

var (
	vendorURL       = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/static/[0-9a-f]+/vendor/[^'\s]+$`)
	quotedVendorURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/static/[0-9a-f]+/vendor/[^'\s]+`)
)

func notFound(t *testing.T, u string) bool {
	res, err := http.Get(u)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusNotFound
}
