package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newHandler builds the handler with a JSON logger into the returned buffer.
func newHandler(t *testing.T, opts Options) (http.Handler, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if opts.Version == "" {
		opts.Version = "v-test"
	}
	h, err := New(opts)
	if err != nil {
		t.Fatalf("New : %v", err)
	}
	return h, logs
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// closedRedisURL points at a local port nobody listens on.
func closedRedisURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "redis://" + addr + "/0"
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>`)
	eventAttr    = regexp.MustCompile(`\son[a-z]+\s*=`)
)

// checkCSPFriendly fails when a page has what the CSP would block: inline
// scripts, style elements or attributes, event handler attributes.
func checkCSPFriendly(t *testing.T, name, html string) {
	t.Helper()
	for _, tag := range inlineScript.FindAllString(html, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("%s : script en ligne interdit par la CSP : %s", name, tag)
		}
	}
	if strings.Contains(html, "<style") || strings.Contains(html, " style=") {
		t.Errorf("%s : style en ligne interdit par la CSP", name)
	}
	if m := eventAttr.FindString(html); m != "" {
		t.Errorf("%s : attribut de gestionnaire d'événement interdit par la CSP : %q", name, m)
	}
}

// renderFixtures are page fixtures registered by other test files: a
// view model built on the layout fields and the strings the page must
// contain.
var renderFixtures = map[string]func(Page) (data any, want []string){}

func TestRenderAllTemplates(t *testing.T) {
	a, err := newAssets()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRenderer(a)
	if err != nil {
		t.Fatal(err)
	}
	page := Page{Title: "Titre", Env: envBanner("staging"), Robots: "noindex, nofollow", Version: "v1", RequestID: "req-42", Path: "/"}
	// One fixture view model per page template: a new page must add its own.
	fixtures := map[string]struct {
		data any
		want []string
	}{
		"home": {homeView{Page: page, LoginURL: "/accounts/login/", Features: []feature{{Title: "Atout", Desc: "Détail", Pictogram: "buildings/house.svg"}}},
			[]string{"Atout", "Détail", "buildings/house.svg#artwork-major", `href="/accounts/login/"`}},
		"404": {errorView{Page: page}, []string{"Page non trouvée", "Erreur 404"}},
		"500": {errorView{Page: page}, []string{"Erreur inattendue", "Erreur 500", "req-42"}},
		"403": {errorView{Page: page}, []string{"Accès refusé", "Erreur 403"}},
		// CERBERE (cerbere.go): the SIAP failure page, with the header's habilitation menu.
		"siap_error": {siapErrorView{Page: withHabilitations(page), Message: "La plateforme SIAP n'a pas pu trouver d'habilitation associée à votre profil"},
			[]string{"pas pu trouver d&#39;habilitation", `action="/accounts/cerbere-logout"`, `id="menu-habilitation"`, "Administration centrale – Administrateur national",
				`href="/conventions?habilitation_id=5"`, "13 HABITAT"}},
		// Account pages (account_*.go, hijack.go).
		"account_login": {loginView{Page: page, Username: "sabine", Next: "/conventions/", Error: "Identifiant ou mot de passe incorrect."},
			[]string{`value="sabine"`, `name="next" value="/conventions/"`, "Identifiant ou mot de passe incorrect.", `href="/accounts/password_reset/"`}},
		"account_logout":         {logoutView{Page: page}, []string{`action="/accounts/logout/"`, "Se déconnecter"}},
		"account_password_reset": {resetRequestView{Page: page, Email: "x", Error: "Adresse e-mail : saisissez"}, []string{`value="x"`, "Adresse e-mail : saisissez", "fr-input--error"}},
		"account_password_set": {resetConfirmView{Page: page, Username: "roger", Action: "/accounts/reset/MQ/t/", Form: passwordForm{MinLength: 12, New2Error: "Les deux mots de passe ne correspondent pas."}},
			[]string{"roger", `action="/accounts/reset/MQ/t/"`, `minlength="12"`, "ne correspondent pas"}},
		"account_profile": {profileView{Page: page, Name: "Sabine Martin", Username: "sabine", Role: "Bailleur", Entity: "HLM du Nord", CanChangePassword: true,
			Preferences: []preferenceChoice{{Value: "TOUS", Label: "Tous les emails", Checked: true}}, Password: passwordForm{MinLength: 12}, Notice: "Votre profil a été enregistré avec succès"},
			[]string{"Sabine Martin", "HLM du Nord", `value="TOUS" checked`, "Tous les emails", `id="id_old_password"`, "Votre profil a été enregistré avec succès"}},
		"admin_users": {adminUsersView{Page: page, Total: 1, Users: []adminUserRow{{ID: 7, Username: "jean", Name: "Jean B", Status: "Utilisateur", CanImpersonate: true}}},
			[]string{`name="user_pk" value="7"`, "Se connecter en tant que jean"}},
	}
	// Other files of the package add the fixtures of their pages to
	// renderFixtures (convention_render_test.go...).
	for name, f := range renderFixtures {
		data, want := f(page)
		fixtures[name] = struct {
			data any
			want []string
		}{data, want}
	}
	for name := range r.pages {
		if _, ok := fixtures[name]; !ok {
			t.Errorf("le gabarit %q n'a pas de vue de test dans TestRenderAllTemplates", name)
		}
	}
	for name, f := range fixtures {
		b, err := r.renderBytes(name, f.data)
		if err != nil {
			t.Errorf("%s : %v", name, err)
			continue
		}
		html := string(b)
		for _, w := range append(f.want, "Titre - APiLos", "Environnement de staging", "fr-header", "fr-footer", "Version v1") {
			if !strings.Contains(html, w) {
				t.Errorf("%s : %q absent du rendu", name, w)
			}
		}
		checkCSPFriendly(t, name, html)
	}
	// A view model without the layout fields fails loudly, not silently.
	if _, err := r.renderBytes("home", struct{}{}); err == nil {
		t.Error("rendu avec une vue incomplète : erreur attendue")
	}
	if _, err := r.renderBytes("inexistant", page); err == nil {
		t.Error("gabarit inconnu : erreur attendue")
	}
}

func TestHomePage(t *testing.T) {
	h, _ := newHandler(t, Options{Environment: "development"})
	res := get(t, h, "/")
	html := body(t, res)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("statut %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, w := range []string{
		`<html lang="fr"`,
		`<header role="banner" class="fr-header">`,
		`<p class="fr-logo">République<br>Française</p>`,
		`<p class="fr-header__service-title">APiLos</p>`,
		`Assistance au pilotage du logement social`,
		`<footer class="fr-footer"`,
		`href="/accessibilite">Accessibilité`,
		`Mentions légales`,
		`Données personnelles`,
		`href="https://www.legifrance.gouv.fr"`,
		`href="https://www.gouvernement.fr"`,
		`href="https://www.service-public.fr"`,
		`href="https://www.data.gouv.fr"`,
		`href="/accounts/login/">Se connecter`,
		`<title>Accueil - APiLos</title>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("%q absent de la page d'accueil", w)
		}
	}
	// The layout links the vendored assets under the versioned prefix.
	for _, asset := range []string{"vendor/dsfr/dsfr.min.css", "vendor/dsfr/dsfr.module.min.js", "vendor/dsfr/dsfr.nomodule.min.js", "vendor/htmx/htmx.min.js", "app.css"} {
		re := regexp.MustCompile(`"/static/[0-9a-f]{12}/` + regexp.QuoteMeta(asset) + `"`)
		if !re.MatchString(html) {
			t.Errorf("la page ne référence pas %s sous /static/<version>/", asset)
		}
	}
	checkCSPFriendly(t, "accueil", html)
}

