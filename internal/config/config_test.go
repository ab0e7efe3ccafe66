package config

import (
	"strings"
	"testing"
	"time"
)

func TestIsProduction(t *testing.T) {
	for env, want := range map[string]bool{
		"production": true, "siap-production": true, "PROD": true, "preprod": true,
		"staging": false, "development": false, "": false, "recette": false,
	} {
		if got := IsProduction(env); got != want {
			t.Errorf("IsProduction(%q) = %v, want %v", env, got, want)
		}
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(Config) bool
	}{
		{"paas names", map[string]string{"SCALINGO_POSTGRESQL_URL": "postgres://a/b", "SCALINGO_REDIS_URL": "redis://r"}, "",
			func(c Config) bool { return c.DatabaseURL == "postgres://a/b" && c.RedisURL == "redis://r" }},
		{"own names win", map[string]string{"DATABASE_URL": "postgres://own", "SCALINGO_POSTGRESQL_URL": "postgres://paas"}, "",
			func(c Config) bool { return c.DatabaseURL == "postgres://own" }},
		{"defaults", nil, "", func(c Config) bool {
			return c.Port == "8001" && c.Environment == "development" && c.SiteURL == "http://localhost:8001"
		}},
		// E-mail links follow PORT when APILOS_SITE_URL is not set.
		{"site URL follows PORT", map[string]string{"PORT": "8002"}, "", func(c Config) bool { return c.SiteURL == "http://localhost:8002" }},
		{"production without secret", map[string]string{"ENVIRONMENT": "production", "DATABASE_URL": "postgres://x", "REDIS_URL": "redis://x"}, "SECRET_KEY", nil},
		{"production without database", map[string]string{"ENVIRONMENT": "siap-production", "SECRET_KEY": "s", "REDIS_URL": "redis://x"}, "DATABASE_URL", nil},
		{"production complete", map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": "s", "SCALINGO_POSTGRESQL_URL": "postgres://x", "SCALINGO_REDIS_URL": "redis://x"}, "", nil},
		{"libreoffice defaults", nil, "", func(c Config) bool {
			lo := c.PDFConverter()
			return lo.Exec == "" && lo.Timeout == 3*time.Minute
		}},
		{"libreoffice settings", map[string]string{"LIBREOFFICE_EXEC": "/app/.apt/usr/lib/libreoffice/program/soffice", "LIBREOFFICE_TIMEOUT": "90s"}, "", func(c Config) bool {
			lo := c.PDFConverter()
			return lo.Exec == "/app/.apt/usr/lib/libreoffice/program/soffice" && lo.Timeout == 90*time.Second
		}},
		{"libreoffice timeout not a duration", map[string]string{"LIBREOFFICE_TIMEOUT": "trois minutes"}, "LIBREOFFICE_TIMEOUT", nil},
		{"libreoffice timeout zero", map[string]string{"LIBREOFFICE_TIMEOUT": "0s"}, "LIBREOFFICE_TIMEOUT", nil},
		{"clamd address", map[string]string{"CLAMD_ADDRESS": "tcp://clamav:3310"}, "", func(c Config) bool {
			av, err := c.Antivirus()
			return err == nil && av.String() == "tcp://clamav:3310"
		}},
		{"no clamd", nil, "", func(c Config) bool { av, err := c.Antivirus(); return av == nil && err == nil }},
		// The reference's HTTP antivirus service is not clamd.
		{"clamd address as a URL", map[string]string{"CLAMD_ADDRESS": "https://clamav.example/v2/scan"}, "CLAMD_ADDRESS", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"ENVIRONMENT", "PORT", "DATABASE_URL", "SCALINGO_POSTGRESQL_URL", "REDIS_URL", "SCALINGO_REDIS_URL", "SECRET_KEY", "CLAMD_ADDRESS", "LIBREOFFICE_EXEC", "LIBREOFFICE_TIMEOUT"} {
				t.Setenv(k, tt.env[k])
			}
			c, err := Load()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to name %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("unexpected config %+v", c)
			}
		})
	}
}

func TestLoadSIAP(t *testing.T) {
	prod := map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": "s", "DATABASE_URL": "postgres://x", "REDIS_URL": "redis://x"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string // every string must be named; none: no error
	}{
		{"development without keys", map[string]string{"CERBERE_AUTH": "https://cas/", "USE_MOCKED_SIAP_CLIENT": "true"}, nil},
		{"RS256 refused", map[string]string{"JWT_ALGORITHM": "RS256"}, []string{"JWT_ALGORITHM", "HS256"}},
		{"client none refused", map[string]string{"SIAP_CLIENT_ALGORITHM": "none"}, []string{"SIAP_CLIENT_ALGORITHM"}},
		{"production without CERBERE", prod, nil},
		{"production CERBERE without keys", with(prod, "CERBERE_AUTH", "https://cas/"),
			[]string{"JWT_SIGN_KEY", "SIAP_CLIENT_HOST", "SIAP_CLIENT_JWT_SIGN_KEY"}},
		{"production SIAP host without key", with(prod, "SIAP_CLIENT_HOST", "https://siap"), []string{"SIAP_CLIENT_JWT_SIGN_KEY"}},
		{"production mock refused", with(prod, "USE_MOCKED_SIAP_CLIENT", "1"), []string{"USE_MOCKED_SIAP_CLIENT"}},
		{"production CERBERE complete", with(prod, "CERBERE_AUTH", "https://cas/", "JWT_SIGN_KEY", "k",
			"SIAP_CLIENT_JWT_SIGN_KEY", "k2", "SIAP_CLIENT_HOST", "https://siap", "SIAP_CLIENT_PATH", "/api-int/v0"), nil},
	}
	keys := []string{"ENVIRONMENT", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SCALINGO_POSTGRESQL_URL", "SCALINGO_REDIS_URL",
		"CERBERE_AUTH", "USE_MOCKED_SIAP_CLIENT", "JWT_SIGN_KEY", "JWT_ALGORITHM", "SIAP_CLIENT_JWT_SIGN_KEY",
		"SIAP_CLIENT_ALGORITHM", "SIAP_CLIENT_HOST", "SIAP_CLIENT_PATH", "NO_SIAP_MENU"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range keys {
				if v, ok := tt.env[k]; ok {
					t.Setenv(k, v)
				} else {
					t.Setenv(k, "")
				}
			}
			c, err := Load()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if c.CerbereAuth != tt.env["CERBERE_AUTH"] || c.UseMockedSIAPClient != (tt.env["USE_MOCKED_SIAP_CLIENT"] == "true") ||
					c.SIAPClientPath != tt.env["SIAP_CLIENT_PATH"] {
					t.Errorf("unexpected config %+v", c)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want one naming %v", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to name %s", err, w)
				}
			}
		})
	}
}
