package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas"
	"github.com/MTES-MCT/apilos-go/internal/db"
)

// Read models of the account pages and of the session's Subject.

// LoadSubject builds the Subject of user uid for a request: the account,
// its current role, its département filter and the direct children of
// the role's bailleur. A local account acts through chosenRoleID when that
// role is still theirs, else through its first role by id; a CERBERE
// account through cerbereRole (its SIAP habilitation, kept in the
// session). found is false for an unknown user; an inactive account is
// returned as is, for the caller to end its session.
func LoadSubject(ctx context.Context, q db.Querier, uid, chosenRoleID int64, cerbereRole *access.Role) (sub *access.Subject, found bool, err error) {
	var chosen, cerbereBailleur *int64
	if chosenRoleID != 0 {
		chosen = &chosenRoleID
	}
	if cerbereRole != nil && cerbereRole.BailleurID != 0 {
		cerbereBailleur = &cerbereRole.BailleurID
	}
	var (
		s                                access.Subject
		first, last, cerbere             string
		hasCerbere                       bool
		roleID, roleBailleur, roleAdmin  *int64
		typologie, group, perReg, perDep *string
		children                         []int64
		roleCount                        int
	)
	err = q.QueryRow(ctx, subjectQuery, uid, chosen, cerbereBailleur).Scan(
		&s.UserID, &s.Username, &first, &last, &s.Email,
		&s.IsSuperuser, &s.IsStaff, &s.IsActive, &cerbere, &hasCerbere,
		&roleID, &typologie, &group, &roleBailleur, &roleAdmin, &perReg, &perDep,
		&s.FiltreDepartements, &children, &roleCount,
	)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("chargement de l'utilisateur %d de la session : %w", uid, err)
	}
	s.DisplayName = User{FirstName: first, LastName: last, Username: s.Username}.DisplayName()
	if hasCerbere {
		s.CerbereLogin = cerbere
		s.Role = cerbereRole
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
		completeLocalRole(r, s.IsStaff || s.IsSuperuser)
		s.Role = r
	}
	if s.Role != nil && s.Role.BailleurID != 0 {
		s.BailleurIDs = append([]int64{s.Role.BailleurID}, children...)
	}
	if len(s.FiltreDepartements) == 0 {
		s.FiltreDepartements = nil // no filter, like a Subject built by hand
	}
	if !hasCerbere && roleCount > 1 {
		if s.ScopeRoles, err = scopeRoles(ctx, q, uid, s.IsStaff || s.IsSuperuser); err != nil {
			return nil, false, err
		}
	}
	return &s, true, nil
}

