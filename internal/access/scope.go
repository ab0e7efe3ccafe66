package access

import (
	"slices"
	"strconv"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/db"
)

// Querier is what the access checks need from the database: a pool, a
// connection or a transaction.
type Querier = db.Querier

// Args collects the positional arguments of a hand-written query, so the
// scope conditions and the caller's own conditions share one numbering:
//
//	var a access.Args
//	q := `SELECT c.id FROM conventions_convention c
//	      JOIN programmes_programme p ON p.id = c.programme_id
//	      WHERE c.statut = ` + a.Add(statut) + ` AND ` + access.ConventionScope(s, &a)
//	rows, err := pool.Query(ctx, q, a.Values()...)
//
// The scope functions never put a value in the SQL text: every value goes
// through Add, so the conditions are safe to concatenate.
type Args struct{ vals []any }

// Add appends v and returns its placeholder ("$1", "$2"...).
func (a *Args) Add(v any) string {
	a.vals = append(a.vals, v)
	return "$" + strconv.Itoa(len(a.vals))
}

// Values returns the arguments, in placeholder order.
func (a *Args) Values() []any { return a.vals }

// Clone returns a copy that numbers on from a: a second query may extend
// the conditions built so far without changing the first one's arguments.
func (a *Args) Clone() Args { return Args{vals: slices.Clone(a.vals)} }

// Len is the number of arguments added so far.
func (a *Args) Len() int { return len(a.vals) }

// EffectiveBailleurStatutsSQL is the SQL list of the statuts that make an
// avenant decide the bailleur of its whole family (spec data-model
// §20.11): CORRECTION, A_SIGNER, SIGNEE, PUBLICATION_EN_COURS, PUBLIE.
// Migration 00004 has a partial index with exactly this predicate.
const EffectiveBailleurStatutsSQL = `('3. Corrections requises', '4. A signer', '5. Signée', '5. Publication en cours', '7. Publié')`

// geoSQL is the perimeter condition of the role on programme p: its
// département, else its région, else TRUE (national).
func geoSQL(s *Subject, a *Args) string {
	if s.Role == nil {
		return "TRUE"
	}
	switch {
	case s.Role.PerimetreDepartement != "":
		return "p.code_insee_departement = " + a.Add(s.Role.PerimetreDepartement)
	case s.Role.PerimetreRegion != "":
		return "p.code_insee_region = " + a.Add(s.Role.PerimetreRegion)
	}
	return "TRUE"
}

// filtreSQL is the optional département filter of bailleur accounts: the
// first two characters of the programme's code_postal must be one of the
// départements' code_postal values (overseas 3-character codes never
// match, as in the reference).
func filtreSQL(s *Subject, a *Args) string {
	if len(s.FiltreDepartements) == 0 {
		return "TRUE"
	}
	return "left(p.code_postal, 2) = ANY(" + a.Add(s.FiltreDepartements) + "::text[])"
}

func and(conds ...string) string {
	out := ""
	for _, c := range conds {
		if c == "TRUE" {
			continue
		}
		if out != "" {
			out += " AND "
		}
		out += "(" + c + ")"
	}
	if out == "" {
		return "TRUE"
	}
	return out
}

// effectiveBailleurSQL keeps the conventions whose effective bailleur is
// one of ids (placeholder b, an int8[]). The effective bailleur of a
// convention is the programme bailleur of the most recently created
// avenant of its family (avenants whose parent_id is the family root) in
// one of the deciding statuts, else the convention's own programme
// bailleur.
//
// Evaluating that for every convention would cost one lookup per row of
// the table. Instead the condition is an uncorrelated c.id IN (...): the
// candidates are found from the bailleurs' programmes (index on
// programmes_programme.bailleur_id) — conventions of those programmes,
// plus every member of a family that has a deciding avenant on one of
// them — and only the candidates get the exact per-family check, served
// by the partial index of migration 00004. The cost grows with the
// bailleurs' own conventions, not with the table.
func effectiveBailleurSQL(b string) string {
	return `c.id IN (
  SELECT x.id FROM (
    SELECT c2.id, c2.parent_id, p2.bailleur_id
      FROM programmes_programme p2 JOIN conventions_convention c2 ON c2.programme_id = p2.id
     WHERE p2.bailleur_id = ANY(` + b + `::int8[])
    UNION
    SELECT r.id, r.parent_id, pr.bailleur_id
      FROM programmes_programme pa JOIN conventions_convention a ON a.programme_id = pa.id
      JOIN conventions_convention r ON r.id = a.parent_id
      JOIN programmes_programme pr ON pr.id = r.programme_id
     WHERE pa.bailleur_id = ANY(` + b + `::int8[]) AND a.statut IN ` + EffectiveBailleurStatutsSQL + `
    UNION
    SELECT m.id, m.parent_id, pm.bailleur_id
      FROM programmes_programme pa JOIN conventions_convention a ON a.programme_id = pa.id
      JOIN conventions_convention m ON m.parent_id = a.parent_id
      JOIN programmes_programme pm ON pm.id = m.programme_id
     WHERE pa.bailleur_id = ANY(` + b + `::int8[]) AND a.statut IN ` + EffectiveBailleurStatutsSQL + `
  ) x
  WHERE COALESCE((
    SELECT pd.bailleur_id FROM conventions_convention d JOIN programmes_programme pd ON pd.id = d.programme_id
     WHERE d.parent_id = COALESCE(x.parent_id, x.id) AND d.statut IN ` + EffectiveBailleurStatutsSQL + `
     ORDER BY d.cree_le DESC, d.id DESC LIMIT 1
  ), x.bailleur_id) = ANY(` + b + `::int8[])
)`
}

