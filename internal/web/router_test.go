package web

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// newTestServer builds a server (not yet wrapped) so tests can register
// their own routes through the same router before building the handler.
func newTestServer(t testing.TB, opts Options) *server {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := newServer(opts)
	if err != nil {
		t.Fatalf("newServer : %v", err)
	}
	return s
}

func TestRouteWithoutRuleIsRefused(t *testing.T) {
	s := newTestServer(t, Options{})
	func() {
		defer func() {
			if recover() == nil {
				t.Error("handle sans règle : pas de panique")
			}
		}()
		s.handleFunc("GET /test/sans-regle", access.Rule{}, func(http.ResponseWriter, *http.Request) {})
	}()
	for _, rt := range s.registered {
		if rt.Pattern == "GET /test/sans-regle" {
			t.Error("la route sans règle a été enregistrée")
		}
	}
	_, err := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Routes: []Route{{
		Pattern: "GET /test/sans-regle",
		Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}),
	}}})
	if err == nil || !strings.Contains(err.Error(), "sans règle d'accès") {
		t.Errorf("Options.Routes sans règle : err = %v", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("route enregistrée deux fois : pas de panique")
			}
		}()
		s.handleFunc("GET /healthz", access.Public(), func(http.ResponseWriter, *http.Request) {})
	}()
}

// TestMuxOnlyThroughRouter: no file of the package may register on the
// mux (or on http.DefaultServeMux) except router.go, so every route goes
// through handle and its mandatory rule.
func TestMuxOnlyThroughRouter(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "router.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			switch sel.Sel.Name {
			case "Handle", "HandleFunc":
				// s.mux.Handle, mux.HandleFunc, http.Handle...
				if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "http" || id.Name == "mux") {
					t.Errorf("%s : %s.%s contourne le routeur ; utilisez s.handle(motif, règle, gestionnaire)", fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
				}
				if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "mux" {
					t.Errorf("%s : mux.%s contourne le routeur ; utilisez s.handle(motif, règle, gestionnaire)", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
	if checked < 5 {
		t.Fatalf("seulement %d fichiers examinés : le test ne regarde pas le bon dossier", checked)
	}
}

// insertUser creates an account and returns its id.
func insertUser(t *testing.T, pool *pgxpool.Pool, username string, superuser, staff, active bool) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `
INSERT INTO users_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                        date_joined, preferences_email, secondary_email)
VALUES ('!', $2, $1::text, 'Prénom', 'Nom', $1::text || '@exemple.fr', $3, $4, now(), 'PARTIEL', '')
RETURNING id`, username, superuser, staff, active).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// browser is: a cookie jar on a test server.
type browser struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, srv: srv, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *browser) do(method, path string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestSessionLoginSubjectAndRefusals(t *testing.T) {
	pool := dbtest.Pool(t)
	uid := insertUser(t, pool, "camille", false, false, true)
	s := newTestServer(t, Options{Environment: "development", DB: pool})
	s.handleFunc("POST /test/login/{id}", access.Public(), func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err := s.startUserSession(r.Context(), id); err != nil {
			s.serverError(w, r, err)
			return
		}
		w.Write([]byte("connecté"))
	})
	s.handleFunc("POST /test/logout", access.LoggedIn(), func(w http.ResponseWriter, r *http.Request) {
		if err := s.endUserSession(r.Context()); err != nil {
			s.serverError(w, r, err)
		}
	})
	s.handleFunc("GET /test/moi", access.LoggedIn(), func(w http.ResponseWriter, r *http.Request) {
		sub := access.FromContext(r.Context())
		w.Write([]byte(sub.Username + "|" + sub.DisplayName + "|" + string(sub.Kind())))
	})
	s.handleFunc("GET /test/valider", access.Perm(access.ValidateConvention), func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	c := newBrowser(t, s.handler())

	res, _ := c.do("GET", "/test/moi?x=1&y=%C3%A9")
	if res.StatusCode != http.StatusFound {
		t.Fatalf("anonyme : statut %d, veut 302", res.StatusCode)
	}
	loc, _ := url.Parse(res.Header.Get("Location"))
	if loc.Path != "/accounts/login/" || loc.Query().Get("next") != "/test/moi?x=1&y=%C3%A9" {
		t.Errorf("redirection anonyme : %q", res.Header.Get("Location"))
	}

	res, _ = c.do("POST", "/test/login/"+strconv.FormatInt(uid, 10))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("connexion : %d", res.StatusCode)
	}
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookieName {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatal("pas de cookie de session à la connexion")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Errorf("cookie : HttpOnly=%v SameSite=%v Secure=%v (développement : non Secure)", cookie.HttpOnly, cookie.SameSite, cookie.Secure)
	}
	if cookie.MaxAge < int((6*time.Hour).Seconds())-5 || cookie.MaxAge > int((6*time.Hour).Seconds())+5 {
		t.Errorf("durée du cookie : %d s, veut 6 h", cookie.MaxAge)
	}
	var expiry time.Time
	if err := pool.QueryRow(context.Background(), `SELECT expiry FROM sessions WHERE token = $1`, cookie.Value).Scan(&expiry); err != nil {
		t.Fatalf("session absente de la table sessions : %v", err)
	}
	if d := time.Until(expiry); d < 6*time.Hour-time.Minute || d > 6*time.Hour+time.Minute {
		t.Errorf("expiration en base dans %v, veut 6 h", d)
	}

	res, b := c.do("GET", "/test/moi")
	if res.StatusCode != http.StatusOK || b != "camille|Prénom Nom|sans_role" {
		t.Errorf("sujet chargé : %d %q", res.StatusCode, b)
	}
	// Sliding: each request pushes the expiry forward.
	if _, err := pool.Exec(context.Background(), `UPDATE sessions SET expiry = now() + interval '1 hour' WHERE token = $1`, cookie.Value); err != nil {
		t.Fatal(err)
	}
	c.do("GET", "/test/moi")
	if err := pool.QueryRow(context.Background(), `SELECT expiry FROM sessions WHERE token = $1`, cookie.Value).Scan(&expiry); err != nil {
		t.Fatal(err)
	}
	if time.Until(expiry) < 5*time.Hour {
		t.Errorf("la session n'a pas glissé : expire dans %v", time.Until(expiry))
	}

	res, b = c.do("GET", "/test/valider")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(html.UnescapeString(b), "Vous n'avez pas les droits pour effectuer cette action.") {
		t.Errorf("sans permission : %d, page 403 attendue", res.StatusCode)
	}

	// A deactivated account is logged out at its next request.
	if _, err := pool.Exec(context.Background(), `UPDATE users_user SET is_active = false WHERE id = $1`, uid); err != nil {
		t.Fatal(err)
	}
	if res, _ = c.do("GET", "/test/moi"); res.StatusCode != http.StatusFound {
		t.Errorf("compte désactivé : %d, veut 302 vers la connexion", res.StatusCode)
	}
	var n int
	pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, cookie.Value).Scan(&n)
	if n != 0 {
		t.Error("la session d'un compte désactivé n'a pas été supprimée")
	}
}

