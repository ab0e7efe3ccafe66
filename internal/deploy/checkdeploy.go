// Package deploy holds what the delivery pipeline runs around a deployment:
// the check of a deployed site (check-deploy) and the release notes.
package deploy

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// VersionHeader is the response header in which the web process tells its
// version; /version (JSON {"version": "..."}) is the fallback.
const VersionHeader = "X-Apilos-Version"

// LoginPath is the login page a deployed site must serve.
const LoginPath = "/accounts/login/"

// CheckOptions describes one post-deployment check.
type CheckOptions struct {
	// URL is the public base URL of the site (https://... in production).
	URL string
	// Version is the expected served version; empty skips the comparison.
	Version string
	// Production adds the transport checks: HSTS and http -> https redirect.
	Production bool
	// AllowHTTP lets a production check run on a plain http:// URL (a local
	// run): the HSTS and redirect checks are then reported as not checked.
	AllowHTTP bool
	// HTTPURL is where the http -> https redirect is asked; by default the
	// same host with the http scheme (tests point it at another server).
	HTTPURL string
	// Client does the requests; a 15 s timeout client if nil.
	Client *http.Client
}

// Status of one checked point.
type Status int

const (
	OK Status = iota
	Failed
	NotChecked
)

func (s Status) String() string {
	switch s {
	case OK:
		return "OK"
	case Failed:
		return "ÉCHEC"
	default:
		return "NON VÉRIFIÉ"
	}
}

// Result is one checked point, named in French.
type Result struct {
	Point  string
	Status Status
	Detail string
}

// Report is the outcome of a whole check.
type Report struct {
	Results []Result
	// ServedVersion is what the site says it runs, "" when not exposed.
	ServedVersion string
}

// Failed lists the failing points.
func (r Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == Failed {
			out = append(out, res)
		}
	}
	return out
}

// Err is nil when every point passed, else an error naming each failing
// point.
func (r Report) Err() error {
	failed := r.Failed()
	if len(failed) == 0 {
		return nil
	}
	parts := make([]string, len(failed))
	for i, f := range failed {
		parts[i] = f.Point + " : " + f.Detail
	}
	return fmt.Errorf("déploiement non conforme : %s", strings.Join(parts, " ; "))
}

// String is the human report, one line per point.
func (r Report) String() string {
	var b strings.Builder
	for _, res := range r.Results {
		fmt.Fprintf(&b, "%-12s %s : %s\n", res.Status, res.Point, res.Detail)
	}
	return b.String()
}

// ErrOptions is returned for unusable options (no check is run).
var ErrOptions = errors.New("options invalides")

// Check runs every point once against the deployed site.
func Check(ctx context.Context, o CheckOptions) (Report, error) {
	base, err := url.Parse(strings.TrimRight(o.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return Report{}, fmt.Errorf("%w : URL %q invalide, attendu http(s)://hôte", ErrOptions, o.URL)
	}
	if o.Production && base.Scheme != "https" && !o.AllowHTTP {
		return Report{}, fmt.Errorf("%w : la production se vérifie sur une URL https:// (%s) ; pour un essai local sans TLS, ajoutez --no-https", ErrOptions, o.URL)
	}
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	c := checker{ctx: ctx, base: base, client: client}
	var rep Report

	// Liveness, then readiness (database and Redis reachable).
	health, err := c.get("/healthz")
	rep.add(statusPoint("/healthz", health, err))
	ready, err := c.get("/readyz")
	rep.add(readyPoint(ready, err))

	// The login page; until it exists (404), the home page stands in.
	login, err := c.get(LoginPath)
	switch {
	case err == nil && login.StatusCode == http.StatusNotFound:
		home, herr := c.get("/")
		res := statusPoint("page d'accueil /", home, herr)
		res.Point = "page de connexion " + LoginPath
		if res.Status == OK {
			res.Detail = "absente (404) : page d'accueil / vérifiée à la place (200)"
		} else {
			res.Detail = "absente (404) et page d'accueil / en échec : " + res.Detail
		}
		rep.add(res)
	default:
		rep.add(statusPoint("page de connexion "+LoginPath, login, err))
	}

	// Version: header on /healthz, else the /version endpoint.
	rep.ServedVersion = servedVersion(health)
	if rep.ServedVersion == "" {
		rep.ServedVersion = c.versionEndpoint()
	}
	rep.add(versionPoint(rep.ServedVersion, o.Version))

	if o.Production {
		if base.Scheme != "https" {
			why := "l'URL vérifiée n'est pas en https (" + base.String() + ")"
			rep.add(Result{"en-tête HSTS", NotChecked, why})
			rep.add(Result{"redirection http vers https", NotChecked, why})
		} else {
			rep.add(hstsPoint(login, health))
			rep.add(c.redirectPoint(o.HTTPURL))
		}
	}
	return rep, nil
}

// CheckUntil repeats Check until every point passes or timeout expires
// (the new containers may take a moment to replace the old ones). It
// returns the last report.
func CheckUntil(ctx context.Context, o CheckOptions, timeout, every time.Duration, progress func(Report)) (Report, error) {
	deadline := time.Now().Add(timeout)
	for {
		rep, err := Check(ctx, o)
		if err != nil || rep.Err() == nil || !time.Now().Add(every).Before(deadline) {
			return rep, err
		}
		if progress != nil {
			progress(rep)
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(every):
		}
	}
}

type checker struct {
	ctx    context.Context
	base   *url.URL
	client *http.Client
}

// response keeps what the checks need of an answer.
type response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	TLS        bool
}

