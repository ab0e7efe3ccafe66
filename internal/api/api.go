// Package api is the JSON API APiLos offers SIAP under /api-siap/v0/
// (spec access-api-ops §3). Every call carries "Authorization: Bearer
// <jwt>" (HS256, JWT_SIGN_KEY); any failure of the token answers 401 with
// a JSON {"detail": ...}. Two flavours, as in the reference:
//   - simple (config/): a valid token is enough;
//   - SIAP (operation and KPI routes): the token's user-login and
//     habilitation-id become the request's access.Subject, through the
//     same habilitation decisions as a web session, without writing a
//     role row.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// Prefix is where the API is mounted.
const Prefix = "/api-siap/v0/"

// Options of the API handler.
type Options struct {
	// JWTKey is JWT_SIGN_KEY; empty refuses every call.
	JWTKey []byte
	// Habilitations resolves the habilitation of SIAP-authenticated calls;
	// nil refuses them (SIAP not configured).
	Habilitations *habilitation.Service
	// DB reads the children of a bailleur for the Subject.
	DB *pgxpool.Pool
	// IsHTTPS tells whether the caller reached the site over HTTPS (behind
	// the PaaS proxy); r.TLS != nil when nil.
	IsHTTPS func(*http.Request) bool
	// Now is the clock of token expiry; time.Now when nil.
	Now func() time.Time
	// Logger; slog.Default() when nil.
	Logger *slog.Logger
	// KPITTL keeps the indicators of a scope that long (KPITTL in the
	// processes); 0: counted at every call.
	KPITTL time.Duration
	// HabilitationTTL keeps the subject of a (user-login,
	// habilitation-id) pair that long after SIAP confirmed it, instead of
	// asking SIAP again at every call; 0: every call asks.
	HabilitationTTL time.Duration
}

// HabilitationTTL is how long the processes keep a confirmed
// habilitation before asking SIAP again (a token lives 5 minutes; SIAP
// is called at most once a minute per user and habilitation).
const HabilitationTTL = time.Minute

type apiServer struct {
	o        Options
	verifier *jwt.Verifier
	mux      *http.ServeMux
	// routes is the route table, checked against the OpenAPI document.
	routes   []route
	subjects *subjectCache
	kpis     *kpiCache
}

// New returns the handler of every /api-siap/v0/ route.
func New(o Options) http.Handler {
	return newServer(o).mux
}

func newServer(o Options) *apiServer {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IsHTTPS == nil {
		o.IsHTTPS = func(r *http.Request) bool { return r.TLS != nil }
	}
	a := &apiServer{o: o, verifier: jwt.NewVerifier(o.JWTKey, o.Now), mux: http.NewServeMux(),
		subjects: newSubjectCache(o.HabilitationTTL, o.Now), kpis: newKPICache(o.KPITTL, o.Now)}
	a.register()
	a.mux.HandleFunc(Prefix, a.notFound)
	return a
}