func TestEnvironmentBanner(t *testing.T) {
	for _, tc := range []struct {
		env    string
		banner string // "" = no banner
		robots string
	}{
		{"development", "Environnement de développement", "noindex, nofollow"},
		{"staging", "Environnement de staging", "noindex, nofollow"},
		{"recette", "Environnement de recette", "noindex, nofollow"},
		{"production", "", "index, follow"},
		{"siap-production", "", "index, follow"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			h, _ := newHandler(t, Options{Environment: tc.env})
			for _, path := range []string{"/", "/page-inexistante"} {
				html := body(t, get(t, h, path))
				has := strings.Contains(html, `id="bandeau-environnement"`)
				if tc.banner == "" && has {
					t.Errorf("%s : bandeau d'environnement affiché en production", path)
				}
				if tc.banner != "" && (!has || !strings.Contains(html, tc.banner)) {
					t.Errorf("%s : bandeau %q absent", path, tc.banner)
				}
				if !strings.Contains(html, `<meta name="robots" content="`+tc.robots+`">`) {
					t.Errorf("%s : balise robots %q absente", path, tc.robots)
				}
			}
		})
	}
	if b := envBanner("development"); b == nil || !strings.Contains(b.Desc, "fictives") {
		t.Errorf("développement : les données fictives doivent être signalées, %+v", b)
	}
}

