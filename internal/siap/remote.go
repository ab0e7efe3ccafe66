package siap

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
)

// Defaults of the transport (spec §2.2).
const (
	DefaultTimeout   = 3 * time.Second
	DefaultConfigTTL = 60 * time.Minute
	// attempts is the total number of tries of a call failing with a
	// timeout, a 401 or a 503.
	attempts = 3
	// maxBody caps what is read from SIAP (an operation is a few hundred KB).
	maxBody = 16 << 20
)

// Service prefixes of the SIAP routes.
const (
	prefixNone         = ""
	prefixHabilitation = "/services/habilitation"
	prefixOperation    = "/services/operation"
)

// Options configure the HTTP client.
type Options struct {
	// Host is SIAP_CLIENT_HOST, Path is SIAP_CLIENT_PATH.
	Host, Path string
	// SignKey is SIAP_CLIENT_JWT_SIGN_KEY.
	SignKey []byte
	// Timeout of a GET; DefaultTimeout when 0.
	Timeout time.Duration
	// ConfigTTL is how long the SIAP configuration is kept; DefaultConfigTTL when 0.
	ConfigTTL time.Duration
	// HTTPClient sends the requests; a plain client when nil.
	HTTPClient *http.Client
	// Logger receives the refused calls; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock of tokens and config cache; time.Now when nil.
	Now func() time.Time
}

// Remote talks to SIAP over HTTP.
type Remote struct {
	o Options

	mu        sync.Mutex
	config    *Config
	fetchedAt time.Time
}

