package convention

import (
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

func TestIndicatorsByProfile(t *testing.T) {
	for _, tt := range []struct {
		profile string
		want    string
	}{
		{access.ProfileAdmCentrale, "en cours"},
		{access.ProfileDirReg, "en cours"},
		{access.ProfileSerDep, "en instruction,en correction,à signer"},
		{access.ProfileSerGest, "en instruction,en correction,à signer"},
		{access.ProfileAssHLM, "en instruction,en correction,à signer"},
		{access.ProfileMOPersMorale, "en projet,en correction,à signer"},
		{access.ProfileMOPersPhys, "en projet,en correction,à signer"},
		{access.ProfilePartenaires, ""},
		{"", ""},
	} {
		var labels []string
		for _, d := range indicatorsOf(&access.Subject{Role: &access.Role{Profile: tt.profile}}) {
			labels = append(labels, d.label)
		}
		if got := strings.Join(labels, ","); got != tt.want {
			t.Errorf("%q: %q, want %q", tt.profile, got, tt.want)
		}
	}
	if got := SearchURL([]Statut{Projet, Instruction}); got != "/conventions/recherche?cstatut=1.+Projet&cstatut=2.+Instruction+requise" {
		t.Errorf("SearchURL = %q", got)
	}
}
