// Package accesstest builds, in a real database, a small world of
// bailleurs, administrations, programmes and convention families, and one
// account per kind of user (read-only variants included), with the
// conventions each of them must see. The access rules' tests and the web
// permission matrix share it, so both read the same expectation table.
package accesstest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// Persona is one account of the world.
type Persona struct {
	// Name identifies the persona in test tables ("bailleur",
	// "instructeur_lecture"...).
	Name string
	// Kind is what Subject.Kind must answer.
	Kind access.Kind
	// UserID is the users_user row; 0 for the anonymous persona.
	UserID int64
	// RoleID is the users_role row of a local account, 0 otherwise.
	RoleID int64
	// CerbereRole is the session role of a CERBERE persona (what the
	// CERBERE handlers store in the session), nil for local accounts.
	CerbereRole *access.Role
	// Subject is the Subject the web layer must build for this persona.
	Subject *access.Subject
	// Sees lists the names of the conventions the persona must see.
	Sees []string
}

// Convention is one row of the world.
type Convention struct {
	Name   string
	ID     int64
	UUID   string
	Statut string
}

// World is the seeded data.
type World struct {
	Personas        []*Persona
	Conventions     []*Convention
	Bailleurs       map[string]int64
	Administrations map[string]int64
	Programmes      map[string]int64
}