// Error bodies, as DRF and simplejwt shape them (in French, the site's
// language).
type errorBody struct {
	Detail string `json:"detail"`
	Code   string `json:"code,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (a *apiServer) unauthorized(w http.ResponseWriter, detail, code string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
	writeJSON(w, http.StatusUnauthorized, errorBody{Detail: detail, Code: code})
}

func (a *apiServer) notFound(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusNotFound, errorBody{Detail: "Pas trouvé."})
}

// verify reads and checks the bearer token; on failure it has answered 401.
func (a *apiServer) verify(w http.ResponseWriter, r *http.Request) (jwt.Claims, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" {
		a.unauthorized(w, "Informations d'authentification non fournies.", "not_authenticated")
		return jwt.Claims{}, false
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		a.unauthorized(w, "En-tête Authorization invalide : attendu « Bearer <jeton> ».", "bad_authorization_header")
		return jwt.Claims{}, false
	}
	c, err := a.verifier.Verify(strings.TrimSpace(tok))
	if err != nil {
		a.o.Logger.InfoContext(r.Context(), "jeton d'API refusé", "path", r.URL.Path, "err", err)
		a.unauthorized(w, "Le jeton n'est pas valide : "+strings.TrimPrefix(err.Error(), "jeton invalide : "), "token_not_valid")
		return jwt.Claims{}, false
	}
	return c, true
}

// claimsKey carries the verified claims in the request context.
type claimsKey struct{}

// ClaimsFrom returns the verified token claims of an API request.
func ClaimsFrom(ctx context.Context) (jwt.Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(jwt.Claims)
	return c, ok
}

// simpleAuth only validates the token.
func (a *apiServer) simpleAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := a.verify(w, r)
		if !ok {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, c)))
	})
}

// siapAuth validates the token, then resolves its habilitation (SIAP
// call, entity get-or-create, no role row) into the request's Subject.
func (a *apiServer) siapAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := a.verify(w, r)
		if !ok {
			return
		}
		if c.UserLogin == "" || c.HabilitationID == 0 {
			a.unauthorized(w, "User or Habilitation not found", "user_not_found")
			return
		}
		if a.o.Habilitations == nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": siap.MsgAPIError})
			return
		}
		sub, ok := a.subjects.get(c.UserLogin, c.HabilitationID)
		if !ok {
			st, err := a.o.Habilitations.Load(r.Context(), habilitation.User{CerbereLogin: c.UserLogin}, c.HabilitationID, 0, habilitation.API)
			if err != nil {
				a.siapError(w, r, err)
				return
			}
			sub = &access.Subject{CerbereLogin: c.UserLogin, Username: c.UserLogin, DisplayName: c.UserLogin, IsActive: true, Role: &st.Role}
			if st.Role.BailleurID != 0 {
				ids, err := a.bailleurFamily(r.Context(), st.Role.BailleurID)
				if err != nil {
					a.o.Logger.ErrorContext(r.Context(), "lecture des bailleurs enfants", "err", err)
					writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "Erreur interne du serveur."})
					return
				}
				sub.BailleurIDs = ids
			}
			a.subjects.put(c.UserLogin, c.HabilitationID, sub)
		}
		ctx := context.WithValue(r.Context(), claimsKey{}, c)
		next.ServeHTTP(w, r.WithContext(access.WithSubject(ctx, sub)))
	})
}

// bailleurFamily is the bailleur and its direct children.
func (a *apiServer) bailleurFamily(ctx context.Context, id int64) ([]int64, error) {
	ids := []int64{id}
	rows, err := a.o.DB.Query(ctx, `SELECT id::int8 FROM bailleurs_bailleur WHERE parent_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		ids = append(ids, c)
	}
	return ids, rows.Err()
}

// siapError answers a failed habilitation load: 403 when SIAP refuses,
// otherwise the reference's 500 JSON for SIAP failures.
func (a *apiServer) siapError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := siap.AsError(err)
	a.o.Logger.WarnContext(r.Context(), "habilitation SIAP de l'appel d'API non résolue", "path", r.URL.Path, "err", err)
	switch {
	case ok && e.HTTPStatus() == http.StatusForbidden:
		writeJSON(w, http.StatusForbidden, errorBody{Detail: e.Message})
	case ok:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": siap.MsgAPIError})
	default:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "Erreur interne du serveur."})
	}
}

// configView is the answer of config/ (§3.3).
type configView struct {
	RacineURLAccesWeb               string `json:"racine_url_acces_web"`
	URLAccesAPIClotureOperation     string `json:"url_acces_api_cloture_operation"`
	URLAccesAPIAnnulationOperation  string `json:"url_acces_api_annulation_operation"`
	URLAccesAPIConventionsOperation string `json:"url_acces_api_conventions_operation"`
	URLAccesAPIKPI                  string `json:"url_acces_api_kpi"`
	URLAccesWebOperation            string `json:"url_acces_web_operation"`
	URLAccesWebRecherche            string `json:"url_acces_web_recherche"`
	Version                         string `json:"version"`
}

// Version is the API version announced by config/ (major.minor of the
// OpenAPI version 0.0.1).
const Version = "0.0"

func (a *apiServer) config(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if a.o.IsHTTPS(r) {
		scheme = "https"
	}
	writeJSON(w, http.StatusOK, configView{
		RacineURLAccesWeb:              scheme + "://" + r.Host,
		URLAccesAPIClotureOperation:    Prefix + "close_operation/{NUMERO_OPERATION_SIAP}/",
		URLAccesAPIAnnulationOperation: Prefix + "cancel_operation/{NUMERO_OPERATION_SIAP}/",
		// Without trailing slash, as the reference announces it (SIAP
		// builds its calls from it); the operation route accepts both.
		URLAccesAPIConventionsOperation: Prefix + "operation/{NUMERO_OPERATION_SIAP}",
		URLAccesAPIKPI:                  Prefix + "convention_kpi/",
		URLAccesWebOperation:            "/operations/{NUMERO_OPERATION_SIAP}",
		URLAccesWebRecherche:            "/conventions",
		Version:                         Version,
	})
}
