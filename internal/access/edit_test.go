package access_test

import (
	"slices"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

var statuts = []string{
	"1. Projet", "2. Instruction requise", "3. Corrections requises", "4. A signer", "5. Signée",
	"5. Publication en cours", "7. Publié", "6. Résiliée", "7. Dénoncée", "8. Annulée en suivi",
}

func TestEditability(t *testing.T) {
	u := func(s access.Subject) *access.Subject { s.UserID, s.IsActive = 5, true; return &s }
	role := func(typ, group, profile string, ro bool) *access.Role {
		return &access.Role{Typologie: typ, Group: group, Profile: profile, ReadOnly: ro, BailleurID: 1, AdministrationID: 2}
	}
	instr := []string{"1. Projet", "2. Instruction requise", "3. Corrections requises"}
	const commented = "programme__nom__4b7f3c1e-9a0d-4a63-8f1e-2d6a5c0b9e11"
	open := access.OpenComments{commented: true}
	for _, tc := range []struct {
		name string
		s    *access.Subject
		// editable: statuts where the whole form is editable.
		editable []string
		// unlocks: whether an open comment unlocks its field in correction.
		unlocks bool
	}{
		{"anonyme", &access.Subject{}, nil, false},
		{"superuser", u(access.Subject{IsSuperuser: true}), instr, false},
		{"superuser expert", u(access.Subject{IsSuperuser: true, Expert: true}), statuts, false},
		{"staff", u(access.Subject{IsStaff: true}), instr, false},
		{"administrateur national", u(access.Subject{Role: role("ADMINISTRATEUR", "administrateur", "ADM_CENTRALE", false)}), instr, false},
		{"administrateur régional", u(access.Subject{Role: &access.Role{Typologie: "ADMINISTRATEUR", Group: "administrateur", PerimetreRegion: "11"}}), instr, false},
		{"administrateur départemental", u(access.Subject{Role: &access.Role{Typologie: "ADMINISTRATEUR", Group: "administrateur", PerimetreDepartement: "13"}}), instr, false},
		{"administrateur départemental lecture", u(access.Subject{Role: &access.Role{Typologie: "ADMINISTRATEUR", Group: "readonly_administrateur", PerimetreDepartement: "13", ReadOnly: true}}), nil, false},
		{"instructeur", u(access.Subject{Role: role("INSTRUCTEUR", "instructeur", "SER_GEST", false)}), instr, false},
		{"instructeur expert", u(access.Subject{Expert: true, Role: role("INSTRUCTEUR", "instructeur", "SER_GEST", false)}), statuts, false},
		{"instructeur lecture", u(access.Subject{Role: role("INSTRUCTEUR", "readonly_instructeur", "SER_GEST", true)}), nil, false},
		{"instructeur lecture expert", u(access.Subject{Expert: true, Role: role("INSTRUCTEUR", "readonly_instructeur", "SER_GEST", true)}), nil, false},
		{"bailleur", u(access.Subject{Role: role("BAILLEUR", "bailleur", "MO_PERS_MORALE", false), BailleurIDs: []int64{1}}), []string{"1. Projet"}, true},
		// Expert mode is an instructeur's: it gives a bailleur nothing.
		{"bailleur expert", u(access.Subject{Expert: true, Role: role("BAILLEUR", "bailleur", "BAILLEUR", false)}), []string{"1. Projet"}, true},
		{"bailleur lecture", u(access.Subject{Role: role("BAILLEUR", "readonly_bailleur", "MO_PERS_MORALE", true)}), nil, false},
		{"bailleur inactif", &access.Subject{UserID: 5, Role: role("BAILLEUR", "bailleur", "BAILLEUR", false)}, nil, false},
		{"partenaire", u(access.Subject{Role: role("ADMINISTRATEUR", "readonly_administrateur", "PARTENAIRES", true)}), nil, false},
		{"sans rôle", u(access.Subject{}), nil, false},
	} {
		for _, st := range statuts {
			wantConv := slices.Contains(tc.editable, st)
			if got := access.ConventionEditable(tc.s, st); got != wantConv {
				t.Errorf("%s, %s : ConventionEditable %v, attendu %v", tc.name, st, got, wantConv)
			}
			for _, c := range []struct {
				field string
				open  access.OpenComments
				want  bool
			}{
				{commented, open, wantConv || (tc.unlocks && st == "3. Corrections requises")},
				// Same field, comment resolved or closed: not in the open set.
				{commented, access.OpenComments{}, wantConv},
				{commented, nil, wantConv},
				// Another field of the same object stays locked.
				{"programme__ville__4b7f3c1e-9a0d-4a63-8f1e-2d6a5c0b9e11", open, wantConv},
				// Same field name on another object stays locked.
				{"programme__nom__00000000-0000-0000-0000-000000000001", open, wantConv},
			} {
				if got := access.FieldEditable(tc.s, st, c.field, c.open); got != c.want {
					t.Errorf("%s, %s, champ %s (ouverts %v) : %v, attendu %v", tc.name, st, c.field, c.open, got, c.want)
				}
			}
		}
	}
}
