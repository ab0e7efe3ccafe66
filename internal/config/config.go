// Package config reads the process configuration from the environment,
// once, at start. Names follow the reference .env.template where one exists.
package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/caarlos0/env/v11"
)

// Config is the whole configuration of the apilos processes.
type Config struct {
	// Environment is development, staging, production, siap-production...
	Environment string `env:"ENVIRONMENT" envDefault:"development"`
	Port        string `env:"PORT" envDefault:"8001"`
	DatabaseURL string `env:"DATABASE_URL"`
	// ScalingoPostgresqlURL is the PaaS name for the database URL.
	ScalingoPostgresqlURL string `env:"SCALINGO_POSTGRESQL_URL"`
	RedisURL              string `env:"REDIS_URL"`
	ScalingoRedisURL      string `env:"SCALINGO_REDIS_URL"`
	SecretKey             string `env:"SECRET_KEY"`
	// SiteURL is the public URL of the site (e-mails, CAS service URL).
	SiteURL  string `env:"APILOS_SITE_URL" envDefault:"http://localhost:8001"`
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
}

// Load reads the environment. It fails when a secret required in
// production is missing, naming it.
func Load() (Config, error) {
	var c Config
	if err := env.Parse(&c); err != nil {
		return c, fmt.Errorf("configuration invalide : %w", err)
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = c.ScalingoPostgresqlURL
	}
	if c.RedisURL == "" {
		c.RedisURL = c.ScalingoRedisURL
	}
	if c.IsProduction() {
		var missing []string
		if c.SecretKey == "" {
			missing = append(missing, "SECRET_KEY")
		}
		if c.DatabaseURL == "" {
			missing = append(missing, "DATABASE_URL")
		}
		if c.RedisURL == "" {
			missing = append(missing, "REDIS_URL")
		}
		if len(missing) > 0 {
			return c, fmt.Errorf("variable(s) d'environnement obligatoire(s) en production manquante(s) : %s", strings.Join(missing, ", "))
		}
	}
	return c, nil
}

// IsProduction reports whether the environment is a production one:
// production, siap-production, or any value containing "prod".
func (c Config) IsProduction() bool { return IsProduction(c.Environment) }

// IsProduction is the one production test used by every guard.
func IsProduction(environment string) bool {
	return strings.Contains(strings.ToLower(environment), "prod")
}

// IsDevelopment reports whether the process runs on a developer machine.
func (c Config) IsDevelopment() bool {
	e := strings.ToLower(c.Environment)
	return e == "" || e == "development" || e == "dev" || e == "local" || e == "test"
}

// ErrNoDatabase is returned when no database URL is configured.
var ErrNoDatabase = errors.New("aucune base de données configurée : définissez DATABASE_URL (ou SCALINGO_POSTGRESQL_URL)")

// RequireDatabase returns the database URL or ErrNoDatabase.
func (c Config) RequireDatabase() (string, error) {
	if c.DatabaseURL == "" {
		return "", ErrNoDatabase
	}
	return c.DatabaseURL, nil
}
