package programme

import (
	"slices"
	"testing"
)

func TestSteps(t *testing.T) {
	lo := contentLO()
	typeI := contentLO()
	typeI.Bailleur.NatureBailleur = "Autres bailleurs sociaux non HLM"
	publie := contentLO()
	publie.Convention.Statut = "7. Publié"
	foyer := contentFoyer()
	residence := contentFoyer()
	residence.Programme.NatureLogement = "PENSIONSDEFAMILLE"
	avenant := contentLO()
	avenant.Convention.ParentID = new(int64)
	cases := []struct {
		name string
		c    *Content
		want []Step
	}{
		{"HLM", lo, []Step{StepBailleur, StepProgramme, StepCadastre, StepFinancement, StepLogements, StepAnnexes, StepStationnements, StepCommentaires}},
		{"type I/II", typeI, []Step{StepBailleur, StepProgramme, StepCadastre, StepEDD, StepFinancement, StepLogements, StepAnnexes, StepStationnements, StepCommentaires}},
		{"publiée", publie, []Step{StepBailleur, StepProgramme, StepCadastre, StepEDD, StepFinancement, StepLogements, StepAnnexes, StepStationnements, StepCommentaires}},
		{"foyer", foyer, []Step{StepBailleur, StepProgramme, StepCadastre, StepEDD, StepFinancement, StepFoyerResidenceLogements, StepCollectif, StepFoyerAttribution, StepVariantes, StepCommentaires}},
		{"résidence", residence, []Step{StepBailleur, StepProgramme, StepCadastre, StepFinancement, StepFoyerResidenceLogements, StepCollectif, StepResidenceAttribution, StepVariantes, StepCommentaires}},
		{"avenant", avenant, []Step{StepBailleur, StepProgramme, StepCadastre, StepEDD, StepFinancement, StepLogements, StepAnnexes, StepStationnements, StepChampLibre, StepCommentaires}},
	}
	for _, tc := range cases {
		if got := Steps(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("%s : %v", tc.name, got)
		}
		for _, s := range tc.want {
			if !s.Valid() || s.Label() == "" || s.AvenantType() == "" || StoredInput(tc.c, s) == nil || StoredInput(tc.c, s).Step() != s {
				t.Errorf("%s : étape %q incomplète", tc.name, s)
			}
		}
	}
	if Next(lo, StepFinancement) != StepLogements || Next(lo, StepCommentaires) != "" || Next(avenant, StepLogements) != StepAnnexes ||
		Next(avenant, StepFinancement) != "" {
		t.Error("Next")
	}
}

func TestAvenantTypeStep(t *testing.T) {
	lo := contentLO()
	lo.Convention.ParentID = new(int64)
	foyer := contentFoyer()
	foyer.Convention.ParentID = new(int64)
	residence := contentFoyer()
	residence.Programme.NatureLogement = "PENSIONSDEFAMILLE"
	residence.Convention.ParentID = new(int64)
	cases := []struct {
		c    *Content
		typ  string
		want Step
	}{
		{lo, "bailleur", StepBailleur}, {lo, "programme", StepProgramme}, {lo, "cadastre", StepCadastre}, {lo, "edd", StepEDD},
		{lo, "duree", StepFinancement}, {lo, "logements", StepLogements}, {lo, "stationnement", StepStationnements},
		{lo, "champ_libre", StepChampLibre}, {lo, "commentaires", StepCommentaires},
		{lo, "variantes", ""}, {lo, "foyer_attribution", ""}, {lo, "denonciation", ""}, {lo, "resiliation", ""}, {lo, "", ""},
		{foyer, "logements", StepFoyerResidenceLogements}, {foyer, "foyer_attribution", StepFoyerAttribution}, {foyer, "variantes", StepVariantes},
		{foyer, "residence_attribution", ""}, {foyer, "stationnement", ""},
		{residence, "residence_attribution", StepResidenceAttribution}, {residence, "logements", StepFoyerResidenceLogements},
	}
	for _, tc := range cases {
		got, ok := AvenantTypeStep(tc.c, tc.typ)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("%s/%s : %q %v, attendu %q", tc.c.Programme.NatureLogement, tc.typ, got, ok, tc.want)
		}
	}
}