// NewRemote checks the options and returns the client. The SIAP
// configuration is fetched at the first use, not here, so the web process
// starts while SIAP is down.
func NewRemote(o Options) (*Remote, error) {
	if o.Host == "" {
		return nil, errors.New("client SIAP : SIAP_CLIENT_HOST est vide")
	}
	if _, err := url.Parse(o.Host); err != nil {
		return nil, fmt.Errorf("client SIAP : SIAP_CLIENT_HOST invalide : %w", err)
	}
	if len(o.SignKey) == 0 {
		return nil, errors.New("client SIAP : SIAP_CLIENT_JWT_SIGN_KEY est vide")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConfigTTL == 0 {
		o.ConfigTTL = DefaultConfigTTL
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Remote{o: o}, nil
}

// URL of a call: host + service prefix + path + route.
func (c *Remote) URL(prefix, route string) string {
	return strings.TrimRight(c.o.Host, "/") + prefix + c.o.Path + route
}

// response is a SIAP answer that passed the transport rules.
type response struct {
	status int
	body   []byte
}

func (r response) ok() bool { return r.status >= 200 && r.status < 300 }

// get calls a route, retrying on timeouts, 401 and 503.
func (c *Remote) get(ctx context.Context, prefix, route string, login string, habID int64) (response, error) {
	var last error
	for range attempts {
		r, err := c.once(ctx, prefix, route, login, habID)
		if err == nil {
			return r, nil
		}
		last = err
		if e, ok := AsError(err); !ok || !e.retryable() || ctx.Err() != nil {
			break
		}
	}
	return response{}, last
}

// once makes one call with a new token.
func (c *Remote) once(ctx context.Context, prefix, route string, login string, habID int64) (response, error) {
	tok, err := jwt.Sign(c.o.SignKey, login, habID, c.o.Now())
	if err != nil {
		return response{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL(prefix, route), nil)
	if err != nil {
		return response{}, fmt.Errorf("client SIAP : %w", err)
	}
	req.Header.Set("siap-Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.o.HTTPClient.Do(req)
	if err != nil {
		return response{}, newError(KindTimeout, MsgTimeout, "%s : %v", route, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return response{}, newError(KindTimeout, MsgTimeout, "%s : lecture de la réponse : %v", route, err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		e := newError(KindUnauthorized, MsgUnauthorized, "%s : 401 %s", route, detailOf(body))
		e.Status = resp.StatusCode
		return response{}, e
	case resp.StatusCode == http.StatusServiceUnavailable:
		e := newError(KindTimeout, MsgTimeout, "%s : 503", route)
		e.Status = resp.StatusCode
		return response{}, e
	case resp.StatusCode >= 400:
		c.o.Logger.WarnContext(ctx, "appel SIAP refusé", "route", route, "login", login,
			"habilitation_id", habID, "status", resp.StatusCode, "body", truncate(body))
	}
	return response{status: resp.StatusCode, body: body}, nil
}

// detailOf is the "detail" field of a JSON error body, else the body.
func detailOf(body []byte) string {
	var d struct {
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &d) == nil && d.Detail != "" {
		return d.Detail
	}
	return truncate(body)
}

func truncate(b []byte) string {
	const max = 500
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// Config returns the cached SIAP configuration, fetched again when older
// than ConfigTTL. When a refresh fails, the previous configuration is
// kept (the links it gives change rarely) and the failure is logged.
func (c *Remote) Config(ctx context.Context) (Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.o.Now()
	if c.config != nil && now.Sub(c.fetchedAt) < c.o.ConfigTTL {
		return *c.config, nil
	}
	cfg, err := c.fetchConfig(ctx)
	if err != nil {
		if c.config != nil {
			c.o.Logger.WarnContext(ctx, "configuration SIAP non rafraîchie, l'ancienne est gardée", "err", err)
			return *c.config, nil
		}
		return Config{}, err
	}
	c.config, c.fetchedAt = &cfg, now
	return cfg, nil
}

func (c *Remote) fetchConfig(ctx context.Context) (Config, error) {
	r, err := c.get(ctx, prefixNone, "/config", "", 0)
	if err != nil {
		return Config{}, err
	}
	var cfg Config
	if !r.ok() || json.Unmarshal(r.body, &cfg) != nil {
		e := newError(KindForbidden, MsgUnauthorized, "/config : %d %s", r.status, truncate(r.body))
		e.Status = r.status
		return Config{}, e
	}
	return checkConfig(cfg)
}

// checkConfig requires the three URLs and trims the root's trailing "/".
func checkConfig(cfg Config) (Config, error) {
	if cfg.RacineURLAccesWeb == "" || cfg.URLAccesWeb == "" || cfg.URLAccesWebOperation == "" {
		return Config{}, configFormatError(cfg)
	}
	cfg.RacineURLAccesWeb = strings.TrimRight(cfg.RacineURLAccesWeb, "/")
	return cfg, nil
}

// Habilitations implements Client. A 2xx answer that is not JSON for a
// given habilitation id is asked again with id 0 (SIAP answers so when the
// id is not the user's); anything else is a refusal (403).
func (c *Remote) Habilitations(ctx context.Context, login string, habID int64) ([]Habilitation, error) {
	r, err := c.get(ctx, prefixHabilitation, "/habilitations", login, habID)
	if err != nil {
		return nil, err
	}
	var out struct {
		Habilitations []Habilitation `json:"habilitations"`
	}
	if r.ok() {
		err := json.Unmarshal(r.body, &out)
		if err == nil {
			return out.Habilitations, nil
		}
		var syn *json.SyntaxError
		if errors.As(err, &syn) && habID != 0 {
			return c.Habilitations(ctx, login, 0)
		}
	}
	e := newError(KindForbidden, MsgHabilitation, "erreur SIAP : %d %s", r.status, truncate(r.body))
	e.Status = r.status
	return nil, e
}

// Menu implements Client.
func (c *Remote) Menu(ctx context.Context, login string, habID int64) ([]MenuItem, error) {
	r, err := c.get(ctx, prefixNone, "/menu", login, habID)
	if err != nil {
		return nil, err
	}
	var out struct {
		MenuItems []MenuItem `json:"menuItems"`
	}
	if err := decode(r, &out); err != nil {
		e := newError(KindHabilitation, MsgHabilitation, "menu : %v", err)
		e.Status = r.status
		return nil, e
	}
	return out.MenuItems, nil
}

// Operation implements Client. SIAP's 404 is KindNotFound; any other
// refusal is KindUnauthorized, as in the reference.
func (c *Remote) Operation(ctx context.Context, login string, habID int64, numero string) (json.RawMessage, error) {
	r, err := c.get(ctx, prefixOperation, "/operation/"+url.PathEscape(numero), login, habID)
	if err != nil {
		return nil, err
	}
	if r.status == http.StatusNotFound {
		return nil, &Error{Kind: KindNotFound, Message: MsgNotFound, Status: r.status, Detail: "opération " + numero}
	}
	var raw json.RawMessage
	if err := decode(r, &raw); err != nil {
		e := newError(KindUnauthorized, MsgUnauthorized, "opération %s : %v", numero, err)
		e.Status = r.status
		return nil, e
	}
	return raw, nil
}

// Fusions implements Client.
func (c *Remote) Fusions(ctx context.Context, login string, habID int64, siren string) ([]Fusion, error) {
	r, err := c.get(ctx, prefixOperation, "/journalisation-fusion?siren="+url.QueryEscape(siren), login, habID)
	if err != nil {
		return nil, err
	}
	var out []Fusion
	if err := decode(r, &out); err != nil {
		e := newError(KindFusion, MsgFusion, "siren %s : %v", siren, err)
		e.Status = r.status
		return nil, e
	}
	return out, nil
}

// decode reads a 2xx JSON answer; an empty body is null.
func decode(r response, v any) error {
	if !r.ok() {
		return errors.New(strconv.Itoa(r.status) + " " + truncate(r.body))
	}
	if len(bytes.TrimSpace(r.body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("réponse illisible : %v", err)
	}
	return nil
}