func TestSessionTokenRenewedAtLoginAndDestroyedAtLogout(t *testing.T) {
	pool := dbtest.Pool(t)
	uid := insertUser(t, pool, "dominique", false, false, true)
	s := newTestServer(t, Options{Environment: "staging", DB: pool})
	s.handleFunc("POST /test/visite", access.Public(), func(w http.ResponseWriter, r *http.Request) {
		s.sessions.Put(r.Context(), "visite", true)
	})
	s.handleFunc("POST /test/login", access.Public(), func(w http.ResponseWriter, r *http.Request) {
		if err := s.startUserSession(r.Context(), uid); err != nil {
			s.serverError(w, r, err)
		}
	})
	s.handleFunc("POST /test/logout", access.LoggedIn(), func(w http.ResponseWriter, r *http.Request) {
		if err := s.endUserSession(r.Context()); err != nil {
			s.serverError(w, r, err)
		}
	})
	h := s.handler()
	post := func(path string, cookie *http.Cookie) *http.Response {
		req := httptest.NewRequest("POST", path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Result()
	}
	sessionCookie := func(res *http.Response) *http.Cookie {
		for _, ck := range res.Cookies() {
			if ck.Name == sessionCookieName {
				return ck
			}
		}
		t.Fatalf("pas de cookie de session (%d)", res.StatusCode)
		return nil
	}
	before := sessionCookie(post("/test/visite", nil))
	if !before.Secure {
		t.Error("hors développement, le cookie de session doit être Secure")
	}
	after := sessionCookie(post("/test/login", before))
	if after.Value == before.Value {
		t.Error("le jeton de session n'a pas changé à la connexion (fixation de session)")
	}
	var n int
	pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, before.Value).Scan(&n)
	if n != 0 {
		t.Error("l'ancien jeton existe encore après la connexion")
	}
	out := sessionCookie(post("/test/logout", after))
	if out.MaxAge >= 0 {
		t.Errorf("déconnexion : le cookie n'est pas expiré (MaxAge %d)", out.MaxAge)
	}
	pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, after.Value).Scan(&n)
	if n != 0 {
		t.Error("la session existe encore après la déconnexion")
	}
	if res := post("/test/logout", after); res.StatusCode != http.StatusFound {
		t.Errorf("après déconnexion, l'ancien cookie ouvre encore une session : %d", res.StatusCode)
	}
}

func TestCerbereModeLoginRedirect(t *testing.T) {
	s := newTestServer(t, Options{CerbereMode: true})
	s.handleFunc("GET /test/prive", access.LoggedIn(), func(http.ResponseWriter, *http.Request) {})
	rec := httptest.NewRecorder()
	s.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/test/prive", nil))
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != "/accounts/cerbere-login?next=%2Ftest%2Fprive" {
		t.Errorf("mode CERBERE : %d %q", rec.Code, rec.Header().Get("Location"))
	}
}
