package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/api"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas/castest"
	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

// withHabilitations is a Page as a CERBERE user sees it (template fixture).
func withHabilitations(p Page) Page {
	p.Habilitations = &HabilitationMenu{
		Current: HabilitationLink{Title: "Maître d’ouvrage personne morale – Administrateur délégué", Subtitle: "SIREN 782855696", URL: "/conventions?habilitation_id=5"},
		Others: []HabilitationLink{{Title: "Administration centrale – Administrateur national", Subtitle: "France entière", URL: "/conventions?habilitation_id=3"},
			{Title: "13 HABITAT", URL: "/conventions?habilitation_id=12"}},
		LogoutURL: cerbereLogoutURL,
	}
	return p
}

var (
	siapTestKey = []byte("clé APiLos → SIAP (test web)")
	apiTestKey  = []byte("clé SIAP → APiLos (test web)")
)

// cerbereSite is APiLos in CERBERE mode between a fake CERBERE and a fake
// SIAP, all three over HTTP.
type cerbereSite struct {
	t    *testing.T
	pool *pgxpool.Pool
	cas  *castest.Server
	siap *siaptest.Server
	srv  *httptest.Server
	// browser keeps cookies; it does not follow redirects by itself.
	browser *http.Client
}

func newCerbereSite(t *testing.T) *cerbereSite {
	t.Helper()
	ctx := context.Background()
	c := &cerbereSite{t: t, pool: dbtest.Pool(t)}
	if _, err := fixture.LoadPermissions(ctx, c.pool); err != nil {
		t.Fatal(err)
	}
	c.cas = castest.NewServer(t, "nicolas.oudard@cerbere",
		castest.CerbereAttrs("4242", "nicolas.oudard", "OUDARD", "Nicolas", "my.name@beta.gouv.fr")...)
	c.siap = siaptest.NewServer(t, siapTestKey)
	var h http.Handler
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(c.srv.Close)

	casClient, err := cas.New(c.cas.Base(), cas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := &habilitation.Service{Pool: c.pool, SIAP: c.siap.Client(t, siapTestKey, 0)}
	// whoami shows the request's Subject: the role the router loaded.
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := access.FromContext(r.Context())
		fmt.Fprintf(w, "user=%d login=%s", s.UserID, s.CerbereLogin)
		if s.Role != nil {
			fmt.Fprintf(w, " role=%d profile=%s typologie=%s group=%s hab=%d bailleur=%d administration=%d region=%s",
				s.Role.ID, s.Role.Profile, s.Role.Typologie, s.Role.Group, s.Role.HabilitationID, s.Role.BailleurID, s.Role.AdministrationID, s.Role.PerimetreRegion)
		}
	})
	// become opens a session for another account without the CERBERE
	// login, as an impersonation does.
	var srv *server
	become := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var uid int64
		fmt.Sscan(r.URL.Query().Get("user_id"), &uid)
		if err := srv.startUserSession(r.Context(), uid); err != nil {
			t.Error(err)
		}
	})
	srv, err = newServer(Options{
		Environment: "development",
		Logger:      slog.New(slog.DiscardHandler),
		DB:          c.pool,
		CerbereMode: true,
		Cerbere:     &CerbereOptions{CAS: casClient, Habilitations: svc, SiteURL: c.srv.URL},
		Routes: []Route{
			{Pattern: "GET /test/whoami", Rule: access.LoggedIn(), Handler: whoami},
			{Pattern: "GET /test/become", Rule: access.Public(), Handler: become},
			{Pattern: api.Prefix, Rule: access.Delegated("jeton JWT SIAP"), Handler: api.New(api.Options{JWTKey: apiTestKey, DB: c.pool})},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	h = srv.handler()
	jar, _ := cookiejar.New(nil)
	c.browser = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return c
}

// get fetches one URL without following redirects.
func (c *cerbereSite) get(u string) (int, string, string) {
	c.t.Helper()
	resp, err := c.browser.Get(u)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), html.UnescapeString(string(b))
}

// follow fetches u and follows the redirects like a browser (across the
// three servers), returning every URL visited and the last answer.
func (c *cerbereSite) follow(u string) ([]string, int, string) {
	c.t.Helper()
	var visited []string
	for range 10 {
		visited = append(visited, u)
		status, loc, body := c.get(u)
		if status != http.StatusFound {
			return visited, status, body
		}
		next, err := url.Parse(loc)
		if err != nil {
			c.t.Fatal(err)
		}
		base, _ := url.Parse(u)
		u = base.ResolveReference(next).String()
	}
	c.t.Fatalf("redirect loop: %v", visited)
	return nil, 0, ""
}

func (c *cerbereSite) sessionCookie() string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.browser.Jar.Cookies(u) {
		if ck.Name == sessionCookieName {
			return ck.Value
		}
	}
	return ""
}

func TestCerbereRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := newCerbereSite(t)

	// Anonymous: the home page and protected pages send to the CAS login.
	if status, loc, _ := c.get(c.srv.URL + "/"); status != http.StatusFound || loc != cerbereLoginURL {
		t.Fatalf("anonymous home: %d %q", status, loc)
	}
	status, loc, _ := c.get(c.srv.URL + "/test/whoami?x=1")
	if status != http.StatusFound || loc != cerbereLoginURL+"?next=%2Ftest%2Fwhoami%3Fx%3D1" {
		t.Fatalf("anonymous protected page: %d %q", status, loc)
	}
	// The login route sends to CERBERE with the service URL on APILOS_SITE_URL.
	status, loc, _ = c.get(c.srv.URL + loc)
	wantService := c.srv.URL + cerbereLoginURL + "?next=%2Ftest%2Fwhoami%3Fx%3D1"
	if status != http.StatusFound || loc != c.cas.Base()+"login?service="+url.QueryEscape(wantService) {
		t.Fatalf("login redirect: %d %q", status, loc)
	}
	// An anonymous session existed before? Whatever it was, login gives a new token.
	before := c.sessionCookie()

	// The whole dance: CAS login, ticket, validation, session, back to the page.
	visited, status, body := c.follow(c.srv.URL + "/test/whoami?x=1")
	if status != http.StatusOK {
		t.Fatalf("after login: %d %s (visited %v)", status, body, visited)
	}
	if len(visited) != 5 || !strings.Contains(visited[3], "ticket=ST-") || visited[4] != c.srv.URL+"/test/whoami?x=1" {
		t.Errorf("visited %v", visited)
	}
	if c.cas.Validations() != 1 {
		t.Errorf("%d ticket validations", c.cas.Validations())
	}
	after := c.sessionCookie()
	if after == "" || after == before {
		t.Errorf("session token not renewed at login: %q → %q", before, after)
	}
	// The user was created from the CERBERE attributes.
	var uid int64
	var username, login, first, last, email, password string
	if err := c.pool.QueryRow(ctx, `SELECT id, username, cerbere_login, first_name, last_name, email, password FROM users_user WHERE username = '4242'`).
		Scan(&uid, &username, &login, &first, &last, &email, &password); err != nil {
		t.Fatal(err)
	}
	if login != "nicolas.oudard" || first != "Nicolas" || last != "OUDARD" || email != "my.name@beta.gouv.fr" || !strings.HasPrefix(password, "!") {
		t.Errorf("user = %q %q %q %q %q", login, first, last, email, password)
	}
	// The role is the first valid habilitation's (MO 13 HABITAT, region 93), and it is a users_role row.
	var roleID int64
	if err := c.pool.QueryRow(ctx, `SELECT id FROM users_role WHERE user_id = $1 AND typologie = 'BAILLEUR'`, uid).Scan(&roleID); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("user=%d login=nicolas.oudard role=%d profile=MO_PERS_MORALE typologie=BAILLEUR group=bailleur hab=5", uid, roleID); !strings.HasPrefix(body, want) || !strings.HasSuffix(body, "region=93") {
		t.Errorf("whoami = %q, want prefix %q", body, want)
	}
	if calls := c.siap.CallsTo(siaptest.HabilitationsPath); len(calls) != 1 || calls[0].Login != "nicolas.oudard" || calls[0].HabID != 0 {
		t.Errorf("habilitation calls = %+v", calls)
	}

	// The header lists the habilitations, current first, with switch links.
	// (A logged-in user's home is the search page.)
	_, _, home := c.get(c.srv.URL + "/conventions/recherche")
	for _, w := range []string{`id="menu-habilitation"`, "Maître d’ouvrage personne morale – Administrateur délégué",
		`href="/conventions/recherche?habilitation_id=3"`, `href="/conventions/recherche?habilitation_id=12"`, "Service gestionnaire – Instructeur"} {
		if !strings.Contains(home, w) {
			t.Errorf("home: %q missing", w)
		}
	}
	if strings.Contains(home, "habilitation_id=38") {
		t.Error("A_VALIDER habilitation offered in the menu")
	}

	// Switch to SER_GEST 12 from any page: the same request already acts with it.
	_, _, body = c.get(c.srv.URL + "/test/whoami?habilitation_id=12")
	if !strings.Contains(body, "profile=SER_GEST typologie=INSTRUCTEUR group=instructeur hab=12") || strings.Contains(body, "administration=0") {
		t.Errorf("after switch: %q", body)
	}
	calls := c.siap.CallsTo(siaptest.HabilitationsPath)
	if len(calls) != 2 || calls[1].HabID != 12 {
		t.Errorf("habilitation calls = %+v", calls)
	}
	// It stays the session's habilitation, without asking SIAP again.
	_, _, body = c.get(c.srv.URL + "/test/whoami")
	if !strings.Contains(body, "hab=12") || len(c.siap.CallsTo(siaptest.HabilitationsPath)) != 2 {
		t.Errorf("next request: %q", body)
	}
	// An unknown id falls back to the first valid habilitation; garbage is ignored.
	if _, _, body = c.get(c.srv.URL + "/test/whoami?habilitation_id=999"); !strings.Contains(body, "hab=5") {
		t.Errorf("unknown habilitation: %q", body)
	}
	if _, _, body = c.get(c.srv.URL + "/test/whoami?habilitation_id=abc"); !strings.Contains(body, "hab=5") || len(c.siap.CallsTo(siaptest.HabilitationsPath)) != 3 {
		t.Errorf("garbage habilitation id: %q", body)
	}

	// Logout: APiLos session gone, then CERBERE's; CERBERE sends back home.
	status, loc, _ = c.get(c.srv.URL + cerbereLogoutURL)
	if status != http.StatusFound || loc != c.cas.Base()+"logout?service="+url.QueryEscape(c.srv.URL+"/") {
		t.Fatalf("logout: %d %q", status, loc)
	}
	if status, loc, _ = c.get(loc); status != http.StatusFound || loc != c.srv.URL+"/" {
		t.Fatalf("CAS logout: %d %q", status, loc)
	}
	if l := c.cas.Logouts(); len(l) != 1 {
		t.Errorf("CAS logouts = %v", l)
	}
	var n int
	c.pool.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE token = $1`, after).Scan(&n)
	if n != 0 {
		t.Error("session row kept after logout")
	}
	if status, loc, _ = c.get(c.srv.URL + "/test/whoami"); status != http.StatusFound || !strings.HasPrefix(loc, cerbereLoginURL) {
		t.Errorf("after logout: %d %q", status, loc)
	}
}

func TestCerbereLoginFailures(t *testing.T) {
	ctx := context.Background()
	c := newCerbereSite(t)
	service := c.srv.URL + cerbereLoginURL

	// A ticket CERBERE does not know is refused; nobody is logged in.
	status, _, body := c.get(service + "?ticket=ST-invente")
	if status != http.StatusForbidden || !strings.Contains(body, "CERBERE n'a pas confirmé votre connexion") {
		t.Errorf("unknown ticket: %d", status)
	}
	// A ticket issued for another service is refused too.
	other := c.cas.IssueTicket("https://ailleurs.example/")
	if status, _, _ := c.get(service + "?ticket=" + other); status != http.StatusForbidden {
		t.Errorf("ticket of another service: %d", status)
	}
	if status, loc, _ := c.get(c.srv.URL + "/test/whoami"); status != http.StatusFound || !strings.HasPrefix(loc, cerbereLoginURL) {
		t.Errorf("still anonymous expected: %d %q", status, loc)
	}
	// next is kept local.
	if status, loc, _ := c.get(service + "?next=https://evil.example/"); status != http.StatusFound || !strings.Contains(loc, url.QueryEscape(service)) || strings.Contains(loc, "evil") {
		t.Errorf("foreign next: %d %q", status, loc)
	}

	// SIAP fails at login: the page says so in French, the user is logged
	// in without role, and the next request asks SIAP again.
	c.siap.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 503})
	_, status, body = c.follow(c.srv.URL + "/test/whoami")
	if status != http.StatusInternalServerError || !strings.Contains(body, "Le module conventionnement ne parvient pas à joindre la plateforme SIAP, merci de réessayer plus tard") {
		t.Fatalf("SIAP down at login: %d", status)
	}
	habs, _ := fixtureHabilitations()
	c.siap.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 200, Body: habs})
	if _, _, body = c.get(c.srv.URL + "/test/whoami"); !strings.Contains(body, "hab=5") {
		t.Errorf("after SIAP is back: %q", body)
	}
	// SIAP refusing the habilitations: 403 with the habilitation message.
	c.siap.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 500, Body: "refus"})
	if status, _, body = c.get(c.srv.URL + "/test/whoami?habilitation_id=3"); status != http.StatusForbidden ||
		!strings.Contains(body, "La plateforme SIAP n'a pas pu trouver d'habilitation associée à votre profil") {
		t.Errorf("SIAP refusal: %d", status)
	}

	// A deactivated account is refused at login.
	c.pool.Exec(ctx, `UPDATE users_user SET is_active = false WHERE username = '4242'`)
	c.siap.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 200, Body: habs})
	c.browser.Jar, _ = cookiejar.New(nil)
	_, status, body = c.follow(c.srv.URL + "/test/whoami")
	if status != http.StatusForbidden || !strings.Contains(body, "Votre compte APiLos est désactivé.") {
		t.Errorf("inactive account: %d", status)
	}
}

func fixtureHabilitations() (string, error) {
	b, err := siapMockFile("habilitations.json")
	return string(b), err
}

func TestCerbereRoutesWithoutCerbere(t *testing.T) {
	h, _ := newHandler(t, Options{Environment: "development"})
	for _, p := range []string{cerbereLoginURL, cerbereLoginURL + "?ticket=ST-1", cerbereLogoutURL} {
		if res := get(t, h, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s without CERBERE: %d", p, res.StatusCode)
		}
	}
	// Local mode: the home page stays the landing page.
	if res := get(t, h, "/"); res.StatusCode != http.StatusOK {
		t.Errorf("home: %d", res.StatusCode)
	}
}

func TestAPIMountedOnTheSite(t *testing.T) {
	c := newCerbereSite(t)
	now := time.Now()
	call := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, c.srv.URL+api.Prefix+"config/", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		return resp.StatusCode, string(b)
	}
	valid, _ := jwt.Sign(apiTestKey, "siap.user", 12, now)
	if status, body := call("Bearer " + valid); status != http.StatusOK || !strings.Contains(body, `"racine_url_acces_web":"`+c.srv.URL+`"`) {
		t.Errorf("valid token: %d %s", status, body)
	}
	expired, _ := jwt.Sign(apiTestKey, "siap.user", 12, now.Add(-time.Hour))
	wrongKey, _ := jwt.Sign([]byte("autre"), "siap.user", 12, now)
	none := strings.Join(strings.Split(valid, ".")[:2], ".") + "."
	for name, auth := range map[string]string{"missing": "", "expired": "Bearer " + expired, "wrong key": "Bearer " + wrongKey, "alg none": "Bearer " + noneHeader(none)} {
		if status, body := call(auth); status != http.StatusUnauthorized || !strings.Contains(body, `"detail":`) {
			t.Errorf("%s: %d %s", name, status, body)
		}
	}
}

func siapMockFile(name string) ([]byte, error) { return siap.MockPayloads.ReadFile("mock/" + name) }

// noneHeader swaps the token's header for {"alg":"none"} (signature left empty).
func noneHeader(tok string) string {
	parts := strings.Split(tok, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
}

func TestCerbereSessionOpenedElsewhere(t *testing.T) {
	ctx := context.Background()
	c := newCerbereSite(t)
	var cerbereID, localID int64
	c.pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, cerbere_login) VALUES ('!', '77', 'x@y.fr', 'autre.login') RETURNING id`).Scan(&cerbereID)
	c.pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email) VALUES ('!', 'local', 'l@y.fr') RETURNING id`).Scan(&localID)

	// A CERBERE account reached without the CAS login (impersonation):
	// its habilitation is loaded at its first request, for its own login.
	c.get(c.srv.URL + fmt.Sprintf("/test/become?user_id=%d", cerbereID))
	_, _, body := c.get(c.srv.URL + "/test/whoami")
	if !strings.Contains(body, "login=autre.login role=") || !strings.Contains(body, "hab=5") {
		t.Errorf("CERBERE account: %q", body)
	}
	calls := c.siap.CallsTo(siaptest.HabilitationsPath)
	if len(calls) != 1 || calls[0].Login != "autre.login" {
		t.Errorf("SIAP calls = %+v", calls)
	}
	// A local account has no habilitation: SIAP is not asked, even with ?habilitation_id=.
	c.get(c.srv.URL + fmt.Sprintf("/test/become?user_id=%d", localID))
	_, _, body = c.get(c.srv.URL + "/test/whoami?habilitation_id=12")
	if body != fmt.Sprintf("user=%d login=", localID) {
		t.Errorf("local account: %q", body)
	}
	if n := len(c.siap.CallsTo(siaptest.HabilitationsPath)); n != 1 {
		t.Errorf("%d SIAP calls, want 1", n)
	}
}

// The header's logout button posts to /accounts/logout/: in CERBERE mode
// it must end the CAS session too, or the user is logged straight back in.
func TestHeaderLogoutEndsCerbereSession(t *testing.T) {
	c := newCerbereSite(t)
	if _, status, body := c.follow(c.srv.URL + "/test/whoami"); status != http.StatusOK {
		t.Fatalf("login: %d %s", status, body)
	}
	req, _ := http.NewRequest("POST", c.srv.URL+"/accounts/logout/", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := c.cas.Base() + "logout?service=" + url.QueryEscape(c.srv.URL+"/")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("logout: %d %q, want a redirect to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if status, loc, _ := c.get(c.srv.URL + "/test/whoami"); status != http.StatusFound || !strings.HasPrefix(loc, cerbereLoginURL) {
		t.Errorf("after logout: %d %q", status, loc)
	}
}
