package access_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/access/accesstest"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// names runs a query returning names and sorts them.
func names(t *testing.T, q access.Querier, sql string, args []any) []string {
	t.Helper()
	rows, err := q.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

func TestConventionScope(t *testing.T) {
	pool := dbtest.Pool(t)
	w := accesstest.Seed(t, pool)
	for _, p := range w.Personas {
		t.Run(p.Name, func(t *testing.T) {
			var a access.Args
			sql := `SELECT regexp_replace(p.nom, '^Opération ', '') FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id WHERE ` + access.ConventionScope(p.Subject, &a)
			got := names(t, pool, sql, a.Values())
			if want := sorted(p.Sees); !slices.Equal(got, want) {
				t.Errorf("conventions visibles :\n obtenu %v\n attendu %v", got, want)
			}
		})
	}
}

func TestConventionScopeComposesWithCallerArgs(t *testing.T) {
	pool := dbtest.Pool(t)
	w := accesstest.Seed(t, pool)
	p := w.Persona("bailleur_filtre")
	var a access.Args
	before := a.Add(accesstest.Signee)
	scope := access.ConventionScope(p.Subject, &a)
	after := a.Add("H75%")
	sql := `SELECT regexp_replace(p.nom, '^Opération ', '') FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
WHERE c.statut = ` + before + ` AND ` + scope + ` AND regexp_replace(p.nom, '^Opération ', '') LIKE ` + after
	if before != "$1" || !strings.Contains(scope, "$2") || after != "$"+strconv.Itoa(a.Len()) {
		t.Fatalf("numérotation des paramètres : %s … %s", before, after)
	}
	got := names(t, pool, sql, a.Values())
	if want := []string{"H75", "H75-1"}; !slices.Equal(got, want) {
		t.Errorf("obtenu %v, attendu %v", got, want)
	}
}

func TestCanOnConventionAndVisibleConvention(t *testing.T) {
	pool := dbtest.Pool(t)
	w := accesstest.Seed(t, pool)
	ctx := context.Background()
	for _, p := range w.Personas {
		for _, c := range w.Conventions {
			inScope := slices.Contains(p.Sees, c.Name)
			for _, perm := range []access.Permission{access.ViewConvention, access.ChangeConvention, access.ValidateConvention} {
				allowed, visible, err := access.CanOnConvention(ctx, pool, p.Subject, perm, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if visible != inScope || allowed != (inScope && access.Can(p.Subject, perm)) {
					t.Errorf("%s, %s sur %s : autorisé %v visible %v (dans le périmètre : %v)", p.Name, perm, c.Name, allowed, visible, inScope)
				}
			}
			ref, err := access.VisibleConvention(ctx, pool, p.Subject, c.UUID)
			if err != nil {
				t.Fatal(err)
			}
			if (ref != nil) != inScope {
				t.Errorf("%s : VisibleConvention(%s) = %v, dans le périmètre : %v", p.Name, c.Name, ref, inScope)
			}
			if ref != nil && (ref.ID != c.ID || ref.UUID != c.UUID || ref.Statut != c.Statut) {
				t.Errorf("%s : convention chargée %+v, attendue %+v", p.Name, ref, c)
			}
		}
	}
	super := w.Persona("superuser").Subject
	for _, bad := range []string{"", "pas-un-uuid", "00000000-0000-0000-0000-000000000000", "'; DROP TABLE conventions_convention; --"} {
		ref, err := access.VisibleConvention(ctx, pool, super, bad)
		if ref != nil || err != nil {
			t.Errorf("uuid %q : %v %v, attendu introuvable sans erreur", bad, ref, err)
		}
	}
	// The family moves with its deciding avenant: once R13-1 is cancelled
	// back to projet, R13 returns to B2.
	if _, err := pool.Exec(ctx, `UPDATE conventions_convention SET statut = '1. Projet' WHERE id = $1`, w.Convention("R13-1").ID); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"bailleur": false, "bailleur_lecture": true} {
		_, visible, err := access.CanOnConvention(ctx, pool, w.Persona(name).Subject, access.ViewConvention, w.Convention("R13").ID)
		if err != nil {
			t.Fatal(err)
		}
		if visible != want {
			t.Errorf("après retour en projet de l'avenant, %s voit R13 : %v, attendu %v", name, visible, want)
		}
	}
}

func TestProgrammeBailleurAdministrationUserScopes(t *testing.T) {
	pool := dbtest.Pool(t)
	w := accesstest.Seed(t, pool)
	allProgrammes := []string{"C13", "C75", "C92-B3", "C92F", "C971", "G75", "G75-1", "H75", "H75-1", "H75-2", "R13", "R13-1"}
	for _, tc := range []struct {
		persona     string
		programmes  []string
		bailleurs   []string // full scope false
		bailleursFS []string // full scope true
		admins      []string
		adminsFS    []string
	}{
		{"superuser", allProgrammes, []string{"B1", "B1F", "B2", "B3"}, []string{"B1", "B1F", "B2", "B3"}, []string{"A13", "A75", "A92"}, []string{"A13", "A75", "A92"}},
		{"staff", nil, []string{"B1", "B1F", "B2", "B3"}, []string{"B1", "B1F", "B2", "B3"}, []string{"A13", "A75", "A92"}, []string{"A13", "A75", "A92"}},
		{"administrateur_departemental", []string{"C13", "R13", "R13-1"}, nil, []string{"B1", "B1F", "B2", "B3"}, []string{"A13", "A75", "A92"}, []string{"A13", "A75", "A92"}},
		{"instructeur", []string{"C75", "G75", "G75-1", "H75", "H75-1", "H75-2"}, nil, []string{"B1", "B1F", "B2", "B3"}, []string{"A75"}, []string{"A13", "A75", "A92"}},
		{"instructeur_sans_administration", nil, nil, []string{"B1", "B1F", "B2", "B3"}, nil, []string{"A13", "A75", "A92"}},
		{"bailleur", []string{"C75", "C92F", "C971", "G75-1", "H75", "H75-2", "R13-1"}, []string{"B1", "B1F"}, []string{"B1", "B1F"}, nil, []string{"A13", "A75", "A92"}},
		{"bailleur_filtre", []string{"C75", "G75-1", "H75", "H75-2"}, []string{"B1", "B1F"}, []string{"B1", "B1F"}, nil, []string{"A13", "A75", "A92"}},
		{"partenaire", allProgrammes, []string{"B1", "B1F", "B2", "B3"}, []string{"B1", "B1F", "B2", "B3"}, []string{"A13", "A75", "A92"}, []string{"A13", "A75", "A92"}},
		{"anonyme", nil, nil, nil, nil, nil},
	} {
		t.Run(tc.persona, func(t *testing.T) {
			s := w.Persona(tc.persona).Subject
			var a access.Args
			got := names(t, pool, `SELECT regexp_replace(p.nom, '^Opération ', '') FROM programmes_programme p WHERE `+access.ProgrammeScope(s, &a), a.Values())
			if !slices.Equal(got, sorted(tc.programmes)) {
				t.Errorf("programmes : %v, attendu %v", got, tc.programmes)
			}
			for fs, want := range map[bool][]string{false: tc.bailleurs, true: tc.bailleursFS} {
				var a access.Args
				got := names(t, pool, `SELECT b.nom FROM bailleurs_bailleur b WHERE `+access.BailleurScope(s, &a, fs), a.Values())
				if !slices.Equal(got, sorted(want)) {
					t.Errorf("bailleurs (tous=%v) : %v, attendu %v", fs, got, want)
				}
			}
			for fs, want := range map[bool][]string{false: tc.admins, true: tc.adminsFS} {
				var a access.Args
				got := names(t, pool, `SELECT a.nom FROM instructeurs_administration a WHERE `+access.AdministrationScope(s, &a, fs), a.Values())
				if !slices.Equal(got, sorted(want)) {
					t.Errorf("administrations (toutes=%v) : %v, attendu %v", fs, got, want)
				}
			}
		})
	}
}

func TestUserScope(t *testing.T) {
	pool := dbtest.Pool(t)
	w := accesstest.Seed(t, pool)
	// Users are named "<persona>-<n>"; keep the persona part.
	q := func(s *access.Subject) []string {
		var a access.Args
		got := names(t, pool, `SELECT regexp_replace(u.username, '-[0-9]+$', '') FROM users_user u WHERE `+access.UserScope(s, &a), a.Values())
		return got
	}
	everyone := []string{}
	for _, p := range w.Personas {
		if p.UserID != 0 {
			everyone = append(everyone, p.Name)
		}
	}
	for _, tc := range []struct {
		persona string
		want    []string
	}{
		{"superuser", everyone},
		// Staff see every account but staff and superusers.
		{"staff", slices.DeleteFunc(slices.Clone(everyone), func(n string) bool { return n == "staff" || n == "superuser" })},
		// CERBERE personas keep an old role on B3: only roles on B1/B1F
		// count for the bailleur.
		{"bailleur", []string{"bailleur", "bailleur_cerbere", "bailleur_filtre"}},
		{"bailleur_lecture", []string{"bailleur_lecture"}},
		{"instructeur", []string{"instructeur"}},
		{"instructeur_sans_administration", nil},
		{"administrateur_national", nil},
		{"partenaire", nil},
		{"anonyme", nil},
	} {
		if got := q(w.Persona(tc.persona).Subject); !slices.Equal(got, sorted(tc.want)) {
			t.Errorf("%s voit les comptes %v, attendu %v", tc.persona, got, sorted(tc.want))
		}
	}
}

// TestScopeUnionOfLocalRoles: a local account's roles widen its scope (OR
// of each role's condition); a role seeing everything makes the whole
// condition TRUE without leaving unused arguments behind.
func TestScopeUnionOfLocalRoles(t *testing.T) {
	instr := func(adm int64) access.ScopeRole {
		return access.ScopeRole{Role: access.Role{Typologie: access.TypologieInstructeur, Group: access.GroupInstructeur, AdministrationID: adm}}
	}
	national := access.ScopeRole{Role: access.Role{Typologie: access.TypologieAdministrateur, Group: access.GroupAdministrateur}}
	bailleur := access.ScopeRole{Role: access.Role{Typologie: access.TypologieBailleur, Group: access.GroupBailleur, BailleurID: 7}, BailleurIDs: []int64{7, 8}}
	for _, tc := range []struct {
		name  string
		roles []access.ScopeRole
		want  string
		args  int
	}{
		{"un rôle : le rôle courant", nil, "p.administration_id = $2", 2},
		{"deux administrations", []access.ScopeRole{instr(1), instr(2)}, "((p.administration_id = $2) OR (p.administration_id = $3))", 3},
		{"un rôle national", []access.ScopeRole{instr(1), national}, "TRUE", 1},
		{"rôle sans administration ignoré", []access.ScopeRole{instr(0), instr(2)}, "((p.administration_id = $2))", 2},
		{"instructeur et bailleur", []access.ScopeRole{instr(1), bailleur}, "OR", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur := instr(1).Role
			s := &access.Subject{UserID: 1, IsActive: true, Role: &cur, ScopeRoles: tc.roles}
			var a access.Args
			a.Add("valeur de l'appelant")
			got := access.ProgrammeScope(s, &a)
			if !strings.Contains(got, tc.want) || a.Len() != tc.args {
				t.Errorf("condition %q avec %d arguments, attendu %q avec %d", got, a.Len(), tc.want, tc.args)
			}
		})
	}
}
