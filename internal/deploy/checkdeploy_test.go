package deploy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// site is a fake deployed APiLos whose behaviour each test bends.
type site struct {
	version     string // X-Apilos-Version; "" = not exposed
	versionJSON string // served on /version when set
	readyStatus int
	loginStatus int
	hsts        string
}

func (s site) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(s.readyStatus)
		if s.readyStatus != http.StatusOK {
			json.NewEncoder(w).Encode(map[string]any{"status": "indisponible", "failing": []string{"postgresql"}})
		}
	})
	mux.HandleFunc("GET /accounts/login/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(s.loginStatus) })
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("accueil")) })
	if s.versionJSON != "" {
		mux.HandleFunc("GET /version", func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"version": s.versionJSON})
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.version != "" {
			w.Header().Set(VersionHeader, s.version)
		}
		if s.hsts != "" && r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", s.hsts)
		}
		mux.ServeHTTP(w, r)
	})
}

func goodSite() site {
	return site{version: "v1.4.0", readyStatus: 200, loginStatus: 200, hsts: "max-age=31536000; includeSubDomains"}
}

// redirector answers like the platform's http front: a redirect to target.
func redirector(t *testing.T, code int, target string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code == http.StatusOK {
			w.Write([]byte("en clair"))
			return
		}
		http.Redirect(w, r, target+r.URL.Path, code)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func find(t *testing.T, rep Report, prefix string) Result {
	t.Helper()
	for _, r := range rep.Results {
		if strings.HasPrefix(r.Point, prefix) {
			return r
		}
	}
	t.Fatalf("point %q absent du rapport :\n%s", prefix, rep)
	return Result{}
}

func TestCheckDeploy(t *testing.T) {
	tests := []struct {
		name       string
		site       func() site
		version    string
		production bool
		redirect   int // answer of the http front (0: redirect 301 to the TLS site)
		wantFail   []string
		wantOK     []string
	}{
		{name: "good site in production", site: goodSite, version: "v1.4.0", production: true,
			wantOK: []string{"/healthz", "/readyz", "page de connexion", "version servie", "en-tête HSTS", "redirection http vers https"}},
		{name: "wrong version", site: goodSite, version: "v1.5.0", wantFail: []string{"version servie"},
			wantOK: []string{"/healthz", "/readyz"}},
		{name: "readyz 503", site: func() site { s := goodSite(); s.readyStatus = 503; return s }, version: "v1.4.0",
			wantFail: []string{"/readyz"}},
		{name: "missing HSTS in production", site: func() site { s := goodSite(); s.hsts = ""; return s }, version: "v1.4.0", production: true,
			wantFail: []string{"en-tête HSTS"}, wantOK: []string{"redirection http vers https"}},
		{name: "HSTS without max-age", site: func() site { s := goodSite(); s.hsts = "max-age=0"; return s }, version: "v1.4.0", production: true,
			wantFail: []string{"en-tête HSTS"}},
		{name: "no redirect", site: goodSite, version: "v1.4.0", production: true, redirect: http.StatusOK,
			wantFail: []string{"redirection http vers https"}, wantOK: []string{"en-tête HSTS"}},
		{name: "temporary redirect is not enough", site: goodSite, version: "v1.4.0", production: true, redirect: http.StatusFound,
			wantFail: []string{"redirection http vers https"}},
		{name: "login page 500", site: func() site { s := goodSite(); s.loginStatus = 500; return s }, version: "v1.4.0",
			wantFail: []string{"page de connexion"}},
		{name: "version not exposed", site: func() site { s := goodSite(); s.version = ""; return s }, version: "v1.4.0",
			wantFail: []string{"version servie"}},
		{name: "version from /version endpoint", site: func() site { s := goodSite(); s.version = ""; s.versionJSON = "v1.4.0"; return s }, version: "v1.4.0",
			wantOK: []string{"version servie"}},
		{name: "abbreviated commit", site: func() site { s := goodSite(); s.version = "3f9a2c1d5e7b8a9c0d1e2f3a4b5c6d7e8f9a0b1c"; return s }, version: "3f9a2c1",
			wantOK: []string{"version servie"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.site()
			tlsSrv := httptest.NewTLSServer(s.handler())
			t.Cleanup(tlsSrv.Close)
			code := tt.redirect
			if code == 0 {
				code = http.StatusMovedPermanently
			}
			front := redirector(t, code, tlsSrv.URL)
			rep, err := Check(context.Background(), CheckOptions{
				URL: tlsSrv.URL + "/", Version: tt.version, Production: tt.production,
				HTTPURL: front.URL, Client: tlsSrv.Client(),
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.wantOK {
				if r := find(t, rep, p); r.Status != OK {
					t.Errorf("%s : %v (%s), attendu OK\n%s", p, r.Status, r.Detail, rep)
				}
			}
			for _, p := range tt.wantFail {
				if r := find(t, rep, p); r.Status != Failed {
					t.Errorf("%s : %v (%s), attendu ÉCHEC\n%s", p, r.Status, r.Detail, rep)
				}
				if err := rep.Err(); err == nil || !strings.Contains(err.Error(), p) {
					t.Errorf("Err() = %v, doit nommer %q", err, p)
				}
			}
			if len(tt.wantFail) == 0 && rep.Err() != nil {
				t.Errorf("Err() = %v, attendu nil\n%s", rep.Err(), rep)
			}
		})
	}
}

func TestCheckDeployReadyzNamesFailingDependency(t *testing.T) {
	s := goodSite()
	s.readyStatus = 503
	srv := httptest.NewServer(s.handler())
	defer srv.Close()
	rep, err := Check(context.Background(), CheckOptions{URL: srv.URL, Version: "v1.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, rep, "/readyz"); !strings.Contains(r.Detail, "503") || !strings.Contains(r.Detail, "postgresql") {
		t.Errorf("detail = %q, doit donner le code et la dépendance", r.Detail)
	}
}

func TestCheckDeployLoginFallback(t *testing.T) {
	s := goodSite()
	s.loginStatus = http.StatusNotFound
	srv := httptest.NewServer(s.handler())
	defer srv.Close()
	rep, err := Check(context.Background(), CheckOptions{URL: srv.URL, Version: "v1.4.0"})
	if err != nil {
		t.Fatal(err)
	}
	r := find(t, rep, "page de connexion")
	if r.Status != OK || !strings.Contains(r.Detail, "page d'accueil") {
		t.Errorf("login 404 + accueil 200 : %v %q, attendu OK en le disant", r.Status, r.Detail)
	}
}

func TestCheckDeployHTTPProduction(t *testing.T) {
	srv := httptest.NewServer(goodSite().handler())
	defer srv.Close()
	// A production check on http:// is refused unless asked for explicitly.
	if _, err := Check(context.Background(), CheckOptions{URL: srv.URL, Production: true}); err == nil || !strings.Contains(err.Error(), "--no-https") {
		t.Fatalf("err = %v, attendu un refus qui cite --no-https", err)
	}
	rep, err := Check(context.Background(), CheckOptions{URL: srv.URL, Version: "v1.4.0", Production: true, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"en-tête HSTS", "redirection http vers https"} {
		if r := find(t, rep, p); r.Status != NotChecked || !strings.Contains(r.Detail, "https") {
			t.Errorf("%s : %v %q, attendu NON VÉRIFIÉ avec la raison", p, r.Status, r.Detail)
		}
	}
	if rep.Err() != nil {
		t.Errorf("Err() = %v", rep.Err())
	}
	if !strings.Contains(rep.String(), "NON VÉRIFIÉ") {
		t.Errorf("le rapport doit dire ce qui n'a pas été vérifié :\n%s", rep)
	}
}

func TestCheckDeployUnreachable(t *testing.T) {
	srv := httptest.NewServer(goodSite().handler())
	url := srv.URL
	srv.Close()
	rep, err := Check(context.Background(), CheckOptions{URL: url, Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, rep, "/healthz"); r.Status != Failed || !strings.Contains(r.Detail, "injoignable") {
		t.Errorf("/healthz : %v %q", r.Status, r.Detail)
	}
}

func TestCheckUntilWaitsForNewVersion(t *testing.T) {
	// The old version answers first, then the new one: CheckUntil retries.
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			calls++
		}
		v := "v1.3.0"
		if calls > 2 {
			v = "v1.4.0"
		}
		w.Header().Set(VersionHeader, v)
	}))
	defer srv.Close()
	rep, err := CheckUntil(context.Background(), CheckOptions{URL: srv.URL, Version: "v1.4.0"}, time.Minute, time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Err() != nil || rep.ServedVersion != "v1.4.0" || calls != 3 {
		t.Errorf("après %d essais : %v (version %s)", calls, rep.Err(), rep.ServedVersion)
	}
	// And gives up with the last report once the timeout is spent.
	rep, _ = CheckUntil(context.Background(), CheckOptions{URL: srv.URL, Version: "v9"}, 5*time.Millisecond, time.Millisecond, nil)
	if rep.Err() == nil {
		t.Error("une version jamais servie doit finir en échec")
	}
}

func TestSameVersion(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"v1.2.3", "v1.2.3", true},
		{"v1.2.3", "v1.2.4", false},
		{"v1.2.3", "v1.2", false},
		{"abcdef1234567890", "ABCDEF1", true},
		{"abcdef1", "abcdef1234567890", true},
		{"abcdef", "abcdef12", false}, // too short to be a commit
		{"abcdef1234", "abcdef1299", false},
		{"", "", false},
	} {
		if got := SameVersion(tt.a, tt.b); got != tt.want {
			t.Errorf("SameVersion(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
