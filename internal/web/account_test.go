package web

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
)

// fakeClock is the clock of the account pages in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// account is a test user with a known password (cheap Django pbkdf2
// hash, as the fixtures carry).
type testAccount struct {
	id                         int64
	username, email, password  string
	staff, superuser, inactive bool
	cerbere, first, last, hash string
}

func createAccount(t *testing.T, pool *pgxpool.Pool, a *testAccount) {
	t.Helper()
	if a.password == "" {
		a.password = "Mot de passe de " + a.username + " 2026"
	}
	if a.hash == "" {
		a.hash = password.PBKDF2SHA256(a.password, "sel"+a.username, 1000)
	}
	if a.email == "" {
		a.email = a.username + "@example.gouv.fr"
	}
	var cerbere *string
	if a.cerbere != "" {
		cerbere = &a.cerbere
	}
	err := pool.QueryRow(context.Background(), `INSERT INTO users_user (password, is_superuser, username, first_name,
		last_name, email, is_staff, is_active, date_joined, preferences_email, secondary_email, cerbere_login)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), 'PARTIEL', '', $9) RETURNING id`,
		a.hash, a.superuser, a.username, a.first, a.last, a.email, a.staff, !a.inactive, cerbere).Scan(&a.id)
	if err != nil {
		t.Fatal(err)
	}
}

// webClient is a browser-like HTTP client: a cookie jar, no redirect
// following, forms posted as a same-origin page would.
type webClient struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
	// header is added to every request (X-Forwarded-For in some tests).
	header http.Header
}

func newClient(t *testing.T, srv *httptest.Server) *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{t: t, srv: srv, header: http.Header{}, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *webClient) send(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, html.UnescapeString(string(b))
}

func (c *webClient) get(path string) (*http.Response, string) { return c.send("GET", path, nil) }
func (c *webClient) post(path string, form url.Values) (*http.Response, string) {
	return c.send("POST", path, form)
}

func (c *webClient) sessionToken() string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == sessionCookieName {
			return ck.Value
		}
	}
	return ""
}

func (c *webClient) login(a *testAccount, next string) *http.Response {
	c.t.Helper()
	res, b := c.post("/accounts/login/", url.Values{"username": {a.username}, "password": {a.password}, "next": {next}})
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("connexion de %s : statut %d\n%s", a.username, res.StatusCode, b)
	}
	return res
}

type accountEnv struct {
	pool   *pgxpool.Pool
	clock  *fakeClock
	mailer *mail.Memory
	logs   *syncBuffer
	srv    *httptest.Server
}

func newAccountEnv(t *testing.T, edit func(*Options)) *accountEnv {
	t.Helper()
	e := &accountEnv{pool: dbtest.Pool(t), clock: &fakeClock{t: time.Date(2026, 11, 26, 13, 0, 0, 0, time.UTC)}, mailer: mail.NewMemory()}
	opts := Options{Environment: "development", DB: e.pool, Accounts: AccountOptions{
		SecretKey: "clé de test", SiteURL: "https://apilos.example.gouv.fr", Mailer: e.mailer, Now: e.clock.Now,
	}}
	if edit != nil {
		edit(&opts)
	}
	h, logs := newHandler(t, opts)
	e.logs = logs
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	return e
}

