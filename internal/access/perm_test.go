package access_test

import (
	"context"
	"slices"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// TestGroupPermissionsMatchFixture loads the embedded auth.json the way
// `apilos load-permissions` does and compares every group's domain
// permissions with the Go table.
func TestGroupPermissionsMatchFixture(t *testing.T) {
	pool := dbtest.Pool(t)
	ctx := context.Background()
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT g.name, p.codename FROM auth_group g
JOIN auth_group_permissions gp ON gp.group_id = g.id JOIN auth_permission p ON p.id = gp.permission_id`)
	if err != nil {
		t.Fatal(err)
	}
	fromFixture := map[string][]access.Permission{}
	for rows.Next() {
		var g, code string
		if err := rows.Scan(&g, &code); err != nil {
			t.Fatal(err)
		}
		fromFixture[g] = append(fromFixture[g], access.Permission(code))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(fromFixture) != len(access.GroupPermissions) {
		t.Errorf("%d groupes dans la fixture, %d dans la table Go", len(fromFixture), len(access.GroupPermissions))
	}
	for g, want := range fromFixture {
		got := slices.Clone(access.GroupPermissions[g])
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("groupe %s :\n table Go %v\n fixture  %v", g, got, want)
		}
		for _, p := range want {
			if !slices.Contains(access.Permissions, p) {
				t.Errorf("permission %s du groupe %s absente de access.Permissions", p, g)
			}
		}
	}
}

func TestCan(t *testing.T) {
	role := func(group string, readonly bool) *access.Role {
		return &access.Role{Typologie: access.TypologieBailleur, Group: group, ReadOnly: readonly, BailleurID: 1}
	}
	active := func(s access.Subject) *access.Subject { s.UserID, s.IsActive = 7, true; return &s }
	all := access.Permissions
	write := []access.Permission{access.AddConvention, access.ChangeConvention, access.DeleteConvention, access.ValidateConvention, access.ChangeBailleur, access.ChangeAdministration}
	for _, tc := range []struct {
		name  string
		s     *access.Subject
		grant []access.Permission
	}{
		{"anonyme", &access.Subject{}, nil},
		{"superuser", active(access.Subject{IsSuperuser: true}), all},
		{"superuser inactif", &access.Subject{UserID: 1, IsSuperuser: true}, nil},
		{"staff sans rôle", active(access.Subject{IsStaff: true}), all},
		{"staff en rôle lecture", active(access.Subject{IsStaff: true, Role: role(access.GroupReadonlyBailleur, true)}), all},
		{"sans rôle", active(access.Subject{}), nil},
		{"bailleur", active(access.Subject{Role: role(access.GroupBailleur, false)}), []access.Permission{
			access.ViewConvention, access.AddConvention, access.ChangeConvention, access.DeleteConvention,
			access.ViewComment, access.AddComment, access.ChangeComment, access.ViewBailleur, access.ChangeBailleur, access.ViewAdministration}},
		{"instructeur", active(access.Subject{Role: role(access.GroupInstructeur, false)}), all},
		{"administrateur", active(access.Subject{Role: role(access.GroupAdministrateur, false)}), all},
		{"lecture (groupe)", active(access.Subject{Role: role(access.GroupReadonlyInstructeur, true)}), []access.Permission{
			access.ViewConvention, access.ViewComment, access.AddComment, access.ChangeComment, access.ViewBailleur, access.ViewAdministration}},
		// A read-only habilitation never writes, even with a writing group.
		{"lecture (drapeau, groupe instructeur)", active(access.Subject{Role: role(access.GroupInstructeur, true)}), []access.Permission{
			access.ViewConvention, access.ViewComment, access.AddComment, access.ChangeComment, access.ViewBailleur, access.ViewAdministration}},
		{"groupe inconnu", active(access.Subject{Role: role("inconnu", false)}), nil},
	} {
		for _, p := range all {
			if got, want := access.Can(tc.s, p), slices.Contains(tc.grant, p); got != want {
				t.Errorf("%s, %s : %v, attendu %v", tc.name, p, got, want)
			}
		}
		for _, p := range write {
			if tc.s.ReadOnly() && !tc.s.IsStaff && access.Can(tc.s, p) {
				t.Errorf("%s : un rôle en lecture seule obtient %s", tc.name, p)
			}
		}
	}
}
