package web

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/access/accesstest"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// The permission matrix: every persona of accesstest.Seed (one per kind
// of user, read-only variants and anonymous included) × every route the
// router registered × (a convention inside / outside the persona's scope,
// for routes about a convention) → the expected HTTP answer.
//
// The route list comes from the router's own table: a registered route
// without a row below fails the test. Files that add routes add their
// rows from their own _test.go file:
//
//	func init() { matrixRows = append(matrixRows, matrixRow{...}) }
//
// Answers: "200" (or any status the handler gives when allowed), "302"
// (anonymous sent to the login page), "303>/" (a redirect with that
// status to exactly that location), "403" (French refusal page), "404"
// (object missing or outside the scope), "-" (no such case: the persona
// sees every convention, or none). For convention routes the answer is
// "<inside>|<outside>". Each persona sends its requests from its own
// client address, so the login lockout of one does not leak into another.
type matrixRow struct {
	// Pattern is the registered pattern, e.g. "GET /conventions/{uuid}".
	Pattern string
	// Path is the request path; "{uuid}" is replaced by the convention's
	// uuid. Empty: the pattern's path. For a function of the server, use
	// PathFunc.
	Path     string
	PathFunc func(s *server) string
	// Want maps persona name → answer; "*" is the default for personas not
	// listed.
	Want map[string]string
}

// matrixPersonas is the column order (every persona of the world).
var matrixPersonas = []string{
	"anonyme", "superuser", "staff",
	"administrateur_national", "administrateur_regional", "administrateur_departemental", "administrateur_departemental_lecture",
	"instructeur", "instructeur_lecture", "instructeur_sans_administration",
	"bailleur", "bailleur_filtre", "bailleur_lecture", "bailleur_cerbere", "partenaire",
}

// Rule-kind test routes, registered through the same router, so the
// matrix exercises every kind of rule against real scopes.
func registerMatrixTestRoutes(s *server) {
	ok := func(w http.ResponseWriter, r *http.Request) {
		if c := access.ConventionFrom(r.Context()); c != nil {
			// The checked object reaches the handler.
			fmt.Fprint(w, "convention "+c.UUID)
			return
		}
		fmt.Fprint(w, "ok")
	}
	s.handleFunc("GET /test/matrice/connecte", access.LoggedIn(), ok)
	s.handleFunc("GET /test/matrice/staff", access.StaffOnly(), ok)
	s.handleFunc("GET /test/matrice/valider", access.Perm(access.ValidateConvention), ok)
	s.handleFunc("GET /test/matrice/conventions/{uuid}", access.PermOn(access.ViewConvention, access.ConventionFromPath("uuid")), ok)
	s.handleFunc("POST /test/matrice/conventions/{uuid}/modifier", access.PermOn(access.ChangeConvention, access.ConventionFromPath("uuid")), ok)
	s.handleFunc("POST /test/matrice/conventions/{uuid}/valider", access.PermOn(access.ValidateConvention, access.ConventionFromPath("uuid")), ok)
}

