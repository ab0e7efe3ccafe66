package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// CerbereOptions wire CERBERE single sign-on (CERBERE_AUTH) and the SIAP
// habilitations. Nil in Options.Cerbere: local accounts only, and the
// CERBERE routes answer 404.
type CerbereOptions struct {
	// CAS is the client of the CERBERE CAS server.
	CAS *cas.Client
	// Habilitations turns the user's SIAP habilitation into their role.
	Habilitations *habilitation.Service
	// SiteURL is the public URL of APiLos (APILOS_SITE_URL): the CAS
	// service URLs are built on it, never on the request's Host header.
	SiteURL string
}

// CERBERE session keys (besides sessionUserID and sessionRole, see
// session.go).
const (
	// sessionCerbereLogin (string) marks a session opened through CERBERE.
	sessionCerbereLogin = "cerbere_login"
	// sessionHabilitationID (int64) is the active SIAP habilitation.
	sessionHabilitationID = "habilitation_id"
	// sessionSIAP ([]byte, JSON cerbereState) holds the habilitations for
	// the header menu, the SIAP menu and the session's bailleur or
	// administration. JSON rather than gob: no type to register, and the
	// SIAP types may grow without breaking stored sessions.
	sessionSIAP = "siap"
)

// cerbereLogoutURL is the logout route of CERBERE mode.
const cerbereLogoutURL = "/accounts/cerbere-logout"

// cerbereState is the JSON of sessionSIAP.
type cerbereState struct {
	Habilitations  []habilitationChoice `json:"habilitations"`
	Menu           []siap.MenuItem      `json:"menu,omitempty"`
	Bailleur       *habilitation.Entity `json:"bailleur,omitempty"`
	Administration *habilitation.Entity `json:"administration,omitempty"`
}

// habilitationChoice is one entry of the header's habilitation menu.
type habilitationChoice struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

func init() { routeGroups = append(routeGroups, (*server).cerbereRoutes) }

// cerbereRoutes are registered in every mode, so the route table (and the
// permission matrix) always lists them; without CERBERE they answer 404.
// Both are public: the login callback authenticates through the CAS
// ticket, and logging out needs no right.
func (s *server) cerbereRoutes() {
	s.handleFunc("GET "+cerbereLoginURL, access.Public(), s.cerbereLogin)
	s.handleFunc("GET "+cerbereLogoutURL, access.Public(), s.cerbereLogout)
	s.handleFunc("POST "+cerbereLogoutURL, access.Public(), s.cerbereLogout)
}

// safeNext keeps a local path for the redirect after login ("/" else):
// never another host, nor a scheme-relative //host.
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

// serviceURL is the CAS service of the login route with next (the same
// string at the redirect and at the ticket validation).
func (c *CerbereOptions) serviceURL(next string) string {
	u := strings.TrimRight(c.SiteURL, "/") + cerbereLoginURL
	if next != "/" {
		u += "?" + url.Values{"next": {next}}.Encode()
	}
	return u
}

