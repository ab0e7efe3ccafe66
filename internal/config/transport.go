package config

import (
	"fmt"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
)

// defaultHSTSSeconds is the production max-age when SECURE_HSTS_SECONDS
// is unset: one year, the value the HSTS preload list asks for.
const defaultHSTSSeconds = 31536000

// checkTransport validates the proxy, HSTS and sender settings.
func (c Config) checkTransport() error {
	if _, err := c.TrustedProxyPrefixes(); err != nil {
		return err
	}
	if v := strings.TrimSpace(c.SecureHSTSSeconds); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return fmt.Errorf("SECURE_HSTS_SECONDS : %q n'est pas une durée valide, donnez un nombre de secondes (0 désactive l'en-tête)", c.SecureHSTSSeconds)
		}
	}
	if a, err := mail.ParseAddress(c.DefaultFromEmail); err != nil || a.Address != c.DefaultFromEmail {
		return fmt.Errorf("DEFAULT_FROM_EMAIL : %q n'est pas une adresse e-mail valide", c.DefaultFromEmail)
	}
	return nil
}

// TrustedProxyPrefixes parses TRUSTED_PROXIES: each entry is a CIDR
// ("10.0.0.0/8") or a single address ("127.0.0.1").
func (c Config) TrustedProxyPrefixes() ([]netip.Prefix, error) {
	return ParsePrefixes(c.TrustedProxies)
}

// ParsePrefixes parses a list of CIDRs or single addresses, ignoring
// blank entries, and names the faulty entry.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, e := range list {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if strings.Contains(e, "/") {
			p, err := netip.ParsePrefix(e)
			if err != nil {
				return nil, fmt.Errorf("TRUSTED_PROXIES : %q n'est ni une adresse IP ni un réseau CIDR (exemple : 10.0.0.0/8)", e)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(e)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES : %q n'est ni une adresse IP ni un réseau CIDR (exemple : 10.0.0.0/8)", e)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// HSTSMaxAge is the Strict-Transport-Security max-age in seconds, 0 for
// no header.
func (c Config) HSTSMaxAge() int {
	if n, err := strconv.Atoi(strings.TrimSpace(c.SecureHSTSSeconds)); err == nil && n >= 0 {
		return n
	}
	if c.IsProduction() {
		return defaultHSTSSeconds
	}
	return 0
}