// ConventionScope returns the SQL condition, over the aliases c
// (conventions_convention) and p (its programmes_programme), that keeps
// the conventions and avenants the subject may see (spec §1.5, with the
// fixes of docs/COMPATIBILITY.md):
//   - active superuser: all;
//   - administrateur (national, régional, départemental) and partenaire:
//     the role's perimeter (département, else région, else all);
//   - instructeur: the perimeter, and the programme's administration must
//     be the role's administration; without administration, nothing;
//   - bailleur: the perimeter, the effective bailleur of the convention
//     family among the role's bailleur and its direct children, then the
//     account's département filter;
//   - staff (not superuser): the scope of its current role, nothing
//     without role;
//   - anonymous, inactive, or without role: nothing.
//
// A local account with several roles sees the union of its roles' scopes
// (Subject.ScopeRoles); a CERBERE session only its current habilitation's.
func ConventionScope(s *Subject, a *Args) string {
	if s.Anonymous() || !s.IsActive {
		return "FALSE"
	}
	if s.IsSuperuser {
		return "TRUE"
	}
	return anyRole(s, a, conventionRoleScope)
}

// conventionRoleScope is ConventionScope for the subject's current role.
func conventionRoleScope(s *Subject, a *Args) string {
	switch s.roleKind() {
	case KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental, KindPartenaire:
		return geoSQL(s, a)
	case KindInstructeur:
		if s.Role.AdministrationID == 0 {
			return "FALSE"
		}
		return and(geoSQL(s, a), "p.administration_id = "+a.Add(s.Role.AdministrationID))
	case KindBailleur:
		if len(s.BailleurIDs) == 0 {
			return "FALSE"
		}
		return and(geoSQL(s, a), effectiveBailleurSQL(a.Add(s.BailleurIDs)), filtreSQL(s, a))
	}
	return "FALSE"
}

// ProgrammeScope returns the condition over alias p (programmes_programme)
// that keeps the programmes the subject may see: superuser all;
// instructeur its administration's (none without); administrateur and
// partenaire their perimeter; bailleur its bailleurs' (and children's),
// then the département filter; staff the scope of its role.
func ProgrammeScope(s *Subject, a *Args) string {
	if s.Anonymous() || !s.IsActive {
		return "FALSE"
	}
	if s.IsSuperuser {
		return "TRUE"
	}
	return anyRole(s, a, programmeRoleScope)
}

func programmeRoleScope(s *Subject, a *Args) string {
	switch s.roleKind() {
	case KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental, KindPartenaire:
		return geoSQL(s, a)
	case KindInstructeur:
		if s.Role.AdministrationID == 0 {
			return "FALSE"
		}
		return "p.administration_id = " + a.Add(s.Role.AdministrationID)
	case KindBailleur:
		if len(s.BailleurIDs) == 0 {
			return "FALSE"
		}
		return and("p.bailleur_id = ANY("+a.Add(s.BailleurIDs)+"::int8[])", filtreSQL(s, a))
	}
	return "FALSE"
}

