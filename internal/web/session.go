package web

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
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
	var chosenRole *int64
	if id := s.sessions.GetInt64(ctx, sessionRoleID); id != 0 {
		chosenRole = &id
	}
	var cerbereBailleur *int64
	if cerbereRole != nil && cerbereRole.BailleurID != 0 {
		cerbereBailleur = &cerbereRole.BailleurID
	}

	var (
		sub                              access.Subject
		first, last, cerbere             string
		hasCerbere                       bool
		roleID, roleBailleur, roleAdmin  *int64
		typologie, group, perReg, perDep *string
		children                         []int64
	)
	err := s.opts.DB.QueryRow(ctx, subjectQuery, uid, chosenRole, cerbereBailleur).Scan(
		&sub.UserID, &sub.Username, &first, &last, &sub.Email,
		&sub.IsSuperuser, &sub.IsStaff, &sub.IsActive, &cerbere, &hasCerbere,
		&roleID, &typologie, &group, &roleBailleur, &roleAdmin, &perReg, &perDep,
		&sub.FiltreDepartements, &children,
	)
	if errors.Is(err, pgx.ErrNoRows) {
		return &access.Subject{}, s.sessions.Destroy(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("chargement de l'utilisateur %d de la session : %w", uid, err)
	}
	if !sub.IsActive {
		return &access.Subject{}, s.sessions.Destroy(ctx)
	}
	sub.DisplayName = displayName(first, last, sub.Username)
	if hasCerbere {
		sub.CerbereLogin = cerbere
		sub.Role = cerbereRole
	} else if roleID != nil {
		r := &access.Role{
			ID:                   *roleID,
			Typologie:            deref(typologie),
			Group:                deref(group),
			BailleurID:           derefInt(roleBailleur),
			AdministrationID:     derefInt(roleAdmin),
			PerimetreRegion:      deref(perReg),
			PerimetreDepartement: deref(perDep),
		}
		r.ReadOnly = len(r.Group) > 9 && r.Group[:9] == "readonly_"
		switch r.Typologie {
		case access.TypologieBailleur:
			r.Profile = access.ProfileBailleur
		case access.TypologieInstructeur:
			r.Profile = access.ProfileInstructeur
		}
		if sub.IsStaff || sub.IsSuperuser {
			r.Profile = access.ProfileStaff
		}
		sub.Role = r
	}
	if sub.Role != nil && sub.Role.BailleurID != 0 {
		sub.BailleurIDs = append([]int64{sub.Role.BailleurID}, children...)
	}
	if len(sub.FiltreDepartements) == 0 {
		sub.FiltreDepartements = nil // no filter, like a Subject built by hand
	}
	sub.Expert = s.sessions.GetBool(ctx, sessionExpert)
	sub.ImpersonatorID = s.sessions.GetInt64(ctx, sessionImpersonatorID)
	return &sub, nil
}

// subjectQuery reads the account, its current role (local accounts: the
// chosen one if it is still theirs, else the first by id; CERBERE
// accounts: none here, the role comes from the session), its département
// filter and the direct children of the role's bailleur ($3 is the
// CERBERE role's bailleur, which wins over the DB role's).
const subjectQuery = `
SELECT u.id, u.username, u.first_name, u.last_name, u.email,
       u.is_superuser, u.is_staff, u.is_active, COALESCE(u.cerbere_login, ''), u.cerbere_login IS NOT NULL,
       r.id, r.typologie, g.name, r.bailleur_id::int8, r.administration_id::int8, r.perimetre_region, r.perimetre_departement,
       ARRAY(SELECT d.code_postal::text FROM users_user_filtre_departements f
               JOIN apilos_settings_departement d ON d.id = f.departement_id
              WHERE f.user_id = u.id ORDER BY d.code_postal),
       ARRAY(SELECT b.id::int8 FROM bailleurs_bailleur b
              WHERE b.parent_id = COALESCE($3::int8, r.bailleur_id) ORDER BY b.id)
  FROM users_user u
  LEFT JOIN LATERAL (
        SELECT ro.* FROM users_role ro
         WHERE ro.user_id = u.id AND u.cerbere_login IS NULL
         ORDER BY (ro.id = $2::int8) IS TRUE DESC, ro.id
         LIMIT 1) r ON TRUE
  LEFT JOIN auth_group g ON g.id = r.group_id
 WHERE u.id = $1`

func displayName(first, last, username string) string {
	n := first
	if last != "" {
		if n != "" {
			n += " "
		}
		n += last
	}
	if n == "" {
		return username
	}
	return n
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
