package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
)

// cerbereSession runs before the router's session and Subject loading, in
// CERBERE mode only (spec §2.3 step 1). For a CERBERE user it loads the
// habilitation again when the request carries ?habilitation_id= (the
// habilitation switch, from the header menu or a SIAP link) or when the
// session has none yet (SIAP failed at login); the Subject loaded next
// then acts with the new role. Anonymous visitors of the home page go to
// the CAS login, as in the reference.
//
// The session is loaded here into the request context; the route's own
// LoadAndSave finds it there, reuses it and saves it, so the session is
// read and written once.
func (s *server) cerbereSession(next http.Handler) http.Handler {
	if s.opts.Cerbere == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.routeNeedsSession(r) {
			next.ServeHTTP(w, r)
			return
		}
		var token string
		if ck, err := r.Cookie(s.sessions.Cookie.Name); err == nil {
			token = ck.Value
		}
		ctx, err := s.sessions.Load(r.Context(), token)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		r = r.WithContext(ctx)
		uid := s.sessions.GetInt64(ctx, sessionUserID)
		if uid == 0 {
			if r.URL.Path == "/" {
				http.Redirect(w, r, cerbereLoginURL, http.StatusFound)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		isCerbere, err := s.sessionIsCerbere(ctx, uid)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !isCerbere {
			next.ServeHTTP(w, r) // a local account: no habilitation
			return
		}
		raw := r.URL.Query().Get("habilitation_id")
		requested, err := strconv.ParseInt(raw, 10, 64)
		if raw != "" && (err != nil || requested <= 0) {
			raw = "" // not an id: ignored, as an unknown id would be
		}
		if raw == "" && s.sessions.Exists(ctx, sessionHabilitationID) {
			next.ServeHTTP(w, r)
			return
		}
		if raw == "" {
			requested = 0
		}
		if err := s.loadHabilitation(ctx, uid, requested); err != nil {
			s.siapFailure(w, r, err)
			return
		}
		LoggerFrom(ctx, s.log).Info("habilitation SIAP chargée", "user_id", uid,
			"habilitation_id", s.sessions.GetInt64(ctx, sessionHabilitationID))
		next.ServeHTTP(w, r)
	})
}

// sessionIsCerbere tells whether the session's user is a CERBERE user.
// The CERBERE login sets the answer; a session opened another way (an
// impersonation, whose target may be a CERBERE user) asks the database
// once and keeps the answer.
func (s *server) sessionIsCerbere(ctx context.Context, uid int64) (bool, error) {
	if s.sessions.Exists(ctx, sessionCerbereLogin) {
		return s.sessions.GetString(ctx, sessionCerbereLogin) != "", nil
	}
	u, err := account.ByID(ctx, s.opts.DB, uid)
	if errors.Is(err, account.ErrNotFound) {
		return false, nil // the Subject loader drops this session
	}
	if err != nil {
		return false, err
	}
	s.sessions.Put(ctx, sessionCerbereLogin, u.CerbereLogin) // "" for a local account
	return u.IsCerbere(), nil
}

// routeNeedsSession reports whether the route serving r loads the session
// (the others, static files and probes, never see a habilitation).
func (s *server) routeNeedsSession(r *http.Request) bool {
	_, pattern := s.mux.Handler(r)
	for _, rt := range s.registered {
		if rt.Pattern == pattern {
			return rt.Rule.NeedsSession()
		}
	}
	return false
}

// HabilitationMenu is the header's habilitation menu of a CERBERE user.
type HabilitationMenu struct {
	Current HabilitationLink
	// Others are the user's other valid habilitations.
	Others []HabilitationLink
	// LogoutURL ends the CERBERE session.
	LogoutURL string
}

// HabilitationLink switches to one habilitation.
type HabilitationLink struct {
	Title, Subtitle string
	// URL is the current page with ?habilitation_id=<id>.
	URL string
}

// habilitationMenu builds the header menu from the session, nil for
// everybody but a CERBERE user with a loaded habilitation.
func (s *server) habilitationMenu(r *http.Request) *HabilitationMenu {
	if s.opts.Cerbere == nil || access.FromContext(r.Context()).CerbereLogin == "" {
		return nil // also: no session in context (the Subject comes with it)
	}
	ctx := r.Context()
	current := s.sessions.GetInt64(ctx, sessionHabilitationID)
	var cs cerbereState
	if b := s.sessions.GetBytes(ctx, sessionSIAP); b == nil || json.Unmarshal(b, &cs) != nil || current == 0 {
		return nil
	}
	m := &HabilitationMenu{LogoutURL: cerbereLogoutURL}
	for _, h := range cs.Habilitations {
		q := url.Values{"habilitation_id": {strconv.FormatInt(h.ID, 10)}}
		l := HabilitationLink{Title: h.Title, Subtitle: h.Subtitle, URL: r.URL.EscapedPath() + "?" + q.Encode()}
		if h.ID == current {
			m.Current = l
		} else {
			m.Others = append(m.Others, l)
		}
	}
	return m
}