// BailleurScope returns the condition over alias b (bailleurs_bailleur).
// fullScope is the reference's flag for pickers and settings forms where
// State agents choose among every bailleur. Superuser and staff: all;
// instructeur and administrateur: all when fullScope, else none;
// partenaire: all; bailleur: its bailleur and direct children.
func BailleurScope(s *Subject, a *Args, fullScope bool) string {
	if s.Anonymous() || !s.IsActive {
		return "FALSE"
	}
	if s.IsSuperuser || s.IsStaff {
		return "TRUE"
	}
	return anyRole(s, a, func(s *Subject, a *Args) string { return bailleurRoleScope(s, a, fullScope) })
}

func bailleurRoleScope(s *Subject, a *Args, fullScope bool) string {
	switch s.roleKind() {
	case KindInstructeur, KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental:
		if fullScope {
			return "TRUE"
		}
		return "FALSE"
	case KindPartenaire:
		return "TRUE"
	case KindBailleur:
		if len(s.BailleurIDs) == 0 {
			return "FALSE"
		}
		return "b.id = ANY(" + a.Add(s.BailleurIDs) + "::int8[])"
	}
	return "FALSE"
}

// AdministrationScope returns the condition over alias a
// (instructeurs_administration). Superuser, staff, administrateur and
// partenaire: all; instructeur: all when fullScope, else its own
// administration; bailleur: all when fullScope, else none.
func AdministrationScope(s *Subject, a *Args, fullScope bool) string {
	if s.Anonymous() || !s.IsActive {
		return "FALSE"
	}
	if s.IsSuperuser || s.IsStaff {
		return "TRUE"
	}
	return anyRole(s, a, func(s *Subject, a *Args) string { return administrationRoleScope(s, a, fullScope) })
}

func administrationRoleScope(s *Subject, a *Args, fullScope bool) string {
	switch s.roleKind() {
	case KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental, KindPartenaire:
		return "TRUE"
	case KindInstructeur:
		if fullScope {
			return "TRUE"
		}
		if s.Role.AdministrationID == 0 {
			return "FALSE"
		}
		return "a.id = " + a.Add(s.Role.AdministrationID)
	case KindBailleur:
		if fullScope {
			return "TRUE"
		}
		return "FALSE"
	}
	return "FALSE"
}

// UserScope returns the condition over alias u (users_user) for the
// settings user list: superuser all; staff every account that is neither
// staff nor superuser; bailleur the accounts with a role on its bailleurs;
// instructeur (and a départemental service carrying an administration)
// the accounts with a role on its administration; others nobody.
func UserScope(s *Subject, a *Args) string {
	if s.Anonymous() || !s.IsActive {
		return "FALSE"
	}
	if s.IsSuperuser {
		return "TRUE"
	}
	if s.IsStaff {
		return "NOT u.is_staff AND NOT u.is_superuser"
	}
	return anyRole(s, a, userRoleScope)
}

func userRoleScope(s *Subject, a *Args) string {
	switch s.roleKind() {
	case KindBailleur:
		if len(s.BailleurIDs) == 0 {
			return "FALSE"
		}
		return "EXISTS (SELECT 1 FROM users_role ur WHERE ur.user_id = u.id AND ur.bailleur_id = ANY(" + a.Add(s.BailleurIDs) + "::int8[]))"
	case KindInstructeur, KindAdministrateurNational, KindAdministrateurRegional, KindAdministrateurDepartemental:
		if s.Role.AdministrationID == 0 {
			return "FALSE"
		}
		return "EXISTS (SELECT 1 FROM users_role ur WHERE ur.user_id = u.id AND ur.administration_id = " + a.Add(s.Role.AdministrationID) + ")"
	}
	return "FALSE"
}

// anyRole applies the per-role condition f to the current role, or, for a
// local account holding several roles (Subject.ScopeRoles), to each of
// them, joined by OR. Arguments of conditions dropped by a TRUE are not
// kept: the caller's placeholder numbering stays exact.
func anyRole(s *Subject, a *Args, f func(*Subject, *Args) string) string {
	if len(s.ScopeRoles) < 2 {
		return f(s, a)
	}
	b := Args{vals: slices.Clone(a.vals)}
	var parts []string
	for _, r := range s.ScopeRoles {
		one := *s
		role := r.Role
		one.Role, one.BailleurIDs, one.ScopeRoles = &role, r.BailleurIDs, nil
		switch c := f(&one, &b); c {
		case "TRUE":
			return "TRUE"
		case "FALSE":
		default:
			parts = append(parts, "("+c+")")
		}
	}
	if len(parts) == 0 {
		return "FALSE"
	}
	*a = b
	return "(" + strings.Join(parts, " OR ") + ")"
}