var matrixRows = []matrixRow{
	// Logged in, the home page is the convention search.
	{Pattern: "GET /{$}", Path: "/", Want: map[string]string{"*": "302>/conventions/recherche", "anonyme": "200"}},
	{Pattern: staticPattern, PathFunc: func(s *server) string { return s.assets.URL("app.css") }, Want: map[string]string{"*": "200"}},
	{Pattern: "GET /healthz", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /readyz", Want: map[string]string{"*": "200"}},
	// Development: metrics are open (staff only in production, see
	// TestMetricsRuleByEnvironment).
	{Pattern: "GET /metrics", Want: map[string]string{"*": "200"}},

	// Accounts, CERBERE and impersonation (issue 5). The forms are posted
	// empty: the answer is the handler's own (validation error, unknown
	// target...) once the rule let the request in.
	{Pattern: "GET /accounts/login/{$}", Want: map[string]string{"*": "302>/", "anonyme": "200"}},
	{Pattern: "POST /accounts/login/{$}", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /accounts/logout/{$}", Want: map[string]string{"*": "200", "anonyme": "302>/"}},
	{Pattern: "POST /accounts/logout/{$}", Want: map[string]string{"*": "303>/"}},
	{Pattern: "GET /accounts/password_reset/{$}", Want: map[string]string{"*": "200"}},
	{Pattern: "POST /accounts/password_reset/{$}", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /accounts/password_reset/done/{$}", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /accounts/reset/{uidb64}/{token}/{$}", Path: "/accounts/reset/MQ/jeton-invalide/", Want: map[string]string{"*": "200"}},
	{Pattern: "POST /accounts/reset/{uidb64}/{token}/{$}", Path: "/accounts/reset/MQ/jeton-invalide/", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /accounts/reset/done/{$}", Want: map[string]string{"*": "200"}},
	{Pattern: "GET /accounts/profile/{$}", Want: map[string]string{"*": "301>/apilos_settings/profile/", "anonyme": "302"}},
	{Pattern: "GET /apilos_settings/profile/{$}", Want: map[string]string{"*": "200", "anonyme": "302"}},
	{Pattern: "POST /apilos_settings/profile/{$}", Want: map[string]string{"*": "400", "anonyme": "302"}},
	// Local mode: the CAS routes exist but answer 404.
	{Pattern: "GET /accounts/cerbere-login", Want: map[string]string{"*": "404"}},
	{Pattern: "GET /accounts/cerbere-logout", Want: map[string]string{"*": "404"}},
	{Pattern: "POST /accounts/cerbere-logout", Want: map[string]string{"*": "404"}},
	{Pattern: "GET /admin/utilisateurs/{$}", Want: map[string]string{"*": "403", "anonyme": "302", "superuser": "200", "staff": "200"}},
	// Without a target the staff get the handler's 404 (unknown account).
	{Pattern: "POST /hijack/acquire/{$}", Want: map[string]string{"*": "403", "anonyme": "302", "superuser": "404", "staff": "404"}},
	{Pattern: "POST /hijack/release/{$}", Want: map[string]string{"*": "303>/", "anonyme": "302"}},

	{Pattern: "GET /test/matrice/connecte", Want: map[string]string{"*": "200", "anonyme": "302"}},
	{Pattern: "GET /test/matrice/staff", Want: map[string]string{"*": "403", "anonyme": "302", "superuser": "200", "staff": "200"}},
	{Pattern: "GET /test/matrice/valider", Want: map[string]string{
		"anonyme": "302", "superuser": "200", "staff": "200",
		"administrateur_national": "200", "administrateur_regional": "200", "administrateur_departemental": "200", "administrateur_departemental_lecture": "403",
		"instructeur": "200", "instructeur_lecture": "403", "instructeur_sans_administration": "200",
		"bailleur": "403", "bailleur_filtre": "403", "bailleur_lecture": "403", "bailleur_cerbere": "403", "partenaire": "403",
	}},
	{Pattern: "GET /test/matrice/conventions/{uuid}", Path: "/test/matrice/conventions/{uuid}", Want: map[string]string{
		"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
		"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "200|404",
		"instructeur": "200|404", "instructeur_lecture": "200|404", "instructeur_sans_administration": "-|404",
		"bailleur": "200|404", "bailleur_filtre": "200|404", "bailleur_lecture": "200|404", "bailleur_cerbere": "200|404", "partenaire": "200|-",
	}},
	{Pattern: "POST /test/matrice/conventions/{uuid}/modifier", Path: "/test/matrice/conventions/{uuid}/modifier", Want: map[string]string{
		"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
		"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "403|403",
		"instructeur": "200|404", "instructeur_lecture": "403|403", "instructeur_sans_administration": "-|404",
		"bailleur": "200|404", "bailleur_filtre": "200|404", "bailleur_lecture": "403|403", "bailleur_cerbere": "200|404", "partenaire": "403|-",
	}},
	{Pattern: "POST /test/matrice/conventions/{uuid}/valider", Path: "/test/matrice/conventions/{uuid}/valider", Want: map[string]string{
		"anonyme": "-|302", "superuser": "200|-", "staff": "-|404",
		"administrateur_national": "200|-", "administrateur_regional": "200|404", "administrateur_departemental": "200|404", "administrateur_departemental_lecture": "403|403",
		"instructeur": "200|404", "instructeur_lecture": "403|403", "instructeur_sans_administration": "-|404",
		"bailleur": "403|403", "bailleur_filtre": "403|403", "bailleur_lecture": "403|403", "bailleur_cerbere": "403|403", "partenaire": "403|-",
	}},
}

// sessionCookie stores a session for the persona (as the login and
// CERBERE handlers would) and returns its cookie; nil for anonymous.
func sessionCookie(t *testing.T, s *server, p *accesstest.Persona) *http.Cookie {
	t.Helper()
	if p.UserID == 0 {
		return nil
	}
	ctx, err := s.sessions.Load(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s.sessions.Put(ctx, sessionUserID, p.UserID)
	if p.RoleID != 0 {
		s.sessions.Put(ctx, sessionRoleID, p.RoleID)
	}
	if p.CerbereRole != nil {
		s.sessions.Put(ctx, sessionRole, *p.CerbereRole)
	}
	token, _, err := s.sessions.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookieName, Value: token}
}

func TestPermissionMatrix(t *testing.T) {
	pool := dbtest.Pool(t)
	world := accesstest.Seed(t, pool)
	s := newTestServer(t, Options{Environment: "development", DB: pool})
	registerMatrixTestRoutes(s)
	h := s.handler()

	if len(world.Personas) != len(matrixPersonas) {
		t.Fatalf("le monde de test a %d personas, la matrice %d colonnes : complétez matrixPersonas", len(world.Personas), len(matrixPersonas))
	}
	// A fresh session for every request: logout and impersonation routes
	// end the session they are given.
	cookie := func(name string) *http.Cookie { return sessionCookie(t, s, world.Persona(name)) }
	for _, name := range matrixPersonas {
		if world.Persona(name) == nil {
			t.Fatalf("persona %q absent du monde de test", name)
		}
	}

	rows := map[string]matrixRow{}
	for _, r := range matrixRows {
		if _, dup := rows[r.Pattern]; dup {
			t.Errorf("deux lignes de matrice pour %q", r.Pattern)
		}
		rows[r.Pattern] = r
	}
	registered := map[string]bool{}
	for _, rt := range s.routeTable() {
		registered[rt.Pattern] = true
		row, ok := rows[rt.Pattern]
		if !ok {
			t.Errorf("route %q (%s) absente de la matrice des permissions : ajoutez une ligne matrixRow (réponse attendue pour chaque persona)", rt.Pattern, rt.Rule)
			continue
		}
		method, pathPattern, _ := strings.Cut(rt.Pattern, " ")
		path := row.Path
		if row.PathFunc != nil {
			path = row.PathFunc(s)
		}
		if path == "" {
			path = strings.TrimSuffix(pathPattern, "{$}")
		}
		for i, name := range matrixPersonas {
			p := world.Persona(name)
			addr := fmt.Sprintf("192.0.2.%d:4321", i+1)
			want, ok := row.Want[name]
			if !ok {
				want, ok = row.Want["*"]
			}
			if !ok {
				t.Errorf("%s : pas de réponse attendue pour %s", rt.Pattern, name)
				continue
			}
			if !strings.Contains(path, "{uuid}") {
				check(t, h, method, path, addr, cookie(name), rt, name, "", want)
				continue
			}
			in, out, found := strings.Cut(want, "|")
			if !found {
				t.Errorf("%s, %s : réponse %q, attendu « dedans|dehors »", rt.Pattern, name, want)
				continue
			}
			for _, c := range []struct {
				where string
				conv  *accesstest.Convention
				want  string
			}{{"dans le périmètre", world.Inside(p), in}, {"hors périmètre", world.Outside(p), out}} {
				if (c.conv == nil) != (c.want == "-") {
					t.Errorf("%s, %s, %s : la matrice dit %q mais le monde de test %s", rt.Pattern, name, c.where, c.want,
						map[bool]string{true: "n'a pas de telle convention", false: "en a une"}[c.conv == nil])
					continue
				}
				if c.conv == nil {
					continue
				}
				check(t, h, method, strings.ReplaceAll(path, "{uuid}", c.conv.UUID), addr, cookie(name), rt, name, c.where+" ("+c.conv.Name+")", c.want)
			}
		}
	}
	for _, r := range matrixRows {
		if !registered[r.Pattern] {
			t.Errorf("ligne de matrice %q : aucune route enregistrée sous ce motif", r.Pattern)
		}
	}
	// A malformed or unknown uuid is a 404 like an out-of-scope one.
	for _, bad := range []string{"inconnu", "00000000-0000-0000-0000-000000000000"} {
		rt := registeredRoute{Pattern: "GET /test/matrice/conventions/{uuid}", Rule: access.PermOn(access.ViewConvention, access.ConventionFromPath("uuid"))}
		check(t, h, "GET", "/test/matrice/conventions/"+bad, "192.0.2.200:4321", cookie("superuser"), rt, "superuser", "uuid "+bad, "404")
	}
}

// check sends one request and compares the answer; it also checks the
// shape of refusals (login redirect with next, French pages).
func check(t *testing.T, h http.Handler, method, path, addr string, cookie *http.Cookie, rt registeredRoute, persona, where, want string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = addr
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	got := fmt.Sprint(res.StatusCode)
	if code, loc, ok := strings.Cut(want, ">"); ok {
		if got != code || res.Header.Get("Location") != loc {
			t.Errorf("%s %s — %s %s : %s vers %q, attendu %s vers %q", rt.Pattern, rt.Rule, persona, where, got, res.Header.Get("Location"), code, loc)
		}
		return
	}
	if got != want {
		t.Errorf("%s %s — %s %s : %s, attendu %s", rt.Pattern, rt.Rule, persona, where, got, want)
		return
	}
	page := html.UnescapeString(string(b))
	switch want {
	case "302":
		if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "/accounts/login/?next=") {
			t.Errorf("%s — %s : redirection vers %q, attendu la page de connexion", rt.Pattern, persona, loc)
		}
	case "403":
		if !strings.Contains(page, "Vous n'avez pas les droits pour effectuer cette action.") {
			t.Errorf("%s — %s : la page 403 n'explique pas le refus", rt.Pattern, persona)
		}
	case "404":
		if !strings.Contains(page, "Page non trouvée") {
			t.Errorf("%s — %s : pas la page 404", rt.Pattern, persona)
		}
	case "200":
		if strings.Contains(path, "/test/matrice/conventions/") && !strings.Contains(page, "convention ") {
			t.Errorf("%s — %s : la convention vérifiée n'est pas parvenue au gestionnaire", rt.Pattern, persona)
		}
	}
}

// TestSubjectLoadedFromSession: for every persona, the Subject built
// from its session (one query) is exactly the expected one: current role
// (not the older B3 role every CERBERE persona keeps), bailleur
// children, département filter, CERBERE role from the session.
func TestSubjectLoadedFromSession(t *testing.T) {
	pool := dbtest.Pool(t)
	world := accesstest.Seed(t, pool)
	s := newTestServer(t, Options{Environment: "development", DB: pool})
	for _, p := range world.Personas {
		ck := sessionCookie(t, s, p)
		token := ""
		if ck != nil {
			token = ck.Value
		}
		ctx, err := s.sessions.Load(context.Background(), token)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.loadSubject(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p.Subject) {
			t.Errorf("%s :\n chargé  %+v (rôle %+v)\n attendu %+v (rôle %+v)", p.Name, got, got.Role, p.Subject, p.Subject.Role)
		}
		if got.Kind() != p.Kind {
			t.Errorf("%s : Kind %s, attendu %s", p.Name, got.Kind(), p.Kind)
		}
	}
	// A local account may choose another of its roles: the chosen one is
	// the current role; both roles make its scope.
	p := world.Persona("instructeur")
	var old int64
	if err := pool.QueryRow(context.Background(), `INSERT INTO users_role (typologie, bailleur_id, user_id, group_id)
SELECT 'BAILLEUR', $1, $2, g.id FROM auth_group g WHERE g.name = 'bailleur' RETURNING id`, world.Bailleurs["B3"], p.UserID).Scan(&old); err != nil {
		t.Fatal(err)
	}
	ctx, _ := s.sessions.Load(context.Background(), "")
	s.sessions.Put(ctx, sessionUserID, p.UserID)
	s.sessions.Put(ctx, sessionRoleID, old)
	got, err := s.loadSubject(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind() != access.KindBailleur || got.Role.ID != old || got.Role.AdministrationID != 0 {
		t.Errorf("rôle choisi : %+v", got.Role)
	}
	if len(got.ScopeRoles) != 2 || got.ScopeRoles[0].Role.ID != p.RoleID || got.ScopeRoles[1].Role.ID != old ||
		!slices.Equal(got.ScopeRoles[1].BailleurIDs, []int64{world.Bailleurs["B3"]}) {
		t.Errorf("rôles du périmètre : %+v", got.ScopeRoles)
	}
	// A role id that is not the user's falls back to its first role.
	s.sessions.Put(ctx, sessionRoleID, world.Persona("bailleur").RoleID)
	got, err = s.loadSubject(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Role == nil || got.Role.ID != p.RoleID {
		t.Errorf("rôle d'un autre utilisateur en session : rôle chargé %+v, attendu le premier rôle %d", got.Role, p.RoleID)
	}
}

func TestMetricsRuleByEnvironment(t *testing.T) {
	for env, want := range map[string]string{"development": "public (sans session)", "staging": "public (sans session)", "production": "staff", "siap-production": "staff"} {
		if got := metricsRule(env).String(); got != want {
			t.Errorf("%s : /metrics %q, attendu %q", env, got, want)
		}
	}
}
