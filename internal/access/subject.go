// Package access answers every "may this user..." question of APiLos, in
// one place: who the user is for this request (Subject), what they may
// see (SQL conditions used by every list), what they may do on an object,
// and which fields they may edit now.
//
// A Subject is built per request, from the session (local accounts and
// CERBERE users) or from an API token; it is never shared between
// requests. Permissions come from the current role, never past ones: a
// local account acts through the role chosen in its session (by default
// its first role by id), a CERBERE user through the role of its current
// SIAP habilitation. What a local account sees is the union of all its
// roles' scopes (ScopeRoles), as in the reference; a CERBERE session sees
// only its current habilitation's.
//
// The pieces:
//   - kinds of user (kind.go): superuser, staff, administrateur national /
//     régional / départemental, instructeur, bailleur, partenaire, and the
//     read-only flag of the role;
//   - permissions (perm.go): the group → permission table of the reference
//     fixture, Can(subject, permission);
//   - scopes (scope.go): SQL conditions over fixed table aliases that every
//     list appends to its WHERE clause, with an Args builder so they compose
//     with the caller's own placeholders;
//   - object checks (object.go): permission AND visibility of one
//     convention (not visible → the web answers 404, never 403);
//   - rules (rule.go): what each web route requires (Public, LoggedIn,
//     Perm, PermOn); the router refuses a route without one;
//   - editability (edit.go): may this subject edit this convention, this
//     field, now (statut, read-only, expert mode, open comments).
//
// Deliberate differences from the reference are listed in
// docs/COMPATIBILITY.md (section "Accès").
package access

import "context"

// Typologie of a role (users_role.typologie).
const (
	TypologieBailleur       = "BAILLEUR"
	TypologieInstructeur    = "INSTRUCTEUR"
	TypologieAdministrateur = "ADMINISTRATEUR"
)

// Profile codes: the SIAP habilitation profile (groupe.profil.code), or
// the local equivalent for password accounts ("currently" in the
// reference session).
const (
	ProfileStaff        = "STAFF"
	ProfileBailleur     = "BAILLEUR"
	ProfileInstructeur  = "INSTRUCTEUR"
	ProfileAdmCentrale  = "ADM_CENTRALE"
	ProfileDirReg       = "DIR_REG"
	ProfileSerDep       = "SER_DEP"
	ProfileSerGest      = "SER_GEST"
	ProfileAssHLM       = "ASS_HLM"
	ProfileMOPersMorale = "MO_PERS_MORALE"
	ProfileMOPersPhys   = "MO_PERS_PHYS"
	ProfilePartenaires  = "PARTENAIRES"
)

// Groups (auth_group.name) carrying the permissions of a role.
const (
	GroupBailleur               = "bailleur"
	GroupInstructeur            = "instructeur"
	GroupAdministrateur         = "administrateur"
	GroupReadonlyBailleur       = "readonly_bailleur"
	GroupReadonlyInstructeur    = "readonly_instructeur"
	GroupReadonlyAdministrateur = "readonly_administrateur"
)

// Role is the current role of a Subject: a users_role row for local
// accounts and web CERBERE sessions, or the same data without a row (ID
// 0) for API calls.
//
// Role is stored as is in the web session of CERBERE users (gob), so its
// fields stay plain values.
type Role struct {
	ID                   int64  // users_role.id; 0 when not persisted (API)
	Typologie            string // TypologieBailleur, ...
	Profile              string // ProfileSerGest, ... ("currently")
	Group                string // GroupBailleur, ...
	BailleurID           int64  // 0 when none
	AdministrationID     int64  // 0 when none
	PerimetreRegion      string // INSEE region code of a REG-scoped role
	PerimetreDepartement string // INSEE département code of a DEP-scoped role
	ReadOnly             bool   // read-only habilitation (LECTEUR, CHORUS, PARTENAIRES...)
	HabilitationID       int64  // SIAP habilitation id; 0 for local accounts
}

// Subject is the user a request acts for, with their current role.
type Subject struct {
	UserID       int64 // 0 for anonymous (and for the transient API user)
	Username     string
	DisplayName  string
	Email        string
	IsSuperuser  bool
	IsStaff      bool
	IsActive     bool
	CerbereLogin string // non-empty for CERBERE (SIAP) users
	Role         *Role  // nil: no role (anonymous, or an account without role)
	// BailleurIDs are the bailleurs the role gives access to: the role's
	// bailleur and its direct children (one level).
	BailleurIDs []int64
	// FiltreDepartements are the code_postal prefixes of the user's
	// optional geographic filter (bailleur users).
	FiltreDepartements []string
	// ScopeRoles are all the roles of a local account holding two or more
	// (the current one included): the scopes (scope.go) are their union.
	// Empty for CERBERE sessions, API calls and single-role accounts,
	// whose scope is the current role's.
	ScopeRoles []ScopeRole
	// Expert is the instructeur's expert mode (edit a completed convention).
	Expert bool
	// ImpersonatorID is the support user acting as this one, 0 otherwise.
	ImpersonatorID int64
}

// ScopeRole is one role of a local account with the bailleurs it opens
// (its bailleur and that bailleur's direct children).
type ScopeRole struct {
	Role        Role
	BailleurIDs []int64
}

// Anonymous reports whether nobody is logged in.
func (s *Subject) Anonymous() bool { return s == nil || s.UserID == 0 && s.CerbereLogin == "" }

// Typologie returns the current role's typologie, "" without role.
func (s *Subject) Typologie() string {
	if s == nil || s.Role == nil {
		return ""
	}
	return s.Role.Typologie
}

// ReadOnly reports whether the current role only reads (it may still
// write comments).
func (s *Subject) ReadOnly() bool { return s != nil && s.Role != nil && s.Role.ReadOnly }

type subjectKey struct{}

// WithSubject returns a context carrying s (the web middleware and the API
// authentication put the request's Subject there).
func WithSubject(ctx context.Context, s *Subject) context.Context {
	return context.WithValue(ctx, subjectKey{}, s)
}

// FromContext returns the request's Subject; an anonymous Subject (never
// nil) when none was set, so callers never dereference nil.
func FromContext(ctx context.Context) *Subject {
	if s, ok := ctx.Value(subjectKey{}).(*Subject); ok && s != nil {
		return s
	}
	return &Subject{}
}