// cerbereLogin is the CAS login and its callback: without ticket, off to
// CERBERE; with one, the ticket is validated, the user created or
// updated, a new session opened, and the habilitation loaded.
func (s *server) cerbereLogin(w http.ResponseWriter, r *http.Request) {
	c := s.opts.Cerbere
	if c == nil {
		s.notFound(w, r)
		return
	}
	q := r.URL.Query()
	next := safeNext(q.Get("next"))
	service := c.serviceURL(next)
	ticket := q.Get("ticket")
	if ticket == "" {
		http.Redirect(w, r, c.CAS.LoginURL(service), http.StatusFound)
		return
	}
	log := LoggerFrom(r.Context(), s.log)
	resp, err := c.CAS.Validate(r.Context(), ticket, service)
	var id cas.Identity
	if err == nil {
		id, err = resp.Identity()
	}
	if err != nil {
		log.Info("connexion CERBERE refusée", "err", err)
		var f *cas.Failure
		if errors.As(err, &f) {
			s.cerbereRefused(w, r, "CERBERE n'a pas confirmé votre connexion (ticket expiré ou déjà utilisé).",
				"Reprenez la connexion depuis la page d'accueil d'APiLos.")
			return
		}
		s.cerbereRefused(w, r, "La connexion par CERBERE a échoué : "+err.Error(), "Réessayez dans quelques minutes ; si le problème persiste, contactez l'équipe APiLos.")
		return
	}
	uid, active, err := account.UpsertCerbere(r.Context(), s.opts.DB, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !active {
		log.Info("connexion CERBERE d'un compte désactivé refusée", "user_id", uid, "cerbere_login", id.CerbereLogin)
		s.cerbereRefused(w, r, "Votre compte APiLos est désactivé.", "Adressez-vous à l'administrateur APiLos de votre structure pour le réactiver.")
		return
	}
	if err := s.startUserSession(r.Context(), uid); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessionCerbereLogin, id.CerbereLogin)
	log.Info("connexion CERBERE", "user_id", uid, "username", id.Username, "cerbere_login", id.CerbereLogin, "email", id.Email)
	requested, _ := strconv.ParseInt(q.Get("habilitation_id"), 10, 64)
	if err := s.loadHabilitation(r.Context(), uid, requested); err != nil {
		s.siapFailure(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// loadHabilitation asks SIAP for the user's habilitations, makes the
// requested one (else the session's, else the first valid) the user's
// role, and stores it in the session.
func (s *server) loadHabilitation(ctx context.Context, uid, requested int64) error {
	c := s.opts.Cerbere
	acc, err := account.ByID(ctx, s.opts.DB, uid)
	if err != nil {
		return err
	}
	u := habilitation.User{ID: uid, CerbereLogin: acc.CerbereLogin, Email: acc.Email}
	current := s.sessions.GetInt64(ctx, sessionHabilitationID)
	st, err := c.Habilitations.Load(ctx, u, requested, current, habilitation.Web)
	if err != nil {
		return err
	}
	cs := cerbereState{Menu: st.Menu, Bailleur: st.Bailleur, Administration: st.Administration}
	for _, h := range st.Habilitations {
		cs.Habilitations = append(cs.Habilitations, choiceOf(h))
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionHabilitationID, st.HabilitationID)
	s.sessions.Put(ctx, sessionRole, st.Role)
	s.sessions.Put(ctx, sessionSIAP, b)
	return nil
}

// choiceOf labels a habilitation as SIAP does: profile and role, then the
// entity and territory.
func choiceOf(h siap.Habilitation) habilitationChoice {
	c := habilitationChoice{ID: h.ID, Title: h.Groupe.Profil.Libelle}
	if c.Title == "" {
		c.Title = h.Groupe.Profil.Code
	}
	if h.Groupe.LibelleRole != "" {
		c.Title += " – " + h.Groupe.LibelleRole
	}
	var sub []string
	for _, p := range []string{h.SousTitre1, h.SousTitre2} {
		if p = strings.TrimSpace(p); p != "" {
			sub = append(sub, p)
		}
	}
	if len(sub) == 0 && h.PorteeTerritComp != nil && h.PorteeTerritComp.Libellee != "" {
		sub = append(sub, h.PorteeTerritComp.Libellee)
	}
	c.Subtitle = strings.Join(sub, " – ")
	return c
}

// cerbereLogout ends the APiLos session, then the CERBERE one; CERBERE
// sends the browser back to the home page.
func (s *server) cerbereLogout(w http.ResponseWriter, r *http.Request) {
	c := s.opts.Cerbere
	if c == nil {
		s.notFound(w, r)
		return
	}
	sub := access.FromContext(r.Context())
	if err := s.endUserSession(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	LoggerFrom(r.Context(), s.log).Info("déconnexion CERBERE", "user_id", sub.UserID, "cerbere_login", sub.CerbereLogin)
	http.Redirect(w, r, c.CAS.LogoutURL(strings.TrimRight(c.SiteURL, "/")+"/"), http.StatusFound)
}

// siapErrorView is the page of a SIAP failure.
type siapErrorView struct {
	Page
	Message string
	Hint    string
}

// siapFailure answers a failed habilitation load: the reference's French
// message for SIAP errors (403 when SIAP refuses, else 500), the 500 page
// otherwise.
func (s *server) siapFailure(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := siap.AsError(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	LoggerFrom(r.Context(), s.log).Warn("habilitation SIAP non chargée", "err", err)
	v := siapErrorView{Page: s.page(r, "Erreur de communication avec le SIAP"), Message: e.Message,
		Hint: "Réessayez plus tard ou choisissez une autre habilitation depuis le SIAP. Si le problème persiste, contactez l'assistance du SIAP."}
	s.render(w, r, e.HTTPStatus(), "siap_error", v)
}

// cerbereRefused answers a refused CERBERE login.
func (s *server) cerbereRefused(w http.ResponseWriter, r *http.Request, reason, hint string) {
	v := s.errorView(r)
	v.Title = "Connexion refusée"
	v.Reason, v.Hint = reason, hint
	s.render(w, r, http.StatusForbidden, "403", v)
}
