package convention

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

func TestConventionNumeroPrefix(t *testing.T) {
	for _, tc := range []struct {
		dept, adm string
		year      int
		want      string
	}{
		{"75", "DD75", 2026, "75.D.26."},
		{"13", "DDTM13", 2025, "13.D.25."},
		{"69", "M69", 2026, "69.M69.26."},
		{"971", "DEAL971", 2009, "971.D.9."}, // year not zero-padded
		{"75", "", 2026, ""},
	} {
		if got := ConventionNumeroPrefix(tc.dept, tc.adm, tc.year); got != tc.want {
			t.Errorf("ConventionNumeroPrefix(%q, %q, %d) = %q, attendu %q", tc.dept, tc.adm, tc.year, got, tc.want)
		}
	}
	if FormatSequence(13) != "0013" || FormatSequence(12345) != "12345" {
		t.Error("FormatSequence")
	}
}

func TestNumeroPourRecherche(t *testing.T) {
	if got := NumeroPourRecherche("75.D.26/00-13 b"); got != "75D260013b" {
		t.Errorf("got %q", got)
	}
}

func TestSignedFileName(t *testing.T) {
	at := time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC) // 10:30 in Paris
	parent := int64(1)
	for _, tc := range []struct {
		c    Convention
		pub  bool
		want string
	}{
		{Convention{Numero: "75.D.26.0001", Statut: ASigner}, false, "convention_75.D.26.0001_2026-03-15_10-30.pdf"},
		{Convention{Numero: "A 12", Statut: Projet}, false, "convention_A_12_projet_2026-03-15_10-30.pdf"},
		{Convention{Statut: ASigner}, false, "convention_NUM_2026-03-15_10-30.pdf"},
		{Convention{ParentID: &parent, ParentNumero: "75/1", Numero: "2", Statut: ASigner}, true, "publication_convention_75_1_avenant_2_2026-03-15_10-30.pdf"},
		{Convention{ParentID: &parent, ParentNumero: "75.1", Statut: ASigner}, false, "convention_75.1_avenant_N_2026-03-15_10-30.pdf"},
	} {
		if got := SignedFileName(&tc.c, at, tc.pub); got != tc.want {
			t.Errorf("SignedFileName = %q, attendu %q", got, tc.want)
		}
	}
	if got := CancelledName("convention_1_2026.pdf", at); got != "convention_1_2026_cancelled_on_20260315-103000.pdf" {
		t.Errorf("CancelledName = %q", got)
	}
	u := uuid.MustParse("0b5e6f3e-1111-4222-8333-444455556666")
	if SignedKey(u, "a.pdf") != "conventions/0b5e6f3e-1111-4222-8333-444455556666/convention_docs/a.pdf" ||
		PublicationKey(u, "p.pdf") != "spf/0b5e6f3e-1111-4222-8333-444455556666/publication/p.pdf" {
		t.Error("clés de stockage")
	}
}

func TestIsEmptyFiles(t *testing.T) {
	for v, want := range map[string]bool{
		"":                                 true,
		`{"files": {}, "text": ""}`:        true,
		`{"files": {}, "text": "  "}`:      true,
		`{"files": {"u": {}}, "text": ""}`: false,
		`{"files": {}, "text": "Arrêté"}`:  false,
		"texte libre":                      false,
	} {
		if got := IsEmptyFiles(v); got != want {
			t.Errorf("IsEmptyFiles(%q) = %v", v, got)
		}
	}
}

func TestCanBePublished(t *testing.T) {
	for _, tc := range []struct {
		nature, bailleur string
		statut           Statut
		want             bool
	}{
		{"AUTRE", "HLM", Signee, true},                // foyer
		{"RHVS", "SEM", Signee, true},                 // RHVS
		{"LOGEMENTSORDINAIRES", "HLM", Signee, false}, // scenario 10
		{"LOGEMENTSORDINAIRES", "Autres bailleurs sociaux non HLM", Signee, true},
		{"RESIDENCEUNIVERSITAIRE", "SEM", PublicationEnCours, true},
		{"HEBERGEMENT", "HLM", Signee, false},
	} {
		c := Convention{NatureLogement: tc.nature, NatureBailleur: tc.bailleur, Statut: tc.statut}
		if got := c.CanBePublished(); got != tc.want {
			t.Errorf("%s/%s/%s : %v", tc.nature, tc.bailleur, tc.statut, got)
		}
	}
}

func TestStatutLabels(t *testing.T) {
	for _, tc := range []struct {
		s    Statut
		a    Audience
		kind string
		want string
	}{
		{Annulee, ForBailleur, "convention", "Annulée en suivi"},
		{Annulee, ForInstructeur, "avenant", "Annulé en suivi"},
		{Signee, ForBailleur, "convention", "Finalisée"},
		{Signee, ForInstructeur, "avenant", "Finalisé"},
		{Signee, ForInstructeur, "dénonciation", "Finalisée"},
		{Instruction, ForInstructeur, "convention", "À instruire"},
		{Instruction, ForBailleur, "convention", "En instruction"},
		{Correction, ForInstructeur, "convention", "En correction"},
		{Correction, ForBailleur, "avenant", "À corriger"},
		{Publie, ForBailleur, "convention", "Publiée"},
	} {
		if got := tc.s.Label(tc.a, Accord(tc.kind)); got != tc.want {
			t.Errorf("%s (%d, %s) : %q, attendu %q", tc.s, tc.a, tc.kind, got, tc.want)
		}
	}
	if AudienceOf(&access.Subject{}) != ForInstructeur {
		t.Error("audience d'un anonyme")
	}
	for _, s := range Statuts {
		if !s.Valid() || len(string(s)) > 25 {
			t.Errorf("statut %q", s)
		}
	}
	if Statut("5. Signé").Valid() {
		t.Error("statut inconnu accepté")
	}
}

func TestFieldsOfType(t *testing.T) {
	if len(FieldsOfType) != 14 {
		t.Errorf("%d types d'avenant, attendu 14", len(FieldsOfType))
	}
}
