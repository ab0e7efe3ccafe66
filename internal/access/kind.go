package access

import "strings"

// Kind names the kind of user a Subject is for this request, from its
// account flags and its CURRENT role only (the reference looked at every
// role the user ever had; see docs/COMPATIBILITY.md).
type Kind string

const (
	KindAnonymous                   Kind = "anonyme"
	KindSuperuser                   Kind = "superuser"
	KindStaff                       Kind = "staff"
	KindAdministrateurNational      Kind = "administrateur_national"
	KindAdministrateurRegional      Kind = "administrateur_regional"
	KindAdministrateurDepartemental Kind = "administrateur_departemental"
	KindInstructeur                 Kind = "instructeur"
	KindBailleur                    Kind = "bailleur"
	KindPartenaire                  Kind = "partenaire"
	// KindNone is a logged-in account without any usable role.
	KindNone Kind = "sans_role"
)

// Kind returns the subject's kind. Superuser and staff come first (they
// carry every permission); the others follow the current role.
func (s *Subject) Kind() Kind {
	switch {
	case s.Anonymous():
		return KindAnonymous
	case s.IsSuperuser:
		return KindSuperuser
	case s.IsStaff:
		return KindStaff
	}
	return s.roleKind()
}

// roleKind is the kind the current role alone gives (staff accounts are
// scoped by it too).
func (s *Subject) roleKind() Kind {
	if s == nil || s.Role == nil {
		return KindNone
	}
	r := s.Role
	switch r.Typologie {
	case TypologieBailleur:
		return KindBailleur
	case TypologieInstructeur:
		return KindInstructeur
	case TypologieAdministrateur:
		if r.Profile == ProfilePartenaires {
			return KindPartenaire
		}
		switch {
		case r.PerimetreDepartement != "":
			return KindAdministrateurDepartemental
		case r.PerimetreRegion != "":
			return KindAdministrateurRegional
		default:
			return KindAdministrateurNational
		}
	}
	return KindNone
}

// IsSuperuserActive reports an active superuser (they see and may do
// everything).
func (s *Subject) IsSuperuserActive() bool { return s != nil && s.IsActive && s.IsSuperuser }

// IsBailleur reports a current BAILLEUR role.
func (s *Subject) IsBailleur() bool { return s.roleKind() == KindBailleur }

// IsInstructeur reports a current INSTRUCTEUR role (a service instructeur
// attached to one administration).
func (s *Subject) IsInstructeur() bool { return s.roleKind() == KindInstructeur }

// IsAdministrateur reports a current ADMINISTRATEUR role other than
// partenaire (national, régional or départemental).
func (s *Subject) IsAdministrateur() bool {
	switch s.roleKind() {
	case KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental:
		return true
	}
	return false
}

// IsPartenaire reports a PARTENAIRES habilitation (sees everything, reads
// only).
func (s *Subject) IsPartenaire() bool { return s.roleKind() == KindPartenaire }

// InstructeurSide reports whether the subject works on the State's side
// (the reference's "instructeur profiles": STAFF, INSTRUCTEUR,
// ADM_CENTRALE, ASS_HLM, DIR_REG, SER_DEP, SER_GEST): superuser and staff,
// instructeurs and administrateurs. It decides the editing rules and the
// instructeur wording of pages.
func (s *Subject) InstructeurSide() bool {
	if s.Anonymous() || !s.IsActive {
		return false
	}
	if s.IsSuperuser || s.IsStaff {
		return true
	}
	return s.IsInstructeur() || s.IsAdministrateur()
}

// BailleurSide reports a bailleur working on its own conventions (and not
// a State agent).
func (s *Subject) BailleurSide() bool {
	return s != nil && s.IsActive && !s.InstructeurSide() && s.IsBailleur()
}

// readonlyGroup reports a readonly_* group name.
func readonlyGroup(name string) bool { return strings.HasPrefix(name, "readonly_") }
