package operation

import (
	"fmt"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/siap"
)

func n(v int64) *int64 { return &v }

func TestAddress(t *testing.T) {
	for _, tt := range []struct {
		loc                siap.DonneesLocalisation
		adresse, cp, ville string
	}{
		{siap.DonneesLocalisation{AdresseComplete: &siap.AdresseComplete{Adresse: "Rue Francois Mauriac ", CodePostal: "13010", Commune: "Marseille"}},
			"Rue Francois Mauriac", "13010", "Marseille"},
		{siap.DonneesLocalisation{Adresse: "10 Rue de salon 13010 Marseille"}, "10 Rue de salon", "13010", "Marseille"},
		{siap.DonneesLocalisation{Adresse: "75001 ; 12 rue X, 75002, Paris"}, "75001 ; 12 rue X", "75002", "Paris"},
		{siap.DonneesLocalisation{Adresse: "lieu-dit sans code"}, "lieu-dit sans code", "", ""},
		// Incomplete structured address: the one-line address wins.
		{siap.DonneesLocalisation{Adresse: "1 place 69001 Lyon", AdresseComplete: &siap.AdresseComplete{Adresse: "1 place"}}, "1 place", "69001", "Lyon"},
	} {
		a, cp, v := address(tt.loc)
		if a != tt.adresse || cp != tt.cp || v != tt.ville {
			t.Errorf("%+v: %q %q %q", tt.loc, a, cp, v)
		}
	}
}

func TestFinancements(t *testing.T) {
	detail := func(code string, l *siap.NbLogements) siap.DetailOperation {
		return siap.DetailOperation{Aide: siap.Aide{Code: code}, Logement: l}
	}
	for _, tt := range []struct {
		name string
		op   siap.Operation
		want string
	}{
		{"collective PLUS", siap.Operation{DetailsOperation: []siap.DetailOperation{detail("PLUS", &siap.NbLogements{NbLogementsCollectifs: n(12)})}}, "[{PLUS COLLECTIF 12}]"},
		{"individual and mixed", siap.Operation{DetailsOperation: []siap.DetailOperation{
			detail("PLAI", &siap.NbLogements{NbLogementsIndividuels: n(3)}),
			detail("PLS", &siap.NbLogements{NbLogementsIndividuels: n(2), NbLogementsCollectifs: n(5)})}}, "[{PLAI INDIVIDUEL 3} {PLS MIXTE 7}]"},
		{"PLAI_ADP and unknown aids have no convention", siap.Operation{DetailsOperation: []siap.DetailOperation{
			detail("PLAI_ADP", nil), detail("AIDE_INCONNUE", nil), detail("PLUS", nil), detail("PLUS", nil)}}, "[{PLUS MIXTE 0}]"},
		{"without works", siap.Operation{DonneesOperation: siap.DonneesOperation{SansTravaux: true}}, "[{SANS_FINANCEMENT MIXTE 0}]"},
		{"nothing to convention", siap.Operation{DetailsOperation: []siap.DetailOperation{detail("PLAI_ADP", nil)}}, "[]"},
		{"absurd counts ignored", siap.Operation{DetailsOperation: []siap.DetailOperation{detail("PLUS", &siap.NbLogements{NbLogementsIndividuels: n(-4), NbLogementsCollectifs: n(1 << 40)})}}, "[{PLUS MIXTE 0}]"},
	} {
		if got := fmt.Sprint(financements(tt.op)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNatureLogement(t *testing.T) {
	for _, tt := range []struct {
		d       siap.DonneesOperation
		want    string
		wantErr bool
	}{
		{siap.DonneesOperation{NatureLogement: "LOO"}, "LOGEMENTSORDINAIRES", false},
		{siap.DonneesOperation{NatureLogement: "RESISDENCESOCIALE"}, "RESISDENCESOCIALE", false},
		{siap.DonneesOperation{Typologie: "CHRS"}, "HEBERGEMENT", false},
		{siap.DonneesOperation{Typologie: "RU"}, "RESIDENCEUNIVERSITAIRE", false},
		{siap.DonneesOperation{}, "", true},
		{siap.DonneesOperation{NatureLogement: "XYZ"}, "", true},
	} {
		got, err := natureLogement(tt.d)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%+v: %q %v", tt.d, got, err)
		}
	}
}
