package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// registeredRoute is one entry of the route table: every pattern with the
// access rule it was registered with. The permission-matrix test walks
// this table, so a route added without an expectation fails the tests.
type registeredRoute struct {
	Pattern string
	Rule    access.Rule
}

// handle registers a route. The access rule is a required argument and
// the zero Rule is refused: no route can exist without a decision on who
// may call it. This is the only place that touches the mux (a test
// checks that no other file of the package registers on it).
//
// Requests of routes whose rule needs it go through: session load (scs,
// sliding 6 h), Subject load (one query), rule check; then the handler,
// which finds the Subject with access.FromContext and, for PermOn rules,
// the checked object with access.ConventionFrom / access.ObjectFrom.
func (s *server) handle(pattern string, rule access.Rule, h http.Handler) {
	if !rule.Valid() {
		panic(fmt.Sprintf("route %q enregistrée sans règle d'accès : utilisez access.Public(), LoggedIn(), Perm(...) ou PermOn(...)", pattern))
	}
	if h == nil {
		panic(fmt.Sprintf("route %q enregistrée sans gestionnaire", pattern))
	}
	for _, rt := range s.registered {
		if rt.Pattern == pattern {
			panic(fmt.Sprintf("route %q enregistrée deux fois", pattern))
		}
	}
	s.registered = append(s.registered, registeredRoute{Pattern: pattern, Rule: rule})
	// The body is bounded, parsed and checked (input.go) only once the
	// rule let the request in.
	var wrapped http.Handler = s.guard(rule, s.decodeInput(h))
	if rule.NeedsSession() {
		wrapped = s.sessions.LoadAndSave(s.withSubject(noStoreWhenLoggedIn(wrapped)))
	}
	s.mux.Handle(pattern, wrapped)
}

// handleFunc is handle for a function.
func (s *server) handleFunc(pattern string, rule access.Rule, h http.HandlerFunc) {
	s.handle(pattern, rule, h)
}

// routeTable returns the registered routes sorted by pattern.
func (s *server) routeTable() []registeredRoute {
	out := append([]registeredRoute(nil), s.registered...)
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}

// withSubject loads the request's Subject from the session into the
// context (access.FromContext).
func (s *server) withSubject(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub, err := s.loadSubject(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(access.WithSubject(r.Context(), sub)))
	})
}

// guard applies the route's rule: anonymous → login page (with next),
// missing permission → 403 page, object missing or outside the scope →
// 404 page.
func (s *server) guard(rule access.Rule, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub := access.FromContext(r.Context())
		var q access.Querier
		if s.opts.DB != nil {
			q = s.opts.DB
		}
		out, obj, err := rule.Check(r.Context(), q, sub, r)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		switch out {
		case access.Allowed:
			if obj != nil {
				r = r.WithContext(access.WithObject(r.Context(), obj))
			}
			h.ServeHTTP(w, r)
		case access.LoginRequired:
			http.Redirect(w, r, s.loginRedirect(r), http.StatusFound)
		case access.Forbidden:
			LoggerFrom(r.Context(), s.log).Info("accès refusé", "user_id", sub.UserID, "rule", rule.String(), "path", r.URL.Path)
			s.forbidden(w, r)
		default:
			s.notFound(w, r)
		}
	})
}

// loginPath is where anonymous users are sent: the CAS login in CERBERE
// mode, the local login form otherwise.
func (s *server) loginPath() string {
	if s.opts.CerbereMode {
		return cerbereLoginURL
	}
	return loginURL
}

// cerbereLoginURL is the CAS login route (CERBERE mode).
const cerbereLoginURL = "/accounts/cerbere-login"

// loginRedirect is the login URL with next= the requested page (path and
// query only: never another host).
func (s *server) loginRedirect(r *http.Request) string {
	next := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		next += "?" + r.URL.RawQuery
	}
	return s.loginPath() + "?" + url.Values{"next": {next}}.Encode()
}

// forbidden answers the 403 page of a refused permission.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request) {
	v := s.errorView(r)
	v.Title = "Accès refusé"
	v.Reason = "Vous n'avez pas les droits pour effectuer cette action."
	v.Hint = "Votre rôle actuel ne permet pas d'accéder à cette page. Si vous avez plusieurs habilitations, choisissez celle qui convient dans l'en-tête ; sinon, adressez-vous à votre administrateur."
	s.render(w, r, http.StatusForbidden, "403", v)
}