func (c checker) get(path string) (*response, error) {
	return c.do(c.client, c.base.String()+path)
}

func (c checker) do(client *http.Client, u string) (*response, error) {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "apilos-check-deploy")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return &response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, TLS: resp.TLS != nil}, nil
}

func (r *Report) add(res Result) { r.Results = append(r.Results, res) }

func statusPoint(point string, resp *response, err error) Result {
	if err != nil {
		return Result{point, Failed, "injoignable : " + err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return Result{point, Failed, fmt.Sprintf("répond %d au lieu de 200", resp.StatusCode)}
	}
	return Result{point, OK, "200"}
}

func readyPoint(resp *response, err error) Result {
	res := statusPoint("/readyz", resp, err)
	if res.Status == OK || err != nil {
		if res.Status == OK {
			res.Detail = "200 (base de données et Redis joignables)"
		}
		return res
	}
	var body struct {
		Failing []string `json:"failing"`
	}
	if json.Unmarshal(resp.Body, &body) == nil && len(body.Failing) > 0 {
		res.Detail += " ; dépendance(s) indisponible(s) : " + strings.Join(body.Failing, ", ")
	}
	return res
}

func servedVersion(resp *response) string {
	if resp == nil {
		return ""
	}
	return strings.TrimSpace(resp.Header.Get(VersionHeader))
}

func (c checker) versionEndpoint() string {
	resp, err := c.get("/version")
	if err != nil || resp.StatusCode != http.StatusOK {
		return ""
	}
	var body struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(resp.Body, &body) != nil {
		return ""
	}
	return strings.TrimSpace(body.Version)
}

func versionPoint(served, want string) Result {
	const point = "version servie"
	switch {
	case served == "" && want == "":
		return Result{point, NotChecked, "version non exposée par le site (en-tête " + VersionHeader + " ou /version) et aucune version attendue"}
	case served == "":
		return Result{point, Failed, fmt.Sprintf("version non exposée par le site (en-tête %s ou /version), attendu %s", VersionHeader, want)}
	case want == "":
		return Result{point, NotChecked, served + " (aucune version attendue donnée, --version)"}
	case SameVersion(served, want):
		return Result{point, OK, served}
	default:
		return Result{point, Failed, fmt.Sprintf("%s servie au lieu de %s (l'ancienne version tourne encore, ou le déploiement a échoué)", served, want)}
	}
}

// SameVersion compares a served and an expected version. Versions are equal
// strings, except git commit hashes, which match on their common prefix
// (at least 7 hex digits) since one side may be abbreviated.
func SameVersion(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if a == b {
		return a != ""
	}
	if !isHex(a) || !isHex(b) || len(a) < 7 || len(b) < 7 {
		return false
	}
	a, b = strings.ToLower(a), strings.ToLower(b)
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// hstsPoint reads Strict-Transport-Security on an https answer: max-age must
// be a positive number.
func hstsPoint(resps ...*response) Result {
	const point = "en-tête HSTS"
	for _, r := range resps {
		if r == nil || !r.TLS {
			continue
		}
		v := r.Header.Get("Strict-Transport-Security")
		if v == "" {
			return Result{point, Failed, "Strict-Transport-Security absent des réponses https (activez HSTS : SECURE_HSTS_SECONDS)"}
		}
		if age := hstsMaxAge(v); age <= 0 {
			return Result{point, Failed, fmt.Sprintf("Strict-Transport-Security %q sans max-age positif", v)}
		}
		return Result{point, OK, v}
	}
	return Result{point, Failed, "aucune réponse https reçue pour lire l'en-tête"}
}

func hstsMaxAge(v string) int64 {
	for _, part := range strings.Split(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "max-age") {
			n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
			if err == nil {
				return n
			}
		}
	}
	return 0
}

// redirectPoint asks the http:// URL without following redirects: the
// platform must answer 301 or 308 to the https:// address of the same host.
func (c checker) redirectPoint(httpURL string) Result {
	const point = "redirection http vers https"
	if httpURL == "" {
		u := *c.base
		u.Scheme = "http"
		u.Host = u.Hostname() // default port 80
		httpURL = u.String()
	}
	noFollow := &http.Client{
		Timeout:   c.client.Timeout,
		Transport: c.client.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	if noFollow.Transport == nil {
		noFollow.Transport = &http.Transport{TLSClientConfig: &tls.Config{}}
	}
	resp, err := c.do(noFollow, strings.TrimRight(httpURL, "/")+"/")
	if err != nil {
		return Result{point, Failed, httpURL + " injoignable : " + err.Error()}
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusMovedPermanently && resp.StatusCode != http.StatusPermanentRedirect {
		return Result{point, Failed, fmt.Sprintf("%s répond %d au lieu d'une redirection 301/308 vers https (activez « Forcer HTTPS » sur la plateforme)", httpURL, resp.StatusCode)}
	}
	target, err := url.Parse(loc)
	if err != nil || target.Scheme != "https" || !strings.EqualFold(target.Hostname(), c.base.Hostname()) {
		return Result{point, Failed, fmt.Sprintf("%s redirige (%d) vers %q au lieu de https://%s", httpURL, resp.StatusCode, loc, c.base.Hostname())}
	}
	return Result{point, OK, fmt.Sprintf("%d vers %s", resp.StatusCode, loc)}
}