// Persona returns the persona of that name (nil when unknown).
func (w *World) Persona(name string) *Persona {
	for _, p := range w.Personas {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Convention returns the convention of that name.
func (w *World) Convention(name string) *Convention {
	for _, c := range w.Conventions {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Inside returns a convention the persona sees, nil when it sees none.
func (w *World) Inside(p *Persona) *Convention {
	if len(p.Sees) == 0 {
		return nil
	}
	return w.Convention(p.Sees[0])
}

// Outside returns a convention the persona does not see, nil when it sees
// them all.
func (w *World) Outside(p *Persona) *Convention {
	for _, c := range w.Conventions {
		if !slices.Contains(p.Sees, c.Name) {
			return c
		}
	}
	return nil
}

// Statuts.
const (
	Projet      = "1. Projet"
	Instruction = "2. Instruction requise"
	Correction  = "3. Corrections requises"
	ASigner     = "4. A signer"
	Signee      = "5. Signée"
)

// Seed fills the database (already migrated) and returns the world. It
// loads the reference groups and permissions first.
//
// Geography: Paris (75, région 11), Hauts-de-Seine (92, région 11),
// Bouches-du-Rhône (13, région 93), Guadeloupe (971).
// Bailleurs: B1 and its child B1F (absorbed), B2, B3.
// Administrations: A75, A13, A92.
// Conventions (name: programme bailleur, administration, département):
//
//	C75   B1  A75 75  projet
//	C92F  B1F A92 92  instruction (child bailleur)
//	C13   B2  A13 13  signée
//	C971  B1  —   971 projet (overseas: never matches a département filter)
//	R13   B2  A13 13  signée, root of a family whose avenant R13-1 (B1, in
//	      correction) moved the whole family to B1
//	G75   B2  A75 75  signée, root; avenant G75-1 (B1) still in projet: the
//	      root stays with B2, the avenant is B1's own
//	H75   B1  A75 75  signée; avenant H75-1 (B2, signée, older) and H75-2
//	      (B1, à signer, newer): the newest deciding avenant keeps B1
func Seed(t testing.TB, pool *pgxpool.Pool) *World {
	t.Helper()
	ctx := context.Background()
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatalf("groupes et permissions : %v", err)
	}
	w := &World{Bailleurs: map[string]int64{}, Administrations: map[string]int64{}, Programmes: map[string]int64{}}
	must := func(err error, what string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s : %v", what, err)
		}
	}
	row := func(what, sql string, args ...any) int64 {
		t.Helper()
		var id int64
		must(pool.QueryRow(ctx, sql, args...).Scan(&id), what)
		return id
	}

	for _, b := range []struct{ name, parent string }{{"B1", ""}, {"B1F", "B1"}, {"B2", ""}, {"B3", ""}} {
		var parent *int64
		if b.parent != "" {
			p := w.Bailleurs[b.parent]
			parent = &p
		}
		w.Bailleurs[b.name] = row("bailleur "+b.name, `INSERT INTO bailleurs_bailleur (nom, siret, parent_id) VALUES ($1::text, 'siret-' || $1::text, $2) RETURNING id`, b.name, parent)
	}
	for _, a := range []string{"A75", "A13", "A92"} {
		w.Administrations[a] = row("administration "+a, `INSERT INTO instructeurs_administration (nom, code) VALUES ($1::text, 'DD-' || $1::text) RETURNING id`, a)
	}

	type conv struct {
		name, bailleur, admin, dep, region, cp, statut, parent string
	}
	convs := []conv{
		{"C75", "B1", "A75", "75", "11", "75011", Projet, ""},
		{"C92F", "B1F", "A92", "92", "11", "92100", Instruction, ""},
		{"C13", "B2", "A13", "13", "93", "13001", Signee, ""},
		{"C971", "B1", "", "971", "1", "97110", Projet, ""},
		{"R13", "B2", "A13", "13", "93", "13002", Signee, ""},
		{"R13-1", "B1", "A13", "13", "93", "13002", Correction, "R13"},
		{"G75", "B2", "A75", "75", "11", "75012", Signee, ""},
		{"G75-1", "B1", "A75", "75", "11", "75012", Projet, "G75"},
		{"H75", "B1", "A75", "75", "11", "75013", Signee, ""},
		{"H75-1", "B2", "A75", "75", "11", "75013", Signee, "H75"},
		{"H75-2", "B1", "A75", "75", "11", "75013", ASigner, "H75"},
	}
	for i, c := range convs {
		var admin, parent *int64
		if c.admin != "" {
			a := w.Administrations[c.admin]
			admin = &a
		}
		if c.parent != "" {
			p := w.Convention(c.parent).ID
			parent = &p
		}
		pid := row("programme "+c.name, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id, code_postal,
  code_insee_departement, code_insee_region, ville) VALUES ('Opération ' || $1::text, $2, $3, $4, $5, $6, 'Ville') RETURNING id`,
			c.name, w.Bailleurs[c.bailleur], admin, c.cp, c.dep, c.region)
		w.Programmes[c.name] = pid
		cv := &Convention{Name: c.name, Statut: c.statut}
		// cree_le increases with the list order (H75-2 is newer than H75-1).
		must(pool.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, statut, parent_id, cree_le, mis_a_jour_le)
VALUES ($1, $2, $3, timestamptz '2024-01-01' + make_interval(days => $4), now()) RETURNING id, uuid::text`,
			pid, c.statut, parent, i).Scan(&cv.ID, &cv.UUID), "convention "+c.name)
		w.Conventions = append(w.Conventions, cv)
	}

	all := make([]string, 0, len(convs))
	for _, c := range convs {
		all = append(all, c.name)
	}
	b1 := []int64{w.Bailleurs["B1"], w.Bailleurs["B1F"]}
	// What B1 (and child B1F) sees by effective bailleur.
	b1Sees := []string{"C75", "C92F", "C971", "R13", "R13-1", "G75-1", "H75", "H75-1", "H75-2"}

	type spec struct {
		name      string
		kind      access.Kind
		superuser bool
		staff     bool
		cerbere   bool
		typologie string
		group     string
		bailleur  string
		admin     string
		region    string
		dep       string
		profile   string
		filtre    []string // départements' code_insee
		sees      []string
	}
	specs := []spec{
		{name: "superuser", kind: access.KindSuperuser, superuser: true, sees: all},
		{name: "staff", kind: access.KindStaff, staff: true, sees: nil},
		{name: "administrateur_national", kind: access.KindAdministrateurNational, typologie: access.TypologieAdministrateur, group: access.GroupAdministrateur, sees: all},
		{name: "administrateur_regional", kind: access.KindAdministrateurRegional, typologie: access.TypologieAdministrateur, group: access.GroupAdministrateur, region: "11",
			sees: []string{"C75", "C92F", "G75", "G75-1", "H75", "H75-1", "H75-2"}},
		{name: "administrateur_departemental", kind: access.KindAdministrateurDepartemental, typologie: access.TypologieAdministrateur, group: access.GroupAdministrateur, dep: "13",
			sees: []string{"C13", "R13", "R13-1"}},
		{name: "administrateur_departemental_lecture", kind: access.KindAdministrateurDepartemental, typologie: access.TypologieAdministrateur, group: access.GroupReadonlyAdministrateur, dep: "13",
			sees: []string{"C13", "R13", "R13-1"}},
		{name: "instructeur", kind: access.KindInstructeur, typologie: access.TypologieInstructeur, group: access.GroupInstructeur, admin: "A75",
			sees: []string{"C75", "G75", "G75-1", "H75", "H75-1", "H75-2"}},
		{name: "instructeur_lecture", kind: access.KindInstructeur, typologie: access.TypologieInstructeur, group: access.GroupReadonlyInstructeur, admin: "A13",
			sees: []string{"C13", "R13", "R13-1"}},
		{name: "instructeur_sans_administration", kind: access.KindInstructeur, typologie: access.TypologieInstructeur, group: access.GroupInstructeur, sees: nil},
		{name: "bailleur", kind: access.KindBailleur, typologie: access.TypologieBailleur, group: access.GroupBailleur, bailleur: "B1", sees: b1Sees},
		{name: "bailleur_filtre", kind: access.KindBailleur, typologie: access.TypologieBailleur, group: access.GroupBailleur, bailleur: "B1", filtre: []string{"75", "971"},
			sees: []string{"C75", "G75-1", "H75", "H75-1", "H75-2"}},
		{name: "bailleur_lecture", kind: access.KindBailleur, typologie: access.TypologieBailleur, group: access.GroupReadonlyBailleur, bailleur: "B2",
			sees: []string{"C13", "G75"}},
		{name: "bailleur_cerbere", kind: access.KindBailleur, cerbere: true, typologie: access.TypologieBailleur, group: access.GroupBailleur, bailleur: "B1", profile: access.ProfileMOPersMorale, region: "93",
			sees: []string{"R13", "R13-1"}},
		{name: "partenaire", kind: access.KindPartenaire, cerbere: true, typologie: access.TypologieAdministrateur, group: access.GroupReadonlyAdministrateur, profile: access.ProfilePartenaires, sees: all},
	}

	for i, s := range specs {
		username := fmt.Sprintf("%s-%d", s.name, i)
		var cerbereLogin *string
		if s.cerbere {
			l := "cerbere-" + username
			cerbereLogin = &l
		}
		uid := row("utilisateur "+s.name, `INSERT INTO users_user (password, is_superuser, username, first_name, last_name, email,
  is_staff, is_active, date_joined, preferences_email, secondary_email, cerbere_login)
VALUES ('!', $2, $1::text, 'Prénom', $1::text, $1::text || '@exemple.fr', $3, true, now(), 'PARTIEL', '', $4) RETURNING id`,
			username, s.superuser, s.staff, cerbereLogin)
		p := &Persona{Name: s.name, Kind: s.kind, UserID: uid, Sees: s.sees}
		sub := &access.Subject{
			UserID: uid, Username: username, DisplayName: "Prénom " + username, Email: username + "@exemple.fr",
			IsSuperuser: s.superuser, IsStaff: s.staff, IsActive: true,
		}
		for _, code := range s.filtre {
			_, err := pool.Exec(ctx, `INSERT INTO users_user_filtre_departements (user_id, departement_id)
SELECT $1, id FROM apilos_settings_departement WHERE code_insee = $2`, uid, code)
			must(err, "filtre départements")
			var cp string
			must(pool.QueryRow(ctx, `SELECT code_postal FROM apilos_settings_departement WHERE code_insee = $1`, code).Scan(&cp), "code postal")
			sub.FiltreDepartements = append(sub.FiltreDepartements, cp)
		}
		slices.Sort(sub.FiltreDepartements)
		if s.typologie != "" {
			r := &access.Role{
				Typologie: s.typologie, Group: s.group,
				BailleurID: w.Bailleurs[s.bailleur], AdministrationID: w.Administrations[s.admin],
				PerimetreRegion: s.region, PerimetreDepartement: s.dep,
				ReadOnly: s.group == access.GroupReadonlyBailleur || s.group == access.GroupReadonlyInstructeur || s.group == access.GroupReadonlyAdministrateur,
				Profile:  s.profile,
			}
			if !s.cerbere && r.Profile == "" {
				switch s.typologie {
				case access.TypologieBailleur:
					r.Profile = access.ProfileBailleur
				case access.TypologieInstructeur:
					r.Profile = access.ProfileInstructeur
				}
			}
			var bid, aid *int64
			if r.BailleurID != 0 {
				bid = &r.BailleurID
			}
			if r.AdministrationID != 0 {
				aid = &r.AdministrationID
			}
			reg, dep := nullable(r.PerimetreRegion), nullable(r.PerimetreDepartement)
			r.ID = row("rôle "+s.name, `INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id, perimetre_region, perimetre_departement)
SELECT $1, $2, $3, $4, g.id, $6, $7 FROM auth_group g WHERE g.name = $5 RETURNING id`,
				s.typologie, bid, aid, uid, s.group, reg, dep)
			if s.cerbere {
				sub.CerbereLogin = *cerbereLogin
				role := *r
				p.CerbereRole = &role
			} else {
				p.RoleID = r.ID
			}
			sub.Role = r
			if r.BailleurID != 0 {
				sub.BailleurIDs = []int64{r.BailleurID}
				if s.bailleur == "B1" {
					sub.BailleurIDs = b1
				}
			}
		}
		// A former habilitation's role must never count (the reference
		// looked at all of them): every CERBERE persona also keeps an old
		// bailleur role on B3. (A local account's roles are all current:
		// it sees their union, see TestScopeUnionOfLocalRoles.)
		if s.cerbere && s.typologie != "" {
			_, err := pool.Exec(ctx, `INSERT INTO users_role (typologie, bailleur_id, user_id, group_id)
SELECT 'BAILLEUR', $1, $2, g.id FROM auth_group g WHERE g.name = 'bailleur'`, w.Bailleurs["B3"], uid)
			must(err, "ancien rôle")
		}
		p.Subject = sub
		w.Personas = append(w.Personas, p)
	}
	// B3 owns one convention, so a persona wrongly using its former role
	// on B3 would see it.
	pid := row("programme B3", `INSERT INTO programmes_programme (nom, bailleur_id, administration_id, code_postal, code_insee_departement, code_insee_region, ville)
VALUES ('Opération C92-B3', $1, $2, '92200', '92', '11', 'Ville') RETURNING id`, w.Bailleurs["B3"], w.Administrations["A92"])
	w.Programmes["C92-B3"] = pid
	cv := &Convention{Name: "C92-B3", Statut: Projet}
	must(pool.QueryRow(ctx, `INSERT INTO conventions_convention (programme_id, statut, cree_le, mis_a_jour_le)
VALUES ($1, $2, '2024-03-01', now()) RETURNING id, uuid::text`, pid, Projet).Scan(&cv.ID, &cv.UUID), "convention B3")
	w.Conventions = append(w.Conventions, cv)
	for _, p := range w.Personas {
		switch p.Name {
		case "superuser", "administrateur_national", "partenaire":
			p.Sees = append(p.Sees, "C92-B3")
		case "administrateur_regional":
			p.Sees = append(p.Sees, "C92-B3")
		}
	}
	w.Personas = append(w.Personas, &Persona{Name: "anonyme", Kind: access.KindAnonymous, Subject: &access.Subject{}})
	return w
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
