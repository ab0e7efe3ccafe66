package config

import (
	"strings"
	"testing"
)

func TestTransportSettings(t *testing.T) {
	vars := []string{"ENVIRONMENT", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TRUSTED_PROXIES",
		"SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "DEFAULT_FROM_EMAIL"}
	load := func(t *testing.T, env map[string]string) (Config, error) {
		for _, k := range vars {
			t.Setenv(k, env[k])
		}
		return Load()
	}
	prod := map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": "s", "DATABASE_URL": "postgres://x", "REDIS_URL": "redis://x"}

	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HSTSMaxAge() != 0 || !c.SecureHSTSIncludeSubdomains || !c.SecureHSTSPreload || !c.SecureSSLRedirect ||
		c.DefaultFromEmail != "ne-pas-repondre@apilos.beta.gouv.fr" || len(c.TrustedProxies) != 0 {
		t.Errorf("valeurs par défaut hors production : %+v (HSTS %d)", c, c.HSTSMaxAge())
	}
	c, err = load(t, prod)
	if err != nil {
		t.Fatal(err)
	}
	if c.HSTSMaxAge() != 31536000 {
		t.Errorf("HSTS en production : %d, un an attendu", c.HSTSMaxAge())
	}
	p := map[string]string{"SECURE_HSTS_SECONDS": "0", "TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1,::1,,192.168.1.7/16"}
	for k, v := range prod {
		p[k] = v
	}
	c, err = load(t, p)
	if err != nil {
		t.Fatal(err)
	}
	if c.HSTSMaxAge() != 0 {
		t.Errorf("SECURE_HSTS_SECONDS=0 : en-tête désactivé attendu, %d", c.HSTSMaxAge())
	}
	prefixes, err := c.TrustedProxyPrefixes()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range prefixes {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 127.0.0.1/32 ::1/128 192.168.0.0/16" {
		t.Errorf("réseaux de confiance : %v", got)
	}

	for _, tc := range []struct{ k, v, want string }{
		{"TRUSTED_PROXIES", "10.0.0.0/8,routeur", `"routeur"`},
		{"TRUSTED_PROXIES", "10.0.0.0/33", `"10.0.0.0/33"`},
		{"SECURE_HSTS_SECONDS", "-5", "SECURE_HSTS_SECONDS"},
		{"SECURE_HSTS_SECONDS", "un an", "SECURE_HSTS_SECONDS"},
		{"DEFAULT_FROM_EMAIL", "APiLos <x@y.fr>", "DEFAULT_FROM_EMAIL"},
	} {
		if _, err := load(t, map[string]string{tc.k: tc.v}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%q : erreur %v, attendu %q", tc.k, tc.v, err, tc.want)
		}
	}
}