func TestLoginLogout(t *testing.T) {
	e := newAccountEnv(t, nil)
	sabine := &testAccount{username: "Sabine", first: "Sabine", last: "Martin"}
	createAccount(t, e.pool, sabine)
	c := newClient(t, e.srv)

	res, b := c.get("/accounts/login/?next=/apilos_settings/profile/")
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `name="next" value="/apilos_settings/profile/"`) || !strings.Contains(b, `id="id_username"`) {
		t.Fatalf("formulaire de connexion : %d", res.StatusCode)
	}
	checkCSPFriendly(t, "connexion", b)
	for _, tc := range []struct{ id, pw string }{{"sabine", "faux"}, {"personne", sabine.password}, {"", ""}} {
		res, b = c.post("/accounts/login/", url.Values{"username": {tc.id}, "password": {tc.pw}})
		if res.StatusCode != http.StatusOK || !strings.Contains(b, "Identifiant ou mot de passe incorrect.") {
			t.Errorf("%q/%q : statut %d, message générique attendu", tc.id, tc.pw, res.StatusCode)
		}
		if !strings.Contains(b, `value="`+tc.id+`"`) {
			t.Errorf("identifiant %q non réaffiché", tc.id)
		}
	}
	if strings.Contains(b, sabine.password) {
		t.Error("le mot de passe est réaffiché")
	}

	anonymousToken := c.sessionToken()
	// By e-mail, another case.
	res, _ = c.post("/accounts/login/", url.Values{"username": {"SABINE@example.gouv.fr"}, "password": {sabine.password}, "next": {"/apilos_settings/profile/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apilos_settings/profile/" {
		t.Fatalf("connexion : %d vers %q", res.StatusCode, res.Header.Get("Location"))
	}
	if tok := c.sessionToken(); tok == "" || tok == anonymousToken {
		t.Error("pas de nouveau jeton de session à la connexion")
	}
	var hash string
	var last *time.Time
	e.pool.QueryRow(context.Background(), `SELECT password, last_login FROM users_user WHERE id = $1`, sabine.id).Scan(&hash, &last)
	if !strings.HasPrefix(hash, "argon2$argon2id$") {
		t.Errorf("empreinte pbkdf2 non convertie : %q", hash)
	}
	if last == nil || !last.Equal(e.clock.Now()) {
		t.Errorf("last_login %v", last)
	}
	res, b = c.get("/apilos_settings/profile/")
	if res.StatusCode != http.StatusOK || !strings.Contains(b, "Sabine Martin") || !strings.Contains(b, `id="bouton-deconnexion"`) {
		t.Fatalf("profil après connexion : %d", res.StatusCode)
	}
	if strings.Contains(b, `href="/accounts/login/">Se connecter`) {
		t.Error("l'en-tête propose encore la connexion")
	}
	checkCSPFriendly(t, "profil", b)
	// Already logged in: the login page moves on.
	if res, _ = c.get("/accounts/login/?next=/apilos_settings/profile/"); res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/apilos_settings/profile/" {
		t.Errorf("connexion déjà ouverte : %d %q", res.StatusCode, res.Header.Get("Location"))
	}

	// GET never logs out.
	token := c.sessionToken()
	res, b = c.get("/accounts/logout/")
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `action="/accounts/logout/"`) {
		t.Errorf("GET déconnexion : %d, formulaire de confirmation attendu", res.StatusCode)
	}
	if res, _ = c.get("/apilos_settings/profile/"); res.StatusCode != http.StatusOK {
		t.Fatal("GET /accounts/logout/ a fermé la session")
	}
	res, _ = c.post("/accounts/logout/", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("déconnexion : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	var n int
	e.pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, token).Scan(&n)
	if n != 0 {
		t.Error("session encore en base après la déconnexion")
	}
	if res, _ = c.get("/apilos_settings/profile/"); res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "/accounts/login/?next=") {
		t.Errorf("profil après déconnexion : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ = c.get("/accounts/logout/"); res.StatusCode != http.StatusFound {
		t.Errorf("GET déconnexion anonyme : %d", res.StatusCode)
	}
	if ok := logRecords(e.logs, "connexion"); len(ok) != 1 || ok[0]["user_id"] != float64(sabine.id) || ok[0]["client_ip"] != "127.0.0.1" {
		t.Errorf("connexion non journalisée : %v", ok)
	}
	if ko := logRecords(e.logs, "échec de connexion"); len(ko) != 3 || ko[0]["identifier"] != "sabine" {
		t.Errorf("échecs non journalisés : %v", ko)
	}
}

func TestInactiveAndCerbereAccountsRefused(t *testing.T) {
	e := newAccountEnv(t, nil)
	inactive := &testAccount{username: "ancien", inactive: true}
	createAccount(t, e.pool, inactive)
	c := newClient(t, e.srv)
	res, b := c.post("/accounts/login/", url.Values{"username": {"ancien"}, "password": {inactive.password}})
	if res.StatusCode != http.StatusOK || !strings.Contains(b, "Identifiant ou mot de passe incorrect.") {
		t.Errorf("compte inactif : %d", res.StatusCode)
	}
}

func TestLocalNext(t *testing.T) {
	for next, want := range map[string]string{
		"/conventions/?cstatut=1&page=2": "/conventions/?cstatut=1&page=2",
		"/":                              "/",
		"":                               "",
		"https://evil.example/":          "",
		"//evil.example/":                "",
		"/\\evil.example/":               "",
		"/a\\b":                          "",
		"javascript:alert(1)":            "",
		"evil.example":                   "",
		"/ok\r\nSet-Cookie: x=1":         "",
		"/%2F%2Fevil.example":            "/%2F%2Fevil.example", // a path of ours, not a host
		"http:/evil.example":             "",
	} {
		if got := localNext(next); got != want {
			t.Errorf("localNext(%q) = %q, attendu %q", next, got, want)
		}
	}
}

func TestLoginRefusesOpenRedirect(t *testing.T) {
	e := newAccountEnv(t, nil)
	a := &testAccount{username: "roger"}
	createAccount(t, e.pool, a)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
		c := newClient(t, e.srv)
		if res := c.login(a, next); res.Header.Get("Location") != "/" {
			t.Errorf("next=%q : redirigé vers %q, / attendu", next, res.Header.Get("Location"))
		}
	}
	// The form never carries a foreign next either.
	c := newClient(t, e.srv)
	_, b := c.get("/accounts/login/?next=" + url.QueryEscape("https://evil.example/"))
	if !strings.Contains(b, `name="next" value=""`) {
		t.Error("destination étrangère recopiée dans le formulaire")
	}
}

func TestLoginLockout(t *testing.T) {
	for _, backend := range []string{"postgresql", "redis"} {
		t.Run(backend, func(t *testing.T) {
			e := newAccountEnv(t, func(o *Options) {
				// The test server's peer is 127.0.0.1: trusted, so
				// X-Forwarded-For names the client.
				o.Transport.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
				if backend == "redis" {
					o.Redis = redisClient(t, redistest.URL(t))
				}
			})
			a := &testAccount{username: "sylvie"}
			createAccount(t, e.pool, a)
			c := newClient(t, e.srv)
			c.header.Set("X-Forwarded-For", "198.51.100.10")
			for i := 1; i <= 4; i++ {
				res, b := c.post("/accounts/login/", url.Values{"username": {"Sylvie"}, "password": {"mauvais"}})
				if res.StatusCode != http.StatusOK || !strings.Contains(b, "Identifiant ou mot de passe incorrect.") {
					t.Fatalf("échec %d : %d", i, res.StatusCode)
				}
			}
			res, b := c.post("/accounts/login/", url.Values{"username": {"sylvie"}, "password": {"mauvais"}})
			// 13:00 UTC + 6 h = 20:00 in Paris (winter time).
			const msg = "Trop de tentatives de connexion : ce compte est bloqué jusqu'au 26/11/2026 à 20:00."
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, msg) {
				t.Fatalf("5e échec : %d, message de verrouillage attendu", res.StatusCode)
			}
			// The right password from another address is refused too.
			other := newClient(t, e.srv)
			other.header.Set("X-Forwarded-For", "198.51.100.99")
			if res, b = other.post("/accounts/login/", url.Values{"username": {"sylvie"}, "password": {a.password}}); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, msg) {
				t.Errorf("compte verrouillé, bon mot de passe : %d", res.StatusCode)
			}
			// The address is locked for other accounts.
			roger := &testAccount{username: "roger"}
			createAccount(t, e.pool, roger)
			if res, b = c.post("/accounts/login/", url.Values{"username": {"roger"}, "password": {roger.password}}); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(b, "depuis votre adresse") {
				t.Errorf("adresse verrouillée : %d", res.StatusCode)
			}
			if c := other.login(roger, "/"); c.StatusCode != http.StatusSeeOther {
				t.Error("autre compte depuis une autre adresse refusé")
			}
			if len(logRecords(e.logs, "connexion refusée : verrouillage")) == 0 {
				t.Error("refus pour verrouillage non journalisé")
			}
			e.clock.Advance(6 * time.Hour)
			c.login(a, "/")
		})
	}
}