func TestErrorPagesAndMethods(t *testing.T) {
	h, _ := newHandler(t, Options{Environment: "development"})
	res := get(t, h, "/conventions/inexistante")
	html := body(t, res)
	if res.StatusCode != http.StatusNotFound || !strings.Contains(html, "Page non trouvée") || !strings.Contains(html, "fr-header") {
		t.Errorf("404 : statut %d, page DSFR attendue", res.StatusCode)
	}
	if res.Header.Get("Content-Security-Policy") == "" {
		t.Error("404 sans CSP")
	}
	// A known path with the wrong method stays a 405 with Allow.
	req := httptest.NewRequest(http.MethodPost, "/healthz", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Header().Get("Allow"), "GET") {
		t.Errorf("POST /healthz : statut %d Allow %q, 405 attendu", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestHealthz(t *testing.T) {
	h, _ := newHandler(t, Options{})
	res := get(t, h, "/healthz")
	if b := body(t, res); res.StatusCode != http.StatusOK || b != "ok" {
		t.Errorf("healthz : %d %q", res.StatusCode, b)
	}
}

func readyz(t *testing.T, h http.Handler) (int, readiness) {
	t.Helper()
	res := get(t, h, "/readyz")
	var r readiness
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("readyz : JSON illisible : %v", err)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("readyz : Content-Type %q", ct)
	}
	return res.StatusCode, r
}

func TestReadyz(t *testing.T) {
	pool := dbtest.Pool(t)

	t.Run("tout répond", func(t *testing.T) {
		h, _ := newHandler(t, Options{DB: pool, Redis: redisClient(t, redistest.URL(t))})
		code, r := readyz(t, h)
		if code != http.StatusOK || r.Checks["postgresql"] != "ok" || r.Checks["redis"] != "ok" || len(r.Failing) != 0 {
			t.Errorf("readyz : %d %+v", code, r)
		}
	})
	t.Run("redis fermé", func(t *testing.T) {
		h, logs := newHandler(t, Options{DB: pool, RedisURL: closedRedisURL(t)})
		code, r := readyz(t, h)
		if code != http.StatusServiceUnavailable || len(r.Failing) != 1 || r.Failing[0] != "redis" {
			t.Errorf("readyz : %d %+v, 503 nommant redis attendu", code, r)
		}
		if r.Checks["postgresql"] != "ok" || !strings.HasPrefix(r.Checks["redis"], "erreur : ") {
			t.Errorf("readyz : détail %+v", r.Checks)
		}
		if !strings.Contains(logs.String(), "dépendance indisponible") {
			t.Error("la dépendance en panne n'est pas journalisée")
		}
	})
	t.Run("sans base", func(t *testing.T) {
		h, _ := newHandler(t, Options{})
		code, r := readyz(t, h)
		if code != http.StatusServiceUnavailable || len(r.Failing) != 1 || r.Failing[0] != "postgresql" || r.Checks["redis"] != "non configuré" {
			t.Errorf("readyz : %d %+v, 503 nommant postgresql attendu", code, r)
		}
	})
}

func TestMetrics(t *testing.T) {
	pool := dbtest.Pool(t)
	rdb := redisClient(t, redistest.URL(t))
	client := asynq.NewClientFromRedisClient(rdb)
	if _, err := client.Enqueue(asynq.NewTask("test:metrics", nil), asynq.Queue("documents")); err != nil {
		t.Fatal(err)
	}
	h, _ := newHandler(t, Options{DB: pool, Redis: rdb})
	get(t, h, "/")
	get(t, h, "/")
	get(t, h, "/inexistante")
	res := get(t, h, "/metrics")
	out := body(t, res)
	for _, w := range []string{
		`apilos_http_requests_total{code="200",route="GET /{$}"} 2`,
		`apilos_http_requests_total{code="404",route="aucune"} 1`,
		`apilos_http_request_duration_seconds_count{route="GET /{$}"} 2`,
		`apilos_db_pool_total_conns `,
		`apilos_db_pool_acquired_conns `,
		`apilos_db_pool_idle_conns `,
		`apilos_db_pool_max_conns `,
		`apilos_queue_inspector_up 1`,
		`apilos_queue_tasks{queue="documents",state="pending"} 1`,
		`apilos_queue_tasks{queue="documents",state="archived"} 0`,
		`go_goroutines `,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("/metrics ne contient pas %q", w)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

func TestMetricsQueueDown(t *testing.T) {
	h, _ := newHandler(t, Options{RedisURL: closedRedisURL(t)})
	out := body(t, get(t, h, "/metrics"))
	if !strings.Contains(out, "apilos_queue_inspector_up 0") {
		t.Error("Redis fermé : apilos_queue_inspector_up 0 attendu")
	}
}

func TestPanicRecovery(t *testing.T) {
	h, logs := newHandler(t, Options{Environment: "development", Routes: []Route{{
		Pattern: "GET /test/panique", Rule: access.Public(),
		Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boum de test") }),
	}}})
	srv := httptest.NewServer(h)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/test/panique", nil)
	req.Header.Set("X-Request-Id", "panique-1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	html := body(t, res)
	res.Body.Close()
	if res.StatusCode != http.StatusInternalServerError || !strings.Contains(html, "Erreur inattendue") || !strings.Contains(html, "panique-1") {
		t.Errorf("panique : statut %d, page 500 avec l'identifiant attendue", res.StatusCode)
	}
	if res.Header.Get("Content-Security-Policy") == "" {
		t.Error("page 500 sans en-têtes de sécurité")
	}
	var panics int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("ligne de journal illisible %q", line)
		}
		if rec["msg"] == "panique pendant le traitement de la requête" {
			panics++
			if rec["level"] != "ERROR" || rec["request_id"] != "panique-1" || rec["panic"] != "boum de test" ||
				!strings.Contains(rec["stack"].(string), "TestPanicRecovery") {
				t.Errorf("journal de panique incomplet : %v", rec)
			}
		}
	}
	if !strings.Contains(logs.String(), `"request_id":"panique-1","method":"GET","route":"GET /test/panique","path":"/test/panique","status":500,`) {
		t.Errorf("journal d'accès de la requête en panique absent ou incomplet : %s", logs.String())
	}
	if panics != 1 {
		t.Errorf("%d lignes de panique, 1 attendue", panics)
	}
	// The server keeps serving.
	res2, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusOK {
		t.Errorf("après la panique : statut %d", res2.StatusCode)
	}
}

func TestRequestIDAndAccessLog(t *testing.T) {
	h, logs := newHandler(t, Options{})
	res := get(t, h, "/", "X-Request-Id", "proxy-abc-123")
	if got := res.Header.Get("X-Request-Id"); got != "proxy-abc-123" {
		t.Errorf("identifiant du proxy non conservé : %q", got)
	}
	for _, bad := range []string{"", "avec espace", strings.Repeat("x", 200), "a\"b"} {
		got := get(t, h, "/healthz", "X-Request-Id", bad).Header.Get("X-Request-Id")
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got) {
			t.Errorf("X-Request-Id %q : identifiant généré attendu, obtenu %q", bad, got)
		}
	}
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		json.Unmarshal([]byte(line), &rec)
		if rec["msg"] == "requête" && rec["request_id"] == "proxy-abc-123" {
			found = true
			if rec["method"] != "GET" || rec["route"] != "GET /{$}" || rec["status"] != float64(200) || rec["duration_ms"] == nil {
				t.Errorf("journal d'accès incomplet : %v", rec)
			}
		}
	}
	if !found {
		t.Errorf("pas de ligne d'accès pour la requête : %s", logs.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	h, _ := newHandler(t, Options{})
	res := get(t, h, "/")
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, attendu %q", k, got, v)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, d := range []string{"script-src 'self'", "style-src 'self'", "font-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, d+";") && !strings.HasSuffix(csp, d) {
			t.Errorf("CSP sans %q : %s", d, csp)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP trop permissive : %s", csp)
	}
}

func TestCrossOriginProtection(t *testing.T) {
	h, _ := newHandler(t, Options{Routes: []Route{{
		Pattern: "POST /test/formulaire", Rule: access.Public(),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("enregistré")) }),
	}}})
	post := func(site string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/test/formulaire", strings.NewReader("a=1"))
		req.Header.Set("Sec-Fetch-Site", site)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := post("same-origin"); rec.Code != http.StatusOK || rec.Body.String() != "enregistré" {
		t.Errorf("même origine : %d %q", rec.Code, rec.Body.String())
	}
	rec := post("cross-site")
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Accès refusé") {
		t.Errorf("autre site : %d, page 403 attendue", rec.Code)
	}
}

