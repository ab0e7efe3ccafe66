package programme

import (
	"strings"
	"testing"
)

// every list of the catalogue, for the tests.
var allLists = map[string]List{
	"Financements": Financements, "FinancementsHistoriques": FinancementsHistoriques,
	"FinancementsEDD": FinancementsEDD, "TypologiesLogement": TypologiesLogement,
	"TypologiesLogementForm": TypologiesLogementForm, "TypologiesFoyerResidence": TypologiesFoyerResidence,
	"TypologiesAnnexe": TypologiesAnnexe, "TypologiesStationnement": TypologiesStationnement,
	"Preteurs": Preteurs, "TypesOperation": TypesOperation, "TypesHabitat": TypesHabitat,
	"NaturesLogement": NaturesLogement, "NaturesLogementActives": NaturesLogementActives,
	"Zones123": Zones123, "ZonesABC": ZonesABC, "Types1and2": Types1and2, "AnnexeOptions": AnnexeOptions,
	"AttributionTypesFoyer": AttributionTypesFoyer, "AttributionsAgees": AttributionsAgees,
	"AttributionsHandicapes": AttributionsHandicapes, "AttributionsResidence": AttributionsResidence,
	"AvenantTypes": AvenantTypes,
}

func TestEveryCodeHasALabel(t *testing.T) {
	for name, l := range allLists {
		if len(l) == 0 {
			t.Errorf("%s is empty", name)
		}
		seen := map[string]bool{}
		for _, c := range l {
			if c.Code == "" || strings.TrimSpace(c.Label) == "" {
				t.Errorf("%s: %q has no label", name, c.Code)
			}
			if seen[c.Code] {
				t.Errorf("%s: %q twice", name, c.Code)
			}
			seen[c.Code] = true
			if l.Label(c.Code) != c.Label || !l.Has(c.Code) {
				t.Errorf("%s: lookup of %q", name, c.Code)
			}
		}
	}
	if n := len(TypologiesStationnement); n != 17 {
		t.Errorf("%d stationnement types, want 17", n)
	}
	if n := len(AnnexeOptions); n != 11 {
		t.Errorf("%d annexe options, want 11", n)
	}
}

func TestUnknownCodes(t *testing.T) {
	// A historic code is shown as stored; the empty code has no label.
	if got := Financements.Label("PSH"); got != "PSH" {
		t.Errorf("Label(PSH) = %q", got)
	}
	if got := FinancementsHistoriques.Label("PLUS_DOM"); got != "PLUS_DOM" {
		t.Errorf("historic PLUS_DOM = %q", got)
	}
	if got := Preteurs.Label(""); got != "" {
		t.Errorf("Label(\"\") = %q", got)
	}
	if Preteurs.Has("BANQUE") || Preteurs.Has("") {
		t.Error("Has accepts an unknown code")
	}
	if _, ok := TypologiesAnnexe.CodeOf("Balcon"); ok {
		t.Error("CodeOf accepts an unknown label")
	}
	if c, ok := FinancementsEDD.CodeOf("Sans Financement"); !ok || c != "SANS_FINANCEMENT" {
		t.Errorf("CodeOf(Sans Financement) = %q %v", c, ok)
	}
}

func TestTypologieFromImport(t *testing.T) {
	cases := map[string]string{
		"1": "T1", "1bis": "T1bis", "1 bis": "T1bis", "T1bis": "T1bis", "T1 bis": "T1bis", "T1'": "T1prime",
		"2": "T2", "T3": "T3", "4": "T4", "5": "T5", "5 et plus": "T5", "T5 et plus": "T5",
		"6": "T6", "T6": "T6", "6 et plus": "T6", "T6 et plus": "T6", "7": "T7", " T2 ": "T2",
	}
	for in, want := range cases {
		if got, ok := TypologieFromImport(in); !ok || got != want {
			t.Errorf("TypologieFromImport(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "T8", "studio", "8"} {
		if got, ok := TypologieFromImport(in); ok {
			t.Errorf("TypologieFromImport(%q) = %q, want refusal", in, got)
		}
	}
	if TypologiesLogementForm.Label("T6") != "T6 et plus" || TypologiesLogementForm.Has("T7") {
		t.Error("form typologies: T6 et plus, no T7")
	}
}

func TestFamilies(t *testing.T) {
	for _, f := range []string{"PLS", "PLS_DOM", "PALULOS", "PALU_AV_21", "PALUCOM", "PALU_COM", "PALU_RE"} {
		if !IsPLSLike(f) {
			t.Errorf("%s should be PLS-like", f)
		}
	}
	for _, f := range []string{"PLUS", "PLAI", "SANS_FINANCEMENT", ""} {
		if IsPLSLike(f) {
			t.Errorf("%s should not be PLS-like", f)
		}
	}
	if !HasMixiteOption("PLUS_CD") || HasMixiteOption("PLAI") {
		t.Error("mixité option")
	}
	if !IsOutreMer("974") || IsOutreMer("975") || IsOutreMer("97") {
		t.Error("outre-mer")
	}
	if PreteurNom("CDCL", "") != "Caisse de Dépôts et Consignation pour le logement" || PreteurNom("AUTRE", "Région X") != "Région X" ||
		PreteurNom("AUTRE", "") != "Autre/Subventions" {
		t.Error("PreteurNom")
	}
}

func TestFieldCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields {
		k := f.Object + "__" + f.Name
		if seen[k] {
			t.Errorf("%s twice", k)
		}
		seen[k] = true
		if strings.TrimSpace(f.Label) == "" || strings.Contains(f.Label, "_") || strings.Contains(f.Describe(), "_") {
			t.Errorf("%s: label %q", k, f.Label)
		}
		if ObjectLabel(f.Object) == "" {
			t.Errorf("%s: object without label", k)
		}
	}
	cases := []struct{ nom, champ, want string }{
		{"programme", "nom", "Nom de l'opération"},
		{"logement", "", "Tableau des logements en surface utile avec loyers"},
		{"logement", "uuid", "Tableau des logements en surface utile avec loyers"},
		{"logement", "logements", "Tableau des logements en surface utile avec loyers"},
		{"programme", "ville", "Ville de l'opération"},
		{"lot", "annexe_caves", "Option caves dans les annexes"},
		{"convention", "annee_fin_conventionnement", "Date de fin de la convention"},
		{"inconnu", "champ_bizarre", "Inconnu : champ bizarre"},
		{"", "", "Champ du formulaire"},
		{"__", "", "Champ du formulaire"},
	}
	for _, c := range cases {
		if got := CommentLabel(c.nom, c.champ); got != c.want {
			t.Errorf("CommentLabel(%q, %q) = %q, want %q", c.nom, c.champ, got, c.want)
		}
	}
	if got := FieldLabel(ObjLogementFoyerResidence, "loyer"); got != "Redevance maximale" {
		t.Errorf("foyer loyer label %q", got)
	}
	if got := FieldLabel("programme", "nouveau_champ"); got != "Nouveau champ" {
		t.Errorf("fallback %q", got)
	}
}
