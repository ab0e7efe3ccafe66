// Package config reads the process configuration from the environment,
// once, at start. Names follow the reference .env.template where one exists.
package config

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/MTES-MCT/apilos-go/internal/clamav"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/storage"
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
	// SiteURL is the public URL of the site (e-mails, CAS service URL),
	// without trailing "/"; http://localhost:PORT when unset.
	SiteURL  string `env:"APILOS_SITE_URL"`
	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`

	// CerbereAuth is the CAS server URL of CERBERE; non-empty switches
	// the site to single sign-on (CERBERE mode).
	CerbereAuth string `env:"CERBERE_AUTH"`
	// UseMockedSIAPClient serves the bundled SIAP payloads instead of
	// calling SIAP (development only; refused in production).
	UseMockedSIAPClient bool `env:"USE_MOCKED_SIAP_CLIENT"`
	// JWTSignKey verifies the tokens SIAP sends to /api-siap/v0/. Empty:
	// every API call is refused.
	JWTSignKey   string `env:"JWT_SIGN_KEY"`
	JWTAlgorithm string `env:"JWT_ALGORITHM" envDefault:"HS256"`
	// SIAPClientJWTSignKey signs the tokens APiLos sends to SIAP.
	SIAPClientJWTSignKey string `env:"SIAP_CLIENT_JWT_SIGN_KEY"`
	SIAPClientAlgorithm  string `env:"SIAP_CLIENT_ALGORITHM" envDefault:"HS256"`
	// SIAPClientHost and SIAPClientPath build the SIAP URLs:
	// host + service prefix + path + route.
	SIAPClientHost string `env:"SIAP_CLIENT_HOST"`
	SIAPClientPath string `env:"SIAP_CLIENT_PATH"`
	// NoSIAPMenu skips the SIAP menu call (the header then has no SIAP menu).
	NoSIAPMenu bool `env:"NO_SIAP_MENU"`

	// DefaultFromEmail is the sender of the e-mails (password reset...).
	DefaultFromEmail string `env:"DEFAULT_FROM_EMAIL" envDefault:"ne-pas-repondre@apilos.beta.gouv.fr"`
	// TrustedProxies lists the addresses (CIDR or single IP) of the
	// reverse proxies whose X-Forwarded-For / X-Forwarded-Proto headers
	// are believed; empty: none (direct connections).
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`
	// SecureHSTSSeconds is the HSTS max-age in seconds (see HSTSMaxAge):
	// empty means one year in production and no header elsewhere; 0
	// disables the header.
	SecureHSTSSeconds           string `env:"SECURE_HSTS_SECONDS"`
	SecureHSTSIncludeSubdomains bool   `env:"SECURE_HSTS_INCLUDE_SUBDOMAINS" envDefault:"true"`
	SecureHSTSPreload           bool   `env:"SECURE_HSTS_PRELOAD" envDefault:"true"`
	// SecureSSLRedirect redirects plain-HTTP requests (as reported by a
	// trusted proxy) to HTTPS, in production only.
	SecureSSLRedirect bool `env:"SECURE_SSL_REDIRECT" envDefault:"true"`

	// SMTP relay of the e-mails (Brevo in production). Empty host: e-mails
	// are written to the log (console mailer).
	EmailHost         string `env:"EMAIL_HOST"`
	EmailPort         int    `env:"EMAIL_PORT" envDefault:"587"`
	EmailHostUser     string `env:"EMAIL_HOST_USER"`
	EmailHostPassword string `env:"EMAIL_HOST_PASSWORD"`
	// EmailUseTLS requires STARTTLS (otherwise used when offered).
	EmailUseTLS bool `env:"EMAIL_USE_TLS" envDefault:"true"`

	// Files: local directory MEDIA_ROOT, or an S3-compatible bucket when
	// AWS_ACCESS_KEY_ID is set (internal/storage).
	MediaRoot            string `env:"MEDIA_ROOT" envDefault:"media"`
	AWSAccessKeyID       string `env:"AWS_ACCESS_KEY_ID"`
	AWSSecretAccessKey   string `env:"AWS_SECRET_ACCESS_KEY"`
	AWSStorageBucketName string `env:"AWS_STORAGE_BUCKET_NAME"`
	AWSS3EndpointURL     string `env:"AWS_S3_ENDPOINT_URL"`
	AWSS3RegionName      string `env:"AWS_S3_REGION_NAME"`

	// ClamdAddress is the clamd daemon scanning every uploaded file
	// (tcp://host:3310 or unix:///run/clamav/clamd.ctl); empty: files are
	// recorded as not scanned.
	ClamdAddress string `env:"CLAMD_ADDRESS"`

	// LibreOfficeExec is the soffice binary converting the generated
	// documents to PDF in the worker; "soffice" on PATH when empty.
	LibreOfficeExec string `env:"LIBREOFFICE_EXEC"`
	// LibreOfficeTimeoutText is LIBREOFFICE_TIMEOUT as written (90s, 3m),
	// read into LibreOfficeTimeout by Load.
	LibreOfficeTimeoutText string `env:"LIBREOFFICE_TIMEOUT" envDefault:"3m"`
	// LibreOfficeTimeout bounds one conversion; past it the conversion is
	// killed and the task retried.
	LibreOfficeTimeout time.Duration
}

// PDFConverter is the LibreOffice converter of LIBREOFFICE_EXEC and
// LIBREOFFICE_TIMEOUT.
func (c Config) PDFConverter() *document.LibreOffice {
	return &document.LibreOffice{Exec: c.LibreOfficeExec, Timeout: c.LibreOfficeTimeout}
}

// StorageConfig is the file storage this configuration selects.
func (c Config) StorageConfig() storage.Config {
	return storage.Config{
		MediaRoot: c.MediaRoot, AccessKeyID: c.AWSAccessKeyID, SecretAccessKey: c.AWSSecretAccessKey,
		Bucket: c.AWSStorageBucketName, Endpoint: c.AWSS3EndpointURL, Region: c.AWSS3RegionName,
	}
}

// Antivirus is the clamd client of CLAMD_ADDRESS, nil when unset.
func (c Config) Antivirus() (*clamav.Client, error) {
	if c.ClamdAddress == "" {
		return nil, nil
	}
	cl, err := clamav.New(c.ClamdAddress)
	if err != nil {
		return nil, fmt.Errorf("CLAMD_ADDRESS : %w", err)
	}
	return cl, nil
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
	c.SiteURL = strings.TrimRight(c.SiteURL, "/")
	if c.SiteURL == "" {
		c.SiteURL = DefaultSiteURL(c.Port)
	}
	if c.RedisURL == "" {
		c.RedisURL = c.ScalingoRedisURL
	}
	if err := c.checkSIAP(); err != nil {
		return c, err
	}
	if err := c.checkTransport(); err != nil {
		return c, err
	}
	if _, err := c.Antivirus(); err != nil {
		return c, err
	}
	var err error
	if c.LibreOfficeTimeout, err = time.ParseDuration(c.LibreOfficeTimeoutText); err != nil || c.LibreOfficeTimeout <= 0 {
		return c, fmt.Errorf("LIBREOFFICE_TIMEOUT : durée %q invalide, donnez une durée positive avec son unité (ex. 90s, 3m)", c.LibreOfficeTimeoutText)
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

// checkSIAP validates the CERBERE / SIAP settings: HS256 is the only
// algorithm of the SIAP protocol, and in production single sign-on or a
// SIAP host without their keys would leave the site half working (the
// reference then signs with the literal key "None"), so the start stops.
func (c Config) checkSIAP() error {
	for _, a := range []struct{ name, value string }{
		{"JWT_ALGORITHM", c.JWTAlgorithm}, {"SIAP_CLIENT_ALGORITHM", c.SIAPClientAlgorithm},
	} {
		if a.value != "HS256" && a.value != "" {
			return fmt.Errorf("%s : algorithme %q non pris en charge, seul HS256 est accepté (laissez la variable vide)", a.name, a.value)
		}
	}
	if !c.IsProduction() {
		return nil
	}
	if c.UseMockedSIAPClient {
		return errors.New("USE_MOCKED_SIAP_CLIENT : le client SIAP simulé est interdit en production, retirez la variable")
	}
	var missing []string
	if c.CerbereAuth != "" {
		if c.JWTSignKey == "" {
			missing = append(missing, "JWT_SIGN_KEY")
		}
		if c.SIAPClientHost == "" {
			missing = append(missing, "SIAP_CLIENT_HOST")
		}
	}
	if (c.CerbereAuth != "" || c.SIAPClientHost != "") && c.SIAPClientJWTSignKey == "" {
		missing = append(missing, "SIAP_CLIENT_JWT_SIGN_KEY")
	}
	if len(missing) > 0 {
		return fmt.Errorf("CERBERE/SIAP configuré sans ses clés : variable(s) d'environnement obligatoire(s) en production manquante(s) : %s", strings.Join(missing, ", "))
	}
	return nil
}

// DefaultSiteURL is the site's URL on a developer machine.
func DefaultSiteURL(port string) string { return "http://localhost:" + port }

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