// scopeRoles reads every role of a local account, with the direct
// children of each role's bailleur: the account sees the union of their
// scopes. nil for an account with one role (its current role is enough).
func scopeRoles(ctx context.Context, q db.Querier, uid int64, staff bool) ([]access.ScopeRole, error) {
	rows, err := q.Query(ctx, `
SELECT r.id, r.typologie, g.name, COALESCE(r.bailleur_id, 0)::int8, COALESCE(r.administration_id, 0)::int8,
       COALESCE(r.perimetre_region, ''), COALESCE(r.perimetre_departement, ''),
       ARRAY(SELECT b.id::int8 FROM bailleurs_bailleur b WHERE b.parent_id = r.bailleur_id ORDER BY b.id)
  FROM users_role r JOIN auth_group g ON g.id = r.group_id
 WHERE r.user_id = $1
 ORDER BY r.id`, uid)
	if err != nil {
		return nil, fmt.Errorf("lecture des rôles de l'utilisateur %d : %w", uid, err)
	}
	defer rows.Close()
	var out []access.ScopeRole
	for rows.Next() {
		var sr access.ScopeRole
		var children []int64
		r := &sr.Role
		if err := rows.Scan(&r.ID, &r.Typologie, &r.Group, &r.BailleurID, &r.AdministrationID,
			&r.PerimetreRegion, &r.PerimetreDepartement, &children); err != nil {
			return nil, fmt.Errorf("lecture des rôles de l'utilisateur %d : %w", uid, err)
		}
		completeLocalRole(r, staff)
		if r.BailleurID != 0 {
			sr.BailleurIDs = append([]int64{r.BailleurID}, children...)
		}
		out = append(out, sr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lecture des rôles de l'utilisateur %d : %w", uid, err)
	}
	if len(out) < 2 {
		return nil, nil
	}
	return out, nil
}

// completeLocalRole derives what a local role row does not store: its
// read-only flag (readonly_* group) and its profile.
func completeLocalRole(r *access.Role, staff bool) {
	r.ReadOnly = strings.HasPrefix(r.Group, "readonly_")
	switch r.Typologie {
	case access.TypologieBailleur:
		r.Profile = access.ProfileBailleur
	case access.TypologieInstructeur:
		r.Profile = access.ProfileInstructeur
	}
	if staff {
		r.Profile = access.ProfileStaff
	}
}

// subjectQuery reads the account, its current role (local accounts: the
// chosen one if it is still theirs, else the first by id; CERBERE
// accounts: none here, the role comes from the session), its département
// filter, the direct children of the role's bailleur and the number of
// roles ($3 is the CERBERE role's bailleur, which wins over the DB
// role's).
const subjectQuery = `
SELECT u.id, u.username, u.first_name, u.last_name, u.email,
       u.is_superuser, u.is_staff, u.is_active, COALESCE(u.cerbere_login, ''), u.cerbere_login IS NOT NULL,
       r.id, r.typologie, g.name, r.bailleur_id::int8, r.administration_id::int8, r.perimetre_region, r.perimetre_departement,
       ARRAY(SELECT d.code_postal::text FROM users_user_filtre_departements f
               JOIN apilos_settings_departement d ON d.id = f.departement_id
              WHERE f.user_id = u.id ORDER BY d.code_postal),
       ARRAY(SELECT b.id::int8 FROM bailleurs_bailleur b
              WHERE b.parent_id = COALESCE($3::int8, r.bailleur_id) ORDER BY b.id),
       (SELECT count(*)::int FROM users_role rc WHERE rc.user_id = u.id)
  FROM users_user u
  LEFT JOIN LATERAL (
        SELECT ro.* FROM users_role ro
         WHERE ro.user_id = u.id AND u.cerbere_login IS NULL
         ORDER BY (ro.id = $2::int8) IS TRUE DESC, ro.id
         LIMIT 1) r ON TRUE
  LEFT JOIN auth_group g ON g.id = r.group_id
 WHERE u.id = $1`

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

// RoleSummary is one users_role row with what its label needs.
type RoleSummary struct {
	ID             int64
	Typologie      string
	Group          string
	Bailleur       string // name of the role's bailleur
	Administration string // name of the role's administration
	Region         string // perimetre_region (INSEE code)
	Departement    string // perimetre_departement (INSEE code)
	DepartementNom string
}

// Roles returns the roles of a user by id (only roleID when it is not 0).
func Roles(ctx context.Context, q db.Querier, userID, roleID int64) ([]RoleSummary, error) {
	var only *int64
	if roleID != 0 {
		only = &roleID
	}
	rows, err := q.Query(ctx, `
SELECT r.id, r.typologie, COALESCE(g.name, ''), COALESCE(b.nom, ''), COALESCE(a.nom, ''),
       COALESCE(r.perimetre_region, ''), COALESCE(r.perimetre_departement, ''), COALESCE(d.nom, '')
  FROM users_role r
  LEFT JOIN auth_group g ON g.id = r.group_id
  LEFT JOIN bailleurs_bailleur b ON b.id = r.bailleur_id
  LEFT JOIN instructeurs_administration a ON a.id = r.administration_id
  LEFT JOIN apilos_settings_departement d ON d.code_insee = r.perimetre_departement
 WHERE r.user_id = $1 AND ($2::int8 IS NULL OR r.id = $2::int8)
 ORDER BY r.id`, userID, only)
	if err != nil {
		return nil, fmt.Errorf("lecture des rôles de l'utilisateur %d : %w", userID, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[RoleSummary])
	if err != nil {
		return nil, fmt.Errorf("lecture des rôles de l'utilisateur %d : %w", userID, err)
	}
	return out, nil
}

// EntityName is the bailleur ("nom") or the administration ("nom (code)")
// of a role; "" for a role with neither.
func EntityName(ctx context.Context, q Querier, r *access.Role) (string, error) {
	var name string
	var err error
	switch {
	case r == nil:
		return "", nil
	case r.BailleurID != 0:
		err = q.QueryRow(ctx, `SELECT nom FROM bailleurs_bailleur WHERE id = $1`, r.BailleurID).Scan(&name)
	case r.AdministrationID != 0:
		err = q.QueryRow(ctx, `SELECT nom || ' (' || code || ')' FROM instructeurs_administration WHERE id = $1`, r.AdministrationID).Scan(&name)
	default:
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("lecture de l'entité du rôle %d : %w", r.ID, err)
	}
	return name, nil
}

// List returns the accounts whose username, e-mail or name contains term
// (all when term is empty), by username, at most limit, with the total
// count of matches.
func List(ctx context.Context, q db.Querier, term string, limit int) ([]User, int, error) {
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(term) + "%"
	rows, err := q.Query(ctx, `
		SELECT `+userColumns+`, count(*) OVER ()
		  FROM users_user
		 WHERE $1 = '' OR username ILIKE $2 OR email ILIKE $2
		    OR (first_name || ' ' || last_name) ILIKE $2
		 ORDER BY username
		 LIMIT $3`, term, like, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("lecture des utilisateurs : %w", err)
	}
	var total int
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (User, error) {
		var u User
		err := row.Scan(&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.PasswordHash,
			&u.IsActive, &u.IsStaff, &u.IsSuperuser, &u.LastLogin, &u.CerbereLogin, &u.PreferencesEmail, &total)
		return u, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("lecture des utilisateurs : %w", err)
	}
	return list, total, nil
}

// UpsertCerbere creates a CERBERE user on first login (username =
// UTILISATEUR.ID, unusable password) and writes the CERBERE attributes on
// every login. It returns the id and whether the account is active.
func UpsertCerbere(ctx context.Context, q Querier, id cas.Identity) (int64, bool, error) {
	var uid int64
	var active bool
	err := q.QueryRow(ctx, `
		INSERT INTO users_user (password, username, first_name, last_name, email, cerbere_login, last_login)
		VALUES ($1, $2, $3, $4, $5, $6, now())
		ON CONFLICT (username) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
			email = EXCLUDED.email, cerbere_login = EXCLUDED.cerbere_login, last_login = now()
		RETURNING id, is_active`,
		unusablePassword(), cut(id.Username, 150), cut(id.FirstName, 150), cut(id.LastName, 150), cut(id.Email, 254), cut(id.CerbereLogin, 255),
	).Scan(&uid, &active)
	if err != nil {
		return 0, false, fmt.Errorf("enregistrement de l'utilisateur CERBERE %q : %w", id.Username, err)
	}
	return uid, active, nil
}

// unusablePassword is Django's mark of an account without password ("!"
// then random characters): no password ever matches it.
func unusablePassword() string { return "!" + rand.Text() }

// cut truncates s to the n characters of its column.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