func TestStaticFiles(t *testing.T) {
	h, _ := newHandler(t, Options{})
	html := body(t, get(t, h, "/"))
	cssURL := regexp.MustCompile(`/static/[0-9a-f]{12}/app\.css`).FindString(html)
	if cssURL == "" {
		t.Fatal("app.css non référencé par la page")
	}
	res := get(t, h, cssURL)
	css := body(t, res)
	if res.StatusCode != http.StatusOK || !strings.Contains(css, ".htmx-indicator") {
		t.Fatalf("app.css : statut %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
		t.Errorf("app.css : Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("app.css : Cache-Control %q", cc)
	}

	// Another version (an old page during a deploy) is served uncached.
	old := get(t, h, "/static/000000000000/app.css")
	if old.StatusCode != http.StatusOK || old.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("ancienne version : %d %q", old.StatusCode, old.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/x/inexistant.css", "/static/x/vendor", "/static/x/a%2F..%2F..%2Fweb.go"} {
		if res := get(t, h, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s : statut %d, 404 attendu", p, res.StatusCode)
		}
	}

	// Compressed when asked, same content once decompressed.
	gz := get(t, h, cssURL, "Accept-Encoding", "gzip, br")
	if gz.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.css non compressé : %v", gz.Header)
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != css {
		t.Error("app.css compressé différent de l'original")
	}
}

// Every /static/ URL of the layout answers: served with its content type
// when the file is embedded, 404 when scripts/assets.sh has not run.
func TestLayoutAssetLinks(t *testing.T) {
	h, _ := newHandler(t, Options{})
	a, err := newAssets()
	if err != nil {
		t.Fatal(err)
	}
	html := body(t, get(t, h, "/"))
	links := regexp.MustCompile(`(?:href|src)="(/static/[0-9a-f]{12}/([^"#]+))`).FindAllStringSubmatch(html, -1)
	if len(links) < 8 {
		t.Fatalf("%d liens statiques seulement dans la mise en page", len(links))
	}
	for _, l := range links {
		res := get(t, h, l[1])
		if !a.Has(l[2]) {
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s absent : statut %d", l[2], res.StatusCode)
			}
			continue
		}
		want := contentTypes[path.Ext(l[2])]
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != want {
			t.Errorf("%s : statut %d, type %q (attendu %q)", l[2], res.StatusCode, res.Header.Get("Content-Type"), want)
		}
	}
}

func TestContentTypesOfVendorFiles(t *testing.T) {
	for ext, want := range map[string]string{".woff2": "font/woff2", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".ico": "image/vnd.microsoft.icon", ".webmanifest": "application/manifest+json"} {
		if contentTypes[ext] != want {
			t.Errorf("%s : %q", ext, contentTypes[ext])
		}
	}
}