func TestPasswordReset(t *testing.T) {
	e := newAccountEnv(t, nil)
	a := &testAccount{username: "raph", first: "Raphaël"}
	createAccount(t, e.pool, a)
	cerbere := &testAccount{username: "cerb", email: "cerb@example.gouv.fr", cerbere: "cerb.login"}
	createAccount(t, e.pool, cerbere)
	c := newClient(t, e.srv)

	res, b := c.get("/accounts/password_reset/")
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `id="id_email"`) {
		t.Fatalf("formulaire : %d", res.StatusCode)
	}
	checkCSPFriendly(t, "réinitialisation", b)
	if res, b = c.post("/accounts/password_reset/", url.Values{"email": {"pas une adresse"}}); res.StatusCode != http.StatusOK || !strings.Contains(b, "Adresse e-mail : saisissez une adresse valide") {
		t.Errorf("adresse invalide : %d", res.StatusCode)
	}
	// Unknown address and CERBERE account: the same answer, no e-mail.
	var answers []string
	for _, email := range []string{"inconnu@example.gouv.fr", "cerb@example.gouv.fr", "RAPH@example.gouv.fr"} {
		res, _ := c.post("/accounts/password_reset/", url.Values{"email": {email}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s : %d", email, res.StatusCode)
		}
		answers = append(answers, res.Header.Get("Location"))
		_, b := c.get(res.Header.Get("Location"))
		if !strings.Contains(b, "Si un compte APiLos est associé à cette adresse") {
			t.Errorf("%s : page de confirmation attendue", email)
		}
	}
	if answers[0] != answers[1] || answers[1] != answers[2] {
		t.Errorf("réponses différentes selon l'adresse : %v", answers)
	}
	sent := e.mailer.Sent()
	if len(sent) != 1 || sent[0].To[0] != a.email || sent[0].From != mail.DefaultFrom {
		t.Fatalf("e-mails envoyés : %+v", sent)
	}
	link := regexp.MustCompile(`https://apilos\.example\.gouv\.fr(/accounts/reset/[^/\s]+/[^/\s]+/)`).FindStringSubmatch(sent[0].Text)
	if link == nil || !strings.Contains(sent[0].Text, "Bonjour Raphaël") {
		t.Fatalf("lien absent du message :\n%s", sent[0].Text)
	}
	path := link[1]

	res, b = c.get(path)
	if res.StatusCode != http.StatusOK || !strings.Contains(b, `id="id_new_password1"`) || !strings.Contains(b, "raph") {
		t.Fatalf("lien valide : %d", res.StatusCode)
	}
	checkCSPFriendly(t, "nouveau mot de passe", b)
	if res, b = c.post(path, url.Values{"new_password1": {"Nouveau secret 2026"}, "new_password2": {"Autre secret 2026"}}); !strings.Contains(b, "Les deux mots de passe ne correspondent pas.") {
		t.Errorf("confirmation différente : %d", res.StatusCode)
	}
	if _, b = c.post(path, url.Values{"new_password1": {"court"}, "new_password2": {"court"}}); !strings.Contains(b, "au moins 12 caractères") {
		t.Error("mot de passe trop court accepté")
	}
	res, _ = c.post(path, url.Values{"new_password1": {"Nouveau secret 2026"}, "new_password2": {"Nouveau secret 2026"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/accounts/reset/done/" {
		t.Fatalf("enregistrement : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, b = c.get("/accounts/reset/done/"); !strings.Contains(b, "Votre mot de passe a été enregistré.") {
		t.Error("page de fin absente")
	}
	// Single use.
	for _, m := range []string{"GET", "POST"} {
		_, b = c.send(m, path, url.Values{"new_password1": {"Encore un autre 2026"}, "new_password2": {"Encore un autre 2026"}})
		if !strings.Contains(b, "Lien invalide ou expiré") {
			t.Errorf("%s : lien réutilisable", m)
		}
	}
	a.password = "Nouveau secret 2026"
	c.login(a, "/")

	// Expired after one hour.
	c2 := newClient(t, e.srv)
	e.mailer.Reset()
	c2.post("/accounts/password_reset/", url.Values{"email": {a.email}})
	path2 := regexp.MustCompile(`/accounts/reset/[^/\s]+/[^/\s]+/`).FindString(e.mailer.Sent()[0].Text)
	e.clock.Advance(time.Hour + time.Second)
	if _, b = c2.get(path2); !strings.Contains(b, "Lien invalide ou expiré") {
		t.Error("lien expiré accepté")
	}
	for _, bad := range []string{"/accounts/reset/MQ/abc-def/", "/accounts/reset/!!/x/", "/accounts/reset/OTk5OTk/1-2/"} {
		if res, b = c2.get(bad); res.StatusCode != http.StatusOK || !strings.Contains(b, "Lien invalide ou expiré") {
			t.Errorf("%s : %d", bad, res.StatusCode)
		}
	}
}

func TestLocalLoginDisabledInCerbereMode(t *testing.T) {
	e := newAccountEnv(t, func(o *Options) { o.Accounts.LocalLoginDisabled = true })
	c := newClient(t, e.srv)
	if res, _ := c.get("/accounts/login/?next=/x"); res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/accounts/cerbere-login?next=%2Fx" {
		t.Errorf("connexion locale en mode CERBERE : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, p := range []string{"/accounts/password_reset/", "/accounts/reset/done/"} {
		if res, _ := c.get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s en mode CERBERE : %d", p, res.StatusCode)
		}
	}
	if res, _ := c.post("/accounts/login/", url.Values{"username": {"x"}, "password": {"y"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST connexion en mode CERBERE : %d", res.StatusCode)
	}
}

func TestProfile(t *testing.T) {
	e := newAccountEnv(t, nil)
	a := &testAccount{username: "fix", first: "Félix", last: "Durand"}
	createAccount(t, e.pool, a)
	c := newClient(t, e.srv)
	if res, _ := c.get("/accounts/profile/"); res.StatusCode != http.StatusFound {
		t.Errorf("profil anonyme : %d, redirection vers la connexion attendue", res.StatusCode)
	}
	c.login(a, "/")
	if res, _ := c.get("/accounts/profile/"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/apilos_settings/profile/" {
		t.Errorf("/accounts/profile/ : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, b := c.get("/apilos_settings/profile/")
	if !strings.Contains(b, `value="PARTIEL" checked`) || !strings.Contains(b, "Emails des conventions instruites") {
		t.Error("préférence actuelle non cochée")
	}
	res, _ := c.post("/apilos_settings/profile/", url.Values{"form": {"preferences"}, "preferences_email": {"AUCUN"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("préférence : %d", res.StatusCode)
	}
	_, b = c.get("/apilos_settings/profile/")
	if !strings.Contains(b, "Votre profil a été enregistré avec succès") || !strings.Contains(b, `value="AUCUN" checked`) {
		t.Error("préférence non enregistrée ou message absent")
	}
	if _, b = c.get("/apilos_settings/profile/"); strings.Contains(b, "enregistré avec succès") {
		t.Error("le message s'affiche deux fois")
	}
	if _, b = c.post("/apilos_settings/profile/", url.Values{"form": {"preferences"}, "preferences_email": {"PARFOIS"}}); !strings.Contains(b, "Préférence e-mail : choisissez") {
		t.Error("préférence inconnue acceptée")
	}

	if _, b = c.post("/apilos_settings/profile/", url.Values{"form": {"password"}, "old_password": {"faux"}, "new_password1": {"Tout nouveau 2026"}, "new_password2": {"Tout nouveau 2026"}}); !strings.Contains(b, "ancien mot de passe est incorrect") {
		t.Error("ancien mot de passe faux accepté")
	}
	before := c.sessionToken()
	res, _ = c.post("/apilos_settings/profile/", url.Values{"form": {"password"}, "old_password": {a.password}, "new_password1": {"Tout nouveau 2026"}, "new_password2": {"Tout nouveau 2026"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changement de mot de passe : %d", res.StatusCode)
	}
	if c.sessionToken() == before {
		t.Error("jeton de session inchangé après le changement de mot de passe")
	}
	if _, b = c.get("/apilos_settings/profile/"); !strings.Contains(b, "Votre mot de passe a été changé.") {
		t.Error("toujours connecté avec un message attendu")
	}
	a.password = "Tout nouveau 2026"
	newClient(t, e.srv).login(a, "/")

	cerb := &testAccount{username: "cerb", cerbere: "cerb.login"}
	createAccount(t, e.pool, cerb)
	cc := newClient(t, e.srv)
	// CERBERE accounts have no local login: see their page through a
	// superuser acting as them.
	root := &testAccount{username: "root", superuser: true, staff: true}
	createAccount(t, e.pool, root)
	cc.login(root, "/")
	cc.post("/hijack/acquire/", url.Values{"user_pk": {itoa(cerb.id)}})
	if _, b = cc.get("/apilos_settings/profile/"); strings.Contains(b, `id="id_old_password"`) || !strings.Contains(b, "géré par CERBERE") {
		t.Error("compte CERBERE : formulaire de mot de passe affiché")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// logRecords returns the JSON log records whose message is msg.
func logRecords(logs *syncBuffer, msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

func TestImpersonation(t *testing.T) {
	e := newAccountEnv(t, nil)
	root := &testAccount{username: "root", superuser: true, staff: true, first: "Rose", last: "Admin"}
	staff := &testAccount{username: "support", staff: true, first: "Sam", last: "Support"}
	staff2 := &testAccount{username: "support2", staff: true}
	user := &testAccount{username: "jean.bailleur", first: "Jean", last: "Bailleur"}
	user2 := &testAccount{username: "chantal"}
	gone := &testAccount{username: "parti", inactive: true}
	for _, a := range []*testAccount{root, staff, staff2, user, user2, gone} {
		createAccount(t, e.pool, a)
	}

	// Plain users may not even see the list nor acquire.
	plain := newClient(t, e.srv)
	plain.login(user2, "/")
	if res, _ := plain.get("/admin/utilisateurs/"); res.StatusCode != http.StatusForbidden {
		t.Errorf("liste pour un utilisateur : %d", res.StatusCode)
	}
	if res, _ := plain.post("/hijack/acquire/", url.Values{"user_pk": {itoa(user.id)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("usurpation par un utilisateur : %d", res.StatusCode)
	}

	c := newClient(t, e.srv)
	c.login(staff, "/")
	res, b := c.get("/admin/utilisateurs/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("liste : %d", res.StatusCode)
	}
	checkCSPFriendly(t, "utilisateurs", b)
	for _, a := range []*testAccount{user, user2} {
		if !strings.Contains(b, `id="devenir-`+itoa(a.id)+`"`) {
			t.Errorf("bouton absent pour %s", a.username)
		}
	}
	for _, a := range []*testAccount{root, staff2, gone, staff} {
		if strings.Contains(b, `id="devenir-`+itoa(a.id)+`"`) {
			t.Errorf("bouton proposé pour %s", a.username)
		}
	}
	if _, b = c.get("/admin/utilisateurs/?q=chant"); !strings.Contains(b, "chantal") || strings.Contains(b, "jean.bailleur") {
		t.Error("recherche")
	}
	for _, tc := range []struct {
		target *testAccount
		want   int
	}{{staff2, http.StatusForbidden}, {root, http.StatusForbidden}, {gone, http.StatusForbidden}} {
		if res, _ := c.post("/hijack/acquire/", url.Values{"user_pk": {itoa(tc.target.id)}}); res.StatusCode != tc.want {
			t.Errorf("staff → %s : %d, attendu %d", tc.target.username, res.StatusCode, tc.want)
		}
	}
	if res, _ := c.post("/hijack/acquire/", url.Values{"user_pk": {"999999"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("compte inexistant : %d", res.StatusCode)
	}

	res, _ = c.post("/hijack/acquire/", url.Values{"user_pk": {itoa(user.id)}, "next": {"/apilos_settings/profile/"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apilos_settings/profile/" {
		t.Fatalf("usurpation : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// "/" sends a logged-in user to the search page, which has the banner too.
	for _, p := range []string{"/apilos_settings/profile/", "/conventions/recherche"} {
		_, b = c.get(p)
		if !strings.Contains(b, `id="bandeau-usurpation"`) || !strings.Contains(b, "Vous agissez en tant que Jean Bailleur") || !strings.Contains(b, `action="/hijack/release/"`) {
			t.Errorf("%s : bandeau d'usurpation absent", p)
		}
		checkCSPFriendly(t, p, b)
	}
	if _, b = c.get("/apilos_settings/profile/"); !strings.Contains(b, "jean.bailleur") || strings.Contains(b, `id="id_old_password"`) {
		t.Error("profil de la cible attendu, sans changement de mot de passe")
	}
	if res, _ = c.post("/apilos_settings/profile/", url.Values{"form": {"password"}, "old_password": {user.password}, "new_password1": {"Pris par le support 1"}, "new_password2": {"Pris par le support 1"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("changement du mot de passe de la cible : %d", res.StatusCode)
	}
	// The impersonated user is not staff: no list, no nested acquire.
	if res, _ = c.get("/admin/utilisateurs/"); res.StatusCode != http.StatusForbidden {
		t.Errorf("liste pendant l'usurpation : %d", res.StatusCode)
	}
	res, _ = c.post("/hijack/release/", url.Values{})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/utilisateurs/" {
		t.Fatalf("retour : %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, b = c.get("/apilos_settings/profile/"); strings.Contains(b, "bandeau-usurpation") || !strings.Contains(b, "Sam Support") {
		t.Error("le retour n'a pas rendu le compte de l'agent")
	}
	lines := logRecords(e.logs, "usurpation d'identité")
	if len(lines) != 2 {
		t.Fatalf("%d lignes d'audit, 2 attendues : %v", len(lines), lines)
	}
	for i, action := range []string{"acquire", "release"} {
		l := lines[i]
		if l["action"] != action || l["impersonator"] != "support" || l["target"] != "jean.bailleur" ||
			l["impersonator_id"] != float64(staff.id) || l["target_id"] != float64(user.id) || l["at"] != "2026-11-26T13:00:00Z" || l["client_ip"] != "127.0.0.1" {
			t.Errorf("ligne d'audit %s : %v", action, l)
		}
	}
	// Releasing without impersonation changes nothing.
	if res, _ = c.post("/hijack/release/", url.Values{}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("retour sans usurpation : %d", res.StatusCode)
	}

	// A superuser may act as staff; the agent demoted meanwhile gets a
	// closed session on release.
	r := newClient(t, e.srv)
	r.login(root, "/")
	if res, _ = r.post("/hijack/acquire/", url.Values{"user_pk": {itoa(staff2.id)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("super-utilisateur → staff : %d", res.StatusCode)
	}
	if res, _ = r.post("/hijack/acquire/", url.Values{"user_pk": {itoa(user.id)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("usurpation imbriquée : %d", res.StatusCode)
	}
	e.pool.Exec(context.Background(), `UPDATE users_user SET is_superuser = false, is_staff = false WHERE id = $1`, root.id)
	r.post("/hijack/release/", url.Values{})
	if res, _ = r.get("/apilos_settings/profile/"); res.StatusCode != http.StatusFound {
		t.Errorf("agent rétrogradé : session encore ouverte (%d)", res.StatusCode)
	}
}

func TestTransportWired(t *testing.T) {
	h, _ := newHandler(t, Options{Environment: "production", Transport: TransportOptions{
		HSTSMaxAge: 31536000, HSTSIncludeSubdomains: true, HSTSPreload: true, SSLRedirect: true,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")},
	}})
	req := httptest.NewRequest("GET", "http://apilos.example.gouv.fr/accounts/login/", nil)
	req.RemoteAddr = "192.0.2.1:1234"
	req.Header.Set("X-Forwarded-Proto", "http")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "https://apilos.example.gouv.fr/accounts/login/" {
		t.Errorf("redirection HTTPS : %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec.Header().Get("Strict-Transport-Security") != "max-age=31536000; includeSubDomains; preload" {
		t.Errorf("HSTS : %q", rec.Header().Get("Strict-Transport-Security"))
	}
	res := get(t, h, "/healthz")
	if res.Header.Get("Strict-Transport-Security") == "" || res.Header.Get("X-Request-Id") == "" {
		t.Error("en-têtes manquants sur /healthz")
	}
}
