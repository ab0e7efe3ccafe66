package config

import (
	"strings"
	"testing"
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
		{"defaults", nil, "", func(c Config) bool { return c.Port == "8001" && c.Environment == "development" }},
		{"production without secret", map[string]string{"ENVIRONMENT": "production", "DATABASE_URL": "postgres://x", "REDIS_URL": "redis://x"}, "SECRET_KEY", nil},
		{"production without database", map[string]string{"ENVIRONMENT": "siap-production", "SECRET_KEY": "s", "REDIS_URL": "redis://x"}, "DATABASE_URL", nil},
		{"production complete", map[string]string{"ENVIRONMENT": "production", "SECRET_KEY": "s", "SCALINGO_POSTGRESQL_URL": "postgres://x", "SCALINGO_REDIS_URL": "redis://x"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"ENVIRONMENT", "PORT", "DATABASE_URL", "SCALINGO_POSTGRESQL_URL", "REDIS_URL", "SCALINGO_REDIS_URL", "SECRET_KEY"} {
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
