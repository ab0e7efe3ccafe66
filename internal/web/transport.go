package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
)

// TransportOptions say how the process sits behind the PaaS router.
type TransportOptions struct {
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (config TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
	// HSTSMaxAge is the Strict-Transport-Security max-age; 0: no header.
	HSTSMaxAge            int
	HSTSIncludeSubdomains bool
	HSTSPreload           bool
	// SSLRedirect sends to HTTPS the requests a trusted proxy reports as
	// plain HTTP (production only: the caller decides).
	SSLRedirect bool
}

type clientKey struct{}

// client is what the transport layer learnt about the request's origin.
type client struct {
	IP    string // the end user's address, as far as trusted peers tell
	HTTPS bool
}

// ClientIP returns the address of the end user of the request: the TCP
// peer, or, when the peer is a trusted proxy, the last address of
// X-Forwarded-For that is not itself a trusted proxy.
func ClientIP(r *http.Request) string {
	if c, ok := r.Context().Value(clientKey{}).(client); ok {
		return c.IP
	}
	return peerAddr(r).String()
}

// IsHTTPS reports whether the user reached the site over HTTPS (directly,
// or through a trusted proxy that says so).
func IsHTTPS(r *http.Request) bool {
	if c, ok := r.Context().Value(clientKey{}).(client); ok {
		return c.HTTPS
	}
	return r.TLS != nil
}

func peerAddr(r *http.Request) netip.Addr {
	host := r.RemoteAddr
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

func (o TransportOptions) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range o.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor walks X-Forwarded-For from the right (the entries added by
// the proxies nearest to us) and returns the first untrusted address. A
// malformed entry stops the walk: what lies left of it cannot be trusted.
func (o TransportOptions) forwardedFor(r *http.Request, peer netip.Addr) netip.Addr {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !o.trusted(client) {
			break
		}
	}
	return client
}

// hstsValue is the Strict-Transport-Security header, "" for none.
func (o TransportOptions) hstsValue() string {
	if o.HSTSMaxAge <= 0 {
		return ""
	}
	v := "max-age=" + strconv.Itoa(o.HSTSMaxAge)
	if o.HSTSIncludeSubdomains {
		v += "; includeSubDomains"
	}
	if o.HSTSPreload {
		v += "; preload"
	}
	return v
}

// noRedirect are probed by the platform over plain HTTP.
var noRedirect = map[string]bool{"/healthz": true, "/readyz": true}

// transport finds the client address and scheme, redirects plain HTTP to
// HTTPS when asked, and sets HSTS. HSTS is sent on every response when
// enabled: browsers ignore it over plain HTTP (RFC 6797 §8.1), and a
// misconfigured proxy list must not silently drop it.
func (o TransportOptions) middleware(next http.Handler) http.Handler {
	hsts := o.hstsValue()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer := peerAddr(r)
		c := client{IP: peer.String(), HTTPS: r.TLS != nil}
		viaProxy := false
		if o.trusted(peer) {
			if a := o.forwardedFor(r, peer); a.IsValid() {
				c.IP = a.String()
			}
			proto := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]))
			switch proto {
			case "https":
				c.HTTPS, viaProxy = true, true
			case "http":
				c.HTTPS, viaProxy = false, true
			}
		}
		if !peer.IsValid() {
			c.IP = ""
		}
		if hsts != "" {
			w.Header().Set("Strict-Transport-Security", hsts)
		}
		if o.SSLRedirect && viaProxy && !c.HTTPS && !noRedirect[r.URL.Path] {
			target := "https://" + r.Host + r.URL.RequestURI()
			code := http.StatusMovedPermanently
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				code = http.StatusPermanentRedirect // keeps method and body
			}
			http.Redirect(w, r, target, code)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	})
}
