package web

import (
	"context"
	"encoding/gob"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
	"github.com/MTES-MCT/apilos-go/internal/config"
)

// Session keys. Every handler reads and writes the session through these
// names only (scs, gob-encoded map in the sessions table).
const (
	// sessionUserID (int64) is the logged-in account (users_user.id).
	// Written by startUserSession; its absence means anonymous.
	sessionUserID = "user_id"
	// sessionRoleID (int64) is the users_role.id a local account acts
	// through; when absent (or no longer the user's), the first role by id.
	sessionRoleID = "role_id"
	// sessionRole (access.Role) is the current role of a CERBERE user,
	// built from the active SIAP habilitation by the CERBERE handlers
	// (they also keep their own keys: habilitations, menu...). CERBERE
	// users never act through their stored users_role rows.
	sessionRole = "role"
	// sessionExpert (bool) is the instructeur's expert mode.
	sessionExpert = "is_expert"
	// sessionImpersonatorID (int64) is the support account impersonating
	// the session's user (set by the hijack handlers), 0 when none.
	sessionImpersonatorID = "impersonator_id"
)

// Session lifetime as in the reference: a cookie valid 6 hours, pushed
// forward at every request (sliding), surviving the browser's restart.
// The absolute cap only bounds a session kept alive without a pause.
const (
	sessionIdleTimeout = 6 * time.Hour
	sessionLifetime    = 7 * 24 * time.Hour
	sessionCookieName  = "apilos_session"
)

func init() {
	// access.Role travels in the session of CERBERE users.
	gob.Register(access.Role{})
}

// newSessionManager stores sessions in PostgreSQL (table sessions,
// migration 00002), or in memory when the handler has no database (tests
// of templates only). Expired rows are purged by `apilos clearsessions`
// at each deployment, so the store runs no cleanup goroutine of its own.
func newSessionManager(opts Options) *scs.SessionManager {
	sm := scs.New()
	if opts.DB != nil {
		sm.Store = pgxstore.NewWithCleanupInterval(opts.DB, 0)
	} else {
		sm.Store = memstore.NewWithCleanupInterval(0)
	}
	sm.IdleTimeout = sessionIdleTimeout
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = sessionCookieName
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = true
	sm.Cookie.Path = "/"
	sm.Cookie.Secure = !(config.Config{Environment: opts.Environment}).IsDevelopment()
	return sm
}

// startUserSession logs userID in: a new session token (no fixation), the
// previous content dropped, then the user id stored. Login handlers call
// it after checking the credentials; CERBERE handlers then add the role.
func (s *server) startUserSession(ctx context.Context, userID int64) error {
	if err := s.sessions.Clear(ctx); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, userID)
	return nil
}

// endUserSession logs out: the session row is deleted and the cookie
// expired.
func (s *server) endUserSession(ctx context.Context) error {
	return s.sessions.Destroy(ctx)
}

// loadSubject builds the request's Subject from the session: anonymous
// without user id; otherwise the account row and its current role in one
// query. An unknown or inactive account is anonymous (its session is
// dropped: deactivating an account logs it out).
func (s *server) loadSubject(ctx context.Context) (*access.Subject, error) {
	uid := s.sessions.GetInt64(ctx, sessionUserID)
	if uid == 0 {
		return &access.Subject{}, nil
	}
	if s.opts.DB == nil {
		return &access.Subject{}, nil
	}
	var cerbereRole *access.Role
	if r, ok := s.sessions.Get(ctx, sessionRole).(access.Role); ok {
		cerbereRole = &r
	}
	sub, found, err := account.LoadSubject(ctx, s.opts.DB, uid, s.sessions.GetInt64(ctx, sessionRoleID), cerbereRole)
	if err != nil {
		return nil, err
	}
	if !found || !sub.IsActive {
		return &access.Subject{}, s.sessions.Destroy(ctx)
	}
	sub.Expert = s.sessions.GetBool(ctx, sessionExpert)
	sub.ImpersonatorID = s.sessions.GetInt64(ctx, sessionImpersonatorID)
	return sub, nil
}
