package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

var key = []byte("clé d'API partagée avec le SIAP")

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func forge(header, payload map[string]any, k []byte) string {
	in := b64(header) + "." + b64(payload)
	if k == nil {
		return in + "."
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func claims(now time.Time, mod func(map[string]any)) map[string]any {
	p := map[string]any{"token_type": "access", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti": "0f8f7c1e-5d8a-4bb6-9a51-6d2e3c1b2a90", "user-login": "siap.user", "habilitation-id": 12}
	if mod != nil {
		mod(p)
	}
	return p
}

func get(t *testing.T, url, auth string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("%s: body %q is not JSON", url, b)
	}
	return resp.StatusCode, resp.Header, body
}

func TestConfigOverHTTP(t *testing.T) {
	now := time.Now()
	srv := httptest.NewServer(New(Options{JWTKey: key}))
	t.Cleanup(srv.Close)
	url := srv.URL + Prefix + "config/"

	valid, err := jwt.Sign(key, "siap.user", 12, now)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := get(t, url, "Bearer "+valid)
	if status != http.StatusOK {
		t.Fatalf("valid token: %d %v", status, body)
	}
	want := map[string]any{
		"racine_url_acces_web":                "http://" + strings.TrimPrefix(srv.URL, "http://"),
		"url_acces_api_cloture_operation":     "/api-siap/v0/close_operation/{NUMERO_OPERATION_SIAP}/",
		"url_acces_api_annulation_operation":  "/api-siap/v0/cancel_operation/{NUMERO_OPERATION_SIAP}/",
		"url_acces_api_conventions_operation": "/api-siap/v0/operation/{NUMERO_OPERATION_SIAP}",
		"url_acces_api_kpi":                   "/api-siap/v0/convention_kpi/",
		"url_acces_web_operation":             "/operations/{NUMERO_OPERATION_SIAP}",
		"url_acces_web_recherche":             "/conventions",
		"version":                             "0.0",
	}
	if len(body) != len(want) {
		t.Errorf("config = %v", body)
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
	// The simple flavour does not need a habilitation.
	noHab, _ := jwt.Sign(key, "", 0, now)
	if status, _, body := get(t, url, "Bearer "+noHab); status != http.StatusOK {
		t.Errorf("token without habilitation: %d %v", status, body)
	}

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs256, _ := gojwt.NewWithClaims(gojwt.SigningMethodRS256, gojwt.MapClaims(claims(now, nil))).SignedString(rsaKey)
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	for _, tt := range []struct {
		name, auth, detail string
	}{
		{"no header", "", "non fournies"},
		{"basic scheme", "Basic dXNlcjpwYXNz", "Bearer"},
		{"empty bearer", "Bearer ", "Bearer"},
		{"expired", "Bearer " + forge(hs, claims(now.Add(-10*time.Minute), nil), key), "expiré"},
		{"wrong key", "Bearer " + forge(hs, claims(now, nil), []byte("autre clé")), "signature"},
		{"alg none", "Bearer " + forge(map[string]any{"alg": "none", "typ": "JWT"}, claims(now, nil), nil), "HS256"},
		{"RS256", "Bearer " + rs256, "HS256"},
		{"missing exp", "Bearer " + forge(hs, claims(now, func(p map[string]any) { delete(p, "exp") }), key), "exp"},
		{"missing jti", "Bearer " + forge(hs, claims(now, func(p map[string]any) { delete(p, "jti") }), key), "jti"},
		{"missing user-login", "Bearer " + forge(hs, claims(now, func(p map[string]any) { delete(p, "user-login") }), key), "user-login"},
		{"refresh token", "Bearer " + forge(hs, claims(now, func(p map[string]any) { p["token_type"] = "refresh" }), key), "token_type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := get(t, url, tt.auth)
			if status != http.StatusUnauthorized {
				t.Fatalf("status %d, body %v", status, body)
			}
			if d, _ := body["detail"].(string); !strings.Contains(d, tt.detail) {
				t.Errorf("detail = %q, want it to contain %q", d, tt.detail)
			}
			if h.Get("WWW-Authenticate") == "" || h.Get("Content-Type") != "application/json" {
				t.Errorf("headers = %v", h)
			}
		})
	}

	// Without JWT_SIGN_KEY nothing passes, not even a token signed with an empty key.
	srv2 := httptest.NewServer(New(Options{}))
	t.Cleanup(srv2.Close)
	if status, _, _ := get(t, srv2.URL+Prefix+"config/", "Bearer "+forge(hs, claims(now, nil), []byte{})); status != http.StatusUnauthorized {
		t.Errorf("no key configured: %d", status)
	}
	if status, _, _ := get(t, srv.URL+Prefix+"inconnu/", "Bearer "+valid); status != http.StatusNotFound {
		t.Errorf("unknown route: %d", status)
	}
}

func TestSIAPAuth(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	siapKey := []byte("clé APiLos → SIAP")
	fake := siaptest.NewServer(t, siapKey)
	svc := &habilitation.Service{Pool: pool, SIAP: fake.Client(t, siapKey, 0), NoMenu: true}
	a := &apiServer{o: Options{JWTKey: key, Habilitations: svc, DB: pool}, verifier: jwt.NewVerifier(key, nil)}
	a.o.Logger = slogDiscard()
	var got *access.Subject
	srv := httptest.NewServer(a.siapAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = access.FromContext(r.Context())
		writeJSON(w, http.StatusOK, map[string]string{"ok": "oui"})
	})))
	t.Cleanup(srv.Close)
	now := time.Now()

	// SER_GEST 12: instructeur of administration 13055, no role row.
	tok, _ := jwt.Sign(key, "siap.user", 12, now)
	if status, _, body := get(t, srv.URL, "Bearer "+tok); status != http.StatusOK {
		t.Fatalf("status %d %v", status, body)
	}
	if got == nil || got.CerbereLogin != "siap.user" || got.UserID != 0 || got.Anonymous() || got.Role == nil ||
		got.Role.ID != 0 || got.Role.Typologie != access.TypologieInstructeur || got.Role.HabilitationID != 12 || got.Role.AdministrationID == 0 {
		t.Fatalf("subject = %+v role %+v", got, got.Role)
	}
	var n int
	pool.QueryRow(ctx, `SELECT count(*) FROM users_role`).Scan(&n)
	if n != 0 {
		t.Errorf("%d role rows written by the API", n)
	}
	if c := fake.CallsTo(siaptest.HabilitationsPath); len(c) != 1 || c[0].Login != "siap.user" || c[0].HabID != 12 {
		t.Errorf("SIAP calls = %+v", c)
	}

	// MO 5: bailleur with its children.
	var childID int64
	tok, _ = jwt.Sign(key, "siap.user", 5, now)
	get(t, srv.URL, "Bearer "+tok)
	if got.Role.BailleurID == 0 {
		t.Fatalf("role = %+v", got.Role)
	}
	pool.QueryRow(ctx, `INSERT INTO bailleurs_bailleur (siren, siret, nom, parent_id) VALUES ('1', '1', 'enfant', $1) RETURNING id`, got.Role.BailleurID).Scan(&childID)
	// The mock fusion does not list it: the load detaches it, so the family is the bailleur alone...
	get(t, srv.URL, "Bearer "+tok)
	if len(got.BailleurIDs) != 1 || got.BailleurIDs[0] != got.Role.BailleurID {
		t.Errorf("bailleur ids = %v", got.BailleurIDs)
	}
	// ...and when SIAP lists the fusion, the child belongs to the family.
	fake.On(siaptest.FusionPath, siaptest.Answer{Status: 200, Body: `[{"sirenAbsorbe":"1","sirenAbsorbant":"782855696"}]`})
	get(t, srv.URL, "Bearer "+tok)
	if len(got.BailleurIDs) != 2 || got.BailleurIDs[1] != childID {
		t.Errorf("bailleur ids with fusion = %v (child %d)", got.BailleurIDs, childID)
	}

	got = nil
	for _, tt := range []struct {
		name   string
		tok    string
		script *siaptest.Answer
		status int
		want   string
	}{
		{name: "no habilitation-id", tok: mustSign(t, "siap.user", 0, now), status: 401, want: "User or Habilitation not found"},
		{name: "empty login", tok: mustSign(t, "", 12, now), status: 401, want: "User or Habilitation not found"},
		{name: "SIAP refuses", tok: mustSign(t, "siap.user", 12, now), script: &siaptest.Answer{Status: 500, Body: "non"}, status: 403, want: "habilitation"},
		{name: "SIAP down", tok: mustSign(t, "siap.user", 12, now), script: &siaptest.Answer{Status: 503}, status: 500,
			want: "Une erreur est survenue lors de la communication avec la plateforme SIAP. Veuillez réessayer ultérieurement."},
		{name: "expired", tok: mustSign(t, "siap.user", 12, now.Add(-time.Hour)), status: 401, want: "expiré"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.script != nil {
				fake.On(siaptest.HabilitationsPath, *tt.script)
			}
			status, _, body := get(t, srv.URL, "Bearer "+tt.tok)
			msg, _ := body["detail"].(string)
			if e, ok := body["error"].(string); ok {
				msg = e
			}
			if status != tt.status || !strings.Contains(msg, tt.want) {
				t.Errorf("status %d body %v, want %d %q", status, body, tt.status, tt.want)
			}
			if got != nil {
				t.Errorf("handler reached with %+v", got)
			}
		})
	}
}

func mustSign(t *testing.T, login string, hab int64, now time.Time) string {
	tok, err := jwt.Sign(key, login, hab, now)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }
