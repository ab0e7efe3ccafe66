package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
	"github.com/MTES-MCT/apilos-go/internal/auth/lockout"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/mail"
)

// AccountOptions configure the local account pages (login, logout,
// password reset, profile) and impersonation.
type AccountOptions struct {
	// SecretKey signs the password reset links (SECRET_KEY). When empty
	// (development), a random key is drawn at start: links then die with
	// the process.
	SecretKey string
	// SiteURL is the public base URL written in e-mails (APILOS_SITE_URL).
	SiteURL string
	// Mailer sends the reset e-mails; a console mailer (the log) when nil.
	Mailer mail.Mailer
	// From is the sender (DEFAULT_FROM_EMAIL); mail.DefaultFrom when empty.
	From string
	// Lockout counts failed logins; when nil, one is built on Redis when
	// configured, else on PostgreSQL.
	Lockout *lockout.Limiter
	// Now is the clock (tests); time.Now when nil.
	Now func() time.Time
	// LocalLoginDisabled turns the password pages off (CERBERE mode):
	// /accounts/login/ then sends to the CAS login and the reset pages
	// answer 404.
	LocalLoginDisabled bool
}

// AccountOptionsFrom reads the account settings from the configuration.
func AccountOptionsFrom(cfg config.Config) AccountOptions {
	return AccountOptions{
		SecretKey:          cfg.SecretKey,
		SiteURL:            cfg.SiteURL,
		From:               cfg.DefaultFromEmail,
		LocalLoginDisabled: cfg.CerbereAuth != "",
	}
}

// TransportOptionsFrom reads the proxy and HSTS settings; the HTTPS
// redirect is only on in production.
func TransportOptionsFrom(cfg config.Config) (TransportOptions, error) {
	prefixes, err := cfg.TrustedProxyPrefixes()
	if err != nil {
		return TransportOptions{}, err
	}
	return TransportOptions{
		TrustedProxies:        prefixes,
		HSTSMaxAge:            cfg.HSTSMaxAge(),
		HSTSIncludeSubdomains: cfg.SecureHSTSIncludeSubdomains,
		HSTSPreload:           cfg.SecureHSTSPreload,
		SSLRedirect:           cfg.IsProduction() && cfg.SecureSSLRedirect,
	}, nil
}

// accounts holds what the account handlers need besides the server.
type accounts struct {
	s       *server
	opts    AccountOptions
	mailer  mail.Mailer
	limiter *lockout.Limiter
	tokens  account.ResetTokens
	now     func() time.Time
}

func init() { routeGroups = append(routeGroups, (*server).accountRoutes) }

// accountRoutes registers the account, profile and impersonation pages.
func (s *server) accountRoutes() {
	a := newAccounts(s)
	s.handleFunc("GET /accounts/login/{$}", access.Public(), a.loginForm)
	s.handleFunc("POST /accounts/login/{$}", access.Public(), a.login)
	s.handleFunc("GET /accounts/logout/{$}", access.Public(), a.logoutForm)
	s.handleFunc("POST /accounts/logout/{$}", access.Public(), a.logout)
	s.handleFunc("GET /accounts/password_reset/{$}", access.Public(), a.resetRequestForm)
	s.handleFunc("POST /accounts/password_reset/{$}", access.Public(), a.resetRequest)
	s.handleFunc("GET /accounts/password_reset/done/{$}", access.Public(), a.resetRequestDone)
	s.handleFunc("GET /accounts/reset/{uidb64}/{token}/{$}", access.Public(), a.resetConfirmForm)
	s.handleFunc("POST /accounts/reset/{uidb64}/{token}/{$}", access.Public(), a.resetConfirm)
	s.handleFunc("GET /accounts/reset/done/{$}", access.Public(), a.resetComplete)
	s.handleFunc("GET /apilos_settings/profile/{$}", access.LoggedIn(), a.profile)
	s.handleFunc("POST /apilos_settings/profile/{$}", access.LoggedIn(), a.profileSave)
	s.handleFunc("GET /accounts/profile/{$}", access.LoggedIn(), a.profileRedirect)
	s.handleFunc("POST /hijack/acquire/{$}", access.StaffOnly(), a.hijackAcquire)
	// Release must stay reachable by the impersonated (non-staff) user.
	s.handleFunc("POST /hijack/release/{$}", access.LoggedIn(), a.hijackRelease)
	s.handleFunc("GET /admin/utilisateurs/{$}", access.StaffOnly(), a.adminUsers)
}

func newAccounts(s *server) *accounts {
	o := s.opts.Accounts
	a := &accounts{s: s, opts: o, mailer: o.Mailer, limiter: o.Lockout, now: o.Now}
	if a.now == nil {
		a.now = time.Now
	}
	if a.mailer == nil {
		a.mailer = mail.NewConsole(o.From, s.log)
	}
	if a.limiter == nil {
		switch {
		case s.redis != nil:
			a.limiter = lockout.New(lockout.NewRedisStore(s.redis), a.now)
		case s.opts.DB != nil:
			a.limiter = lockout.New(lockout.NewPGStore(s.opts.DB), a.now)
		}
	}
	secret := o.SecretKey
	if secret == "" {
		var b [32]byte
		rand.Read(b[:])
		secret = hex.EncodeToString(b[:])
		s.log.Warn("SECRET_KEY vide : les liens de réinitialisation de mot de passe sont signés avec une clé tirée au démarrage et ne survivront pas au redémarrage")
	}
	a.tokens = account.NewResetTokens(secret)
	return a
}

// absoluteURL joins the public site URL and a path, for e-mails.
func (a *accounts) absoluteURL(path string) string {
	base := strings.TrimRight(a.opts.SiteURL, "/")
	if base == "" {
		base = "http://localhost:8001"
	}
	return base + path
}

// localNext keeps a post-login destination only when it is a path of this
// site: no scheme, no host, no protocol-relative "//" nor "/\" (which
// browsers read as "//"), no control characters. "" otherwise.
func localNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' {
		return ""
	}
	if strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\\") {
		return ""
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return ""
	}
	return next
}
