package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestTransport(t *testing.T) {
	opts := TransportOptions{
		TrustedProxies:        []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")},
		HSTSMaxAge:            31536000,
		HSTSIncludeSubdomains: true,
		HSTSPreload:           true,
		SSLRedirect:           true,
	}
	var seen struct {
		ip    string
		https bool
	}
	h := opts.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.ip, seen.https = ClientIP(r), IsHTTPS(r)
	}))
	for _, tc := range []struct {
		name, method, path, peer, xff, xfp string
		wantIP                             string
		wantHTTPS                          bool
		wantRedirect                       string
		wantCode                           int
	}{
		{name: "direct, en-têtes ignorés", peer: "203.0.113.9:5000", xff: "198.51.100.1", xfp: "https", wantIP: "203.0.113.9"},
		{name: "proxy de confiance, https", peer: "10.1.2.3:5000", xff: "198.51.100.1", xfp: "https", wantIP: "198.51.100.1", wantHTTPS: true},
		{name: "adresse falsifiée à gauche ignorée", peer: "10.1.2.3:5000", xff: "6.6.6.6, 198.51.100.1", xfp: "https", wantIP: "198.51.100.1", wantHTTPS: true},
		{name: "proxys en chaîne", peer: "10.1.2.3:5000", xff: "198.51.100.1, 10.9.9.9", xfp: "https", wantIP: "198.51.100.1", wantHTTPS: true},
		{name: "entrée illisible", peer: "10.1.2.3:5000", xff: "198.51.100.1, n'importe quoi", xfp: "https", wantIP: "10.1.2.3", wantHTTPS: true},
		{name: "IPv6 de confiance", peer: "[::1]:5000", xff: "2001:db8::7", xfp: "https", wantIP: "2001:db8::7", wantHTTPS: true},
		{name: "sans X-Forwarded-For", peer: "10.1.2.3:5000", xfp: "https", wantIP: "10.1.2.3", wantHTTPS: true},
		{name: "http par le proxy : redirection", method: "GET", path: "/accounts/login/?next=/x", peer: "10.1.2.3:5000", xfp: "http",
			wantRedirect: "https://apilos.example.gouv.fr/accounts/login/?next=/x", wantCode: http.StatusMovedPermanently},
		{name: "POST http : 308", method: "POST", path: "/accounts/login/", peer: "10.1.2.3:5000", xfp: "http",
			wantRedirect: "https://apilos.example.gouv.fr/accounts/login/", wantCode: http.StatusPermanentRedirect},
		{name: "sonde http non redirigée", path: "/healthz", peer: "10.1.2.3:5000", xfp: "http", wantIP: "10.1.2.3"},
		{name: "http direct (hors proxy) non redirigé", peer: "203.0.113.9:5000", xfp: "http", wantIP: "203.0.113.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen.ip, seen.https = "", false
			method, path := tc.method, tc.path
			if method == "" {
				method = "GET"
			}
			if path == "" {
				path = "/"
			}
			req := httptest.NewRequest(method, "http://apilos.example.gouv.fr"+path, nil)
			req.RemoteAddr = tc.peer
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			if tc.xfp != "" {
				req.Header.Set("X-Forwarded-Proto", tc.xfp)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Header().Get("Strict-Transport-Security"); got != "max-age=31536000; includeSubDomains; preload" {
				t.Errorf("HSTS %q", got)
			}
			if tc.wantRedirect != "" {
				if rec.Code != tc.wantCode || rec.Header().Get("Location") != tc.wantRedirect {
					t.Errorf("réponse %d vers %q, attendu %d vers %q", rec.Code, rec.Header().Get("Location"), tc.wantCode, tc.wantRedirect)
				}
				if seen.ip != "" {
					t.Error("le gestionnaire a servi une requête redirigée")
				}
				return
			}
			if rec.Code != http.StatusOK || seen.ip != tc.wantIP || seen.https != tc.wantHTTPS {
				t.Errorf("statut %d, client %q https=%v ; attendu %q https=%v", rec.Code, seen.ip, seen.https, tc.wantIP, tc.wantHTTPS)
			}
		})
	}
}

func TestTransportDefaults(t *testing.T) {
	// Outside production: no HSTS, no redirect, headers never believed.
	h := TransportOptions{}.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(ClientIP(r)))
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "127.0.0.1:1234"
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	req.Header.Set("X-Forwarded-Proto", "http")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Body.String() != "127.0.0.1" || rec.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("statut %d, client %q, HSTS %q", rec.Code, rec.Body.String(), rec.Header().Get("Strict-Transport-Security"))
	}
	if v := (TransportOptions{HSTSMaxAge: 60}).hstsValue(); v != "max-age=60" {
		t.Errorf("HSTS sans options : %q", v)
	}
}
