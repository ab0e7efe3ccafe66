package access_test

import (
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

func TestKinds(t *testing.T) {
	u := func(s access.Subject) *access.Subject { s.UserID, s.IsActive = 3, true; return &s }
	r := func(typ, profile, reg, dep string) *access.Role {
		return &access.Role{Typologie: typ, Profile: profile, PerimetreRegion: reg, PerimetreDepartement: dep}
	}
	for _, tc := range []struct {
		name       string
		s          *access.Subject
		kind       access.Kind
		instrSide  bool
		bailSide   bool
		bailleur   bool
		instr      bool
		admin      bool
		partenaire bool
	}{
		{"nil", nil, access.KindAnonymous, false, false, false, false, false, false},
		{"anonyme", &access.Subject{}, access.KindAnonymous, false, false, false, false, false, false},
		{"superuser", u(access.Subject{IsSuperuser: true}), access.KindSuperuser, true, false, false, false, false, false},
		{"superuser avec rôle bailleur", u(access.Subject{IsSuperuser: true, Role: r("BAILLEUR", "", "", "")}), access.KindSuperuser, true, false, true, false, false, false},
		{"staff", u(access.Subject{IsStaff: true}), access.KindStaff, true, false, false, false, false, false},
		{"sans rôle", u(access.Subject{}), access.KindNone, false, false, false, false, false, false},
		{"administrateur national", u(access.Subject{Role: r("ADMINISTRATEUR", "ADM_CENTRALE", "", "")}), access.KindAdministrateurNational, true, false, false, false, true, false},
		{"administrateur régional", u(access.Subject{Role: r("ADMINISTRATEUR", "DIR_REG", "11", "")}), access.KindAdministrateurRegional, true, false, false, false, true, false},
		{"administrateur départemental", u(access.Subject{Role: r("ADMINISTRATEUR", "SER_DEP", "", "13")}), access.KindAdministrateurDepartemental, true, false, false, false, true, false},
		{"département prime sur région", u(access.Subject{Role: r("ADMINISTRATEUR", "", "93", "13")}), access.KindAdministrateurDepartemental, true, false, false, false, true, false},
		{"instructeur", u(access.Subject{Role: r("INSTRUCTEUR", "SER_GEST", "", "")}), access.KindInstructeur, true, false, false, true, false, false},
		{"bailleur", u(access.Subject{Role: r("BAILLEUR", "MO_PERS_MORALE", "", "")}), access.KindBailleur, false, true, true, false, false, false},
		{"bailleur inactif", &access.Subject{UserID: 3, Role: r("BAILLEUR", "", "", "")}, access.KindBailleur, false, false, true, false, false, false},
		{"partenaire", u(access.Subject{Role: r("ADMINISTRATEUR", "PARTENAIRES", "", "")}), access.KindPartenaire, false, false, false, false, false, true},
		{"typologie inconnue", u(access.Subject{Role: r("AUTRE", "", "", "")}), access.KindNone, false, false, false, false, false, false},
		{"CERBERE sans habilitation", &access.Subject{CerbereLogin: "x", IsActive: true}, access.KindNone, false, false, false, false, false, false},
	} {
		s := tc.s
		if got := s.Kind(); got != tc.kind {
			t.Errorf("%s : Kind %s, attendu %s", tc.name, got, tc.kind)
		}
		for _, c := range []struct {
			what      string
			got, want bool
		}{
			{"InstructeurSide", s.InstructeurSide(), tc.instrSide},
			{"BailleurSide", s.BailleurSide(), tc.bailSide},
			{"IsBailleur", s.IsBailleur(), tc.bailleur},
			{"IsInstructeur", s.IsInstructeur(), tc.instr},
			{"IsAdministrateur", s.IsAdministrateur(), tc.admin},
			{"IsPartenaire", s.IsPartenaire(), tc.partenaire},
		} {
			if c.got != c.want {
				t.Errorf("%s : %s = %v, attendu %v", tc.name, c.what, c.got, c.want)
			}
		}
	}
}
